//! [`ConversationStore`].

use std::collections::HashMap;

use async_trait::async_trait;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use hania_domain::conversation::{
    Channel, Conversation, ConversationFilter, ConversationPage, ConversationSummary,
    NewConversation, PostCallAnalysis,
};
use hania_domain::ids::{BotId, ConversationId, WorkspaceId};
use hania_domain::page::Page;
use hania_domain::ports::{ConversationStore, StoreError};
use time::OffsetDateTime;
use uuid::Uuid;

use super::bot::bot_exists;
use super::conversation_totals::{
    TotalSource, analysis_count_query, kept_count_query, total_source,
};
use super::lookups::{conversation_by_id, open_conversations};
use super::workspace::one_row;
use crate::DieselStore;
use crate::conn::DbError;
use crate::on_conn;
use crate::rows::conversation::ConversationRow;
use crate::schema::{bots, conversation_analysis_counts, conversation_counts, conversations};
use crate::sql_types::{SqlTime, SqlUuid, sql_id};

/// Applies every filter of a [`ConversationFilter`] to a boxed query over
/// `conversations` (alone or joined), scoped to the workspace.
macro_rules! filtered {
    ($base:expr, $workspace:expr, $filter:expr) => {{
        let f: &ConversationFilter = $filter;
        let mut q = $base
            .filter(conversations::workspace_id.eq(sql_id($workspace)))
            .into_boxed();
        if let Some(bot) = f.bot_id {
            q = q.filter(conversations::bot_id.eq(sql_id(bot)));
        }
        if let Some(channel) = f.channel {
            q = q.filter(conversations::channel.eq(channel.as_str()));
        }
        if let Some(id) = &f.external_call_id {
            q = q.filter(conversations::external_call_id.eq(id));
        }
        if let Some(id) = &f.external_linked_id {
            q = q.filter(conversations::external_linked_id.eq(id));
        }
        if let Some(id) = f.source_conversation_id {
            q = q.filter(conversations::source_conversation_id.eq(sql_id(id)));
        }
        if let Some(since) = f.since {
            q = q.filter(conversations::started_at.ge(SqlTime(since)));
        }
        if let Some(until) = f.until {
            q = q.filter(conversations::started_at.le(SqlTime(until)));
        }
        if let Some(v) = &f.sentiment {
            q = q.filter(conversations::analysis_sentiment.eq(v));
        }
        if let Some(v) = &f.topic {
            q = q.filter(conversations::analysis_topic.eq(v));
        }
        if let Some(v) = &f.outcome {
            q = q.filter(conversations::analysis_outcome.eq(v));
        }
        q
    }};
}

/// The page of a conversation list, newest first: the one query
/// `list_conversations` runs for the rows (the bots' names come after,
/// by id, so no join can make the planner give up the index's order) and
/// `index_plans` EXPLAINs.
macro_rules! list_query {
    ($workspace:expr, $filter:expr, $page:expr) => {{
        let page: Page = $page;
        filtered!(conversations::table, $workspace, $filter)
            .order((conversations::started_at.desc(), conversations::id.desc()))
            .limit(i64::from(page.limit()))
            .offset(i64::from(page.offset()))
            .select(ConversationRow::as_select())
    }};
}

/// The total of a conversation list (for `X-Total-Count`).
macro_rules! count_query {
    ($workspace:expr, $filter:expr) => {
        filtered!(conversations::table, $workspace, $filter).count()
    };
}

/// The query that gives a filter's total (each row a part of it, added
/// up: one row when counted, one per kept key otherwise), bound to `$q`
/// for `$body`: the one `list_conversations` runs and
/// `list_conversations_sql` renders.
macro_rules! total_query {
    ($workspace:expr, $filter:expr, |$q:ident| $body:expr) => {
        match total_source($filter) {
            TotalSource::Kept => {
                let $q = kept_count_query!($workspace, $filter);
                $body
            }
            TotalSource::KeptByAnalysis => {
                let $q = analysis_count_query!($workspace, $filter);
                $body
            }
            TotalSource::Counted => {
                let $q = count_query!($workspace, $filter);
                $body
            }
        }
    };
}

#[async_trait]
impl ConversationStore for DieselStore {
    async fn create_conversation(&self, new: &NewConversation) -> Result<Conversation, StoreError> {
        if !bot_exists(self, new.workspace_id, new.bot_id).await? {
            return Err(StoreError::NotFound);
        }
        if let Some(source) = new.source_conversation_id {
            self.get_conversation(new.workspace_id, source).await?;
        }
        let row = ConversationRow::from(new);
        let mut conn = self.conn().await?;
        on_conn!(&mut conn, |c| {
            diesel::insert_into(conversations::table)
                .values(&row)
                .execute(c)
                .await
                .map_err(DbError::from)
        })?;
        row.try_into()
    }

    async fn get_conversation(
        &self,
        workspace: WorkspaceId,
        id: ConversationId,
    ) -> Result<Conversation, StoreError> {
        let mut conn = self.conn().await?;
        let row: ConversationRow = on_conn!(&mut conn, |c| {
            conversation_by_id!(workspace, id)
                .first(c)
                .await
                .map_err(DbError::from)
        })?;
        row.try_into()
    }

    async fn find_open_conversation(
        &self,
        workspace: WorkspaceId,
        bot: BotId,
        channel: Channel,
        customer_id: &str,
    ) -> Result<Option<Conversation>, StoreError> {
        let mut conn = self.conn().await?;
        let row: Option<ConversationRow> = on_conn!(&mut conn, |c| {
            open_conversations!(workspace, sql_id(bot), channel, customer_id)
                .first(c)
                .await
                .optional()
                .map_err(DbError::from)
        })?;
        row.map(Conversation::try_from).transpose()
    }

    async fn list_conversations(
        &self,
        workspace: WorkspaceId,
        filter: &ConversationFilter,
        page: Page,
    ) -> Result<ConversationPage, StoreError> {
        let mut conn = self.conn().await?;
        let (total, rows, names) = on_conn!(&mut conn, |c| {
            let total: i64 = total_query!(workspace, filter, |q| q
                .load::<i64>(c)
                .await
                .map_err(DbError::from)?
                .into_iter()
                .sum());
            let rows: Vec<ConversationRow> = list_query!(workspace, filter, page)
                .load(c)
                .await
                .map_err(DbError::from)?;
            let mut bot_ids: Vec<SqlUuid> = rows.iter().map(|r| r.bot_id.clone()).collect();
            bot_ids.sort_by_key(|id| id.0);
            bot_ids.dedup();
            let names: Vec<(SqlUuid, String)> = bots::table
                .filter(bots::id.eq_any(bot_ids))
                .select((bots::id, bots::name))
                .load(c)
                .await
                .map_err(DbError::from)?;
            Ok::<_, DbError>((total, rows, names))
        })?;
        let names: HashMap<Uuid, String> =
            names.into_iter().map(|(id, name)| (id.0, name)).collect();
        let items = rows
            .into_iter()
            .map(|row| {
                let bot_name = names.get(&row.bot_id.0).cloned().unwrap_or_default();
                Ok(ConversationSummary {
                    conversation: row.try_into()?,
                    bot_name,
                })
            })
            .collect::<Result<_, StoreError>>()?;
        Ok(ConversationPage {
            items,
            total: u64::try_from(total).unwrap_or(0),
        })
    }

    async fn end_conversation(
        &self,
        workspace: WorkspaceId,
        id: ConversationId,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let mut conn = self.conn().await?;
        let changed = on_conn!(&mut conn, |c| {
            diesel::update(
                conversations::table
                    .filter(conversations::id.eq(sql_id(id)))
                    .filter(conversations::workspace_id.eq(sql_id(workspace))),
            )
            .set(conversations::ended_at.eq(SqlTime(at)))
            .execute(c)
            .await
            .map_err(DbError::from)
        })?;
        one_row(changed)
    }

    async fn set_post_call_analysis(
        &self,
        workspace: WorkspaceId,
        id: ConversationId,
        analysis: &PostCallAnalysis,
    ) -> Result<(), StoreError> {
        let mut conn = self.conn().await?;
        let changed = on_conn!(&mut conn, |c| {
            diesel::update(
                conversations::table
                    .filter(conversations::id.eq(sql_id(id)))
                    .filter(conversations::workspace_id.eq(sql_id(workspace))),
            )
            .set((
                conversations::analysis_sentiment.eq(&analysis.sentiment),
                conversations::analysis_topic.eq(&analysis.topic),
                conversations::analysis_outcome.eq(&analysis.outcome),
                conversations::analysis_summary.eq(&analysis.summary),
            ))
            .execute(c)
            .await
            .map_err(DbError::from)
        })?;
        one_row(changed)
    }

    async fn delete_conversation(
        &self,
        workspace: WorkspaceId,
        id: ConversationId,
    ) -> Result<(), StoreError> {
        let mut conn = self.conn().await?;
        // Messages and trace steps go by ON DELETE CASCADE; ledger rows and
        // post-call conversations keep existing by ON DELETE SET NULL.
        let changed = on_conn!(&mut conn, |c| {
            diesel::delete(
                conversations::table
                    .filter(conversations::id.eq(sql_id(id)))
                    .filter(conversations::workspace_id.eq(sql_id(workspace))),
            )
            .execute(c)
            .await
            .map_err(DbError::from)
        })?;
        one_row(changed)
    }
}

/// The SQL (placeholders, no bind values) the list query and its total
/// (counted, or added up from the kept counts) run for a filter, so tests
/// can `EXPLAIN` exactly what the adapter executes.
/// Bind order: workspace, then the filter's set fields in
/// [`ConversationFilter`] field order, then limit and offset.
#[doc(hidden)]
pub fn list_conversations_sql(
    backend: crate::Backend,
    workspace: WorkspaceId,
    filter: &ConversationFilter,
    page: Page,
) -> (String, String) {
    fn strip_binds(sql: String) -> String {
        sql.split(" -- binds:")
            .next()
            .unwrap_or_default()
            .to_owned()
    }
    macro_rules! render {
        ($db:ty) => {{
            let list = list_query!(workspace, filter, page);
            let count = total_query!(workspace, filter, |q| {
                diesel::debug_query::<$db, _>(&q).to_string()
            });
            (
                strip_binds(diesel::debug_query::<$db, _>(&list).to_string()),
                strip_binds(count),
            )
        }};
    }
    match backend {
        crate::Backend::Postgres => render!(diesel::pg::Pg),
        crate::Backend::Sqlite => render!(diesel::sqlite::Sqlite),
    }
}
