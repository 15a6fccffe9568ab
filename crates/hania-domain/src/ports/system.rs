use time::OffsetDateTime;
use uuid::Uuid;

use crate::api_key::KEY_SECRET_BYTES;

/// The current time. Tests use a fixed clock.
#[cfg_attr(feature = "mock", mockall::automock)]
pub trait Clock: Send + Sync {
    /// Now, in UTC. Implementations MUST return UTC and SHOULD never go
    /// backwards within one process.
    fn now(&self) -> OffsetDateTime;
}

/// Fresh identifiers and secrets. Tests use predictable ones.
#[cfg_attr(feature = "mock", mockall::automock)]
pub trait IdGenerator: Send + Sync {
    /// A new unique id. Implementations MUST NOT repeat an id.
    fn new_id(&self) -> Uuid;

    /// Random bytes for an API key secret. Implementations MUST use a
    /// cryptographically secure source.
    fn key_secret_bytes(&self) -> [u8; KEY_SECRET_BYTES];
}

/// Whether the store can serve requests (for `/readyz`).
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait::async_trait]
pub trait StoreHealth: Send + Sync {
    /// Runs a trivial query.
    ///
    /// # Errors
    /// MUST return `Unavailable` when the store cannot be reached.
    async fn ping(&self) -> Result<(), super::StoreError>;
}

/// Waiting, for the deadlines of agent turns (the domain has no runtime).
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait::async_trait]
pub trait Timer: Send + Sync {
    /// Resolves once `duration` has passed. Implementations MUST NOT block
    /// the thread, and dropping the future MUST cancel the wait.
    async fn sleep(&self, duration: std::time::Duration);
}
