//! The native stream format of chat turns and bot drafting.

use serde_json::json;

use super::dto::chat::ChatSendReply;
use crate::chat_stream::StreamFormat;
use crate::wire::sse;

/// The native format: `start`, `delta`s, then `done` or `error` events.
pub(crate) const NATIVE: StreamFormat = StreamFormat {
    start: |conversation_id| {
        Some(sse::event(
            "start",
            &json!({ "conversation_id": conversation_id }),
        ))
    },
    delta: sse::native_delta,
    done: |reply| {
        sse::event(
            "done",
            &serde_json::to_value(ChatSendReply::from(reply)).unwrap_or_default(),
        )
    },
    error: |error| {
        let (_, code) = error.status_and_code();
        sse::event(
            "error",
            &json!({"code": code, "message": error.to_string()}),
        )
    },
};
