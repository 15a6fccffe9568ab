use async_trait::async_trait;
use time::OffsetDateTime;

use super::StoreError;

/// Secrets the server keeps for itself (e.g. the key that signs widget
/// visitor tokens), shared by every instance on the store.
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait ServerSecretStore: Send + Sync {
    /// The secret named `name`: the stored one, or else `candidate`, which
    /// is then stored. MUST be atomic (insert-if-absent, then read), so
    /// that instances starting together all end up with the same secret.
    ///
    /// # Errors
    /// Only on storage failure.
    async fn server_secret(
        &self,
        name: &str,
        candidate: &str,
        at: OffsetDateTime,
    ) -> Result<String, StoreError>;
}
