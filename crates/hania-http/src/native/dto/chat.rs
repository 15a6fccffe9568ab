//! Chat bodies (seed `000_*`).

use hania_domain::conversation::Channel;
use hania_domain::ids::{BotId, ConversationId};
use hania_domain::services::{BotRef, ChatReply, ChatRequest};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use super::names::ChatChannelName;
use crate::wire::error::ApiError;

/// Body of `POST /api/v1/chat/send`.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"bot_id": "b1f2c3d4-5678-90ab-cdef-1234567890ab", "message": "Where is my October invoice?", "external_user_id": "user_8412"}))]
pub struct ChatSendInput {
    /// The bot to message.
    pub bot_id: Uuid,
    /// The end user's message.
    #[schema(min_length = 1, max_length = 32000)]
    pub message: String,
    /// Your own identifier for the end user.
    #[schema(max_length = 256)]
    pub external_user_id: Option<String>,
    /// Continue an existing conversation.
    pub conversation_id: Option<Uuid>,
    /// Start a fresh conversation thread (default false).
    #[serde(default)]
    pub new_conversation: bool,
    /// Run the bot in agent mode: the model may call the bot's attached
    /// tools (default false; always on for a bot of type `agent`).
    #[serde(default)]
    pub agent_mode: bool,
    /// `api` (default), `sms` or `whatsapp`.
    #[schema(value_type = Option<ChatChannelName>)]
    pub channel: Option<String>,
}

impl ChatSendInput {
    /// The domain request.
    pub fn into_request(self) -> Result<ChatRequest, ApiError> {
        let channel = match self.channel.as_deref() {
            Some(text) => Channel::parse_chat_channel(text)?,
            None => Channel::Api,
        };
        Ok(ChatRequest {
            bot: BotRef::Id(BotId::from_uuid(self.bot_id)),
            message: self.message,
            external_user_id: self.external_user_id,
            conversation_id: self.conversation_id.map(ConversationId::from_uuid),
            new_conversation: self.new_conversation,
            agent_mode: self.agent_mode,
            channel,
        })
    }
}

/// The reply of `POST /api/v1/chat/send`.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"response": "Your October invoice was emailed on Oct 3.", "conversation_id": "c9a8b7c6-1234-4def-89ab-aabbccddeeff", "timestamp": "2026-06-09T14:05:22Z"}))]
pub struct ChatSendReply {
    /// The bot's answer.
    pub response: String,
    /// Pass it back to continue the thread.
    pub conversation_id: Uuid,
    /// When the answer was stored.
    #[serde(with = "time::serde::rfc3339")]
    pub timestamp: OffsetDateTime,
}

impl From<&ChatReply> for ChatSendReply {
    fn from(reply: &ChatReply) -> Self {
        Self {
            response: reply.response.clone(),
            conversation_id: reply.conversation_id.as_uuid(),
            timestamp: crate::wire::whole_seconds(reply.timestamp),
        }
    }
}
