//! `/api/v1/bots/{botID}/tools`: the tools a bot offers the model.

use actix_web::{HttpRequest, HttpResponse, web};
use hania_domain::ids::{BotId, ToolConfigId};

use crate::middleware::auth::Caller;
use crate::native::dto::bot_tool::BotToolView;
use crate::state::AppState;
use crate::wire::envelope::{Envelope, MessageEnvelope, done, ok};
use crate::wire::error::{ApiError, ErrorBody};
use crate::wire::extract::{path_id, path_ids};

type Reply = Result<HttpResponse, ApiError>;

/// The tools attached to the bot, by name: only these are offered to the
/// model in agent turns.
#[utoipa::path(get, path = "/api/v1/bots/{botID}/tools", tag = "Bots",
    params(("botID" = uuid::Uuid, Path)),
    responses((status = 200, body = Envelope<Vec<BotToolView>>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn list_bot_tools(req: HttpRequest, caller: Caller, state: web::Data<AppState>) -> Reply {
    let bot: BotId = path_id(&req, "botID")?;
    let tools = state.bot_tools.list(caller.workspace(), bot).await?;
    Ok(ok(tools
        .into_iter()
        .map(BotToolView::from)
        .collect::<Vec<_>>()))
}

/// Attach a tool of the workspace to the bot. Idempotent: attaching an
/// attached tool answers the same attachment.
#[utoipa::path(put, path = "/api/v1/bots/{botID}/tools/{toolID}", tag = "Bots",
    params(("botID" = uuid::Uuid, Path), ("toolID" = uuid::Uuid, Path)),
    responses((status = 200, body = Envelope<BotToolView>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, description = "Bot or tool configuration not found", body = ErrorBody),
        (status = 429, body = ErrorBody)))]
pub async fn attach_tool(req: HttpRequest, caller: Caller, state: web::Data<AppState>) -> Reply {
    let (bot, tool): (BotId, ToolConfigId) = path_ids(&req, "botID", "toolID")?;
    let attached = state
        .bot_tools
        .attach(caller.workspace(), bot, tool)
        .await?;
    Ok(ok(BotToolView::from(attached)))
}

/// Detach a tool from the bot (the tool itself stays).
#[utoipa::path(delete, path = "/api/v1/bots/{botID}/tools/{toolID}", tag = "Bots",
    params(("botID" = uuid::Uuid, Path), ("toolID" = uuid::Uuid, Path)),
    responses((status = 200, body = MessageEnvelope), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, description = "The tool is not attached to the bot", body = ErrorBody),
        (status = 429, body = ErrorBody)))]
pub async fn detach_tool(req: HttpRequest, caller: Caller, state: web::Data<AppState>) -> Reply {
    let (bot, tool): (BotId, ToolConfigId) = path_ids(&req, "botID", "toolID")?;
    state
        .bot_tools
        .detach(caller.workspace(), bot, tool)
        .await?;
    Ok(done("Tool detached"))
}
