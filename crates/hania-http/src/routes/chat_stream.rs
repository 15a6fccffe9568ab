//! `POST /api/v1/chat/send-stream`: the reply as server-sent events.
//!
//! Errors known before the stream starts (auth, validation, 402, 404, 409,
//! 429) are ordinary JSON envelopes. Then: `start`, `delta`s, and `done`
//! or `error`, with a `: keep-alive` comment after every 15 s of silence
//! (see [`crate::turn_stream`] and [`crate::sse`]).

use actix_web::{HttpRequest, HttpResponse, ResponseError, web};
use hania_domain::ability::Ability;
use hania_domain::ids::WorkspaceId;
use hania_domain::services::PreparedTurn;

use crate::auth::Caller;
use crate::dialects::Dialect;
use crate::dto::chat::ChatSendInput;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{RawBody, parse_json};
use crate::idempotency::{self, Outcome};
use crate::state::AppState;
use crate::turn_stream::{self, NATIVE};

/// Like `chat/send`, streamed as server-sent events.
#[utoipa::path(post, path = "/api/v1/chat/send-stream", tag = "Chat", security(("bearer" = ["chat:send"])),
    request_body = ChatSendInput,
    params(("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer (the event transcript) to a retried request")),
    responses(
        (status = 200, content_type = "text/event-stream",
            description = "`event: start` {conversation_id}, `event: delta` {content} per chunk, then `event: done` \
                           {response, conversation_id, timestamp} or `event: error` {code, message}; \
                           `: keep-alive` comments while waiting"),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 402, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 429, body = ErrorBody),
    ))]
pub async fn send_stream(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
    body: RawBody,
) -> HttpResponse {
    let workspace = caller.workspace();
    if let Err(error) = caller.require(Ability::ChatSend) {
        return error.error_response();
    }
    let run = |replay| async {
        let prepared = prepare(&state, workspace, &body.0).await?;
        let stream = turn_stream::respond(state.clone(), prepared, &NATIVE, replay);
        Ok(Outcome::Stream(stream))
    };
    idempotency::once(&state, &req, workspace, &body.0, Dialect::Native, run).await
}

async fn prepare(
    state: &AppState,
    workspace: WorkspaceId,
    body: &[u8],
) -> Result<PreparedTurn, ApiError> {
    let input: ChatSendInput = parse_json(body)?;
    Ok(state.chat.prepare(workspace, input.into_request()?).await?)
}
