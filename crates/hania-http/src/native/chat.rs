//! `POST /api/v1/chat/send` (seed `000_*`).

use std::time::Instant;

use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};
use hania_domain::ids::WorkspaceId;

use crate::middleware::auth::Caller;
use crate::middleware::idempotency::{self, Idempotency, Outcome};
use crate::native::dto::chat::{ChatSendInput, ChatSendReply};
use crate::state::AppState;
use crate::wire::dialect::Dialect;
use crate::wire::envelope::{Envelope, ok};
use crate::wire::error::{ApiError, ErrorBody};
use crate::wire::extract::{JsonBytes, parse_json};

/// Send a message to a bot and get its reply. A brand-new conversation of
/// a bot with a greeting is answered with the greeting, without a model
/// call and without a charge. With an `Idempotency-Key`, a retry of the
/// same request within 24 hours gets the first answer again.
#[utoipa::path(post, path = "/api/v1/chat/send", tag = "Chat",
    request_body = ChatSendInput,
    params(("Idempotency-Key" = Option<String>, Header, min_length = 1, max_length = 255, pattern = "^[!-~]+$",
        description = "Replays the first answer to a retried request (1 to 255 visible ASCII characters)")),
    responses(
        (status = 200, body = Envelope<ChatSendReply>,
            headers(("Server-Timing" = String, description = "`provider;dur=…, server;dur=…` in milliseconds"))),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 402, description = "SERVICE_SUSPENDED, PLAN_LIMIT_REACHED or INSUFFICIENT_BALANCE", body = ErrorBody),
        (status = 404, description = "No such bot or conversation", body = ErrorBody),
        (status = 409, description = "The bot is inactive, or the Idempotency-Key is in use", body = ErrorBody),
        (status = 429, body = ErrorBody),
        (status = 502, description = "UPSTREAM_ERROR: the model provider failed, or an answer is not the JSON the bot's `output_config` asks for", body = ErrorBody),
        (status = 504, description = "UPSTREAM_TIMEOUT: the model provider, or an agent turn as a whole (`timeout_seconds`), took too long", body = ErrorBody),
    ))]
pub async fn send(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
    body: JsonBytes,
) -> HttpResponse {
    let workspace = caller.workspace();
    let run = |_| async { answer(&state, workspace, &body.0).await.map(Outcome::Whole) };
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

async fn answer(
    state: &AppState,
    workspace: WorkspaceId,
    body: &[u8],
) -> Result<HttpResponse, ApiError> {
    let started = Instant::now();
    let input: ChatSendInput = parse_json(body)?;
    let result = state.chat.send(workspace, input.into_request()?).await;
    let reply = state.counted("native", result)?;
    let total_ms = started.elapsed().as_secs_f64() * 1e3;
    let provider_ms = reply.provider_ms as f64;
    let mut response = ok(ChatSendReply::from(&reply));
    let timing = format!(
        "provider;dur={provider_ms:.1}, server;dur={:.1}",
        (total_ms - provider_ms).max(0.0)
    );
    if let Ok(value) = HeaderValue::from_str(&timing) {
        response
            .headers_mut()
            .insert(HeaderName::from_static("server-timing"), value);
    }
    Ok(response)
}
