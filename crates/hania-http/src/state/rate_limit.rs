//! In-memory [`RateLimiter`] for a single instance: fixed windows aligned to
//! the clock hour, counted under a mutex.

use std::collections::HashMap;
use std::sync::Mutex;

use async_trait::async_trait;
use hania_domain::ports::{RateDecision, RateLimiter, StoreError, rate_window};
use time::OffsetDateTime;

/// Counts requests per key per clock hour in this process.
#[derive(Default)]
pub struct InMemoryRateLimiter {
    windows: Mutex<HashMap<String, (i64, u32)>>,
}

#[async_trait]
impl RateLimiter for InMemoryRateLimiter {
    async fn hit(
        &self,
        key: &str,
        limit_per_hour: u32,
        now: OffsetDateTime,
    ) -> Result<RateDecision, StoreError> {
        let (window, _) = rate_window(now);
        let mut windows = self
            .windows
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if windows.len() > 100_000 {
            windows.retain(|_, (w, _)| *w == window);
        }
        let entry = windows.entry(key.to_owned()).or_insert((window, 0));
        if entry.0 != window {
            *entry = (window, 0);
        }
        if entry.1 < limit_per_hour {
            entry.1 += 1;
            Ok(RateDecision::admitted(limit_per_hour, entry.1, now))
        } else {
            Ok(RateDecision::refused(limit_per_hour, now))
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Test code: a failure should panic.
mod tests {
    use time::macros::datetime;

    use super::*;

    #[tokio::test]
    async fn a_window_allows_the_limit_then_resets_on_the_hour() {
        let limiter = InMemoryRateLimiter::default();
        let now = datetime!(2026-11-21 10:15 UTC);
        let first = limiter.hit("k", 2, now).await.unwrap();
        assert_eq!((first.allowed, first.remaining), (true, 1));
        assert_eq!(first.reset_at, datetime!(2026-11-21 11:00 UTC));
        assert!(limiter.hit("k", 2, now).await.unwrap().allowed);
        let refused = limiter.hit("k", 2, now).await.unwrap();
        assert_eq!((refused.allowed, refused.remaining), (false, 0));
        assert_eq!(refused.retry_after(now), 45 * 60);
        assert!(limiter.hit("other", 2, now).await.unwrap().allowed);
        assert!(
            limiter
                .hit("k", 2, datetime!(2026-11-21 11:00 UTC))
                .await
                .unwrap()
                .allowed
        );
    }
}
