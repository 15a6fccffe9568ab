//! Account key bodies.

use hania_domain::ability::AbilitySet;
use hania_domain::api_key::ApiKey;
use hania_domain::services::NewAccountKey;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use super::serde_util::whole;
use crate::wire::error::ApiError;

/// Body of `POST /api/v1/keys`.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"name": "helpdesk", "abilities": ["chat:send", "conversations:read"], "rate_limit_per_hour": 600}))]
pub struct KeyInput {
    /// Label.
    #[schema(max_length = 200)]
    pub name: String,
    /// Abilities (`*`, `resource:*` or exact); only ones the caller holds.
    #[schema(value_type = Vec<AbilityName>)]
    pub abilities: Vec<String>,
    /// Optional expiry, RFC 3339, in the future.
    #[serde(default, with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub expires_at: Option<OffsetDateTime>,
    /// Optional own hourly request limit.
    #[serde(default, deserialize_with = "whole")]
    #[schema(minimum = 1, maximum = 100000000)]
    pub rate_limit_per_hour: Option<u32>,
}

impl KeyInput {
    /// The domain request.
    pub fn into_request(self) -> Result<NewAccountKey, ApiError> {
        Ok(NewAccountKey {
            name: self.name,
            abilities: AbilitySet::parse(&self.abilities)?,
            expires_at: self.expires_at,
            rate_limit_per_hour: self.rate_limit_per_hour,
        })
    }
}

/// An account key as listed (never the secret).
#[derive(Debug, Serialize, ToSchema)]
#[allow(missing_docs)]
pub struct KeyView {
    pub id: Uuid,
    pub name: String,
    /// First characters of the key, e.g. `hania_sk_1a2b`.
    pub key_prefix: String,
    pub abilities: Vec<String>,
    pub rate_limit_per_hour: Option<u32>,
    #[serde(serialize_with = "time::serde::rfc3339::option::serialize")]
    pub expires_at: Option<OffsetDateTime>,
    #[serde(serialize_with = "time::serde::rfc3339::option::serialize")]
    pub revoked_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

impl From<ApiKey> for KeyView {
    fn from(k: ApiKey) -> Self {
        Self {
            id: k.id.as_uuid(),
            name: k.name,
            key_prefix: k.display_prefix,
            abilities: k.abilities.to_strings(),
            rate_limit_per_hour: k.rate_limit_per_hour,
            expires_at: k.expires_at,
            revoked_at: k.revoked_at,
            created_at: k.created_at,
        }
    }
}

/// A new account key with its secret, shown this once.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedKey {
    /// The key.
    #[serde(flatten)]
    pub key: KeyView,
    /// The `hania_sk_…` secret. It cannot be shown again.
    pub api_key: String,
}

/// An ability grant: `*`, `<resource>:*` or one ability.
pub struct AbilityName;

impl utoipa::PartialSchema for AbilityName {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use hania_domain::ability::Ability;
        let mut names = vec!["*".to_owned()];
        for ability in Ability::ALL {
            let wildcard = format!("{}:*", ability.resource());
            if !names.contains(&wildcard) {
                names.push(wildcard);
            }
        }
        names.extend(Ability::ALL.iter().map(|a| a.as_str().to_owned()));
        utoipa::openapi::schema::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .description(Some("An ability grant: `*`, `<resource>:*` or one ability"))
            .enum_values(Some(names))
            .into()
    }
}

impl ToSchema for AbilityName {}
