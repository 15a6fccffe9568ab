use async_trait::async_trait;
use time::OffsetDateTime;

use super::StoreError;
use crate::ids::WorkspaceId;

/// What claiming an idempotency key found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdempotencyClaim {
    /// The key is new (or expired): the caller runs the request and then
    /// completes the key.
    Claimed,
    /// The request already ran: answer exactly this again.
    Replay {
        /// HTTP status of the first answer.
        status: u16,
        /// Its content type.
        content_type: String,
        /// Its body.
        body: String,
    },
    /// The first request with this key is still running.
    InProgress,
    /// The key was used with a different request.
    Mismatch,
}

/// Idempotency keys of the chat endpoints, shared by every instance.
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait IdempotencyStore: Send + Sync {
    /// Claims `key` of `workspace` for a request fingerprinted
    /// `fingerprint`. A record created before `expired_before` counts as
    /// absent. Implementations MUST make the claim atomic: of concurrent
    /// claims of one key, exactly one is `Claimed`.
    ///
    /// # Errors
    /// Only on storage failure.
    async fn claim_idempotency_key(
        &self,
        workspace: WorkspaceId,
        key: &str,
        fingerprint: &str,
        now: OffsetDateTime,
        expired_before: OffsetDateTime,
    ) -> Result<IdempotencyClaim, StoreError>;

    /// Stores the answer of a claimed key.
    ///
    /// # Errors
    /// MUST return `NotFound` if the key was not claimed.
    async fn complete_idempotency_key(
        &self,
        workspace: WorkspaceId,
        key: &str,
        status: u16,
        content_type: &str,
        body: &str,
    ) -> Result<(), StoreError>;
}
