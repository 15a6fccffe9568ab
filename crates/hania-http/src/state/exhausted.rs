//! [`SkipExhausted`]: a shared [`RateLimiter`] (the database's) fronted by
//! this instance's memory of the windows it saw used up. Within a window a
//! bucket's count only grows and refusals are not counted, so once the
//! shared limiter refused a bucket at a limit, every later hit of that
//! bucket, window and limit is refused too: answered here without a
//! database round trip, with the same exact headers (0 remaining, the
//! window's reset). A raised limit, or the next window, asks the shared
//! limiter again. Nothing is ever admitted that the shared count did not
//! admit.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use async_trait::async_trait;
use hania_domain::ports::{RateDecision, RateLimiter, StoreError, rate_window};
use time::OffsetDateTime;

/// Buckets remembered before the memory is swept of past windows.
const SWEEP_AT: usize = 100_000;

/// A shared limiter that does not ask again about a window it saw used up.
pub struct SkipExhausted {
    shared: Arc<dyn RateLimiter>,
    /// Bucket → (window start, limit) that the shared limiter refused.
    exhausted: Mutex<HashMap<String, (i64, u32)>>,
}

impl SkipExhausted {
    /// Fronts `shared`.
    pub fn new(shared: Arc<dyn RateLimiter>) -> Self {
        Self {
            shared,
            exhausted: Mutex::new(HashMap::new()),
        }
    }
}

#[async_trait]
impl RateLimiter for SkipExhausted {
    async fn hit(
        &self,
        key: &str,
        limit_per_hour: u32,
        now: OffsetDateTime,
    ) -> Result<RateDecision, StoreError> {
        let (window, _) = rate_window(now);
        let known = {
            let exhausted = self
                .exhausted
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            exhausted.get(key) == Some(&(window, limit_per_hour))
        };
        if known {
            return Ok(RateDecision::refused(limit_per_hour, now));
        }
        let decision = self.shared.hit(key, limit_per_hour, now).await?;
        if !decision.allowed {
            let mut exhausted = self
                .exhausted
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            if exhausted.len() >= SWEEP_AT {
                exhausted.retain(|_, (w, _)| *w == window);
            }
            exhausted.insert(key.to_owned(), (window, limit_per_hour));
        }
        Ok(decision)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Test code: a failure should panic.
mod tests {
    use time::macros::datetime;

    use super::*;
    use crate::state::InMemoryRateLimiter;

    /// Counts the hits that reach the shared limiter.
    #[derive(Default)]
    struct Counting {
        inner: InMemoryRateLimiter,
        asked: Mutex<u32>,
    }

    #[async_trait]
    impl RateLimiter for Counting {
        async fn hit(
            &self,
            key: &str,
            limit: u32,
            now: OffsetDateTime,
        ) -> Result<RateDecision, StoreError> {
            *self.asked.lock().unwrap() += 1;
            self.inner.hit(key, limit, now).await
        }
    }

    #[tokio::test]
    async fn a_used_up_window_is_refused_here_until_the_limit_or_window_changes() {
        let shared = Arc::new(Counting::default());
        let limiter = SkipExhausted::new(shared.clone());
        let now = datetime!(2026-12-03 10:15 UTC);
        assert!(limiter.hit("k", 2, now).await.unwrap().allowed);
        assert!(limiter.hit("k", 2, now).await.unwrap().allowed);
        let refused = limiter.hit("k", 2, now).await.unwrap();
        assert_eq!((refused.allowed, refused.remaining), (false, 0));
        assert_eq!(*shared.asked.lock().unwrap(), 3);
        // Later hits of the used-up window are answered here, identically.
        for _ in 0..10 {
            assert_eq!(limiter.hit("k", 2, now).await.unwrap(), refused);
        }
        assert_eq!(*shared.asked.lock().unwrap(), 3);
        // Another bucket, a raised limit, the next window: asked again.
        assert!(limiter.hit("other", 2, now).await.unwrap().allowed);
        assert!(limiter.hit("k", 3, now).await.unwrap().allowed);
        let next = datetime!(2026-12-03 11:00 UTC);
        assert!(limiter.hit("k", 3, next).await.unwrap().allowed);
        assert_eq!(*shared.asked.lock().unwrap(), 6);
    }
}
