//! Middleware, the layer above the wire formats: account-key
//! authentication and rate limiting per dialect, the per-route ability
//! check, `X-RateLimit-*` headers, `Idempotency-Key` replays and request
//! ids. It may import `wire` and `state`, nothing above.

pub(crate) mod ability;
pub(crate) mod access;
pub(crate) mod auth;
pub(crate) mod idempotency;
pub(crate) mod no_query;
pub(crate) mod rate_headers;
pub(crate) mod request_id;
pub(crate) mod widget_auth;
