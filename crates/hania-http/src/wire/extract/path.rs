//! Path ids: a malformed UUID is a 400 naming the parameter, never a
//! plain-text 404.

use actix_web::HttpRequest;
use uuid::Uuid;

use crate::wire::error::ApiError;

/// Parses the path segment `name` as a UUID id.
pub fn path_id<T: From<Uuid>>(req: &HttpRequest, name: &str) -> Result<T, ApiError> {
    let raw = req.match_info().get(name).unwrap_or_default();
    Uuid::parse_str(raw)
        .map(T::from)
        .map_err(|_| ApiError::InvalidParameter(format!("{name}: '{raw}' is not a valid UUID")))
}

/// Parses two path ids.
pub fn path_ids<A: From<Uuid>, B: From<Uuid>>(
    req: &HttpRequest,
    a: &str,
    b: &str,
) -> Result<(A, B), ApiError> {
    Ok((path_id(req, a)?, path_id(req, b)?))
}
