//! Wire formats, the lowest layer: what requests and responses look like
//! on the network. The error table and every dialect's error shape, the
//! native envelope, server-sent event framing, where each dialect carries
//! its key, and extractors that turn bad input into 4xx errors. Nothing
//! here knows the application state or a handler.

pub(crate) mod dialect;
pub(crate) mod envelope;
pub(crate) mod error;
pub(crate) mod extract;
pub(crate) mod hansei_error;
pub(crate) mod slug_error;
pub(crate) mod sse;
pub(crate) mod sse_schema;
pub(crate) mod stream_events;

/// `at` without its fraction of a second, as answers show timestamps.
pub(crate) fn whole_seconds(at: time::OffsetDateTime) -> time::OffsetDateTime {
    at.replace_nanosecond(0).unwrap_or(at)
}
