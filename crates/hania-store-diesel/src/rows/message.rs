//! Rows of `messages` and `trace_steps`.

use diesel::prelude::*;
use hania_domain::ids::{ConversationId, MessageId, TraceStepId};
use hania_domain::message::{Message, NewMessage, Role};
use hania_domain::ports::StoreError;
use hania_domain::trace::{NewTraceStep, TraceStep};

use crate::conn::{opt_u32, to_i32, to_u32};
use crate::schema::{messages, trace_steps};
use crate::sql_types::{SqlJson, SqlTime, SqlUuid, sql_id};

/// A `messages` row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
// `None` is written as NULL rather than DEFAULT, so the INSERT has one fixed
// SQL text and its prepared statement is cached.
#[diesel(table_name = messages, treat_none_as_default_value = false)]
pub struct MessageRow {
    pub id: SqlUuid,
    pub conversation_id: SqlUuid,
    pub position: i32,
    pub role: String,
    pub content: String,
    pub metadata: Option<SqlJson>,
    pub created_at: SqlTime,
}

impl MessageRow {
    /// The row of a new message at `position`.
    pub fn new(conversation: ConversationId, position: u32, m: &NewMessage) -> Self {
        Self {
            id: sql_id(m.id),
            conversation_id: sql_id(conversation),
            position: to_i32(position),
            role: m.role.as_str().to_owned(),
            content: m.content.clone(),
            metadata: m.metadata.clone().map(SqlJson),
            created_at: SqlTime(m.created_at),
        }
    }
}

impl TryFrom<MessageRow> for Message {
    type Error = StoreError;

    fn try_from(r: MessageRow) -> Result<Self, StoreError> {
        Ok(Message {
            id: MessageId::from_uuid(r.id.0),
            conversation_id: ConversationId::from_uuid(r.conversation_id.0),
            position: to_u32(r.position, "position")?,
            role: Role::parse(&r.role).map_err(StoreError::unexpected)?,
            content: r.content,
            metadata: r.metadata.map(|m| m.0),
            created_at: r.created_at.0,
        })
    }
}

/// A `trace_steps` row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
// `None` is written as NULL rather than DEFAULT, so the INSERT has one fixed
// SQL text and its prepared statement is cached.
#[diesel(table_name = trace_steps, treat_none_as_default_value = false)]
pub struct TraceRow {
    pub id: SqlUuid,
    pub conversation_id: SqlUuid,
    pub step_number: i32,
    pub action_type: String,
    pub action_name: String,
    pub result_summary: Option<String>,
    pub items_count: Option<i32>,
    pub started_at: SqlTime,
    pub completed_at: Option<SqlTime>,
    pub duration_ms: Option<i64>,
    pub error_message: Option<String>,
    pub model: Option<String>,
    pub prompt_tokens: Option<i32>,
    pub completion_tokens: Option<i32>,
    pub total_tokens: Option<i32>,
    pub tool_function: Option<String>,
    pub tool_execution_ms: Option<i64>,
}

impl TraceRow {
    /// The row of a new step numbered `step_number`.
    pub fn new(conversation: ConversationId, step_number: u32, s: &NewTraceStep) -> Self {
        Self {
            id: sql_id(s.id),
            conversation_id: sql_id(conversation),
            step_number: to_i32(step_number),
            action_type: s.action_type.clone(),
            action_name: s.action_name.clone(),
            result_summary: s.result_summary.clone(),
            items_count: s.items_count.map(to_i32),
            started_at: SqlTime(s.started_at),
            completed_at: s.completed_at.map(SqlTime),
            duration_ms: s.duration_ms,
            error_message: s.error_message.clone(),
            model: s.model.clone(),
            prompt_tokens: s.prompt_tokens.map(to_i32),
            completion_tokens: s.completion_tokens.map(to_i32),
            total_tokens: s.total_tokens.map(to_i32),
            tool_function: s.tool_function.clone(),
            tool_execution_ms: s.tool_execution_ms,
        }
    }
}

impl TryFrom<TraceRow> for TraceStep {
    type Error = StoreError;

    fn try_from(r: TraceRow) -> Result<Self, StoreError> {
        Ok(TraceStep {
            id: TraceStepId::from_uuid(r.id.0),
            conversation_id: ConversationId::from_uuid(r.conversation_id.0),
            step_number: to_u32(r.step_number, "step_number")?,
            action_type: r.action_type,
            action_name: r.action_name,
            result_summary: r.result_summary,
            items_count: opt_u32(r.items_count, "items_count")?,
            started_at: r.started_at.0,
            completed_at: r.completed_at.map(|t| t.0),
            duration_ms: r.duration_ms,
            error_message: r.error_message,
            model: r.model,
            prompt_tokens: opt_u32(r.prompt_tokens, "prompt_tokens")?,
            completion_tokens: opt_u32(r.completion_tokens, "completion_tokens")?,
            total_tokens: opt_u32(r.total_tokens, "total_tokens")?,
            tool_function: r.tool_function,
            tool_execution_ms: r.tool_execution_ms,
        })
    }
}
