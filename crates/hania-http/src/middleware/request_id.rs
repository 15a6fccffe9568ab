//! `X-Request-Id` on every response (the caller's, when it sent a sane one)
//! and, when the response ends, one access log line and the HTTP metrics
//! ([`super::access`]).

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::web;

use super::access::{Access, ObservedBody};
use crate::state::AppState;

const HEADER: &str = "x-request-id";

fn sane(id: &str) -> bool {
    !id.is_empty() && id.len() <= 128 && id.bytes().all(|b| b.is_ascii_graphic())
}

/// Middleware: assigns the request id; logs and counts the request when
/// its response ends.
pub async fn request_id(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let id = req
        .headers()
        .get(HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|v| sane(v))
        .map(str::to_owned)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let (method, path, started) = (req.method().clone(), req.path().to_owned(), Instant::now());
    let metrics = req
        .app_data::<web::Data<AppState>>()
        .map(|state| state.metrics.clone());
    let mut response = next.call(req).await?;
    if let Ok(value) = HeaderValue::from_str(&id) {
        response
            .headers_mut()
            .insert(HeaderName::from_static(HEADER), value);
    }
    let access = Access {
        request_id: id,
        method: method.to_string(),
        path,
        route: response.request().match_pattern(),
        status: response.status().as_u16(),
        started,
        metrics,
    };
    Ok(response.map_body(move |_, body| ObservedBody::new(body.boxed(), access)))
}
