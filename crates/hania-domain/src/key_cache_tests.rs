use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};

use tokio::sync::Notify;

use super::*;
use crate::api_key::{KEY_SECRET_BYTES, KeySecret};
use crate::ports::{MockApiKeyStore, MockClock};
use crate::services::test_support::{NOW, stored_key};

const TTL: Duration = Duration::seconds(5);

/// A clock the test moves: NOW plus `offset` milliseconds.
fn movable_clock() -> (Arc<MockClock>, Arc<AtomicI64>) {
    let offset = Arc::new(AtomicI64::new(0));
    let read = offset.clone();
    let mut clock = MockClock::new();
    clock
        .expect_now()
        .returning(move || NOW + Duration::milliseconds(read.load(Ordering::SeqCst)));
    (Arc::new(clock), offset)
}

fn key() -> ApiKey {
    stored_key(&KeySecret::from_random(
        KeyFamily::Account,
        [3; KEY_SECRET_BYTES],
    ))
}

fn store_finding(found: Option<ApiKey>, times: usize) -> MockApiKeyStore {
    let mut store = MockApiKeyStore::new();
    store
        .expect_find_key_by_hash()
        .times(times)
        .returning(move |_| Ok(found.clone()));
    store
}

#[tokio::test]
async fn a_found_key_is_served_from_memory_until_the_ttl_passes() {
    let key = key();
    let (clock, offset) = movable_clock();
    let cache = CachedKeyStore::new(Arc::new(store_finding(Some(key.clone()), 2)), clock, TTL);
    for _ in 0..3 {
        assert_eq!(
            cache.find_key_by_hash(&key.hash).await.unwrap(),
            Some(key.clone())
        );
    }
    offset.store(4_999, Ordering::SeqCst);
    assert!(cache.find_key_by_hash(&key.hash).await.unwrap().is_some());
    offset.store(5_000, Ordering::SeqCst);
    // Read again (the second of the two store lookups allowed).
    assert!(cache.find_key_by_hash(&key.hash).await.unwrap().is_some());
}

#[tokio::test]
async fn unknown_hashes_are_never_cached() {
    let (clock, _) = movable_clock();
    let cache = CachedKeyStore::new(Arc::new(store_finding(None, 3)), clock, TTL);
    for _ in 0..3 {
        assert_eq!(cache.find_key_by_hash(&key().hash).await.unwrap(), None);
    }
}

#[tokio::test]
async fn a_zero_ttl_caches_nothing() {
    let (clock, _) = movable_clock();
    let store = store_finding(Some(key()), 2);
    let cache = CachedKeyStore::new(Arc::new(store), clock, Duration::ZERO);
    cache.find_key_by_hash(&key().hash).await.unwrap();
    cache.find_key_by_hash(&key().hash).await.unwrap();
}

#[tokio::test]
async fn a_revocation_or_update_through_the_cache_is_seen_at_once() {
    let key = key();
    let (clock, _) = movable_clock();
    let mut store = store_finding(Some(key.clone()), 3);
    store
        .expect_revoke_key()
        .times(1)
        .returning(|_, _, _| Ok(()));
    store.expect_update_key().times(1).returning(|_| Ok(()));
    let cache = CachedKeyStore::new(Arc::new(store), clock, TTL);
    cache.find_key_by_hash(&key.hash).await.unwrap();
    cache
        .revoke_key(key.workspace_id, key.id, NOW)
        .await
        .unwrap();
    cache.find_key_by_hash(&key.hash).await.unwrap();
    cache.update_key(&key).await.unwrap();
    cache.find_key_by_hash(&key.hash).await.unwrap();
}

/// A store whose lookups wait for a signal, so a change can land while
/// one is in flight.
struct SlowStore {
    key: ApiKey,
    lookups: AtomicUsize,
    release: Notify,
}

#[async_trait]
impl ApiKeyStore for SlowStore {
    async fn create_key(&self, _: &ApiKey) -> Result<(), StoreError> {
        Ok(())
    }
    async fn find_key_by_hash(&self, _: &KeyHash) -> Result<Option<ApiKey>, StoreError> {
        if self.lookups.fetch_add(1, Ordering::SeqCst) == 0 {
            self.release.notified().await;
        }
        Ok(Some(self.key.clone()))
    }
    async fn get_key(&self, _: WorkspaceId, _: ApiKeyId) -> Result<ApiKey, StoreError> {
        Ok(self.key.clone())
    }
    async fn list_keys(&self, _: WorkspaceId, _: KeyFamily) -> Result<Vec<ApiKey>, StoreError> {
        Ok(Vec::new())
    }
    async fn update_key(&self, _: &ApiKey) -> Result<(), StoreError> {
        Ok(())
    }
    async fn revoke_key(
        &self,
        _: WorkspaceId,
        _: ApiKeyId,
        _: OffsetDateTime,
    ) -> Result<(), StoreError> {
        Ok(())
    }
}

#[tokio::test]
async fn a_lookup_in_flight_during_a_revocation_does_not_keep_the_old_key() {
    let key = key();
    let (clock, _) = movable_clock();
    let store = Arc::new(SlowStore {
        key: key.clone(),
        lookups: AtomicUsize::new(0),
        release: Notify::new(),
    });
    let cache = Arc::new(CachedKeyStore::new(store.clone(), clock, TTL));
    let in_flight = tokio::spawn({
        let (cache, hash) = (cache.clone(), key.hash);
        async move { cache.find_key_by_hash(&hash).await }
    });
    while store.lookups.load(Ordering::SeqCst) == 0 {
        tokio::task::yield_now().await;
    }
    cache
        .revoke_key(key.workspace_id, key.id, NOW)
        .await
        .unwrap();
    store.release.notify_one();
    in_flight.await.unwrap().unwrap();
    cache.find_key_by_hash(&key.hash).await.unwrap();
    assert_eq!(
        store.lookups.load(Ordering::SeqCst),
        2,
        "the old read was not kept"
    );
}
