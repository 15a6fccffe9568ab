//! The native stream format of chat turns and bot drafting.

use hania_domain::ports::TurnEvent;
use serde_json::json;

use super::dto::chat::ChatSendReply;
use crate::chat_stream::StreamFormat;
use crate::wire::sse;

/// The native format: `start`, `delta`s (with `tool_call` and
/// `tool_result` events in agent turns), then `done` or `error` events.
pub(crate) const NATIVE: StreamFormat = StreamFormat {
    dialect: "native",
    start: sse::native_start,
    delta: sse::native_delta,
    tool_event: |event| match event {
        TurnEvent::ToolCall(call) => Some(sse::event(
            "tool_call",
            &json!({"id": call.id, "name": call.name, "arguments": call.arguments}),
        )),
        TurnEvent::ToolResult {
            id,
            name,
            ok,
            duration_ms,
        } => Some(sse::event(
            "tool_result",
            &json!({"id": id, "name": name, "ok": ok, "duration_ms": duration_ms}),
        )),
        TurnEvent::Delta(_) => None,
    },
    done: |reply| {
        sse::event(
            "done",
            &serde_json::to_value(ChatSendReply::from(reply)).unwrap_or_default(),
        )
    },
    error: sse::native_error,
};
