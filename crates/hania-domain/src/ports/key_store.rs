use async_trait::async_trait;
use time::OffsetDateTime;

use super::StoreError;
use crate::api_key::{ApiKey, KeyFamily, KeyHash};
use crate::ids::{ApiKeyId, WorkspaceId};

/// API keys (account and widget).
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait ApiKeyStore: Send + Sync {
    /// Stores a new key.
    ///
    /// # Errors
    /// MUST return `Conflict` if the id or the hash exists; `NotFound` if a
    /// widget key's bot is not in the key's workspace.
    async fn create_key(&self, key: &ApiKey) -> Result<(), StoreError>;

    /// Finds a key by the hash of its secret, in any workspace (this is how
    /// a request is authenticated). Revoked and expired keys are returned
    /// too: the caller decides.
    ///
    /// # Errors
    /// Only on storage failure; an unknown hash is `Ok(None)`. MUST be
    /// served by an index on the hash.
    async fn find_key_by_hash(&self, hash: &KeyHash) -> Result<Option<ApiKey>, StoreError>;

    /// Loads one key of a workspace.
    ///
    /// # Errors
    /// MUST return `NotFound` for an unknown id or another workspace's key.
    async fn get_key(&self, workspace: WorkspaceId, id: ApiKeyId) -> Result<ApiKey, StoreError>;

    /// Lists a workspace's keys of one family, oldest first.
    ///
    /// # Errors
    /// Only on storage failure.
    async fn list_keys(
        &self,
        workspace: WorkspaceId,
        family: KeyFamily,
    ) -> Result<Vec<ApiKey>, StoreError>;

    /// Replaces a key's mutable fields (name, widget settings, rate limit,
    /// expiry). The hash, prefix, family and creation time never change.
    ///
    /// # Errors
    /// MUST return `NotFound` if the key is not in `key.workspace_id`.
    async fn update_key(&self, key: &ApiKey) -> Result<(), StoreError>;

    /// Revokes a key at once. Revoking a revoked key keeps the first time.
    ///
    /// # Errors
    /// MUST return `NotFound` for an unknown id or another workspace's key.
    async fn revoke_key(
        &self,
        workspace: WorkspaceId,
        id: ApiKeyId,
        at: OffsetDateTime,
    ) -> Result<(), StoreError>;
}
