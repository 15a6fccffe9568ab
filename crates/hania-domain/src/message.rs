//! Messages of a conversation, in the order they were stored.

use time::OffsetDateTime;

use crate::ids::{ConversationId, MessageId};
use crate::wire_enum::wire_enum;

wire_enum!(
    /// Who wrote a message.
    Role, "role", {
        /// The end user.
        User = "user",
        /// The bot.
        Assistant = "assistant",
        /// Instructions injected by the server.
        System = "system",
        /// A tool's result in an agent run.
        Tool = "tool",
    }
);

/// A stored message.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    /// Message id.
    pub id: MessageId,
    /// Its conversation.
    pub conversation_id: ConversationId,
    /// 1-based position in the conversation; messages are listed by it.
    pub position: u32,
    /// Author.
    pub role: Role,
    /// Text.
    pub content: String,
    /// Extra data (e.g. `{"interrupted": true}`, model, tokens).
    pub metadata: Option<serde_json::Value>,
    /// Storage time.
    pub created_at: OffsetDateTime,
}

impl Message {
    /// The calls an assistant message asked for: its `metadata.tool_calls`,
    /// `[{"id", "name", "arguments"}]` (none for other messages).
    pub fn tool_calls(&self) -> &[serde_json::Value] {
        let calls = self
            .metadata
            .as_ref()
            .and_then(|m| m.get("tool_calls"))
            .and_then(serde_json::Value::as_array);
        match calls {
            Some(calls) if self.role == Role::Assistant => calls,
            _ => &[],
        }
    }

    /// The call a `tool` message answers: its `metadata.tool_call_id`.
    pub fn answered_call(&self) -> Option<&str> {
        self.metadata.as_ref()?.get("tool_call_id")?.as_str()
    }
}

/// A message to append; the store assigns its position.
#[derive(Debug, Clone, PartialEq)]
pub struct NewMessage {
    /// Message id.
    pub id: MessageId,
    /// Author.
    pub role: Role,
    /// Text.
    pub content: String,
    /// Extra data.
    pub metadata: Option<serde_json::Value>,
    /// Storage time.
    pub created_at: OffsetDateTime,
}
