use async_trait::async_trait;
use time::OffsetDateTime;

use super::StoreError;

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
    /// The request at `now` is admitted as the `used`-th of its window.
    pub fn admitted(limit: u32, used: u32, now: OffsetDateTime) -> Self {
        Self {
            allowed: true,
            limit,
            remaining: limit.saturating_sub(used),
            reset_at: rate_window(now).1,
        }
    }

    /// The request at `now` is refused: its window is used up.
    pub fn refused(limit: u32, now: OffsetDateTime) -> Self {
        Self {
            allowed: false,
            limit,
            remaining: 0,
            reset_at: rate_window(now).1,
        }
    }

    /// Seconds from `now` until the reset, at least 1 (`Retry-After`).
    pub fn retry_after(&self, now: OffsetDateTime) -> u64 {
        u64::try_from((self.reset_at - now).whole_seconds())
            .unwrap_or(0)
            .max(1)
    }
}

/// The length of a rate-limit window: limits are per clock hour.
pub const RATE_WINDOW_SECONDS: i64 = 3_600;

/// The window `now` falls in, as its start (epoch seconds), and when it
/// resets.
pub fn rate_window(now: OffsetDateTime) -> (i64, OffsetDateTime) {
    let start = now.unix_timestamp().div_euclid(RATE_WINDOW_SECONDS) * RATE_WINDOW_SECONDS;
    let reset_at =
        OffsetDateTime::UNIX_EPOCH + time::Duration::seconds(start + RATE_WINDOW_SECONDS);
    (start, reset_at)
}

/// Per-key hourly request limits, in fixed windows aligned to the clock
/// hour ([`rate_window`]).
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait RateLimiter: Send + Sync {
    /// Counts one request of `key` against `limit_per_hour` at `now` and
    /// says whether it is allowed. Implementations MUST count atomically
    /// (concurrent requests never exceed the limit, a limit of 0 allows
    /// none) and, when several server instances share the limit, MUST
    /// count in a store they share, so that together they allow exactly
    /// the limit. Refused requests are not counted.
    ///
    /// # Errors
    /// `StoreError::Unavailable` when the shared store cannot be reached;
    /// the request is then refused (503), never let through uncounted.
    async fn hit(
        &self,
        key: &str,
        limit_per_hour: u32,
        now: OffsetDateTime,
    ) -> Result<RateDecision, StoreError>;
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    #[test]
    fn decisions_carry_the_window_reset_and_what_is_left() {
        let now = datetime!(2026-12-03 10:15:30 UTC);
        assert_eq!(
            rate_window(now),
            (now.unix_timestamp() - 930, datetime!(2026-12-03 11:00 UTC))
        );
        let admitted = RateDecision::admitted(5, 2, now);
        assert_eq!(
            (admitted.allowed, admitted.limit, admitted.remaining),
            (true, 5, 3)
        );
        assert_eq!(admitted.reset_at, datetime!(2026-12-03 11:00 UTC));
        let refused = RateDecision::refused(5, now);
        assert_eq!((refused.allowed, refused.remaining), (false, 0));
        assert_eq!(refused.retry_after(now), 44 * 60 + 30);
        assert_eq!(RateDecision::admitted(1, 3, now).remaining, 0);
    }
}
