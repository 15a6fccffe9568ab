//! The Hansei dialect's error shape: `{code, message}` with the native
//! status and code.

use actix_web::HttpResponse;
use serde::Serialize;
use utoipa::ToSchema;

use super::error::ApiError;

/// A Hansei error: `{code, message}`.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"code": "INSUFFICIENT_BALANCE", "message": "The workspace balance is used up"}))]
pub struct HanseiError {
    /// An error code specific to the error (`VALIDATION_ERROR`,
    /// `UNAUTHORIZED`, `INSUFFICIENT_BALANCE`, `NOT_FOUND`, `RATE_LIMITED`, …).
    pub code: String,
    /// A human-readable message providing more details about the error.
    pub message: String,
}

/// The error in Hansei's shape.
pub(crate) fn error_response(error: &ApiError) -> HttpResponse {
    let (_, code) = error.status_and_code();
    error.response_head().json(HanseiError {
        code: code.into(),
        message: error.to_string(),
    })
}
