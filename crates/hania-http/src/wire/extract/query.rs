//! Query strings checked against an allow-list: an unknown parameter is a
//! 400 `INVALID_PARAMETER` naming it.

use std::collections::BTreeMap;

use actix_web::HttpRequest;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use uuid::Uuid;

use crate::wire::error::ApiError;

/// The query parameters of a request, validated against an allow-list.
#[derive(Debug, Default)]
pub struct StrictQuery {
    pairs: BTreeMap<String, String>,
}

impl StrictQuery {
    /// Parses the query; each name must be in `allowed` (`"*"`: any name)
    /// or start with one of `allowed_prefixes` (e.g. `analysis.`).
    /// Repeated names are refused.
    pub fn parse(
        req: &HttpRequest,
        allowed: &[&str],
        allowed_prefixes: &[&str],
    ) -> Result<Self, ApiError> {
        let raw: Vec<(String, String)> = serde_urlencoded::from_str(req.query_string())
            .map_err(|e| ApiError::InvalidParameter(format!("malformed query string: {e}")))?;
        let mut pairs = BTreeMap::new();
        for (name, value) in raw {
            if name.contains('\0') {
                return Err(ApiError::InvalidParameter(
                    "query parameter names must not contain NUL bytes".into(),
                ));
            }
            let known = allowed.contains(&"*")
                || allowed.contains(&name.as_str())
                || allowed_prefixes
                    .iter()
                    .any(|p| name.starts_with(p) && name.len() > p.len());
            if !known {
                return Err(ApiError::InvalidParameter(format!(
                    "unknown query parameter '{name}'"
                )));
            }
            if value.contains('\0') {
                return Err(ApiError::InvalidParameter(format!(
                    "{name}: must not contain NUL bytes"
                )));
            }
            if pairs.insert(name.clone(), value).is_some() {
                return Err(ApiError::InvalidParameter(format!(
                    "{name}: given more than once"
                )));
            }
        }
        Ok(Self { pairs })
    }

    /// Every pair, by name.
    pub fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// The raw value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs.get(name).map(String::as_str)
    }

    /// `name` as a non-negative integer.
    pub fn u32(&self, name: &str) -> Result<Option<u32>, ApiError> {
        self.get(name)
            .map(|v| {
                v.parse().map_err(|_| {
                    ApiError::InvalidParameter(format!("{name}: must be a non-negative integer"))
                })
            })
            .transpose()
    }

    /// `name` as a UUID.
    pub fn uuid<T: From<Uuid>>(&self, name: &str) -> Result<Option<T>, ApiError> {
        self.get(name)
            .map(|v| {
                Uuid::parse_str(v)
                    .map(T::from)
                    .map_err(|_| ApiError::InvalidParameter(format!("{name}: must be a UUID")))
            })
            .transpose()
    }

    /// `name` as an RFC 3339 instant.
    pub fn instant(&self, name: &str) -> Result<Option<OffsetDateTime>, ApiError> {
        self.get(name)
            .map(|v| {
                OffsetDateTime::parse(v, &Rfc3339).map_err(|_| {
                    ApiError::InvalidParameter(format!("{name}: must be an RFC 3339 timestamp"))
                })
            })
            .transpose()
    }
}
