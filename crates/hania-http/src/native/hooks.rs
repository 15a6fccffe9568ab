//! `/api/v1/bots/{botID}/post-call-hooks` (seed `001_*`).

use actix_web::{HttpRequest, HttpResponse, web};
use hania_domain::ids::{BotId, HookId, ToolConfigId};

use crate::middleware::auth::Caller;
use crate::native::dto::tool::{HookCreateInput, HookInput, HookView};
use crate::state::AppState;
use crate::wire::envelope::{CreatedId, Envelope, MessageEnvelope, created, done, ok};
use crate::wire::error::{ApiError, ErrorBody};
use crate::wire::extract::{JsonBody, path_id, path_ids};

type Reply = Result<HttpResponse, ApiError>;

/// The bot's hooks in run order.
#[utoipa::path(get, path = "/api/v1/bots/{botID}/post-call-hooks", tag = "Bots",
    params(("botID" = uuid::Uuid, Path)),
    responses((status = 200, body = Envelope<Vec<HookView>>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn list_hooks(req: HttpRequest, caller: Caller, state: web::Data<AppState>) -> Reply {
    let bot: BotId = path_id(&req, "botID")?;
    let hooks = state.hooks.list(caller.workspace(), bot).await?;
    Ok(ok(hooks
        .into_iter()
        .map(HookView::from)
        .collect::<Vec<_>>()))
}

/// Add a hook; unique per (bot, tool configuration).
#[utoipa::path(post, path = "/api/v1/bots/{botID}/post-call-hooks", tag = "Bots",
    params(("botID" = uuid::Uuid, Path)), request_body = HookCreateInput,
    responses((status = 201, body = Envelope<CreatedId>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "The bot already has a hook for this tool", body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn create_hook(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
    body: JsonBody<HookCreateInput>,
) -> Reply {
    let bot: BotId = path_id(&req, "botID")?;
    let tool = ToolConfigId::from_uuid(body.0.tool_configuration_id);
    let hook = state
        .hooks
        .create(caller.workspace(), bot, tool, body.0.changes())
        .await?;
    Ok(created(hook.id.as_uuid()))
}

/// Change `run_order`, `enabled` or `params_template`.
#[utoipa::path(put, path = "/api/v1/bots/{botID}/post-call-hooks/{hookID}", tag = "Bots",
    params(("botID" = uuid::Uuid, Path), ("hookID" = uuid::Uuid, Path)), request_body = HookInput,
    responses((status = 200, body = MessageEnvelope), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn update_hook(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
    body: JsonBody<HookInput>,
) -> Reply {
    let (bot, hook): (BotId, HookId) = path_ids(&req, "botID", "hookID")?;
    state
        .hooks
        .update(caller.workspace(), bot, hook, body.0.changes())
        .await?;
    Ok(done("Post-call hook updated"))
}

/// Remove a hook.
#[utoipa::path(delete, path = "/api/v1/bots/{botID}/post-call-hooks/{hookID}", tag = "Bots",
    params(("botID" = uuid::Uuid, Path), ("hookID" = uuid::Uuid, Path)),
    responses((status = 200, body = MessageEnvelope), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn delete_hook(req: HttpRequest, caller: Caller, state: web::Data<AppState>) -> Reply {
    let (bot, hook): (BotId, HookId) = path_ids(&req, "botID", "hookID")?;
    state.hooks.delete(caller.workspace(), bot, hook).await?;
    Ok(done("Post-call hook deleted"))
}
