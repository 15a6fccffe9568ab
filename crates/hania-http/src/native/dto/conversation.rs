//! Conversation, message and trace bodies (seed `002_*`).

use hania_domain::conversation::{Conversation, PostCallAnalysis};
use hania_domain::message::Message;
use hania_domain::trace::TraceStep;
use serde::Serialize;
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

/// Post-call analysis of a voice conversation.
#[derive(Debug, Serialize, ToSchema)]
#[allow(missing_docs)]
pub struct AnalysisView {
    pub sentiment: Option<String>,
    pub topic: Option<String>,
    pub outcome: Option<String>,
    pub summary: Option<String>,
}

impl From<PostCallAnalysis> for AnalysisView {
    fn from(a: PostCallAnalysis) -> Self {
        Self {
            sentiment: a.sentiment,
            topic: a.topic,
            outcome: a.outcome,
            summary: a.summary,
        }
    }
}

/// A conversation list item.
#[derive(Debug, Serialize, ToSchema)]
#[allow(missing_docs)] // Fields as listed by the seed.
pub struct ConversationItem {
    pub id: Uuid,
    pub bot_id: Uuid,
    pub bot_name: String,
    #[schema(example = "api")]
    pub channel: String,
    pub customer_id: Option<String>,
    pub external_call_id: Option<String>,
    pub external_linked_id: Option<String>,
    pub message_count: u32,
    #[serde(with = "time::serde::rfc3339")]
    pub started_at: OffsetDateTime,
    #[serde(serialize_with = "time::serde::rfc3339::option::serialize")]
    pub ended_at: Option<OffsetDateTime>,
    #[serde(serialize_with = "time::serde::rfc3339::option::serialize")]
    pub last_message_at: Option<OffsetDateTime>,
    /// The newest message's first 100 characters.
    pub last_message_preview: Option<String>,
    pub has_trace: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub post_call_analysis: Option<AnalysisView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_conversation_id: Option<Uuid>,
}

impl ConversationItem {
    /// The item of a conversation of the bot named `bot_name`.
    pub fn new(c: Conversation, bot_name: String) -> Self {
        Self {
            has_trace: c.has_trace(),
            id: c.id.as_uuid(),
            bot_id: c.bot_id.as_uuid(),
            bot_name,
            channel: c.channel.as_str().into(),
            customer_id: c.customer_id,
            external_call_id: c.external_call_id,
            external_linked_id: c.external_linked_id,
            message_count: c.message_count,
            started_at: c.started_at,
            ended_at: c.ended_at,
            last_message_at: c.last_message_at,
            last_message_preview: c.last_message_preview,
            post_call_analysis: c.post_call_analysis.map(AnalysisView::from),
            source_conversation_id: c.source_conversation_id.map(|s| s.as_uuid()),
        }
    }
}

/// A message; `metadata` is a JSON-encoded string when present.
#[derive(Debug, Serialize, ToSchema)]
#[allow(missing_docs)]
pub struct MessageView {
    pub id: Uuid,
    #[schema(example = "user")]
    pub role: String,
    pub content: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

impl From<Message> for MessageView {
    fn from(m: Message) -> Self {
        Self {
            id: m.id.as_uuid(),
            role: m.role.as_str().into(),
            content: m.content,
            metadata: m.metadata.map(|v| v.to_string()),
            created_at: m.created_at,
        }
    }
}

/// `GET /api/v1/conversations/{id}`: the list item plus its messages,
/// oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConversationDetail {
    /// The conversation.
    #[serde(flatten)]
    pub conversation: ConversationItem,
    /// Its messages in ascending order.
    pub messages: Vec<MessageView>,
}

/// One step of a conversation's execution trace.
#[derive(Debug, Serialize, ToSchema)]
#[allow(missing_docs)] // Fields as listed by the seed.
pub struct TraceStepView {
    pub id: Uuid,
    pub step_number: u32,
    #[schema(example = "model_call")]
    pub action_type: String,
    pub action_name: String,
    pub result_summary: Option<String>,
    pub items_count: Option<u32>,
    #[serde(with = "time::serde::rfc3339")]
    pub started_at: OffsetDateTime,
    #[serde(serialize_with = "time::serde::rfc3339::option::serialize")]
    pub completed_at: Option<OffsetDateTime>,
    pub duration_ms: Option<i64>,
    pub error_message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prompt_tokens: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub completion_tokens: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_tokens: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tool_function: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tool_execution_ms: Option<i64>,
}

impl From<TraceStep> for TraceStepView {
    fn from(s: TraceStep) -> Self {
        Self {
            id: s.id.as_uuid(),
            step_number: s.step_number,
            action_type: s.action_type,
            action_name: s.action_name,
            result_summary: s.result_summary,
            items_count: s.items_count,
            started_at: s.started_at,
            completed_at: s.completed_at,
            duration_ms: s.duration_ms,
            error_message: s.error_message,
            model: s.model,
            prompt_tokens: s.prompt_tokens,
            completion_tokens: s.completion_tokens,
            total_tokens: s.total_tokens,
            tool_function: s.tool_function,
            tool_execution_ms: s.tool_execution_ms,
        }
    }
}
