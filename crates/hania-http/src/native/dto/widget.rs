//! Widget key bodies.

use hania_domain::api_key::{ApiKey, KeyKind};
use hania_domain::services::WidgetKeyChanges;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use super::serde_util::whole;

/// Body of `POST /api/v1/widgets/keys`.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"bot_id": "b1f2c3d4-5678-90ab-cdef-1234567890ab", "name": "Storefront", "allowed_domains": ["shop.example.com", "localhost:3000"], "rate_limit_per_hour": 1000}))]
pub struct WidgetKeyCreateInput {
    /// The bot the key chats with; fixed for the key's life.
    pub bot_id: Uuid,
    /// Label.
    #[schema(max_length = 200)]
    pub name: Option<String>,
    /// Host names (optionally `*.` and a port) allowed to use the key.
    #[schema(max_items = 50, value_type = Option<Vec<AllowedDomain>>)]
    pub allowed_domains: Option<Vec<String>>,
    /// Requests per hour (default 1000).
    #[serde(default, deserialize_with = "whole")]
    #[schema(minimum = 1, maximum = 100000000)]
    pub rate_limit_per_hour: Option<u32>,
    /// Requests per hour of each visitor (default 60).
    #[serde(default, deserialize_with = "whole")]
    #[schema(minimum = 1, maximum = 100000000)]
    pub visitor_rate_limit_per_hour: Option<u32>,
    /// Inactive keys are refused (default active).
    pub is_active: Option<bool>,
}

impl WidgetKeyCreateInput {
    /// The settings part.
    pub fn changes(self) -> WidgetKeyChanges {
        WidgetKeyInput {
            name: self.name,
            allowed_domains: self.allowed_domains,
            rate_limit_per_hour: self.rate_limit_per_hour,
            visitor_rate_limit_per_hour: self.visitor_rate_limit_per_hour,
            is_active: self.is_active,
        }
        .changes()
    }
}

/// Body of `PUT /api/v1/widgets/keys/{id}` (omitted fields unchanged), and
/// the optional fields of a create.
#[derive(Debug, Deserialize, ToSchema)]
pub struct WidgetKeyInput {
    /// Label.
    #[schema(max_length = 200)]
    pub name: Option<String>,
    /// Host names (optionally `*.` and a port) allowed to use the key.
    #[schema(max_items = 50, value_type = Option<Vec<AllowedDomain>>)]
    pub allowed_domains: Option<Vec<String>>,
    /// Requests per hour (default 1000).
    #[serde(default, deserialize_with = "whole")]
    #[schema(minimum = 1, maximum = 100000000)]
    pub rate_limit_per_hour: Option<u32>,
    /// Requests per hour of each visitor (default 60).
    #[serde(default, deserialize_with = "whole")]
    #[schema(minimum = 1, maximum = 100000000)]
    pub visitor_rate_limit_per_hour: Option<u32>,
    /// Inactive keys are refused.
    pub is_active: Option<bool>,
}

impl WidgetKeyInput {
    /// The settings part.
    pub fn changes(self) -> WidgetKeyChanges {
        WidgetKeyChanges {
            name: self.name,
            allowed_domains: self.allowed_domains,
            rate_limit_per_hour: self.rate_limit_per_hour,
            visitor_rate_limit_per_hour: self.visitor_rate_limit_per_hour,
            is_active: self.is_active,
        }
    }
}

/// A widget key as listed (the key text is shown only at creation).
#[derive(Debug, Serialize, ToSchema)]
#[allow(missing_docs)]
pub struct WidgetKeyView {
    pub id: Uuid,
    pub name: String,
    pub bot_id: Uuid,
    /// First characters of the key, e.g. `hania_pk_1a2b`.
    pub key_prefix: String,
    pub allowed_domains: Vec<String>,
    pub rate_limit_per_hour: u32,
    pub visitor_rate_limit_per_hour: u32,
    pub is_active: bool,
    #[serde(serialize_with = "time::serde::rfc3339::option::serialize")]
    pub revoked_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

impl WidgetKeyView {
    /// The view of a widget key (`None` for account keys).
    pub fn of(key: ApiKey) -> Option<Self> {
        let KeyKind::Widget(settings) = key.kind else {
            return None;
        };
        Some(Self {
            id: key.id.as_uuid(),
            name: key.name,
            bot_id: settings.bot_id.as_uuid(),
            key_prefix: key.display_prefix,
            allowed_domains: settings.allowed_domains,
            rate_limit_per_hour: key
                .rate_limit_per_hour
                .unwrap_or(hania_domain::api_key::DEFAULT_WIDGET_RATE_LIMIT_PER_HOUR),
            visitor_rate_limit_per_hour: settings.visitor_rate_limit_per_hour,
            is_active: settings.is_active,
            revoked_at: key.revoked_at,
            created_at: key.created_at,
        })
    }
}

/// A new widget key, with its key text (public by design; shown here).
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedWidgetKey {
    /// The key.
    #[serde(flatten)]
    pub key: WidgetKeyView,
    /// The `hania_pk_…` text to put in the page.
    pub api_key: String,
    /// Sign each logged-in user's id with it on your backend (`user_hash`
    /// = hex HMAC-SHA256 of the id under this text) to verify them; shown
    /// only now (`POST …/identity-secret` makes a new one).
    pub identity_secret: String,
}

/// One allowed domain: a host name, optionally `*.` for its subdomains and
/// a port (`shop.example.com`, `*.example.com`, `localhost:3000`).
pub struct AllowedDomain;

impl utoipa::PartialSchema for AllowedDomain {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        super::text_schema(
            "A host name, optionally `*.` for its subdomains and a port",
            hania_domain::services::MAX_DOMAIN_CHARS,
            Some(
                "^(\\*\\.)?[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*(:([1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5]))?$",
            ),
        )
    }
}

impl ToSchema for AllowedDomain {}

#[cfg(test)]
mod tests {
    use hania_domain::services::normalize_domain;
    use utoipa::PartialSchema;

    use super::AllowedDomain;

    #[test]
    fn the_documented_pattern_is_the_domain_rule() {
        let schema = serde_json::to_value(AllowedDomain::schema()).unwrap();
        let pattern = regex_lite::Regex::new(schema["pattern"].as_str().unwrap()).unwrap();
        let long = format!("{}.com", vec!["a".repeat(63); 4].join("."));
        for domain in [
            "shop.example.com",
            "Shop.Example.COM",
            "*.example.com",
            "localhost:3000",
            "x.com:65535",
            "x.com:65536",
            "x.com:0",
            "x.com:080",
            "https://x.com",
            "x.com/p",
            "",
            "a..b",
            "-a.com",
            "a-.com",
            "*.",
            " x.com",
            "x_y.com",
            &long,
            &long[4..],
        ] {
            let documented = pattern.is_match(domain) && domain.chars().count() <= 253;
            assert_eq!(documented, normalize_domain(domain).is_ok(), "{domain:?}");
        }
    }
}
