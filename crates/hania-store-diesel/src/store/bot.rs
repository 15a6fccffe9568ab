//! [`BotStore`].

use async_trait::async_trait;
use diesel::prelude::*;
use diesel_async::{AsyncConnection, RunQueryDsl};
use hania_domain::bot::Bot;
use hania_domain::ids::{BotId, WorkspaceId};
use hania_domain::metadata::MetadataFilter;
use hania_domain::ports::{BotStore, StoreError};

use super::lookups::{bot_by_id, bot_by_slug};
use super::workspace::one_row;
use crate::DieselStore;
use crate::conn::DbError;
use crate::on_conn;
use crate::rows::bot::{BotRow, metadata_rows};
use crate::schema::{bot_metadata, bots};
use crate::sql_types::sql_id;

/// Whether the bot exists in the workspace.
pub(crate) async fn bot_exists(
    store: &DieselStore,
    workspace: WorkspaceId,
    bot: BotId,
) -> Result<bool, StoreError> {
    let mut conn = store.conn().await?;
    let found: i64 = on_conn!(&mut conn, |c| {
        bots::table
            .filter(bots::id.eq(sql_id(bot)))
            .filter(bots::workspace_id.eq(sql_id(workspace)))
            .count()
            .get_result(c)
            .await
            .map_err(DbError::from)
    })?;
    Ok(found > 0)
}

#[async_trait]
impl BotStore for DieselStore {
    async fn create_bot(&self, bot: &Bot) -> Result<(), StoreError> {
        let (row, meta) = (BotRow::from(bot), metadata_rows(bot));
        let mut conn = self.conn().await?;
        on_conn!(&mut conn, |c| {
            c.transaction(async |c| {
                diesel::insert_into(bots::table)
                    .values(&row)
                    .execute(c)
                    .await?;
                for pair in &meta {
                    // One statement per row: SQLite's async wrapper has no batch insert.
                    diesel::insert_into(bot_metadata::table)
                        .values(pair)
                        .execute(c)
                        .await?;
                }
                Ok::<_, DbError>(())
            })
            .await
        })?;
        Ok(())
    }

    async fn get_bot(&self, workspace: WorkspaceId, id: BotId) -> Result<Bot, StoreError> {
        let mut conn = self.conn().await?;
        let row: BotRow = on_conn!(&mut conn, |c| {
            bot_by_id!(workspace, id)
                .first(c)
                .await
                .map_err(DbError::from)
        })?;
        row.try_into()
    }

    async fn get_bot_by_slug(&self, workspace: WorkspaceId, slug: &str) -> Result<Bot, StoreError> {
        let mut conn = self.conn().await?;
        let row: BotRow = on_conn!(&mut conn, |c| {
            bot_by_slug!(workspace, slug)
                .first(c)
                .await
                .map_err(DbError::from)
        })?;
        row.try_into()
    }

    async fn list_bots(
        &self,
        workspace: WorkspaceId,
        filter: &MetadataFilter,
    ) -> Result<Vec<Bot>, StoreError> {
        let mut conn = self.conn().await?;
        let rows: Vec<BotRow> = on_conn!(&mut conn, |c| {
            let mut query = bots::table
                .filter(bots::workspace_id.eq(sql_id(workspace)))
                .select(BotRow::as_select())
                .order((bots::created_at.asc(), bots::id.asc()))
                .into_boxed();
            for (key, value) in filter.pairs() {
                query = query.filter(diesel::dsl::exists(
                    bot_metadata::table
                        .filter(bot_metadata::bot_id.eq(bots::id))
                        .filter(bot_metadata::key.eq(key))
                        .filter(bot_metadata::value.eq(value)),
                ));
            }
            query.load(c).await.map_err(DbError::from)
        })?;
        rows.into_iter().map(Bot::try_from).collect()
    }

    async fn slugs_like(
        &self,
        workspace: WorkspaceId,
        base: &str,
    ) -> Result<Vec<String>, StoreError> {
        let pattern = format!("{}-%", base.replace(['%', '_'], ""));
        let mut conn = self.conn().await?;
        let slugs: Vec<String> = on_conn!(&mut conn, |c| {
            bots::table
                .filter(bots::workspace_id.eq(sql_id(workspace)))
                .filter(bots::slug.eq(base).or(bots::slug.like(&pattern)))
                .select(bots::slug)
                .load(c)
                .await
                .map_err(DbError::from)
        })?;
        Ok(slugs)
    }

    async fn update_bot(&self, bot: &Bot) -> Result<(), StoreError> {
        let (row, meta) = (BotRow::from(bot), metadata_rows(bot));
        let mut conn = self.conn().await?;
        on_conn!(&mut conn, |c| {
            c.transaction(async |c| {
                let changed = diesel::update(
                    bots::table
                        .filter(bots::id.eq(&row.id))
                        .filter(bots::workspace_id.eq(&row.workspace_id)),
                )
                .set(&row)
                .execute(c)
                .await?;
                one_row(changed)?;
                diesel::delete(bot_metadata::table.filter(bot_metadata::bot_id.eq(&row.id)))
                    .execute(c)
                    .await?;
                for pair in &meta {
                    // One statement per row: SQLite's async wrapper has no batch insert.
                    diesel::insert_into(bot_metadata::table)
                        .values(pair)
                        .execute(c)
                        .await?;
                }
                Ok::<_, DbError>(())
            })
            .await
        })?;
        Ok(())
    }
}
