//! [`RateLimiter`] in the store: fixed clock-hour windows shared by every
//! instance on the store.

use std::sync::Arc;

use hania_domain::ports::Storage;
use time::macros::datetime;

pub async fn a_window_admits_exactly_the_limit_then_resets(store: &dyn Storage) {
    let now = datetime!(2026-12-03 10:15 UTC);
    for remaining in [2, 1, 0] {
        let hit = store.hit("key-a", 3, now).await.unwrap();
        assert!(hit.allowed);
        assert_eq!((hit.limit, hit.remaining), (3, remaining));
        assert_eq!(hit.reset_at, datetime!(2026-12-03 11:00 UTC));
    }
    let refused = store.hit("key-a", 3, now).await.unwrap();
    assert_eq!((refused.allowed, refused.remaining), (false, 0));
    assert_eq!(refused.retry_after(now), 45 * 60);
    // Refusals are not counted: a raised limit admits the difference.
    assert!(store.hit("key-a", 4, now).await.unwrap().allowed);
    assert!(!store.hit("key-a", 4, now).await.unwrap().allowed);
    // Buckets are separate; a limit of 0 admits nothing.
    assert!(store.hit("key-b", 1, now).await.unwrap().allowed);
    assert!(!store.hit("key-c", 0, now).await.unwrap().allowed);
    // The next hour is a new window (and the old one is dropped).
    let next = datetime!(2026-12-03 11:00 UTC);
    let fresh = store.hit("key-a", 3, next).await.unwrap();
    assert_eq!((fresh.allowed, fresh.remaining), (true, 2));
    assert_eq!(fresh.reset_at, datetime!(2026-12-03 12:00 UTC));
    // A late request of the past hour counts in a window of its own.
    assert!(store.hit("key-a", 3, now).await.unwrap().allowed);
}

pub async fn concurrent_hits_admit_exactly_the_limit(store: &Arc<dyn Storage>) {
    let now = datetime!(2026-12-03 10:15 UTC);
    let hits = (0..40).map(|_| {
        let store = store.clone();
        tokio::spawn(async move { store.hit("shared", 25, now).await.unwrap() })
    });
    let decisions: Vec<_> = futures::future::join_all(hits)
        .await
        .into_iter()
        .map(|r| r.expect("a hit panicked"))
        .collect();
    let allowed = decisions.iter().filter(|d| d.allowed).count();
    assert_eq!(allowed, 25);
    // Each admitted hit saw its own count: remaining values 24 … 0, once each.
    let mut remaining: Vec<u32> = decisions
        .iter()
        .filter(|d| d.allowed)
        .map(|d| d.remaining)
        .collect();
    remaining.sort_unstable();
    assert_eq!(remaining, (0..25).collect::<Vec<_>>());
}
