//! The compat dialects: other vendors' request, response and error shapes,
//! mapped onto the same chat engine. A dialect module parses its body into
//! a domain `ChatRequest`, calls `ChatService` (and the shared idempotency
//! and streaming code) and renders the result; no chat rule lives here.

pub mod hansei;
pub mod slug;

use actix_web::http::header::HeaderMap;
use actix_web::{HttpResponse, Resource, ResponseError, web};
use hania_domain::ids::ConversationId;

use crate::auth::bearer_token;
use crate::error::ApiError;

/// The HTTP dialect a request speaks: where its key is and how its errors
/// look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// `/api/v1`: bearer key, `{success, data, message, code}` errors.
    Native,
    /// Hansei-compatible `/public/v1`: `X-API-KEY`, `{code, message}` errors.
    Hansei,
    /// Slug-compatible `/v1/api`: bearer key, `{data: null, error: {name,
    /// message, details}}` errors.
    Slug,
}

impl Dialect {
    /// The account key the request carries, if any.
    pub fn key(self, headers: &HeaderMap) -> Option<&str> {
        match self {
            Dialect::Hansei => headers
                .get("x-api-key")
                .and_then(|v| v.to_str().ok())
                .map(str::trim)
                .filter(|k| !k.is_empty())
                .or_else(|| bearer_token(headers)),
            Dialect::Native | Dialect::Slug => bearer_token(headers),
        }
    }

    /// The error in this dialect's shape, with its status and headers
    /// (`Retry-After`, `Allow`).
    pub fn error_response(self, error: &ApiError) -> HttpResponse {
        match self {
            Dialect::Native => error.error_response(),
            Dialect::Hansei => hansei::error_response(error),
            Dialect::Slug => slug::error_response(error),
        }
    }

    /// A resource answering 405 (with `Allow`) to other methods, in this
    /// dialect's shape.
    pub fn resource(self, path: &str, allowed: &'static [&'static str]) -> Resource {
        web::resource(path).default_service(web::to(move || async move {
            self.error_response(&ApiError::MethodNotAllowed(allowed))
        }))
    }

    /// The answer to unknown paths in this dialect's scope.
    pub fn not_found(self) -> impl Fn() -> std::future::Ready<HttpResponse> + Clone + 'static {
        move || {
            std::future::ready(self.error_response(&ApiError::NotFound("No such endpoint".into())))
        }
    }
}

/// A client's conversation id. Ours are UUIDs, so other text names no
/// conversation: it becomes one that cannot exist (the nil UUID; ids are
/// random), so the engine still checks the bot first and answers 404 for
/// the conversation only when the bot exists.
pub fn conversation_ref(text: &str) -> ConversationId {
    let id = uuid::Uuid::parse_str(text.trim()).unwrap_or(uuid::Uuid::nil());
    ConversationId::from_uuid(id)
}
