//! Account-key authentication, browser refusal and rate limiting for each
//! dialect's scope, and the [`Caller`] handlers receive.

use std::time::Instant;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use futures::future::{Ready, ready};
use hania_domain::ability::Ability;
use hania_domain::api_key::{ApiKey, KeyFamily};
use hania_domain::ids::WorkspaceId;
use hania_domain::services::KeyService;

use super::rate_headers::add_rate_headers;
use crate::state::AppState;
use crate::wire::dialect::Dialect;
use crate::wire::error::ApiError;

/// The authenticated caller of a request.
#[derive(Debug, Clone)]
pub(crate) struct Caller {
    /// The key that authenticated the request.
    pub(crate) key: ApiKey,
}

impl Caller {
    /// The caller's workspace; every query is scoped to it.
    pub(crate) fn workspace(&self) -> WorkspaceId {
        self.key.workspace_id
    }

    /// Fails with 403 `Missing ability: <name>` unless the key holds it.
    pub(crate) fn require(&self, ability: Ability) -> Result<(), ApiError> {
        KeyService::authorize(&self.key, ability).map_err(ApiError::from)
    }
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(
            req.extensions()
                .get::<Caller>()
                .cloned()
                .ok_or(ApiError::Unauthorized),
        )
    }
}

fn refuse(req: ServiceRequest, dialect: Dialect, error: ApiError) -> ServiceResponse<BoxBody> {
    req.into_response(dialect.error_response(&error))
}

/// The workspace's default hourly limit, from the cache when fresh.
async fn workspace_limit(state: &AppState, workspace: WorkspaceId) -> Result<u32, ApiError> {
    let now = Instant::now();
    if let Some(limit) = state.workspace_limits.get(workspace, now) {
        return Ok(limit);
    }
    let limit = state
        .store
        .get_workspace(workspace)
        .await?
        .default_rate_limit_per_hour;
    state.workspace_limits.put(workspace, limit, now);
    Ok(limit)
}

/// Refuses browser cross-origin calls (account keys are server-to-server),
/// authenticates the account key where `dialect` carries it, counts the
/// request against the key's hourly limit, and adds the rate-limit headers
/// to every authenticated response. Refusals are in the dialect's shape.
pub(crate) async fn authenticate(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
    dialect: Dialect,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return Ok(refuse(req, dialect, ApiError::Internal));
    };
    if req.headers().contains_key(header::ORIGIN) {
        let message = "Account API keys cannot be used from a browser; use a widget key";
        return Ok(refuse(req, dialect, ApiError::Forbidden(message.into())));
    }
    let authenticated = match dialect.key(req.headers()) {
        Some(token) => state
            .keys
            .authenticate(token, KeyFamily::Account)
            .await
            .map_err(ApiError::from),
        None => Err(ApiError::Unauthorized),
    };
    let key = match authenticated {
        Ok(key) => key,
        Err(error) => return Ok(refuse(req, dialect, error)),
    };
    let limit = match key.rate_limit_per_hour {
        Some(limit) => limit,
        None => match workspace_limit(&state, key.workspace_id).await {
            Ok(limit) => limit,
            Err(error) => return Ok(refuse(req, dialect, error)),
        },
    };
    let now = state.clock.now();
    let decision = match state.limiter.hit(&key.id.to_string(), limit, now).await {
        Ok(decision) => decision,
        Err(error) => return Ok(refuse(req, dialect, error.into())),
    };
    let mut response = if decision.allowed {
        req.extensions_mut().insert(Caller { key });
        next.call(req).await?.map_into_boxed_body()
    } else {
        let retry_after = decision.retry_after(now);
        state.metrics.series().rate_limit_refusal("key");
        refuse(req, dialect, ApiError::RateLimited { retry_after })
    };
    add_rate_headers(response.headers_mut(), &decision);
    Ok(response)
}
