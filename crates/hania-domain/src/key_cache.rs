//! A short-lived cache of keys found by hash, in front of the key store:
//! every authenticated request looks its key up, and most present a key
//! seen a moment ago.
//!
//! What it keeps: a key read within the last `ttl`. What it promises: a
//! key changed or revoked through this cache (this instance) is never
//! served stale, not even by a lookup that was already reading the old
//! row when the change landed; a change made elsewhere (another instance,
//! or the store directly) is seen within `ttl`. Unknown hashes are never
//! cached (a client guessing keys cannot fill it), and expiry needs no
//! cache rule: callers check it on every use.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use async_trait::async_trait;
use time::{Duration, OffsetDateTime};

use crate::api_key::{ApiKey, KeyFamily, KeyHash};
use crate::ids::{ApiKeyId, WorkspaceId};
use crate::ports::{ApiKeyStore, Clock, StoreError};

/// Most keys kept; past it the expired ones go, then all.
const MAX_ENTRIES: usize = 10_000;

#[derive(Default)]
struct Entries {
    /// Each key and when it was read.
    keys: HashMap<KeyHash, (ApiKey, OffsetDateTime)>,
    /// Bumped by every change: a lookup that started before one does not
    /// store what it read.
    generation: u64,
}

/// An [`ApiKeyStore`] that serves [`ApiKeyStore::find_key_by_hash`] from
/// memory for `ttl` and forgets everything on any change it carries.
pub struct CachedKeyStore {
    inner: Arc<dyn ApiKeyStore>,
    clock: Arc<dyn Clock>,
    ttl: Duration,
    entries: Mutex<Entries>,
}

impl CachedKeyStore {
    /// Caches `inner`'s lookups for `ttl` (zero: no caching).
    pub fn new(inner: Arc<dyn ApiKeyStore>, clock: Arc<dyn Clock>, ttl: Duration) -> Self {
        Self {
            inner,
            clock,
            ttl,
            entries: Mutex::default(),
        }
    }

    fn entries(&self) -> std::sync::MutexGuard<'_, Entries> {
        // The map is valid whatever a panicking holder did to it.
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn forget_all(&self) {
        let mut entries = self.entries();
        entries.keys.clear();
        entries.generation += 1;
    }
}

#[async_trait]
impl ApiKeyStore for CachedKeyStore {
    async fn create_key(&self, key: &ApiKey) -> Result<(), StoreError> {
        // Nothing to forget: unknown hashes are never cached.
        self.inner.create_key(key).await
    }

    async fn find_key_by_hash(&self, hash: &KeyHash) -> Result<Option<ApiKey>, StoreError> {
        if self.ttl <= Duration::ZERO {
            return self.inner.find_key_by_hash(hash).await;
        }
        let now = self.clock.now();
        let generation = {
            let entries = self.entries();
            if let Some((key, read_at)) = entries.keys.get(hash)
                && now - *read_at < self.ttl
            {
                return Ok(Some(key.clone()));
            }
            entries.generation
        };
        let found = self.inner.find_key_by_hash(hash).await?;
        if let Some(key) = &found {
            let mut entries = self.entries();
            if entries.generation == generation {
                if entries.keys.len() >= MAX_ENTRIES {
                    let ttl = self.ttl;
                    entries.keys.retain(|_, (_, read_at)| now - *read_at < ttl);
                    if entries.keys.len() >= MAX_ENTRIES {
                        entries.keys.clear();
                    }
                }
                entries.keys.insert(*hash, (key.clone(), now));
            }
        }
        Ok(found)
    }

    async fn get_key(&self, workspace: WorkspaceId, id: ApiKeyId) -> Result<ApiKey, StoreError> {
        self.inner.get_key(workspace, id).await
    }

    async fn list_keys(
        &self,
        workspace: WorkspaceId,
        family: KeyFamily,
    ) -> Result<Vec<ApiKey>, StoreError> {
        self.inner.list_keys(workspace, family).await
    }

    async fn update_key(&self, key: &ApiKey) -> Result<(), StoreError> {
        let result = self.inner.update_key(key).await;
        // After the change: a lookup that read the old row before it and
        // stores later finds the generation moved and stores nothing.
        self.forget_all();
        result
    }

    async fn revoke_key(
        &self,
        workspace: WorkspaceId,
        id: ApiKeyId,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let result = self.inner.revoke_key(workspace, id, at).await;
        self.forget_all();
        result
    }
}

#[cfg(test)]
#[path = "key_cache_tests.rs"]
mod tests;
