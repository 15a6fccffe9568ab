//! [`ToolStore`] and [`HookStore`].

use async_trait::async_trait;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use hania_domain::hook::{NewPostCallHook, PostCallHook};
use hania_domain::ids::{BotId, HookId, ToolConfigId, WorkspaceId};
use hania_domain::ports::{HookStore, StoreConflict, StoreError, ToolStore};
use hania_domain::tool::ToolConfig;

use super::bot::bot_exists;
use super::workspace::one_row;
use crate::DieselStore;
use crate::conn::DbError;
use crate::on_conn;
use crate::rows::tool::{HookRow, ToolRow};
use crate::schema::{post_call_hooks, tool_configurations};
use crate::sql_types::{SqlJson, SqlTime, sql_id};

#[async_trait]
impl ToolStore for DieselStore {
    async fn create_tool(&self, tool: &ToolConfig) -> Result<(), StoreError> {
        let row = ToolRow::from(tool);
        let mut conn = self.conn().await?;
        on_conn!(&mut conn, |c| {
            diesel::insert_into(tool_configurations::table)
                .values(&row)
                .execute(c)
                .await
                .map_err(DbError::from)
        })?;
        Ok(())
    }

    async fn get_tool(
        &self,
        workspace: WorkspaceId,
        id: ToolConfigId,
    ) -> Result<ToolConfig, StoreError> {
        let mut conn = self.conn().await?;
        let row: ToolRow = on_conn!(&mut conn, |c| {
            tool_configurations::table
                .filter(tool_configurations::id.eq(sql_id(id)))
                .filter(tool_configurations::workspace_id.eq(sql_id(workspace)))
                .select(ToolRow::as_select())
                .first(c)
                .await
                .map_err(DbError::from)
        })?;
        row.try_into()
    }

    async fn list_tools(&self, workspace: WorkspaceId) -> Result<Vec<ToolConfig>, StoreError> {
        let mut conn = self.conn().await?;
        let rows: Vec<ToolRow> = on_conn!(&mut conn, |c| {
            tool_configurations::table
                .filter(tool_configurations::workspace_id.eq(sql_id(workspace)))
                .order((
                    tool_configurations::created_at.asc(),
                    tool_configurations::id.asc(),
                ))
                .select(ToolRow::as_select())
                .load(c)
                .await
                .map_err(DbError::from)
        })?;
        rows.into_iter().map(ToolConfig::try_from).collect()
    }

    async fn update_tool(&self, tool: &ToolConfig) -> Result<(), StoreError> {
        let row = ToolRow::from(tool);
        let mut conn = self.conn().await?;
        let changed = on_conn!(&mut conn, |c| {
            diesel::update(
                tool_configurations::table
                    .filter(tool_configurations::id.eq(&row.id))
                    .filter(tool_configurations::workspace_id.eq(&row.workspace_id)),
            )
            .set((
                tool_configurations::name.eq(&row.name),
                tool_configurations::description.eq(&row.description),
                tool_configurations::tool_type.eq(&row.tool_type),
                tool_configurations::config.eq(&row.config),
                tool_configurations::parameters.eq(&row.parameters),
                tool_configurations::updated_at.eq(&row.updated_at),
            ))
            .execute(c)
            .await
            .map_err(DbError::from)
        })?;
        one_row(changed)
    }

    async fn delete_tool(
        &self,
        workspace: WorkspaceId,
        id: ToolConfigId,
    ) -> Result<(), StoreError> {
        let mut conn = self.conn().await?;
        // A hook's reference to the tool is `ON DELETE RESTRICT`: the
        // delete itself refuses a used tool, atomically, on both backends.
        let changed = on_conn!(&mut conn, |c| {
            diesel::delete(
                tool_configurations::table
                    .filter(tool_configurations::id.eq(sql_id(id)))
                    .filter(tool_configurations::workspace_id.eq(sql_id(workspace))),
            )
            .execute(c)
            .await
            .map_err(DbError::from)
        })
        .map_err(|DbError(error)| match error {
            StoreError::Conflict(StoreConflict::MissingReference) => {
                StoreError::Conflict(StoreConflict::ToolInUse)
            }
            other => other,
        })?;
        one_row(changed)
    }
}

#[async_trait]
impl HookStore for DieselStore {
    async fn create_hook(&self, hook: &NewPostCallHook) -> Result<PostCallHook, StoreError> {
        if !bot_exists(self, hook.workspace_id, hook.bot_id).await? {
            return Err(StoreError::NotFound);
        }
        let tool = self
            .get_tool(hook.workspace_id, hook.tool_configuration_id)
            .await?;
        let row = HookRow::from(hook);
        let mut conn = self.conn().await?;
        on_conn!(&mut conn, |c| {
            diesel::insert_into(post_call_hooks::table)
                .values(&row)
                .execute(c)
                .await
                .map_err(DbError::from)
        })?;
        Ok(row.into_hook(tool.kind.type_name().to_owned(), tool.name))
    }

    async fn list_hooks(
        &self,
        workspace: WorkspaceId,
        bot: BotId,
    ) -> Result<Vec<PostCallHook>, StoreError> {
        if !bot_exists(self, workspace, bot).await? {
            return Err(StoreError::NotFound);
        }
        let mut conn = self.conn().await?;
        let rows: Vec<(HookRow, String, String)> = on_conn!(&mut conn, |c| {
            post_call_hooks::table
                .inner_join(tool_configurations::table)
                .filter(post_call_hooks::workspace_id.eq(sql_id(workspace)))
                .filter(post_call_hooks::bot_id.eq(sql_id(bot)))
                .order((
                    post_call_hooks::run_order.asc(),
                    post_call_hooks::created_at.asc(),
                    post_call_hooks::id.asc(),
                ))
                .select((
                    HookRow::as_select(),
                    tool_configurations::tool_type,
                    tool_configurations::name,
                ))
                .load(c)
                .await
                .map_err(DbError::from)
        })?;
        Ok(rows
            .into_iter()
            .map(|(row, kind, name)| row.into_hook(kind, name))
            .collect())
    }

    async fn get_hook(
        &self,
        workspace: WorkspaceId,
        bot: BotId,
        id: HookId,
    ) -> Result<PostCallHook, StoreError> {
        let mut conn = self.conn().await?;
        let (row, kind, name): (HookRow, String, String) = on_conn!(&mut conn, |c| {
            post_call_hooks::table
                .inner_join(tool_configurations::table)
                .filter(post_call_hooks::id.eq(sql_id(id)))
                .filter(post_call_hooks::workspace_id.eq(sql_id(workspace)))
                .filter(post_call_hooks::bot_id.eq(sql_id(bot)))
                .select((
                    HookRow::as_select(),
                    tool_configurations::tool_type,
                    tool_configurations::name,
                ))
                .first(c)
                .await
                .map_err(DbError::from)
        })?;
        Ok(row.into_hook(kind, name))
    }

    async fn update_hook(&self, hook: &PostCallHook) -> Result<(), StoreError> {
        let mut conn = self.conn().await?;
        let changed = on_conn!(&mut conn, |c| {
            diesel::update(
                post_call_hooks::table
                    .filter(post_call_hooks::id.eq(sql_id(hook.id)))
                    .filter(post_call_hooks::workspace_id.eq(sql_id(hook.workspace_id)))
                    .filter(post_call_hooks::bot_id.eq(sql_id(hook.bot_id))),
            )
            .set((
                post_call_hooks::run_order.eq(hook.run_order),
                post_call_hooks::enabled.eq(hook.enabled),
                post_call_hooks::params_template.eq(SqlJson(hook.params_template.clone())),
                post_call_hooks::updated_at.eq(SqlTime(hook.updated_at)),
            ))
            .execute(c)
            .await
            .map_err(DbError::from)
        })?;
        one_row(changed)
    }

    async fn delete_hook(
        &self,
        workspace: WorkspaceId,
        bot: BotId,
        id: HookId,
    ) -> Result<(), StoreError> {
        let mut conn = self.conn().await?;
        let changed = on_conn!(&mut conn, |c| {
            diesel::delete(
                post_call_hooks::table
                    .filter(post_call_hooks::id.eq(sql_id(id)))
                    .filter(post_call_hooks::workspace_id.eq(sql_id(workspace)))
                    .filter(post_call_hooks::bot_id.eq(sql_id(bot))),
            )
            .execute(c)
            .await
            .map_err(DbError::from)
        })?;
        one_row(changed)
    }
}
