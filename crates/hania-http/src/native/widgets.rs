//! `/api/v1/widgets/keys`: widget key management.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use hania_domain::ids::{ApiKeyId, BotId};

use crate::middleware::auth::Caller;
use crate::native::dto::widget::{
    CreatedWidgetKey, WidgetKeyCreateInput, WidgetKeyInput, WidgetKeyView,
};
use crate::state::AppState;
use crate::wire::envelope::{Envelope, MessageEnvelope, done, ok};
use crate::wire::error::{ApiError, ErrorBody};
use crate::wire::extract::{JsonBody, path_id};
use hania_domain::services::Resource;

type Reply = Result<HttpResponse, ApiError>;

fn view(key: hania_domain::api_key::ApiKey) -> Result<WidgetKeyView, ApiError> {
    WidgetKeyView::of(key).ok_or_else(|| ApiError::not_found(Resource::WidgetKey))
}

/// The workspace's widget keys.
#[utoipa::path(get, path = "/api/v1/widgets/keys", tag = "Widgets",
    responses((status = 200, body = Envelope<Vec<WidgetKeyView>>), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn list_widget_keys(caller: Caller, state: web::Data<AppState>) -> Reply {
    let keys = state.widgets.list(caller.workspace()).await?;
    Ok(ok(keys
        .into_iter()
        .filter_map(WidgetKeyView::of)
        .collect::<Vec<_>>()))
}

/// Create a widget key bound to one bot; the answer holds the key text.
#[utoipa::path(post, path = "/api/v1/widgets/keys", tag = "Widgets",
    request_body = WidgetKeyCreateInput,
    responses((status = 201, body = Envelope<CreatedWidgetKey>), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, description = "No such bot", body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn create_widget_key(
    caller: Caller,
    state: web::Data<AppState>,
    body: JsonBody<WidgetKeyCreateInput>,
) -> Reply {
    let bot = BotId::from_uuid(body.0.bot_id);
    let (key, secret) = state
        .widgets
        .create(caller.workspace(), bot, body.0.changes())
        .await?;
    let identity_secret = key
        .widget()
        .and_then(|settings| settings.identity_secret.clone())
        .unwrap_or_default();
    let data = CreatedWidgetKey {
        key: view(key)?,
        api_key: secret.expose().to_owned(),
        identity_secret,
    };
    Ok(HttpResponse::build(StatusCode::CREATED).json(Envelope {
        success: true,
        data,
        message: String::new(),
    }))
}

/// One widget key.
#[utoipa::path(get, path = "/api/v1/widgets/keys/{keyID}", tag = "Widgets",
    params(("keyID" = uuid::Uuid, Path)),
    responses((status = 200, body = Envelope<WidgetKeyView>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn get_widget_key(req: HttpRequest, caller: Caller, state: web::Data<AppState>) -> Reply {
    let id: ApiKeyId = path_id(&req, "keyID")?;
    Ok(ok(view(state.widgets.get(caller.workspace(), id).await?)?))
}

/// Change name, allowed domains, hourly limit or activity.
#[utoipa::path(put, path = "/api/v1/widgets/keys/{keyID}", tag = "Widgets",
    params(("keyID" = uuid::Uuid, Path)), request_body = WidgetKeyInput,
    responses((status = 200, body = MessageEnvelope), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn update_widget_key(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
    body: JsonBody<WidgetKeyInput>,
) -> Reply {
    let id: ApiKeyId = path_id(&req, "keyID")?;
    state
        .widgets
        .update(caller.workspace(), id, body.0.changes())
        .await?;
    Ok(done("Widget key updated"))
}

/// Revoke a widget key at once.
#[utoipa::path(delete, path = "/api/v1/widgets/keys/{keyID}", tag = "Widgets",
    params(("keyID" = uuid::Uuid, Path)),
    responses((status = 200, body = MessageEnvelope), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn revoke_widget_key(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
) -> Reply {
    let id: ApiKeyId = path_id(&req, "keyID")?;
    state.widgets.revoke(caller.workspace(), id).await?;
    Ok(done("Widget key revoked"))
}
