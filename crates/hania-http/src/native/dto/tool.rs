//! Tool configuration and post-call hook bodies.

use hania_domain::hook::PostCallHook;
use hania_domain::services::{HookChanges, ToolChanges, ToolDraft};
use hania_domain::tool::{ToolConfig, ToolKind, WebhookTool};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use super::names::ToolTypeName;
use super::serde_util::whole;
use crate::wire::error::ApiError;

/// A webhook's settings. `secret_header.value` is write-only.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"url": "https://api.example.com/orders/lookup", "timeout_ms": 5000, "secret_header": {"name": "X-Webhook-Secret", "value": "s3cr3t"}}))]
pub struct WebhookConfigInput {
    /// `https://` URL the arguments are POSTed to (plain `http://` only
    /// to networks in `HANIA_OUTBOUND_ALLOW_NETS`; private, loopback,
    /// link-local and metadata addresses are refused).
    #[schema(value_type = WebhookUrl)]
    pub url: String,
    /// Per-call timeout (default 10 000, at most 120 000).
    #[serde(default, deserialize_with = "whole")]
    #[schema(minimum = 1, maximum = 120000)]
    pub timeout_ms: Option<u32>,
    /// Header sent with every call.
    pub secret_header: Option<SecretHeaderInput>,
}

/// What `POST /api/v1/tools` answers: the id, and the signing secret,
/// shown this once.
#[derive(Debug, Serialize, ToSchema)]
pub struct ToolCreated {
    /// The new tool's id.
    pub id: Uuid,
    /// `whsec_…`: calls carry `X-Hania-Signature: t=<unix seconds>,v1=<hex
    /// HMAC-SHA256 of "<t>.<body>" with this secret>`. Keep it: it is not
    /// shown again.
    #[schema(example = "whsec_3f1c…")]
    pub signing_secret: String,
}

/// A webhook URL: the shape the server accepts
/// (`hania_domain::outbound_url::WEBHOOK_URL_PATTERN`).
pub struct WebhookUrl;

impl utoipa::PartialSchema for WebhookUrl {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use hania_domain::outbound_url::{MAX_URL_CHARS, WEBHOOK_URL_PATTERN};
        super::text_schema(
            "An http(s) URL with a host name or IPv4 address; no user info, fragment or spaces",
            MAX_URL_CHARS,
            Some(WEBHOOK_URL_PATTERN),
        )
    }
}

impl ToSchema for WebhookUrl {}

/// A secret header.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SecretHeaderInput {
    /// Header name.
    #[schema(pattern = "^[A-Za-z0-9_-]+$")]
    pub name: String,
    /// Header value (never returned): one line.
    #[schema(max_length = 4096, pattern = "^[^\\u0000\\r\\n]*$")]
    pub value: String,
}

/// Body of `POST /api/v1/tools`.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"name": "lookup_order", "description": "Finds an order by id", "tool_type": "webhook", "config": {"url": "https://api.example.com/orders/lookup"}, "parameters": {"type": "object", "properties": {"order_id": {"type": "string"}}, "required": ["order_id"]}}))]
pub struct ToolCreateInput {
    /// Function name the model calls: letters, digits, `_`, `-`; unique.
    #[schema(pattern = "^[A-Za-z0-9_-]{1,64}$")]
    pub name: String,
    /// What the tool does, for the model.
    #[schema(max_length = 5000)]
    pub description: Option<String>,
    /// The kind (default `webhook`).
    #[schema(value_type = Option<ToolTypeName>)]
    pub tool_type: Option<String>,
    /// Kind-specific settings.
    pub config: WebhookConfigInput,
    /// JSON Schema of the arguments.
    #[schema(value_type = Option<Object>)]
    pub parameters: Option<serde_json::Value>,
}

impl ToolCreateInput {
    /// The create request.
    pub fn into_draft(self) -> Result<ToolDraft, ApiError> {
        Ok(ToolDraft {
            name: self.name,
            description: self.description.unwrap_or_default(),
            kind: kind(self.tool_type.as_deref(), self.config)?,
            parameters: self.parameters,
        })
    }
}

/// Body of `PUT /api/v1/tools/{id}`: omitted fields unchanged.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"name": "lookup_order", "description": "Finds an order by id", "tool_type": "webhook", "config": {"url": "https://api.example.com/orders/lookup"}, "parameters": {"type": "object", "properties": {"order_id": {"type": "string"}}, "required": ["order_id"]}}))]
pub struct ToolInput {
    /// Function name the model calls: letters, digits, `_`, `-`; unique.
    #[schema(pattern = "^[A-Za-z0-9_-]{1,64}$")]
    pub name: Option<String>,
    /// What the tool does, for the model.
    #[schema(max_length = 5000)]
    pub description: Option<String>,
    /// The kind.
    #[schema(value_type = Option<ToolTypeName>)]
    pub tool_type: Option<String>,
    /// Kind-specific settings.
    pub config: Option<WebhookConfigInput>,
    /// JSON Schema of the arguments.
    #[schema(value_type = Option<Object>)]
    pub parameters: Option<serde_json::Value>,
}

fn kind(tool_type: Option<&str>, config: WebhookConfigInput) -> Result<ToolKind, ApiError> {
    match tool_type.unwrap_or("webhook") {
        "webhook" => Ok(ToolKind::Webhook(WebhookTool {
            url: config.url,
            secret_header: config
                .secret_header
                .map(|h| hania_domain::tool::SecretHeader {
                    name: h.name,
                    value: h.value,
                }),
            timeout_ms: config
                .timeout_ms
                .unwrap_or(hania_domain::tool::DEFAULT_WEBHOOK_TIMEOUT_MS),
            signing_secret: None,
        })),
        other => Err(ApiError::Validation(format!(
            "tool_type: unknown tool type '{other}' (known: webhook)"
        ))),
    }
}

impl ToolInput {
    /// The partial update.
    pub fn into_changes(self) -> Result<ToolChanges, ApiError> {
        let kind = match self.config {
            Some(config) => Some(kind(self.tool_type.as_deref(), config)?),
            None if self.tool_type.as_deref().is_some_and(|t| t != "webhook") => {
                return Err(ApiError::Validation(
                    "tool_type: unknown tool type (known: webhook)".into(),
                ));
            }
            None => None,
        };
        Ok(ToolChanges {
            name: self.name,
            description: self.description,
            kind,
            parameters: self.parameters,
        })
    }
}

/// A tool configuration as returned (secrets left out).
#[derive(Debug, Serialize, ToSchema)]
#[allow(missing_docs)]
pub struct ToolView {
    pub id: Uuid,
    pub name: String,
    pub description: String,
    #[schema(example = "webhook")]
    pub tool_type: String,
    pub url: String,
    pub timeout_ms: u32,
    /// Name of the secret header, if one is set (its value is never shown).
    pub secret_header_name: Option<String>,
    #[schema(value_type = Object)]
    pub parameters: serde_json::Value,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

impl From<ToolConfig> for ToolView {
    fn from(t: ToolConfig) -> Self {
        let ToolKind::Webhook(webhook) = &t.kind;
        Self {
            id: t.id.as_uuid(),
            tool_type: t.kind.type_name().into(),
            url: webhook.url.clone(),
            timeout_ms: webhook.timeout_ms,
            secret_header_name: webhook.secret_header.as_ref().map(|h| h.name.clone()),
            name: t.name,
            description: t.description,
            parameters: t.parameters,
            created_at: t.created_at,
            updated_at: t.updated_at,
        }
    }
}

/// Body of `POST …/post-call-hooks`.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"tool_configuration_id": "6f1c2a9e-3b7d-4c1e-9a0f-2d5e8b7c4a11", "run_order": 1, "enabled": true, "params_template": {"summary": "{{analysis.summary}}"}}))]
pub struct HookCreateInput {
    /// The tool to run; a bot has one hook per tool.
    pub tool_configuration_id: Uuid,
    /// Hooks run in ascending order (default 0).
    #[serde(default, deserialize_with = "whole")]
    pub run_order: Option<i32>,
    /// Whether the hook runs (default true).
    pub enabled: Option<bool>,
    /// Arguments template rendered from the call (default `{}`).
    #[schema(value_type = Option<Object>)]
    pub params_template: Option<serde_json::Value>,
}

impl HookCreateInput {
    /// The optional fields.
    pub fn changes(self) -> HookChanges {
        HookChanges {
            run_order: self.run_order,
            enabled: self.enabled,
            params_template: self.params_template,
        }
    }
}

/// Body of `PUT …/post-call-hooks/{hookID}` (omitted fields unchanged),
/// and the optional fields of a create.
#[derive(Debug, Deserialize, ToSchema)]
pub struct HookInput {
    /// Hooks run in ascending order.
    #[serde(default, deserialize_with = "whole")]
    pub run_order: Option<i32>,
    /// Whether the hook runs (default true).
    pub enabled: Option<bool>,
    /// Arguments template rendered from the call.
    #[schema(value_type = Option<Object>)]
    pub params_template: Option<serde_json::Value>,
}

impl HookInput {
    /// The optional fields.
    pub fn changes(&self) -> HookChanges {
        HookChanges {
            run_order: self.run_order,
            enabled: self.enabled,
            params_template: self.params_template.clone(),
        }
    }
}

/// A post-call hook: a tool the bot calls after each voice call.
#[derive(Debug, Serialize, ToSchema)]
#[allow(missing_docs)]
pub struct HookView {
    pub id: Uuid,
    pub bot_id: Uuid,
    pub tool_configuration_id: Uuid,
    pub tool_type: String,
    pub tool_name: String,
    pub run_order: i32,
    pub enabled: bool,
    #[schema(value_type = Object)]
    pub params_template: serde_json::Value,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

impl From<PostCallHook> for HookView {
    fn from(h: PostCallHook) -> Self {
        Self {
            id: h.id.as_uuid(),
            bot_id: h.bot_id.as_uuid(),
            tool_configuration_id: h.tool_configuration_id.as_uuid(),
            tool_type: h.tool_type,
            tool_name: h.tool_name,
            run_order: h.run_order,
            enabled: h.enabled,
            params_template: h.params_template,
            created_at: h.created_at,
            updated_at: h.updated_at,
        }
    }
}
