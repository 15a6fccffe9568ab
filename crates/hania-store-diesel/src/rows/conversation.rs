//! Rows of `conversations`.

use diesel::prelude::*;
use hania_domain::conversation::{Channel, Conversation, NewConversation, PostCallAnalysis};
use hania_domain::ids::{BotId, ConversationId, WorkspaceId};
use hania_domain::ports::StoreError;

use crate::conn::to_u32;
use crate::schema::conversations;
use crate::sql_types::{SqlTime, SqlUuid, sql_id};

/// A `conversations` row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
// `None` is written as NULL rather than DEFAULT, so the INSERT has one fixed
// SQL text and its prepared statement is cached.
#[diesel(table_name = conversations, treat_none_as_default_value = false)]
pub struct ConversationRow {
    pub id: SqlUuid,
    pub workspace_id: SqlUuid,
    pub bot_id: SqlUuid,
    pub channel: String,
    pub customer_id: Option<String>,
    pub external_call_id: Option<String>,
    pub external_linked_id: Option<String>,
    pub source_conversation_id: Option<SqlUuid>,
    pub message_count: i32,
    pub trace_step_count: i32,
    pub started_at: SqlTime,
    pub ended_at: Option<SqlTime>,
    pub last_message_at: Option<SqlTime>,
    pub last_message_preview: Option<String>,
    pub analysis_sentiment: Option<String>,
    pub analysis_topic: Option<String>,
    pub analysis_outcome: Option<String>,
    pub analysis_summary: Option<String>,
}

impl From<&NewConversation> for ConversationRow {
    fn from(n: &NewConversation) -> Self {
        Self {
            id: sql_id(n.id),
            workspace_id: sql_id(n.workspace_id),
            bot_id: sql_id(n.bot_id),
            channel: n.channel.as_str().to_owned(),
            customer_id: n.customer_id.clone(),
            external_call_id: n.external_call_id.clone(),
            external_linked_id: n.external_linked_id.clone(),
            source_conversation_id: n.source_conversation_id.map(sql_id),
            message_count: 0,
            trace_step_count: 0,
            started_at: SqlTime(n.started_at),
            ended_at: None,
            last_message_at: None,
            last_message_preview: None,
            analysis_sentiment: None,
            analysis_topic: None,
            analysis_outcome: None,
            analysis_summary: None,
        }
    }
}

impl TryFrom<ConversationRow> for Conversation {
    type Error = StoreError;

    fn try_from(r: ConversationRow) -> Result<Self, StoreError> {
        let analysis = PostCallAnalysis {
            sentiment: r.analysis_sentiment,
            topic: r.analysis_topic,
            outcome: r.analysis_outcome,
            summary: r.analysis_summary,
        };
        Ok(Conversation {
            id: ConversationId::from_uuid(r.id.0),
            workspace_id: WorkspaceId::from_uuid(r.workspace_id.0),
            bot_id: BotId::from_uuid(r.bot_id.0),
            channel: Channel::parse(&r.channel).map_err(StoreError::unexpected)?,
            customer_id: r.customer_id,
            external_call_id: r.external_call_id,
            external_linked_id: r.external_linked_id,
            source_conversation_id: r
                .source_conversation_id
                .map(|s| ConversationId::from_uuid(s.0)),
            message_count: to_u32(r.message_count, "message_count")?,
            trace_step_count: to_u32(r.trace_step_count, "trace_step_count")?,
            started_at: r.started_at.0,
            ended_at: r.ended_at.map(|t| t.0),
            last_message_at: r.last_message_at.map(|t| t.0),
            last_message_preview: r.last_message_preview,
            post_call_analysis: (analysis != PostCallAnalysis::default()).then_some(analysis),
        })
    }
}
