//! Tool configurations: named tools a bot can call. The first kind is a
//! webhook (an HTTPS POST of JSON arguments to a URL).

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::ids::{ToolConfigId, WorkspaceId};
use crate::outbound::OutboundPolicy;
use crate::validation::{ValidationError, check_json, check_text};

/// Longest tool name (the function name the model sees).
pub const MAX_TOOL_NAME: usize = 64;
/// Default webhook timeout.
pub const DEFAULT_WEBHOOK_TIMEOUT_MS: u32 = 10_000;
/// Longest webhook timeout.
pub const MAX_WEBHOOK_TIMEOUT_MS: u32 = 120_000;

/// A header sent with every webhook call so the receiver can authenticate
/// it. The value is a secret: it is never returned by the API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecretHeader {
    /// Header name.
    pub name: String,
    /// Header value.
    pub value: String,
}

/// A webhook tool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookTool {
    /// `https://` (or, if the operator allows, `http://`) URL to POST to.
    pub url: String,
    /// Optional authentication header.
    #[serde(default)]
    pub secret_header: Option<SecretHeader>,
    /// Per-call timeout.
    #[serde(default = "default_timeout_ms")]
    pub timeout_ms: u32,
    /// The `whsec_…` secret calls are signed with (`X-Hania-Signature`):
    /// made by the server when the tool is created, shown once, kept when
    /// the tool changes. Tools stored before signing have none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signing_secret: Option<String>,
}

impl ToolKind {
    /// The kind's signing secret, if it signs its calls.
    pub fn signing_secret(&self) -> Option<&str> {
        match self {
            ToolKind::Webhook(webhook) => webhook.signing_secret.as_deref(),
        }
    }

    fn set_signing_secret(&mut self, secret: Option<String>) {
        match self {
            ToolKind::Webhook(webhook) => webhook.signing_secret = secret,
        }
    }

    /// This kind with `secret` as its signing secret (a client never sets
    /// it: the server keeps the one it made).
    pub fn with_signing_secret(mut self, secret: Option<String>) -> Self {
        self.set_signing_secret(secret);
        self
    }
}

fn default_timeout_ms() -> u32 {
    DEFAULT_WEBHOOK_TIMEOUT_MS
}

/// The kind of a tool, with its kind-specific settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ToolKind {
    /// HTTPS POST of JSON arguments.
    Webhook(WebhookTool),
}

impl ToolKind {
    /// The wire and stored name of the kind (`tool_type`).
    pub fn type_name(&self) -> &'static str {
        match self {
            ToolKind::Webhook(_) => "webhook",
        }
    }

    /// The kind-specific settings as JSON, for storage.
    pub fn settings_json(&self) -> serde_json::Value {
        match self {
            ToolKind::Webhook(webhook) => serde_json::to_value(webhook).unwrap_or_default(),
        }
    }

    /// Rebuilds a kind from its stored name and settings.
    pub fn from_stored(
        type_name: &str,
        settings: serde_json::Value,
    ) -> Result<Self, ValidationError> {
        match type_name {
            "webhook" => serde_json::from_value(settings)
                .map(ToolKind::Webhook)
                .map_err(|e| ValidationError::new("config", e.to_string())),
            other => Err(ValidationError::new(
                "tool_type",
                format!("unknown tool type '{other}'"),
            )),
        }
    }
}

/// A stored tool configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolConfig {
    /// Tool id.
    pub id: ToolConfigId,
    /// Owning workspace.
    pub workspace_id: WorkspaceId,
    /// Unique per workspace; the function name the model calls.
    pub name: String,
    /// Tells the model what the tool does.
    pub description: String,
    /// Kind and settings.
    pub kind: ToolKind,
    /// JSON Schema of the arguments.
    pub parameters: serde_json::Value,
    /// Creation time.
    pub created_at: OffsetDateTime,
    /// Last change.
    pub updated_at: OffsetDateTime,
}

/// Checks a tool name: 1 to 64 ASCII letters, digits, `_` or `-`.
pub fn validate_tool_name(name: &str) -> Result<(), ValidationError> {
    let ok = !name.is_empty()
        && name.len() <= MAX_TOOL_NAME
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(ValidationError::new(
            "name",
            format!("must be 1 to {MAX_TOOL_NAME} letters, digits, '_' or '-'"),
        ))
    }
}

impl WebhookTool {
    /// Checks the URL (shape, and what the outbound `policy` can tell
    /// without resolving it), the header and the timeout. Errors name the
    /// fields inside the tool's `config`.
    pub fn validate(&self, policy: &OutboundPolicy) -> Result<(), ValidationError> {
        policy.check_url("config.url", &self.url)?;
        if let Some(header) = &self.secret_header {
            let token_ok = !header.name.is_empty()
                && header
                    .name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
            if !token_ok {
                return Err(ValidationError::new(
                    "config.secret_header.name",
                    "must be a header name",
                ));
            }
            check_text("config.secret_header.value", &header.value, 4_096)?;
            if header.value.contains(['\r', '\n']) {
                return Err(ValidationError::new(
                    "config.secret_header.value",
                    "must be one line",
                ));
            }
        }
        if self.timeout_ms == 0 || self.timeout_ms > MAX_WEBHOOK_TIMEOUT_MS {
            return Err(ValidationError::new(
                "config.timeout_ms",
                format!("must be between 1 and {MAX_WEBHOOK_TIMEOUT_MS}"),
            ));
        }
        Ok(())
    }
}

impl ToolConfig {
    /// Validates every field (the URL against the outbound `policy`).
    pub fn validate(&self, policy: &OutboundPolicy) -> Result<(), ValidationError> {
        validate_tool_name(&self.name)?;
        check_text("description", &self.description, 5_000)?;
        if !self.parameters.is_object() {
            return Err(ValidationError::new(
                "parameters",
                "must be a JSON Schema object",
            ));
        }
        check_json("parameters", &self.parameters)?;
        match &self.kind {
            ToolKind::Webhook(webhook) => webhook.validate(policy),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn webhook(url: &str) -> WebhookTool {
        WebhookTool {
            url: url.into(),
            secret_header: None,
            timeout_ms: DEFAULT_WEBHOOK_TIMEOUT_MS,
            signing_secret: None,
        }
    }

    #[test]
    fn webhooks_are_validated() {
        let policy = OutboundPolicy::default();
        let field = |w: WebhookTool| w.validate(&policy).unwrap_err().field;
        assert!(
            webhook("https://example.com/hook")
                .validate(&policy)
                .is_ok()
        );
        assert_eq!(field(webhook("ftp://x")), "config.url");
        assert_eq!(field(webhook("https:///path")), "config.url");
        assert_eq!(field(webhook("https://127.0.0.2/")), "config.url");
        let mut w = webhook("https://example.com");
        w.timeout_ms = 0;
        assert_eq!(field(w.clone()), "config.timeout_ms");
        w.timeout_ms = 5;
        w.secret_header = Some(SecretHeader {
            name: "X-Secret".into(),
            value: "a\r\nb".into(),
        });
        assert_eq!(field(w), "config.secret_header.value");
        assert!(validate_tool_name("lookup_order").is_ok());
        assert!(validate_tool_name("look up").is_err());
    }

    #[test]
    fn kinds_round_trip_through_storage() {
        let kind = ToolKind::Webhook(webhook("https://example.com"));
        let back = ToolKind::from_stored(kind.type_name(), kind.settings_json()).unwrap();
        assert_eq!(back, kind);
        assert!(ToolKind::from_stored("email", serde_json::json!({})).is_err());
    }
}
