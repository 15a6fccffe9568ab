//! The slug dialect's error shape: `{data: null, error: {name, message,
//! details}}` with the native status.

use actix_web::HttpResponse;
use hania_domain::billing::BillingRefusal;
use serde::Serialize;
use serde_json::{Value, json};
use utoipa::ToSchema;

use super::error::ApiError;

/// What went wrong.
#[derive(Debug, Serialize, ToSchema)]
pub struct SlugErrorDetail {
    /// `ValidationError`, `UnauthorizedError`, `ForbiddenError`,
    /// `NotFoundError`, `ConflictError`, `PaymentRequiredError`,
    /// `RateLimitError`, `UpstreamError`, `TimeoutError`, …
    pub name: String,
    /// For humans.
    pub message: String,
    /// More about it: `{}`, or `{"code": …}` for 402, `{"retryAfter": n}`
    /// for 429.
    #[schema(value_type = Object)]
    pub details: Value,
}

/// The error envelope.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"data": null, "error": {"name": "NotFoundError", "message": "Agent with slug 'support-agent' not found", "details": {}}}))]
pub struct SlugErrorBody {
    /// Always `null`.
    #[schema(value_type = Option<Object>)]
    pub data: Option<()>,
    /// The error.
    pub error: SlugErrorDetail,
}

pub(crate) fn error_detail(error: &ApiError) -> SlugErrorDetail {
    let (name, message, details) = match error {
        ApiError::Validation(m) | ApiError::InvalidParameter(m) => {
            ("ValidationError", m.clone(), json!({}))
        }
        ApiError::Unauthorized => (
            "UnauthorizedError",
            "Invalid or missing API token".into(),
            json!({}),
        ),
        ApiError::Forbidden(m) => ("ForbiddenError", m.clone(), json!({})),
        ApiError::NotFound(m) => ("NotFoundError", m.clone(), json!({})),
        ApiError::MethodNotAllowed(_) => ("MethodNotAllowedError", error.to_string(), json!({})),
        ApiError::Conflict(m) => ("ConflictError", m.clone(), json!({})),
        ApiError::PayloadTooLarge(_) => ("PayloadTooLargeError", error.to_string(), json!({})),
        ApiError::StreamInterrupted => ("StreamInterruptedError", error.to_string(), json!({})),
        ApiError::UnsupportedMediaType => {
            ("UnsupportedMediaTypeError", error.to_string(), json!({}))
        }
        ApiError::Billing(refusal) => (
            "PaymentRequiredError",
            error.to_string(),
            json!({"code": BillingRefusal::code(*refusal)}),
        ),
        ApiError::RateLimited { retry_after } => (
            "RateLimitError",
            error.to_string(),
            json!({"retryAfter": retry_after}),
        ),
        ApiError::Upstream(_) => ("UpstreamError", error.to_string(), json!({})),
        ApiError::UpstreamTimeout(_) => ("TimeoutError", error.to_string(), json!({})),
        ApiError::Unavailable | ApiError::NotConfigured(_) => {
            ("ServiceUnavailableError", error.to_string(), json!({}))
        }
        ApiError::Internal => ("InternalServerError", error.to_string(), json!({})),
    };
    SlugErrorDetail {
        name: name.into(),
        message,
        details,
    }
}

/// The error in the slug dialect's shape.
pub(crate) fn error_response(error: &ApiError) -> HttpResponse {
    error.response_head().json(SlugErrorBody {
        data: None,
        error: error_detail(error),
    })
}
