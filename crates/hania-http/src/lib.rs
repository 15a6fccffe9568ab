//! # hania-http
//!
//! Hania's HTTP surface on actix-web: the native API (`/api/v1`), account
//! key authentication with abilities, per-key rate limits, request ids,
//! robust input handling (every error in the native envelope), health
//! checks, and the OpenAPI document with an offline docs UI.
//!
//! Handlers are thin: parse the request into DTOs, call a domain service
//! or port scoped to the caller's workspace, and map the result.

pub mod auth;
pub mod dialects;
pub mod dto;
pub mod envelope;
pub mod error;
pub mod extract;
pub mod idempotency;
pub mod limit_cache;
pub mod openapi;
pub mod rate_limit;
pub mod request_id;
pub mod routes;
pub mod sse;
pub mod state;
pub mod turn_stream;

pub use openapi::openapi_json;
pub use rate_limit::InMemoryRateLimiter;
pub use request_id::request_id;
pub use routes::{configure, not_found};
pub use state::AppState;
