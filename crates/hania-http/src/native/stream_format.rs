//! The native stream format of chat turns and bot drafting.

use hania_domain::ports::TurnEvent;

use super::dto::chat::ChatSendReply;
use crate::chat_stream::StreamFormat;
use crate::wire::sse;
use crate::wire::stream_events::{StreamToolCall, StreamToolResult};

/// The native format: `start`, `delta`s (with `tool_call` and
/// `tool_result` events in agent turns), then `done` or `error` events.
pub(crate) const NATIVE: StreamFormat = StreamFormat {
    dialect: "native",
    start: sse::native_start,
    delta: sse::native_delta,
    tool_event: |event| match event {
        TurnEvent::ToolCall(call) => Some(sse::event(
            "tool_call",
            &StreamToolCall {
                id: &call.id,
                name: &call.name,
                arguments: &call.arguments,
            },
        )),
        TurnEvent::ToolResult {
            id,
            name,
            ok,
            duration_ms,
        } => Some(sse::event(
            "tool_result",
            &StreamToolResult {
                id,
                name,
                ok: *ok,
                duration_ms: *duration_ms,
            },
        )),
        TurnEvent::Delta(_) => None,
    },
    done: |reply| sse::event("done", &ChatSendReply::from(reply)),
    error: sse::native_error,
};
