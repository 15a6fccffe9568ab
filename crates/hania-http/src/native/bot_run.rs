//! `POST /api/v1/bots/{botID}/run`: one agent turn now.

use actix_web::{HttpRequest, HttpResponse, web};
use hania_domain::ids::{BotId, WorkspaceId};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::middleware::auth::Caller;
use crate::middleware::idempotency::{self, Idempotency, Outcome};
use crate::native::dto::chat::ChatSendReply;
use crate::state::AppState;
use crate::wire::dialect::Dialect;
use crate::wire::envelope::{Envelope, ok};
use crate::wire::error::{ApiError, ErrorBody};
use crate::wire::extract::{JsonBytes, parse_json, path_id};

/// Body of `POST /api/v1/bots/{botID}/run` (optional: an empty body runs the
/// bot's `agent_goal`).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[schema(example = json!({"input": "Summarise yesterday's refunds"}))]
pub struct RunInput {
    /// What to ask; the bot's `agent_goal` when absent.
    #[schema(min_length = 1, max_length = 32000)]
    pub input: Option<String>,
}

/// Run the bot as an agent now, on `input` or its `agent_goal`, in a new
/// conversation on channel `agent` (metered and billed as any turn). With
/// an `Idempotency-Key`, a retry within 24 hours gets the first answer.
#[utoipa::path(post, path = "/api/v1/bots/{botID}/run", tag = "Bots",
    params(("botID" = uuid::Uuid, Path, description = "Bot id"),
        ("Idempotency-Key" = Option<String>, Header, min_length = 1, max_length = 255, pattern = "^[!-~]+$",
        description = "Replays the first answer to a retried request (1 to 255 visible ASCII characters)")),
    request_body(content = Option<RunInput>, description = "Optional; empty runs the bot's `agent_goal`"),
    responses(
        (status = 200, description = "The run's answer", body = Envelope<ChatSendReply>),
        (status = 400, description = "No `input` and no `agent_goal`, or a malformed body or id", body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 402, description = "SERVICE_SUSPENDED, PLAN_LIMIT_REACHED or INSUFFICIENT_BALANCE", body = ErrorBody),
        (status = 404, description = "No such bot", body = ErrorBody),
        (status = 409, description = "The bot is inactive, or the Idempotency-Key is in use", body = ErrorBody),
        (status = 429, body = ErrorBody),
        (status = 502, description = "UPSTREAM_ERROR", body = ErrorBody),
        (status = 504, description = "UPSTREAM_TIMEOUT: the provider, or the run's `timeout_seconds`", body = ErrorBody),
    ))]
pub async fn run_bot(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
    body: JsonBytes,
) -> HttpResponse {
    let workspace = caller.workspace();
    let run = |_| async {
        answer(&state, &req, workspace, &body.0)
            .await
            .map(Outcome::Whole)
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

async fn answer(
    state: &AppState,
    req: &HttpRequest,
    workspace: WorkspaceId,
    body: &[u8],
) -> Result<HttpResponse, ApiError> {
    let id: BotId = path_id(req, "botID")?;
    // Empty, `null` or an object: all run (the first two on the goal).
    let input: RunInput = if body.iter().all(u8::is_ascii_whitespace) {
        RunInput::default()
    } else {
        parse_json::<Option<RunInput>>(body)?.unwrap_or_default()
    };
    let result = state.chat.run_now(workspace, id, input.input).await;
    let reply = state.counted("agent_run", result)?;
    Ok(ok(ChatSendReply::from(&reply)))
}
