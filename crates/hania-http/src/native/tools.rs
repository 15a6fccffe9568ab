//! `/api/v1/tools`: tool configurations.

use actix_web::{HttpRequest, HttpResponse, web};
use hania_domain::ids::ToolConfigId;

use crate::middleware::auth::Caller;
use crate::native::dto::tool::{ToolCreateInput, ToolCreated, ToolInput, ToolView};
use crate::state::AppState;
use crate::wire::envelope::{Envelope, MessageEnvelope, created_with, done, ok};
use crate::wire::error::{ApiError, ErrorBody};
use crate::wire::extract::{JsonBody, path_id};

type Reply = Result<HttpResponse, ApiError>;

/// The workspace's tools, oldest first.
#[utoipa::path(get, path = "/api/v1/tools", tag = "Tools",
    responses((status = 200, body = Envelope<Vec<ToolView>>), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn list_tools(caller: Caller, state: web::Data<AppState>) -> Reply {
    let tools = state.tools.list(caller.workspace()).await?;
    Ok(ok(tools
        .into_iter()
        .map(ToolView::from)
        .collect::<Vec<_>>()))
}

/// Create a tool (first kind: `webhook`).
#[utoipa::path(post, path = "/api/v1/tools", tag = "Tools",
    request_body = ToolCreateInput,
    responses((status = 201, description = "Created; the signing secret is shown this once", body = Envelope<ToolCreated>),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 409, description = "Name already used", body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn create_tool(
    caller: Caller,
    state: web::Data<AppState>,
    body: JsonBody<ToolCreateInput>,
) -> Reply {
    let tool = state
        .tools
        .create(caller.workspace(), body.0.into_draft()?)
        .await?;
    Ok(created_with(ToolCreated {
        id: tool.id.as_uuid(),
        signing_secret: tool.kind.signing_secret().unwrap_or_default().to_owned(),
    }))
}

/// One tool.
#[utoipa::path(get, path = "/api/v1/tools/{toolID}", tag = "Tools",
    params(("toolID" = uuid::Uuid, Path)),
    responses((status = 200, body = Envelope<ToolView>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn get_tool(req: HttpRequest, caller: Caller, state: web::Data<AppState>) -> Reply {
    let id: ToolConfigId = path_id(&req, "toolID")?;
    Ok(ok(ToolView::from(
        state.tools.get(caller.workspace(), id).await?,
    )))
}

/// Partial update: omitted fields stay.
#[utoipa::path(put, path = "/api/v1/tools/{toolID}", tag = "Tools",
    params(("toolID" = uuid::Uuid, Path)), request_body = ToolInput,
    responses((status = 200, body = MessageEnvelope), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 429, body = ErrorBody)))]
pub async fn update_tool(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
    body: JsonBody<ToolInput>,
) -> Reply {
    let id: ToolConfigId = path_id(&req, "toolID")?;
    state
        .tools
        .update(caller.workspace(), id, body.0.into_changes()?)
        .await?;
    Ok(done("Tool updated"))
}

/// Delete a tool no post-call hook uses (else 409).
#[utoipa::path(delete, path = "/api/v1/tools/{toolID}", tag = "Tools",
    params(("toolID" = uuid::Uuid, Path)),
    responses((status = 200, body = MessageEnvelope), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "Used by a post-call hook", body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn delete_tool(req: HttpRequest, caller: Caller, state: web::Data<AppState>) -> Reply {
    let id: ToolConfigId = path_id(&req, "toolID")?;
    state.tools.delete(caller.workspace(), id).await?;
    Ok(done("Tool deleted"))
}
