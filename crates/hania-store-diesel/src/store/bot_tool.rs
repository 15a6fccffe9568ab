//! [`BotToolStore`]: which tools each bot may call.

use async_trait::async_trait;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use hania_domain::bot_tool::BotTool;
use hania_domain::ids::{BotId, ToolConfigId, WorkspaceId};
use hania_domain::ports::{BotToolStore, StoreConflict, StoreError, ToolStore};
use hania_domain::tool::ToolConfig;
use time::OffsetDateTime;

use super::bot::bot_exists;
use super::workspace::one_row;
use crate::DieselStore;
use crate::conn::DbError;
use crate::on_conn;
use crate::rows::tool::ToolRow;
use crate::schema::{bot_tools, tool_configurations};
use crate::sql_types::{SqlTime, sql_id};

#[async_trait]
impl BotToolStore for DieselStore {
    async fn attach_tool(
        &self,
        workspace: WorkspaceId,
        bot: BotId,
        tool: ToolConfigId,
        at: OffsetDateTime,
    ) -> Result<BotTool, StoreError> {
        if !bot_exists(self, workspace, bot).await? {
            return Err(StoreError::NotFound);
        }
        let config = self.get_tool(workspace, tool).await?;
        let mut conn = self.conn().await?;
        // The primary key makes a second attach a no-op; a tool or bot
        // deleted meanwhile fails the foreign key, which is `NotFound`.
        on_conn!(&mut conn, |c| {
            diesel::insert_into(bot_tools::table)
                .values((
                    bot_tools::bot_id.eq(sql_id(bot)),
                    bot_tools::tool_configuration_id.eq(sql_id(tool)),
                    bot_tools::workspace_id.eq(sql_id(workspace)),
                    bot_tools::attached_at.eq(SqlTime(at)),
                ))
                .on_conflict_do_nothing()
                .execute(c)
                .await
                .map_err(DbError::from)
        })
        .map_err(|DbError(error)| match error {
            StoreError::Conflict(StoreConflict::MissingReference) => StoreError::NotFound,
            other => other,
        })?;
        let attached_at: SqlTime = on_conn!(&mut conn, |c| {
            bot_tools::table
                .filter(bot_tools::bot_id.eq(sql_id(bot)))
                .filter(bot_tools::tool_configuration_id.eq(sql_id(tool)))
                .select(bot_tools::attached_at)
                .first(c)
                .await
                .map_err(DbError::from)
        })?;
        Ok(BotTool {
            tool: config,
            attached_at: attached_at.0,
        })
    }

    async fn detach_tool(
        &self,
        workspace: WorkspaceId,
        bot: BotId,
        tool: ToolConfigId,
    ) -> Result<(), StoreError> {
        let mut conn = self.conn().await?;
        let changed = on_conn!(&mut conn, |c| {
            diesel::delete(
                bot_tools::table
                    .filter(bot_tools::bot_id.eq(sql_id(bot)))
                    .filter(bot_tools::tool_configuration_id.eq(sql_id(tool)))
                    .filter(bot_tools::workspace_id.eq(sql_id(workspace))),
            )
            .execute(c)
            .await
            .map_err(DbError::from)
        })?;
        one_row(changed)
    }

    async fn list_bot_tools(
        &self,
        workspace: WorkspaceId,
        bot: BotId,
    ) -> Result<Vec<BotTool>, StoreError> {
        if !bot_exists(self, workspace, bot).await? {
            return Err(StoreError::NotFound);
        }
        let mut conn = self.conn().await?;
        let rows: Vec<(ToolRow, SqlTime)> = on_conn!(&mut conn, |c| {
            bot_tools::table
                .inner_join(tool_configurations::table)
                .filter(bot_tools::workspace_id.eq(sql_id(workspace)))
                .filter(bot_tools::bot_id.eq(sql_id(bot)))
                .order(tool_configurations::name.asc())
                .select((ToolRow::as_select(), bot_tools::attached_at))
                .load(c)
                .await
                .map_err(DbError::from)
        })?;
        rows.into_iter()
            .map(|(row, at)| {
                Ok(BotTool {
                    tool: ToolConfig::try_from(row)?,
                    attached_at: at.0,
                })
            })
            .collect()
    }
}
