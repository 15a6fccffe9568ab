//! `POST /api/v1/chat/send-stream`: the reply as server-sent events.
//!
//! Errors known before the stream starts (auth, validation, 402, 404, 409,
//! 429) are ordinary JSON envelopes. Then: `start`, `delta`s, and `done`
//! or `error`, with a `: keep-alive` comment after every 15 s of silence
//! (see [`crate::chat_stream`] and [`crate::wire::sse`]).

use actix_web::{HttpRequest, HttpResponse, web};
use hania_domain::ids::WorkspaceId;
use hania_domain::services::PreparedTurn;

use super::stream_format::NATIVE;
use crate::chat_stream;
use crate::middleware::auth::Caller;
use crate::middleware::idempotency::{self, Idempotency, Outcome};
use crate::native::dto::chat::{ChatSendInput, ChatSendReply};
use crate::state::AppState;
use crate::wire::dialect::Dialect;
use crate::wire::error::{ApiError, ErrorBody};
use crate::wire::extract::{JsonBytes, parse_json};
use crate::wire::stream_events::{
    StreamDelta, StreamError, StreamStart, StreamToolCall, StreamToolResult,
};

crate::wire::sse_schema::stream_schema!(
    ChatStreamEvent,
    "ChatStream",
    "One event of a chat stream: `start`, `delta`s (answer text), in agent turns `tool_call` and `tool_result`, then `done` or `error`",
    [
        "start" => StreamStart,
        "delta" => StreamDelta<'static>,
        "tool_call" => StreamToolCall<'static>,
        "tool_result" => StreamToolResult<'static>,
        "done" => ChatSendReply,
        "error" => StreamError<'static>,
    ]
);

/// Like `chat/send`, streamed as server-sent events.
#[utoipa::path(post, path = "/api/v1/chat/send-stream", tag = "Chat",
    request_body = ChatSendInput,
    params(("Idempotency-Key" = Option<String>, Header, min_length = 1, max_length = 255, pattern = "^[!-~]+$",
        description = "Replays the first answer (the event transcript) to a retried request (1 to 255 visible ASCII characters)")),
    responses(
        (status = 200, content_type = "text/event-stream", body = ChatStreamEvent,
            description = "`event: start` {conversation_id}, `event: delta` {content} per chunk of answer text; in agent \
                           turns `event: tool_call` {id, name, arguments} when the model asks for a tool and \
                           `event: tool_result` {id, name, ok, duration_ms} when it ended; then `event: done` \
                           {response, conversation_id, timestamp} or `event: error` {code, message}; \
                           `: keep-alive` comments while waiting",
            headers(("X-Conversation-Id" = String, description = "The conversation"))),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 402, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 429, body = ErrorBody),
    ))]
pub async fn send_stream(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
    body: JsonBytes,
) -> HttpResponse {
    let workspace = caller.workspace();
    let run = |replay| async {
        let prepared = prepare(&state, workspace, &body.0).await?;
        let stream = chat_stream::respond(state.clone(), prepared, &NATIVE, replay);
        Ok(Outcome::Stream(stream))
    };
    idempotency::once(
        Idempotency::of(&state),
        &req,
        workspace,
        &body.0,
        Dialect::Native,
        run,
    )
    .await
}

async fn prepare(
    state: &AppState,
    workspace: WorkspaceId,
    body: &[u8],
) -> Result<PreparedTurn, ApiError> {
    let input: ChatSendInput = parse_json(body)?;
    let prepared = state.chat.prepare(workspace, input.into_request()?).await;
    Ok(prepared.inspect_err(|e| state.count_turn("native", Some(e)))?)
}
