//! Rows of `ledger_entries`.

use diesel::prelude::*;
use hania_domain::ids::{ConversationId, LedgerEntryId, MessageId, WorkspaceId};
use hania_domain::ledger::{LedgerEntry, LedgerKind};
use hania_domain::money::Money;
use hania_domain::ports::StoreError;

use crate::conn::{to_i32, to_u32};
use crate::schema::ledger_entries;
use crate::sql_types::{SqlTime, SqlUuid, sql_id};

/// A `ledger_entries` row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
// `None` is written as NULL rather than DEFAULT, so the INSERT has one fixed
// SQL text and its prepared statement is cached.
#[diesel(table_name = ledger_entries, treat_none_as_default_value = false)]
pub struct LedgerRow {
    pub id: SqlUuid,
    pub workspace_id: SqlUuid,
    pub kind: String,
    pub amount_micros: i64,
    pub balance_after_micros: i64,
    pub conversation_id: Option<SqlUuid>,
    pub message_id: Option<SqlUuid>,
    pub model: Option<String>,
    pub prompt_tokens: i32,
    pub completion_tokens: i32,
    pub description: String,
    pub created_at: SqlTime,
}

impl From<&LedgerEntry> for LedgerRow {
    fn from(e: &LedgerEntry) -> Self {
        Self {
            id: sql_id(e.id),
            workspace_id: sql_id(e.workspace_id),
            kind: e.kind.as_str().to_owned(),
            amount_micros: e.amount.micros(),
            balance_after_micros: e.balance_after.micros(),
            conversation_id: e.conversation_id.map(sql_id),
            message_id: e.message_id.map(sql_id),
            model: e.model.clone(),
            prompt_tokens: to_i32(e.prompt_tokens),
            completion_tokens: to_i32(e.completion_tokens),
            description: e.description.clone(),
            created_at: SqlTime(e.created_at),
        }
    }
}

impl TryFrom<LedgerRow> for LedgerEntry {
    type Error = StoreError;

    fn try_from(r: LedgerRow) -> Result<Self, StoreError> {
        Ok(LedgerEntry {
            id: LedgerEntryId::from_uuid(r.id.0),
            workspace_id: WorkspaceId::from_uuid(r.workspace_id.0),
            kind: LedgerKind::parse(&r.kind).map_err(StoreError::unexpected)?,
            amount: Money::from_micros(r.amount_micros),
            balance_after: Money::from_micros(r.balance_after_micros),
            conversation_id: r.conversation_id.map(|c| ConversationId::from_uuid(c.0)),
            message_id: r.message_id.map(|m| MessageId::from_uuid(m.0)),
            model: r.model,
            prompt_tokens: to_u32(r.prompt_tokens, "prompt_tokens")?,
            completion_tokens: to_u32(r.completion_tokens, "completion_tokens")?,
            description: r.description,
            created_at: r.created_at.0,
        })
    }
}
