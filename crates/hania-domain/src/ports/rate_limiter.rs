use async_trait::async_trait;
use time::OffsetDateTime;

/// The outcome of counting one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateDecision {
    /// Whether the request may proceed.
    pub allowed: bool,
    /// Requests allowed per window (`X-RateLimit-Limit`).
    pub limit: u32,
    /// Requests left in this window after this one (`X-RateLimit-Remaining`).
    pub remaining: u32,
    /// When the window resets (`X-RateLimit-Reset`, epoch seconds).
    pub reset_at: OffsetDateTime,
}

impl RateDecision {
    /// Seconds from `now` until the reset, at least 1 (`Retry-After`).
    pub fn retry_after(&self, now: OffsetDateTime) -> u64 {
        u64::try_from((self.reset_at - now).whole_seconds())
            .unwrap_or(0)
            .max(1)
    }
}

/// Per-key hourly request limits.
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait RateLimiter: Send + Sync {
    /// Counts one request of `key` against `limit_per_hour` at `now` and
    /// says whether it is allowed. Implementations MUST count atomically
    /// (concurrent requests never exceed the limit) and, when several
    /// server instances share the limit, MUST count in a store they share.
    /// Refused requests are not counted.
    async fn hit(&self, key: &str, limit_per_hour: u32, now: OffsetDateTime) -> RateDecision;
}
