//! The widget scope's gate: a widget key (`Authorization: Bearer
//! hania_pk_…`, or `?key=` where a browser cannot send headers: CORS
//! preflights), used from a page on one of the key's allowed origins.
//! Only then does a response carry a CORS grant, for that origin only;
//! everything else is refused before anything runs. A site's logged-in
//! user comes as `X-User-Id` with `X-User-Hash` (HMAC-SHA256 of the id
//! under the key's identity secret); a hash that does not verify is
//! refused. Requests count against the key's hourly limit and, once the
//! browser has a visitor token (or a verified user), against the
//! visitor's.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse, web};
use futures::future::{Ready, ready};
use hania_domain::api_key::{
    ApiKey, DEFAULT_WIDGET_RATE_LIMIT_PER_HOUR, KeyFamily, KeyKind, WidgetKeySettings,
};
use hania_domain::widget::{
    origin_allowed, user_customer_id, user_verified, verify_visitor_token, visitor_customer_id,
};
use uuid::Uuid;

use super::rate_headers::add_rate_headers;
use crate::state::AppState;
use crate::wire::dialect::{Dialect, bearer_token};
use crate::wire::error::ApiError;

/// The header a visitor's token comes back in.
pub(crate) const VISITOR_HEADER: &str = "x-visitor-token";
/// The header of a site's logged-in user id.
pub(crate) const USER_ID_HEADER: &str = "x-user-id";
/// The header of that id's HMAC under the key's identity secret.
pub(crate) const USER_HASH_HEADER: &str = "x-user-hash";

/// The authenticated caller of a widget request.
#[derive(Debug, Clone)]
pub(crate) struct WidgetCaller {
    /// The widget key.
    pub(crate) key: ApiKey,
    /// Its settings (bot, domains, limits).
    pub(crate) settings: WidgetKeySettings,
    /// The visitor, when the request carried a valid visitor token.
    pub(crate) visitor: Option<Uuid>,
    /// The site's logged-in user, when `X-User-Id` came with a valid hash.
    pub(crate) user: Option<String>,
}

impl WidgetCaller {
    /// The `customer_id` of the conversations this caller owns: the
    /// verified user's (the same on every device), else the visitor's.
    pub(crate) fn owner(&self, visitor: Option<Uuid>) -> Option<String> {
        match &self.user {
            Some(user) => Some(user_customer_id(user)),
            None => visitor.map(visitor_customer_id),
        }
    }
}

/// The verified user of a request: `Ok(None)` without `X-User-Id`, an
/// error when the id comes without a hash that verifies under the key's
/// identity secret.
fn verified_user(
    headers: &HeaderMap,
    settings: &WidgetKeySettings,
) -> Result<Option<String>, ApiError> {
    let text = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    if !headers.contains_key(USER_ID_HEADER) && !headers.contains_key(USER_HASH_HEADER) {
        return Ok(None);
    }
    // Either header asks for a verified user: both must be there and agree.
    let verified = match (
        &settings.identity_secret,
        text(USER_ID_HEADER),
        text(USER_HASH_HEADER),
    ) {
        (Some(secret), Some(user), Some(hash)) => {
            user_verified(secret, user, hash).then(|| user.to_owned())
        }
        _ => None,
    };
    if let Some(user) = verified {
        Ok(Some(user))
    } else {
        Err(ApiError::Forbidden(
            "X-User-Id and X-User-Hash come together, the hash being the hex HMAC-SHA256 of the id \
             under this widget key's identity secret"
                .into(),
        ))
    }
}

impl FromRequest for WidgetCaller {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        ready(
            req.extensions()
                .get::<WidgetCaller>()
                .cloned()
                .ok_or(ApiError::Unauthorized),
        )
    }
}

fn refuse(req: ServiceRequest, error: ApiError) -> ServiceResponse<BoxBody> {
    req.into_response(Dialect::Widget.error_response(&error))
}

/// The `key` query parameter (the key of a preflight).
fn query_key(query: &str) -> Option<String> {
    web::Query::<std::collections::HashMap<String, String>>::from_query(query)
        .ok()?
        .get("key")
        .cloned()
}

/// The CORS grant of an allowed origin.
fn grant(headers: &mut HeaderMap, origin: &str) {
    if let Ok(value) = HeaderValue::from_str(origin) {
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, value);
    }
    headers.insert(
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static(
            "x-visitor-token, x-conversation-id, x-request-id, idempotent-replayed, retry-after, x-ratelimit-limit, x-ratelimit-remaining, x-ratelimit-reset",
        ),
    );
}

/// Every widget response varies by origin (only some get a grant).
fn vary(headers: &mut HeaderMap) {
    headers.insert(header::VARY, HeaderValue::from_static("Origin"));
}

/// Checks the key, the origin and the limits, answers preflights, and
/// adds the CORS grant and rate-limit headers to what the handler says.
pub(crate) async fn authenticate(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return Ok(refuse(req, ApiError::Internal));
    };
    let presented = bearer_token(req.headers())
        .map(str::to_owned)
        .or_else(|| query_key(req.query_string()));
    let key = match presented {
        Some(text) => state.keys.authenticate(&text, KeyFamily::Widget).await.ok(),
        None => None,
    };
    let Some((key, settings)) = key.and_then(|key| match &key.kind {
        KeyKind::Widget(settings) if settings.is_active => {
            let settings = settings.clone();
            Some((key, settings))
        }
        _ => None,
    }) else {
        let mut refused = refuse(req, ApiError::Unauthorized);
        vary(refused.headers_mut());
        return Ok(refused);
    };
    let origin = req
        .headers()
        .get(header::ORIGIN)
        .and_then(|o| o.to_str().ok())
        .map(str::to_owned)
        .filter(|o| origin_allowed(&settings.allowed_domains, o));
    let Some(origin) = origin else {
        let message = "This widget key works only from a page on one of its allowed_domains \
                       (the request's Origin is missing or not listed)";
        let mut refused = refuse(req, ApiError::Forbidden(message.into()));
        vary(refused.headers_mut());
        return Ok(refused);
    };
    if req.method() == Method::OPTIONS {
        let mut preflight = HttpResponse::build(StatusCode::NO_CONTENT);
        preflight
            .insert_header((header::ACCESS_CONTROL_ALLOW_METHODS, "GET, POST, OPTIONS"))
            .insert_header((
                header::ACCESS_CONTROL_ALLOW_HEADERS,
                "authorization, content-type, idempotency-key, x-visitor-token, x-user-id, x-user-hash",
            ))
            .insert_header((header::ACCESS_CONTROL_MAX_AGE, "600"));
        let mut response = req.into_response(preflight.finish());
        grant(response.headers_mut(), &origin);
        vary(response.headers_mut());
        return Ok(response);
    }
    let user = match verified_user(req.headers(), &settings) {
        Ok(user) => user,
        Err(error) => {
            let mut refused = refuse(req, error);
            grant(refused.headers_mut(), &origin);
            vary(refused.headers_mut());
            return Ok(refused);
        }
    };
    let now = state.clock.now();
    let limit = key
        .rate_limit_per_hour
        .unwrap_or(DEFAULT_WIDGET_RATE_LIMIT_PER_HOUR);
    let mut decision = match state.limiter.hit(&key.id.to_string(), limit, now).await {
        Ok(decision) => decision,
        Err(error) => return Ok(refuse(req, error.into())),
    };
    let visitor = req
        .headers()
        .get(VISITOR_HEADER)
        .and_then(|t| t.to_str().ok())
        .and_then(|t| verify_visitor_token(&state.visitor_secret, key.id, t));
    let caller = WidgetCaller {
        key,
        settings,
        visitor,
        user,
    };
    if let (true, Some(owner)) = (decision.allowed, caller.owner(visitor)) {
        let bucket = format!("visitor:{}:{owner}", caller.key.id);
        let per_visitor = state
            .limiter
            .hit(&bucket, caller.settings.visitor_rate_limit_per_hour, now)
            .await;
        let per_visitor = match per_visitor {
            Ok(decision) => decision,
            Err(error) => return Ok(refuse(req, error.into())),
        };
        if !per_visitor.allowed || per_visitor.remaining < decision.remaining {
            decision = per_visitor;
        }
    }
    let mut response = if decision.allowed {
        req.extensions_mut().insert(caller);
        next.call(req).await?.map_into_boxed_body()
    } else {
        let retry_after = decision.retry_after(now);
        state.metrics.series().rate_limit_refusal("widget");
        refuse(req, ApiError::RateLimited { retry_after })
    };
    let headers = response.headers_mut();
    add_rate_headers(headers, &decision);
    grant(headers, &origin);
    vary(headers);
    Ok(response)
}

/// The visitor-token header of a widget answer.
pub(crate) fn visitor_header(token: &str) -> Option<(HeaderName, HeaderValue)> {
    Some((
        HeaderName::from_static(VISITOR_HEADER),
        HeaderValue::from_str(token).ok()?,
    ))
}
