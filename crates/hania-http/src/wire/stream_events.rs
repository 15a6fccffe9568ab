//! The data of each server-sent event, as sent and as documented: one
//! struct per payload, serialized into the event's `data:` line (see
//! [`super::sse`]) and named in the stream's schema (see
//! [`super::sse_schema`]).

use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::slug_error::SlugErrorDetail;

/// `event: start`: the turn's conversation, known before any text.
#[derive(Debug, Serialize, ToSchema)]
pub struct StreamStart {
    /// Pass it back to continue the thread.
    pub conversation_id: Uuid,
}

/// `event: delta`: the next piece of answer text.
#[derive(Debug, Serialize, ToSchema)]
pub struct StreamDelta<'a> {
    /// Text to append to what came before.
    pub content: &'a str,
}

/// `event: tool_call`: the model asked for a tool; it runs next.
#[derive(Debug, Serialize, ToSchema)]
pub struct StreamToolCall<'a> {
    /// The call's id (its `tool_result` carries the same).
    pub id: &'a str,
    /// The tool's name.
    pub name: &'a str,
    /// The arguments the model wrote, as JSON text.
    pub arguments: &'a str,
}

/// `event: tool_result`: a tool call ended.
#[derive(Debug, Serialize, ToSchema)]
pub struct StreamToolResult<'a> {
    /// The call's id.
    pub id: &'a str,
    /// The tool's name.
    pub name: &'a str,
    /// Whether the tool succeeded (its output is in the trace).
    pub ok: bool,
    /// How long it took, in milliseconds.
    pub duration_ms: u64,
}

/// `event: error`: the stream ends without an answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct StreamError<'a> {
    /// The error code, as in the JSON error envelope.
    pub code: &'a str,
    /// For humans.
    pub message: &'a str,
}

/// `event: progress`: what bot drafting is doing now.
#[derive(Debug, Serialize, ToSchema)]
pub struct DiscoverProgress<'a> {
    /// `drafting`, then `checking`.
    pub stage: &'a str,
    /// For humans.
    pub message: &'a str,
}

/// A slug-dialect `data: {"chunk": …}` line: the next piece of answer text.
#[derive(Debug, Serialize, ToSchema)]
pub struct SlugChunk<'a> {
    /// Text to append to what came before.
    pub chunk: &'a str,
}

/// A slug-dialect `data: {"error": …}` line, sent before `[DONE]` when
/// the turn failed.
#[derive(Debug, Serialize, ToSchema)]
pub struct SlugFailure {
    /// What went wrong.
    pub error: SlugErrorDetail,
}
