//! Rows of `tool_configurations` and `post_call_hooks`.

use diesel::prelude::*;
use hania_domain::hook::{NewPostCallHook, PostCallHook};
use hania_domain::ids::{BotId, HookId, ToolConfigId, WorkspaceId};
use hania_domain::ports::StoreError;
use hania_domain::tool::{ToolConfig, ToolKind};

use crate::schema::{post_call_hooks, tool_configurations};
use crate::sql_types::{SqlJson, SqlTime, SqlUuid, sql_id};

/// A `tool_configurations` row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = tool_configurations)]
pub struct ToolRow {
    pub id: SqlUuid,
    pub workspace_id: SqlUuid,
    pub name: String,
    pub description: String,
    pub tool_type: String,
    pub config: SqlJson,
    pub parameters: SqlJson,
    pub created_at: SqlTime,
    pub updated_at: SqlTime,
}

impl From<&ToolConfig> for ToolRow {
    fn from(t: &ToolConfig) -> Self {
        Self {
            id: sql_id(t.id),
            workspace_id: sql_id(t.workspace_id),
            name: t.name.clone(),
            description: t.description.clone(),
            tool_type: t.kind.type_name().to_owned(),
            config: SqlJson(t.kind.settings_json()),
            parameters: SqlJson(t.parameters.clone()),
            created_at: SqlTime(t.created_at),
            updated_at: SqlTime(t.updated_at),
        }
    }
}

impl TryFrom<ToolRow> for ToolConfig {
    type Error = StoreError;

    fn try_from(r: ToolRow) -> Result<Self, StoreError> {
        Ok(ToolConfig {
            id: ToolConfigId::from_uuid(r.id.0),
            workspace_id: WorkspaceId::from_uuid(r.workspace_id.0),
            kind: ToolKind::from_stored(&r.tool_type, r.config.0)
                .map_err(StoreError::unexpected)?,
            name: r.name,
            description: r.description,
            parameters: r.parameters.0,
            created_at: r.created_at.0,
            updated_at: r.updated_at.0,
        })
    }
}

/// A `post_call_hooks` row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = post_call_hooks)]
pub struct HookRow {
    pub id: SqlUuid,
    pub workspace_id: SqlUuid,
    pub bot_id: SqlUuid,
    pub tool_configuration_id: SqlUuid,
    pub run_order: i32,
    pub enabled: bool,
    pub params_template: SqlJson,
    pub created_at: SqlTime,
    pub updated_at: SqlTime,
}

impl From<&NewPostCallHook> for HookRow {
    fn from(h: &NewPostCallHook) -> Self {
        Self {
            id: sql_id(h.id),
            workspace_id: sql_id(h.workspace_id),
            bot_id: sql_id(h.bot_id),
            tool_configuration_id: sql_id(h.tool_configuration_id),
            run_order: h.run_order,
            enabled: h.enabled,
            params_template: SqlJson(h.params_template.clone()),
            created_at: SqlTime(h.created_at),
            updated_at: SqlTime(h.created_at),
        }
    }
}

impl HookRow {
    /// The hook with its tool's type and name.
    pub fn into_hook(self, tool_type: String, tool_name: String) -> PostCallHook {
        PostCallHook {
            id: HookId::from_uuid(self.id.0),
            workspace_id: WorkspaceId::from_uuid(self.workspace_id.0),
            bot_id: BotId::from_uuid(self.bot_id.0),
            tool_configuration_id: ToolConfigId::from_uuid(self.tool_configuration_id.0),
            tool_type,
            tool_name,
            run_order: self.run_order,
            enabled: self.enabled,
            params_template: self.params_template.0,
            created_at: self.created_at.0,
            updated_at: self.updated_at.0,
        }
    }
}
