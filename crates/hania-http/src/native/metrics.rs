//! `GET /metrics`: every series of [`hania_metrics::series`] in the
//! Prometheus text format, for a scraper; behind a bearer token when
//! `HANIA_METRICS_TOKEN` is set.

use actix_web::{HttpRequest, HttpResponse, web};
use sha2::{Digest, Sha256};

use crate::state::AppState;
use crate::wire::error::{ApiError, ErrorBody};

/// Whether `req` may scrape: always without a token, else with
/// `Authorization: Bearer <token>` (compared by digest, so the time the
/// check takes says nothing about the token).
fn may_scrape(req: &HttpRequest, token: Option<&str>) -> bool {
    let Some(token) = token else {
        return true;
    };
    let given = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    Sha256::digest(given.as_bytes()) == Sha256::digest(token.as_bytes())
}

/// Prometheus metrics of this instance.
#[utoipa::path(get, path = "/metrics", tag = "Operations",
    responses(
        (status = 200, description = "Every series in the Prometheus text format (version 0.0.4)", content_type = "text/plain", body = String),
        (status = 401, description = "`HANIA_METRICS_TOKEN` is set and the request's bearer token is not it", body = ErrorBody),
    ))]
pub async fn metrics(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    if !may_scrape(&req, state.metrics_token.as_deref()) {
        return Err(ApiError::Unauthorized);
    }
    Ok(HttpResponse::Ok()
        .content_type(hania_metrics::CONTENT_TYPE)
        .body(state.metrics.render()))
}
