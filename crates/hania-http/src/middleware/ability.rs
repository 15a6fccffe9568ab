//! The ability a route needs, enforced for every route from the route
//! table before its handler reads anything.

use actix_web::HttpMessage;
use actix_web::body::BoxBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use hania_domain::ability::Ability;

use super::auth::Caller;
use crate::wire::dialect::Dialect;
use crate::wire::error::ApiError;

/// Lets the request through when its caller's key holds `ability`;
/// otherwise answers 403 `Missing ability: <name>` (401 when no caller was
/// authenticated) in the dialect's shape.
pub(crate) async fn require(
    req: ServiceRequest,
    next: Next<BoxBody>,
    ability: Ability,
    dialect: Dialect,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let refusal = match req.extensions().get::<Caller>() {
        Some(caller) => caller.require(ability).err(),
        None => Some(ApiError::Unauthorized),
    };
    match refusal {
        Some(error) => Ok(req.into_response(dialect.error_response(&error))),
        None => next.call(req).await,
    }
}
