//! Routes that document no query parameter refuse every one, so a typo
//! (`?limt=5`) or a filter the route does not have is a 400 naming it,
//! never silently ignored. Routes with query parameters check their own
//! allow-list ([`crate::wire::extract::StrictQuery`]).

use actix_web::body::BoxBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;

use crate::wire::dialect::Dialect;
use crate::wire::error::ApiError;

/// Answers 400 `INVALID_PARAMETER` naming the first query parameter, if
/// the request has any.
pub(crate) async fn refuse_query(
    req: ServiceRequest,
    next: Next<BoxBody>,
    dialect: Dialect,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let query = req.query_string();
    if query.is_empty() {
        return next.call(req).await;
    }
    let first = query.split('&').next().unwrap_or_default();
    let name = first.split('=').next().unwrap_or_default();
    let name = percent_decoded(name);
    let error = ApiError::InvalidParameter(format!("unknown query parameter '{name}'"));
    Ok(req.into_response(dialect.error_response(&error)))
}

/// `name` with `+` and `%XX` decoded (lossy), for the error message.
fn percent_decoded(name: &str) -> String {
    serde_urlencoded::from_str::<Vec<(String, String)>>(name)
        .ok()
        .and_then(|pairs| pairs.into_iter().next())
        .map_or_else(|| name.to_owned(), |(decoded, _)| decoded)
}
