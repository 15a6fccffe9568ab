//! Routes that document no query parameter refuse every one, so a typo
//! (`?limt=5`) or a filter the route does not have is a 400 naming it,
//! never silently ignored. Routes with query parameters check their own
//! allow-list ([`StrictQuery`]); this is the same check with an empty one.

use actix_web::body::BoxBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;

use crate::wire::dialect::Dialect;
use crate::wire::extract::StrictQuery;

/// Answers 400 `INVALID_PARAMETER` naming the first query parameter, if
/// the request has any.
pub(crate) async fn refuse_query(
    req: ServiceRequest,
    next: Next<BoxBody>,
    dialect: Dialect,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    if req.query_string().is_empty() {
        return next.call(req).await;
    }
    match StrictQuery::parse(req.request(), &[], &[]) {
        Ok(_) => next.call(req).await,
        Err(error) => Ok(req.into_response(dialect.error_response(&error))),
    }
}
