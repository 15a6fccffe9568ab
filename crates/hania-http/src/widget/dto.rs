//! The widget endpoints' bodies.

use hania_domain::message::{Message, Role};
use hania_domain::services::ChatReply;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

/// Body of the widget's chat endpoints.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"message": "Do you ship to Norway?"}))]
pub struct WidgetChatInput {
    /// The visitor's message.
    #[schema(min_length = 1, max_length = 32000)]
    pub message: String,
    /// Continue one of this visitor's conversations (else a new one).
    pub conversation_id: Option<Uuid>,
}

/// The answer of `POST /api/v1/widget/chat`.
#[derive(Debug, Serialize, ToSchema)]
pub struct WidgetChatReply {
    /// The bot's answer.
    pub response: String,
    /// Pass it back to continue the conversation.
    pub conversation_id: Uuid,
    /// When the answer was stored.
    #[serde(with = "time::serde::rfc3339")]
    pub timestamp: OffsetDateTime,
    /// The visitor's token: send it back as `X-Visitor-Token` (in the
    /// stream's `done` event it is the `X-Visitor-Token` header only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub visitor_token: Option<String>,
}

impl WidgetChatReply {
    pub(crate) fn of(reply: &ChatReply, visitor_token: Option<String>) -> Self {
        Self {
            response: reply.response.clone(),
            conversation_id: reply.conversation_id.as_uuid(),
            timestamp: crate::wire::whole_seconds(reply.timestamp),
            visitor_token,
        }
    }
}

/// What the widget shows before the first message.
#[derive(Debug, Serialize, ToSchema)]
pub struct WidgetConfig {
    /// The bot's id.
    pub bot_id: Uuid,
    /// The bot's name (the panel's default title).
    pub bot_name: String,
    /// The bot's opener, shown at once.
    pub chat_greeting: Option<String>,
    /// The widget key's label.
    pub key_name: String,
}

/// One message as the widget shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct WidgetMessage {
    /// `user` or `assistant`.
    pub role: String,
    /// The text.
    pub content: String,
    /// When it was stored.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// A visitor's conversation.
#[derive(Debug, Serialize, ToSchema)]
pub struct WidgetConversation {
    /// Its id.
    pub id: Uuid,
    /// Its user and assistant messages, oldest first.
    pub messages: Vec<WidgetMessage>,
}

impl WidgetMessage {
    /// The message as the widget shows it; `None` for what a visitor does
    /// not see (system, tool calls and results, empty texts).
    pub(crate) fn of(message: Message) -> Option<Self> {
        (matches!(message.role, Role::User | Role::Assistant) && !message.content.is_empty()).then(
            || Self {
                role: message.role.as_str().to_owned(),
                content: message.content,
                created_at: message.created_at,
            },
        )
    }
}

/// The headers that say who is calling: the browser's visitor and, on a
/// site with logged-in users, the verified user.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Header)]
#[allow(dead_code)] // Documentation only: the gate reads the headers.
pub struct WidgetCallerHeaders {
    /// The token of an earlier answer (this browser's visitor).
    #[serde(rename = "X-Visitor-Token")]
    pub visitor_token: Option<String>,
    /// The site's logged-in user (needs `X-User-Hash`); their
    /// conversations follow them to every device.
    #[serde(rename = "X-User-Id")]
    #[param(max_length = 200)]
    pub user_id: Option<String>,
    /// Hex HMAC-SHA256 of `X-User-Id` under the key's identity secret,
    /// computed by the site's backend.
    #[serde(rename = "X-User-Hash")]
    #[param(pattern = "^[0-9a-fA-F]{64}$")]
    pub user_hash: Option<String>,
}
