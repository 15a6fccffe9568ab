//! The HTTP dialects: where a request's key is, how its errors look, and
//! the path prefix each one serves. The one status table stays in
//! [`super::error`]; a dialect only chooses the body.

use actix_web::http::header::{self, HeaderMap};
use actix_web::{HttpResponse, ResponseError};
use hania_domain::ids::ConversationId;

use super::error::ApiError;
use super::{hansei_error, slug_error};

/// The HTTP dialect a request speaks: where its key is and how its errors
/// look.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Dialect {
    /// `/api/v1`: bearer key, `{success, data, message, code}` errors.
    Native,
    /// Hansei-compatible `/public/v1`: `X-API-KEY`, `{code, message}` errors.
    Hansei,
    /// Slug-compatible `/v1/api`: bearer key, `{data: null, error: {name,
    /// message, details}}` errors.
    Slug,
    /// The embeddable widget's `/api/v1/widget`: a public widget key
    /// (`hania_pk_…`) used from an allowed origin; native errors.
    Widget,
}

impl Dialect {
    /// Every dialect; the widget's scope comes before the native one it
    /// lies in, so it is matched first.
    pub(crate) const ALL: [Dialect; 4] = [
        Dialect::Widget,
        Dialect::Native,
        Dialect::Hansei,
        Dialect::Slug,
    ];

    /// The path prefix of the dialect's authenticated scope.
    pub(crate) fn prefix(self) -> &'static str {
        match self {
            Dialect::Native => "/api/v1",
            Dialect::Hansei => "/public/v1",
            Dialect::Slug => "/v1/api",
            Dialect::Widget => "/api/v1/widget",
        }
    }

    /// The names of the OpenAPI security schemes the dialect's key may
    /// come in, preferred first (Hansei's `X-API-KEY`, else a bearer).
    pub(crate) fn security_schemes(self) -> &'static [&'static str] {
        match self {
            Dialect::Native => &["bearer"],
            Dialect::Hansei => &["hansei_api_key", "bearer"],
            Dialect::Slug => &["slug_bearer"],
            Dialect::Widget => &["widget_key"],
        }
    }

    /// The account key the request carries, if any.
    pub(crate) fn key(self, headers: &HeaderMap) -> Option<&str> {
        match self {
            Dialect::Hansei => headers
                .get("x-api-key")
                .and_then(|v| v.to_str().ok())
                .map(str::trim)
                .filter(|k| !k.is_empty())
                .or_else(|| bearer_token(headers)),
            Dialect::Native | Dialect::Slug | Dialect::Widget => bearer_token(headers),
        }
    }

    /// The error in this dialect's shape, with its status and headers
    /// (`Retry-After`, `Allow`).
    pub(crate) fn error_response(self, error: &ApiError) -> HttpResponse {
        match self {
            Dialect::Native | Dialect::Widget => error.error_response(),
            Dialect::Hansei => hansei_error::error_response(error),
            Dialect::Slug => slug_error::error_response(error),
        }
    }
}

/// The key text of `Authorization: Bearer <key>`.
pub(crate) fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// A client's conversation id. Ours are UUIDs, so other text names no
/// conversation: it becomes one that cannot exist (the nil UUID; ids are
/// random), so the engine still checks the bot first and answers 404 for
/// the conversation only when the bot exists.
pub(crate) fn conversation_ref(text: &str) -> ConversationId {
    let id = uuid::Uuid::parse_str(text.trim()).unwrap_or(uuid::Uuid::nil());
    ConversationId::from_uuid(id)
}

#[cfg(test)]
mod tests {
    use actix_web::http::header::HeaderValue;

    use super::*;

    #[test]
    fn bearer_tokens_are_read_case_insensitively() {
        let mut headers = HeaderMap::new();
        assert_eq!(bearer_token(&headers), None);
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("bearer  hania_sk_x "),
        );
        assert_eq!(bearer_token(&headers), Some("hania_sk_x"));
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic abc"));
        assert_eq!(bearer_token(&headers), None);
    }
}
