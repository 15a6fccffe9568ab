//! The `X-RateLimit-*` headers of every authenticated response.

use actix_web::http::header::{HeaderMap, HeaderName, HeaderValue};
use hania_domain::ports::RateDecision;

/// Adds `X-RateLimit-Limit`, `-Remaining` and `-Reset` (UTC epoch seconds)
/// of a decision.
pub(crate) fn add_rate_headers(headers: &mut HeaderMap, decision: &RateDecision) {
    let pairs = [
        ("x-ratelimit-limit", decision.limit.to_string()),
        ("x-ratelimit-remaining", decision.remaining.to_string()),
        (
            "x-ratelimit-reset",
            decision.reset_at.unix_timestamp().to_string(),
        ),
    ];
    for (name, value) in pairs {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(HeaderName::from_static(name), value);
        }
    }
}
