//! The native error envelope and the one table that maps every error to its
//! HTTP status and code.
//!
//! Rules: a client error names what is wrong (the field, the parameter);
//! a server error never carries internals in its message (they go to the
//! log with the request id); every error is JSON in the envelope
//! `{"success": false, "data": null, "message", "code"}`.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, HttpResponseBuilder, ResponseError};
use hania_domain::billing::BillingRefusal;
use hania_domain::ports::StoreError;
use hania_domain::services::{AuthError, BotError, ChatError, Conflict, Resource, ServiceError};
use hania_domain::validation::ValidationError;
use serde::Serialize;
use utoipa::ToSchema;

/// Every error the native API answers.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// Invalid body or field (400 `VALIDATION_ERROR`).
    #[error("{0}")]
    Validation(String),
    /// Unknown or malformed query or path parameter (400 `INVALID_PARAMETER`).
    #[error("{0}")]
    InvalidParameter(String),
    /// Missing, unknown, expired or revoked key (401 `UNAUTHORIZED`).
    #[error("Invalid or missing API key")]
    Unauthorized,
    /// The key may not do this (403 `FORBIDDEN`).
    #[error("{0}")]
    Forbidden(String),
    /// No such resource in the caller's workspace (404 `NOT_FOUND`).
    #[error("{0}")]
    NotFound(String),
    /// Known path, unknown method (405, with `Allow`: the methods it
    /// serves, e.g. `GET, POST`).
    #[error("Method not allowed")]
    MethodNotAllowed(String),
    /// A uniqueness or state rule refused the request (409 `CONFLICT`).
    #[error("{0}")]
    Conflict(String),
    /// A body declared as something other than JSON (415
    /// `UNSUPPORTED_MEDIA_TYPE`).
    #[error("Content-Type must be application/json")]
    UnsupportedMediaType,
    /// The replayed stream had been cut off by its client (the last event
    /// of such a replay; `STREAM_INTERRUPTED`).
    #[error(
        "The original stream was interrupted by the client before its end; this replay holds what was sent. Retry with a new Idempotency-Key to ask again"
    )]
    StreamInterrupted,
    /// Body over the limit (413 `PAYLOAD_TOO_LARGE`).
    #[error("Request body is too large (limit {0} bytes)")]
    PayloadTooLarge(usize),
    /// The workspace cannot be billed (402).
    #[error("{0}")]
    Billing(BillingRefusal),
    /// Over the key's hourly limit (429 `RATE_LIMITED`, with `Retry-After`).
    #[error("Rate limit exceeded; retry after {retry_after} seconds")]
    RateLimited {
        /// Seconds until the window resets.
        retry_after: u64,
    },
    /// The model provider failed (502 `UPSTREAM_ERROR`).
    #[error("The model provider failed: {0}")]
    Upstream(String),
    /// The model provider, or an agent turn as a whole, did not finish
    /// in time (504 `UPSTREAM_TIMEOUT`; the message says which).
    #[error("{0}")]
    UpstreamTimeout(String),
    /// A dependency (the database) is down (503 `UNAVAILABLE`).
    #[error("Service temporarily unavailable")]
    Unavailable,
    /// A feature this server is not configured for (503 `UNAVAILABLE`;
    /// the message says what to configure).
    #[error("{0}")]
    NotConfigured(String),
    /// A bug (500 `INTERNAL`); details are logged, never answered.
    #[error("Internal server error")]
    Internal,
}

impl ApiError {
    /// The status and code of the error: the single mapping table.
    pub(crate) fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            ApiError::Validation(_) => (StatusCode::BAD_REQUEST, "VALIDATION_ERROR"),
            ApiError::InvalidParameter(_) => (StatusCode::BAD_REQUEST, "INVALID_PARAMETER"),
            ApiError::Unauthorized => (StatusCode::UNAUTHORIZED, "UNAUTHORIZED"),
            ApiError::Forbidden(_) => (StatusCode::FORBIDDEN, "FORBIDDEN"),
            ApiError::NotFound(_) => (StatusCode::NOT_FOUND, "NOT_FOUND"),
            ApiError::MethodNotAllowed(_) => (StatusCode::METHOD_NOT_ALLOWED, "METHOD_NOT_ALLOWED"),
            ApiError::Conflict(_) => (StatusCode::CONFLICT, "CONFLICT"),
            ApiError::PayloadTooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, "PAYLOAD_TOO_LARGE"),
            ApiError::StreamInterrupted => (StatusCode::CONFLICT, "STREAM_INTERRUPTED"),
            ApiError::UnsupportedMediaType => {
                (StatusCode::UNSUPPORTED_MEDIA_TYPE, "UNSUPPORTED_MEDIA_TYPE")
            }
            ApiError::Billing(refusal) => (StatusCode::PAYMENT_REQUIRED, refusal.code()),
            ApiError::RateLimited { .. } => (StatusCode::TOO_MANY_REQUESTS, "RATE_LIMITED"),
            ApiError::Upstream(_) => (StatusCode::BAD_GATEWAY, "UPSTREAM_ERROR"),
            ApiError::UpstreamTimeout(_) => (StatusCode::GATEWAY_TIMEOUT, "UPSTREAM_TIMEOUT"),
            ApiError::Unavailable | ApiError::NotConfigured(_) => {
                (StatusCode::SERVICE_UNAVAILABLE, "UNAVAILABLE")
            }
            ApiError::Internal => (StatusCode::INTERNAL_SERVER_ERROR, "INTERNAL"),
        }
    }

    /// A 404 for a kind of resource: `Bot not found`.
    pub(crate) fn not_found(what: Resource) -> Self {
        ApiError::NotFound(format!("{what} not found"))
    }

    /// A 409 in the domain's words.
    pub(crate) fn conflict(conflict: &Conflict) -> Self {
        ApiError::Conflict(conflict.to_string())
    }
}

/// The error envelope.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"success": false, "data": null, "message": "temperature: must be between 0 and 2", "code": "VALIDATION_ERROR"}))]
pub(crate) struct ErrorBody {
    /// Always `false`.
    pub success: bool,
    /// Always `null`.
    #[schema(value_type = Option<Object>)]
    pub data: Option<()>,
    /// What went wrong, for humans.
    pub message: String,
    /// Machine-readable code.
    pub code: String,
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status_and_code().0
    }

    fn error_response(&self) -> HttpResponse {
        let (_, code) = self.status_and_code();
        self.response_head().json(ErrorBody {
            success: false,
            data: None,
            message: self.to_string(),
            code: code.into(),
        })
    }
}

impl ApiError {
    /// The status and headers (`Allow`, `Retry-After`) of the error's
    /// response, for any dialect to add its body to.
    pub(crate) fn response_head(&self) -> HttpResponseBuilder {
        let mut response = HttpResponse::build(self.status_and_code().0);
        match self {
            ApiError::MethodNotAllowed(allowed) => {
                if let Ok(value) = HeaderValue::from_str(allowed) {
                    response.insert_header((header::ALLOW, value));
                }
            }
            ApiError::RateLimited { retry_after } => {
                response.insert_header((header::RETRY_AFTER, retry_after.to_string()));
            }
            _ => {}
        }
        response
    }
}

impl From<ValidationError> for ApiError {
    fn from(error: ValidationError) -> Self {
        ApiError::Validation(format!("{}: {}", error.field, error.message))
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound => ApiError::NotFound("Not found".into()),
            StoreError::Conflict(rule) => ApiError::conflict(&rule.into()),
            StoreError::Unavailable(reason) => {
                tracing::error!(%reason, "store unavailable");
                ApiError::Unavailable
            }
            StoreError::Unexpected(error) => {
                tracing::error!(error = %error, "unexpected store failure");
                ApiError::Internal
            }
        }
    }
}

impl From<AuthError> for ApiError {
    fn from(error: AuthError) -> Self {
        match error {
            AuthError::Unauthorized => ApiError::Unauthorized,
            AuthError::Forbidden(ability) => {
                ApiError::Forbidden(format!("Missing ability: {ability}"))
            }
            AuthError::Escalation => ApiError::Forbidden(error.to_string()),
            AuthError::Validation(v) => v.into(),
            AuthError::Store(s) => s.into(),
        }
    }
}

impl From<BotError> for ApiError {
    fn from(error: BotError) -> Self {
        match error {
            BotError::Validation(v) => v.into(),
            BotError::NotFound => ApiError::not_found(Resource::Bot),
            BotError::Conflict(conflict) => ApiError::conflict(&conflict),
            BotError::Store(s) => s.into(),
        }
    }
}

impl From<ServiceError> for ApiError {
    fn from(error: ServiceError) -> Self {
        match error {
            ServiceError::Validation(v) => v.into(),
            ServiceError::NotFound(kind) => ApiError::not_found(kind),
            ServiceError::Conflict(conflict) => ApiError::conflict(&conflict),
            ServiceError::Store(s) => s.into(),
        }
    }
}

impl From<ChatError> for ApiError {
    fn from(error: ChatError) -> Self {
        match error {
            ChatError::Validation(v) | ChatError::InvalidMessage(v) => v.into(),
            ChatError::NotFound(kind) => ApiError::not_found(kind),
            ChatError::BotInactive => ApiError::Conflict("The bot is inactive".into()),
            ChatError::Billing(refusal) => ApiError::Billing(refusal),
            ChatError::Upstream(e) if e.is_timeout() => {
                ApiError::UpstreamTimeout("The model provider did not answer in time".into())
            }
            ChatError::Upstream(e) => ApiError::Upstream(e.to_string()),
            e @ ChatError::TurnTimeout { .. } => ApiError::UpstreamTimeout(e.to_string()),
            e @ ChatError::NotJson => ApiError::Upstream(e.to_string()),
            ChatError::ClientGone => ApiError::StreamInterrupted,
            ChatError::Store(s) => s.into(),
        }
    }
}

impl From<BillingRefusal> for ApiError {
    fn from(refusal: BillingRefusal) -> Self {
        ApiError::Billing(refusal)
    }
}

#[cfg(test)]
mod tests {
    use actix_web::body::to_bytes;

    use super::*;

    #[actix_web::test]
    async fn errors_render_the_envelope_with_their_code() {
        let response = ApiError::from(ValidationError::new(
            "temperature",
            "must be between 0 and 2",
        ))
        .error_response();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        let body: serde_json::Value =
            serde_json::from_slice(&to_bytes(response.into_body()).await.unwrap()).unwrap();
        assert_eq!(
            body,
            serde_json::json!({"success": false, "data": null, "message": "temperature: must be between 0 and 2", "code": "VALIDATION_ERROR"})
        );
        let limited = ApiError::RateLimited { retry_after: 42 }.error_response();
        assert_eq!(limited.headers().get("retry-after").unwrap(), "42");
        let not_allowed = ApiError::MethodNotAllowed("GET, POST".into()).error_response();
        assert_eq!(not_allowed.headers().get("allow").unwrap(), "GET, POST");
        let internal = ApiError::from(StoreError::unexpected("secret detail")).error_response();
        let body = to_bytes(internal.into_body()).await.unwrap();
        assert!(!String::from_utf8_lossy(&body).contains("secret"));
    }
}
