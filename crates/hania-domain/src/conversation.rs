//! Conversations: one thread between a bot and an end user (or a call, an
//! agent run, a post-call analysis), with its list filters.

use time::OffsetDateTime;

use crate::ids::{BotId, ConversationId, WorkspaceId};
use crate::validation::ValidationError;
use crate::wire_enum::wire_enum;

/// Longest `last_message_preview`.
pub const PREVIEW_CHARS: usize = 100;

wire_enum!(
    /// Where a conversation happens.
    Channel, "channel", {
        /// The embeddable web widget.
        Web = "web",
        /// SMS.
        Sms = "sms",
        /// WhatsApp.
        Whatsapp = "whatsapp",
        /// The server-to-server APIs (all three dialects).
        Api = "api",
        /// A scheduled agent run.
        Agent = "agent",
        /// A voice call.
        Voice = "voice",
        /// A post-call hook run.
        PostCall = "post_call",
    }
);

impl Channel {
    /// Channels a chat request may name (`channel` of `chat/send`).
    pub fn parse_chat_channel(text: &str) -> Result<Self, ValidationError> {
        match Channel::parse(text)? {
            c @ (Channel::Api | Channel::Sms | Channel::Whatsapp) => Ok(c),
            _ => Err(ValidationError::new(
                "channel",
                "must be one of: api, sms, whatsapp",
            )),
        }
    }
}

/// Post-call analysis of a voice conversation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PostCallAnalysis {
    /// E.g. `positive`, `neutral`, `negative`.
    pub sentiment: Option<String>,
    /// What the call was about.
    pub topic: Option<String>,
    /// How it ended, e.g. `resolved`.
    pub outcome: Option<String>,
    /// Short summary.
    pub summary: Option<String>,
}

/// A stored conversation.
#[derive(Debug, Clone, PartialEq)]
pub struct Conversation {
    /// Conversation id.
    pub id: ConversationId,
    /// Owning workspace.
    pub workspace_id: WorkspaceId,
    /// The bot.
    pub bot_id: BotId,
    /// Where it happens.
    pub channel: Channel,
    /// The end user's id on the client's side (`external_user_id`).
    pub customer_id: Option<String>,
    /// Call id at the telephony provider.
    pub external_call_id: Option<String>,
    /// Any other id the client links it with.
    pub external_linked_id: Option<String>,
    /// For post-call runs: the call they analysed.
    pub source_conversation_id: Option<ConversationId>,
    /// Messages stored.
    pub message_count: u32,
    /// Trace steps stored.
    pub trace_step_count: u32,
    /// Start time.
    pub started_at: OffsetDateTime,
    /// Set when the conversation is closed; closed ones are not resumed.
    pub ended_at: Option<OffsetDateTime>,
    /// Time of the newest message.
    pub last_message_at: Option<OffsetDateTime>,
    /// First 100 characters of the newest message.
    pub last_message_preview: Option<String>,
    /// Post-call analysis, once run.
    pub post_call_analysis: Option<PostCallAnalysis>,
}

impl Conversation {
    /// Whether any trace step is stored.
    pub fn has_trace(&self) -> bool {
        self.trace_step_count > 0
    }

    /// Whether it can be continued.
    pub fn is_open(&self) -> bool {
        self.ended_at.is_none()
    }
}

/// A list item: the conversation and its bot's name.
#[derive(Debug, Clone, PartialEq)]
pub struct ConversationSummary {
    /// The conversation.
    pub conversation: Conversation,
    /// The bot's current name.
    pub bot_name: String,
}

/// A conversation to create.
#[derive(Debug, Clone, PartialEq)]
pub struct NewConversation {
    /// Conversation id.
    pub id: ConversationId,
    /// Owning workspace.
    pub workspace_id: WorkspaceId,
    /// The bot (must belong to the workspace).
    pub bot_id: BotId,
    /// Where it happens.
    pub channel: Channel,
    /// The end user's id on the client's side.
    pub customer_id: Option<String>,
    /// Call id at the telephony provider.
    pub external_call_id: Option<String>,
    /// Any other linked id.
    pub external_linked_id: Option<String>,
    /// For post-call runs: the call.
    pub source_conversation_id: Option<ConversationId>,
    /// Start time.
    pub started_at: OffsetDateTime,
}

/// The list filters of `GET /api/v1/conversations`, combined with AND.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ConversationFilter {
    /// A specific bot.
    pub bot_id: Option<BotId>,
    /// A channel.
    pub channel: Option<Channel>,
    /// Exact external call id.
    pub external_call_id: Option<String>,
    /// Exact external linked id.
    pub external_linked_id: Option<String>,
    /// Post-call runs of one call.
    pub source_conversation_id: Option<ConversationId>,
    /// Started at or after.
    pub since: Option<OffsetDateTime>,
    /// Started at or before.
    pub until: Option<OffsetDateTime>,
    /// Exact analysis sentiment.
    pub sentiment: Option<String>,
    /// Exact analysis topic.
    pub topic: Option<String>,
    /// Exact analysis outcome.
    pub outcome: Option<String>,
}

/// One page of conversations and the total matching the filter.
#[derive(Debug, Clone, PartialEq)]
pub struct ConversationPage {
    /// Newest first.
    pub items: Vec<ConversationSummary>,
    /// All rows matching the filter (the `X-Total-Count` header).
    pub total: u64,
}

/// The preview of a message: its first [`PREVIEW_CHARS`] characters.
pub fn preview_of(content: &str) -> String {
    content.chars().take(PREVIEW_CHARS).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chat_channels_are_a_subset() {
        assert_eq!(Channel::parse_chat_channel("sms").unwrap(), Channel::Sms);
        assert_eq!(
            Channel::parse_chat_channel("voice").unwrap_err().field,
            "channel"
        );
        assert_eq!(Channel::parse("post_call").unwrap(), Channel::PostCall);
        assert_eq!(preview_of(&"é".repeat(150)).chars().count(), PREVIEW_CHARS);
    }
}
