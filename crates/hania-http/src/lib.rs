//! # hania-http
//!
//! Hania's HTTP surface on actix-web: the native API (`/api/v1`), the
//! Hansei- and slug-compatible dialects, account-key authentication with
//! abilities, per-key rate limits, idempotent chat turns, request ids,
//! health checks, and the OpenAPI document with an offline docs UI.
//!
//! Layers, each importing only the ones below it (checked by
//! `cargo xtask check-layers`):
//!
//! 1. `wire` — error table and envelopes, SSE framing, dialects' key
//!    places and error shapes, extractors;
//! 2. `state` — the ports and services handlers share;
//! 3. `middleware` — authentication, abilities, rate-limit headers,
//!    idempotency, request ids;
//! 4. `chat_stream` — a prepared chat turn as a stream in any format;
//! 5. handlers per dialect: `native`, `hansei`, `slug`;
//! 6. `routes` (the one route table) and `openapi`.
//!
//! The crate exports what the server needs and nothing else: [`app`],
//! [`AppState`] and [`openapi_json`].

mod chat_stream;
mod hansei;
mod middleware;
mod native;
mod openapi;
mod routes;
mod slug;
mod state;
mod widget;
mod wire;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::from_fn;
use actix_web::{App, web};

pub use openapi::openapi_json;
pub use state::{
    AppState, DEFAULT_KEY_CACHE_TTL, DEFAULT_STREAM_KEEP_ALIVE, InMemoryRateLimiter, SkipExhausted,
};

/// The application over `state`: request ids and logs on every request,
/// every route of the table, `/openapi.json` and the docs UI, and 404 in
/// the native envelope for unknown paths.
pub fn app(
    state: web::Data<AppState>,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    App::new()
        .wrap(from_fn(middleware::request_id::request_id))
        .app_data(state)
        .service(openapi::docs_redirect())
        .service(openapi::docs_service())
        .configure(routes::register)
}
