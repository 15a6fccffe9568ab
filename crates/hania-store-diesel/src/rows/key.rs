//! Rows of `api_keys`.

use diesel::prelude::*;
use hania_domain::ability::AbilitySet;
use hania_domain::api_key::{
    ApiKey, DEFAULT_VISITOR_RATE_LIMIT_PER_HOUR, KeyFamily, KeyHash, KeyKind, WidgetKeySettings,
};
use hania_domain::ids::{ApiKeyId, BotId, WorkspaceId};
use hania_domain::ports::StoreError;

use crate::conn::{to_i32, to_u32};
use crate::schema::api_keys;
use crate::sql_types::{SqlJson, SqlTime, SqlUuid, sql_id};

/// An `api_keys` row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = api_keys)]
pub struct KeyRow {
    pub id: SqlUuid,
    pub workspace_id: SqlUuid,
    pub name: String,
    pub family: String,
    pub display_prefix: String,
    pub key_hash: String,
    pub abilities: SqlJson,
    pub rate_limit_per_hour: Option<i32>,
    pub expires_at: Option<SqlTime>,
    pub revoked_at: Option<SqlTime>,
    pub widget_bot_id: Option<SqlUuid>,
    pub allowed_domains: SqlJson,
    pub is_active: bool,
    pub created_at: SqlTime,
    pub visitor_rate_limit_per_hour: i32,
    pub widget_key_text: Option<String>,
    pub identity_secret: Option<String>,
}

impl From<&ApiKey> for KeyRow {
    fn from(k: &ApiKey) -> Self {
        let account = WidgetKeySettings {
            bot_id: BotId::from_uuid(uuid::Uuid::nil()),
            allowed_domains: Vec::new(),
            is_active: true,
            visitor_rate_limit_per_hour: DEFAULT_VISITOR_RATE_LIMIT_PER_HOUR,
            key_text: None,
            identity_secret: None,
        };
        let (widget_bot_id, w) = match &k.kind {
            KeyKind::Account => (None, account),
            KeyKind::Widget(w) => (Some(sql_id(w.bot_id)), w.clone()),
        };
        Self {
            id: sql_id(k.id),
            workspace_id: sql_id(k.workspace_id),
            name: k.name.clone(),
            family: k.kind.family().as_str().to_owned(),
            display_prefix: k.display_prefix.clone(),
            key_hash: k.hash.to_hex(),
            abilities: SqlJson(serde_json::json!(k.abilities.to_strings())),
            rate_limit_per_hour: k.rate_limit_per_hour.map(to_i32),
            expires_at: k.expires_at.map(SqlTime),
            revoked_at: k.revoked_at.map(SqlTime),
            widget_bot_id,
            allowed_domains: SqlJson(serde_json::json!(w.allowed_domains)),
            is_active: w.is_active,
            created_at: SqlTime(k.created_at),
            visitor_rate_limit_per_hour: to_i32(w.visitor_rate_limit_per_hour),
            widget_key_text: w.key_text,
            identity_secret: w.identity_secret,
        }
    }
}

impl TryFrom<KeyRow> for ApiKey {
    type Error = StoreError;

    fn try_from(row: KeyRow) -> Result<Self, StoreError> {
        let corrupt =
            |what: &str| StoreError::unexpected(format!("api key {}: bad {what}", row.id.0));
        let kind = match KeyFamily::parse(&row.family) {
            Some(KeyFamily::Account) => KeyKind::Account,
            Some(KeyFamily::Widget) => KeyKind::Widget(WidgetKeySettings {
                bot_id: BotId::from_uuid(
                    row.widget_bot_id.clone().ok_or_else(|| corrupt("bot"))?.0,
                ),
                allowed_domains: serde_json::from_value(row.allowed_domains.0.clone())
                    .map_err(|_| corrupt("allowed_domains"))?,
                is_active: row.is_active,
                visitor_rate_limit_per_hour: to_u32(
                    row.visitor_rate_limit_per_hour,
                    "visitor rate limit",
                )?,
                key_text: row.widget_key_text.clone(),
                identity_secret: row.identity_secret.clone(),
            }),
            None => return Err(corrupt("family")),
        };
        let abilities: AbilitySet =
            serde_json::from_value(row.abilities.0.clone()).map_err(|_| corrupt("abilities"))?;
        Ok(ApiKey {
            id: ApiKeyId::from_uuid(row.id.0),
            workspace_id: WorkspaceId::from_uuid(row.workspace_id.0),
            hash: KeyHash::from_hex(&row.key_hash).ok_or_else(|| corrupt("hash"))?,
            name: row.name,
            kind,
            display_prefix: row.display_prefix,
            abilities,
            rate_limit_per_hour: row
                .rate_limit_per_hour
                .map(|r| to_u32(r, "rate limit"))
                .transpose()?,
            expires_at: row.expires_at.map(|t| t.0),
            revoked_at: row.revoked_at.map(|t| t.0),
            created_at: row.created_at.0,
        })
    }
}
