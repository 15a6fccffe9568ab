//! `/api/v1/keys`: account keys of the caller's workspace.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use hania_domain::ids::ApiKeyId;

use crate::middleware::auth::Caller;
use crate::native::dto::key::{CreatedKey, KeyInput, KeyView};
use crate::state::AppState;
use crate::wire::envelope::{Envelope, MessageEnvelope, done, ok};
use crate::wire::error::{ApiError, ErrorBody};
use crate::wire::extract::{JsonBody, path_id};
use hania_domain::services::Resource;

type Reply = Result<HttpResponse, ApiError>;

/// The workspace's account keys (prefixes only).
#[utoipa::path(get, path = "/api/v1/keys", tag = "Keys",
    responses((status = 200, body = Envelope<Vec<KeyView>>), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn list_keys(caller: Caller, state: web::Data<AppState>) -> Reply {
    let keys = state.keys.list_account_keys(caller.workspace()).await?;
    Ok(ok(keys.into_iter().map(KeyView::from).collect::<Vec<_>>()))
}

/// Create an account key; its secret is in this answer only. A key can
/// only grant abilities it holds itself.
#[utoipa::path(post, path = "/api/v1/keys", tag = "Keys",
    request_body = KeyInput,
    responses((status = 201, body = Envelope<CreatedKey>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, description = "Missing keys:write, or asking for abilities the caller lacks", body = ErrorBody),
        (status = 429, body = ErrorBody)))]
pub async fn create_key(
    caller: Caller,
    state: web::Data<AppState>,
    body: JsonBody<KeyInput>,
) -> Reply {
    let (key, secret) = state
        .keys
        .issue_account_key_as(&caller.key, body.0.into_request()?)
        .await?;
    let data = CreatedKey {
        key: KeyView::from(key),
        api_key: secret.expose().to_owned(),
    };
    Ok(HttpResponse::build(StatusCode::CREATED).json(Envelope {
        success: true,
        data,
        message: String::new(),
    }))
}

/// Revoke an account key at once.
#[utoipa::path(delete, path = "/api/v1/keys/{keyID}", tag = "Keys",
    params(("keyID" = uuid::Uuid, Path)),
    responses((status = 200, body = MessageEnvelope), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn revoke_key(req: HttpRequest, caller: Caller, state: web::Data<AppState>) -> Reply {
    let id: ApiKeyId = path_id(&req, "keyID")?;
    state
        .keys
        .revoke_account_key(caller.workspace(), id)
        .await
        .map_err(|e| match e {
            hania_domain::services::AuthError::Store(hania_domain::ports::StoreError::NotFound) => {
                ApiError::not_found(Resource::Key)
            }
            other => other.into(),
        })?;
    Ok(done("Key revoked"))
}
