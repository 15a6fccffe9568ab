//! [`MessageStore`] and [`TraceStore`].

use async_trait::async_trait;
use diesel::prelude::*;
use diesel_async::{AsyncConnection, RunQueryDsl};
use hania_domain::ids::{ConversationId, WorkspaceId};
use hania_domain::message::{Message, NewMessage};
use hania_domain::ports::{MessageStore, StoreError, TraceStore};
use hania_domain::trace::{NewTraceStep, TraceStep};

use super::append::{append_in, conversation_exists_in};
use crate::DieselStore;
use crate::conn::DbError;
use crate::on_conn;
use crate::rows::message::{MessageRow, TraceRow};
use crate::schema::{messages, trace_steps};
use crate::sql_types::sql_id;

#[async_trait]
impl MessageStore for DieselStore {
    async fn append_messages(
        &self,
        workspace: WorkspaceId,
        conversation: ConversationId,
        new: &[NewMessage],
    ) -> Result<Vec<Message>, StoreError> {
        let mut conn = self.conn().await?;
        let rows: Vec<MessageRow> = on_conn!(&mut conn, |c| {
            c.transaction(async |c| {
                append_in!(c, workspace, conversation, new, &[]; .await).map(|(rows, _)| rows)
            })
            .await
        })?;
        rows.into_iter().map(Message::try_from).collect()
    }

    async fn list_messages(
        &self,
        workspace: WorkspaceId,
        conversation: ConversationId,
    ) -> Result<Vec<Message>, StoreError> {
        let mut conn = self.conn().await?;
        let rows: Vec<MessageRow> = on_conn!(&mut conn, |c| {
            conversation_exists_in!(c, workspace, conversation)?;
            messages::table
                .filter(messages::conversation_id.eq(sql_id(conversation)))
                .order(messages::position.asc())
                .select(MessageRow::as_select())
                .load(c)
                .await
                .map_err(DbError::from)
        })?;
        rows.into_iter().map(Message::try_from).collect()
    }
}

#[async_trait]
impl TraceStore for DieselStore {
    async fn append_trace_steps(
        &self,
        workspace: WorkspaceId,
        conversation: ConversationId,
        steps: &[NewTraceStep],
    ) -> Result<Vec<TraceStep>, StoreError> {
        let mut conn = self.conn().await?;
        let rows: Vec<TraceRow> = on_conn!(&mut conn, |c| {
            c.transaction(async |c| {
                append_in!(c, workspace, conversation, &[], steps; .await).map(|(_, rows)| rows)
            })
            .await
        })?;
        rows.into_iter().map(TraceStep::try_from).collect()
    }

    async fn list_trace(
        &self,
        workspace: WorkspaceId,
        conversation: ConversationId,
    ) -> Result<Vec<TraceStep>, StoreError> {
        let mut conn = self.conn().await?;
        let rows: Vec<TraceRow> = on_conn!(&mut conn, |c| {
            conversation_exists_in!(c, workspace, conversation)?;
            trace_steps::table
                .filter(trace_steps::conversation_id.eq(sql_id(conversation)))
                .order(trace_steps::step_number.asc())
                .select(TraceRow::as_select())
                .load(c)
                .await
                .map_err(DbError::from)
        })?;
        rows.into_iter().map(TraceStep::try_from).collect()
    }
}
