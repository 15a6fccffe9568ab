use async_trait::async_trait;
use time::OffsetDateTime;

use super::StoreError;
use crate::bot_tool::BotTool;
use crate::hook::{NewPostCallHook, PostCallHook};
use crate::ids::{BotId, HookId, ToolConfigId, WorkspaceId};
use crate::tool::ToolConfig;

/// Tool configurations.
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait ToolStore: Send + Sync {
    /// Stores a new tool.
    ///
    /// # Errors
    /// MUST return `Conflict` if the id exists or the name is taken in the
    /// workspace.
    async fn create_tool(&self, tool: &ToolConfig) -> Result<(), StoreError>;

    /// Loads a tool.
    ///
    /// # Errors
    /// MUST return `NotFound` for an unknown id or another workspace's tool.
    async fn get_tool(
        &self,
        workspace: WorkspaceId,
        id: ToolConfigId,
    ) -> Result<ToolConfig, StoreError>;

    /// Lists the workspace's tools, oldest first.
    ///
    /// # Errors
    /// Only on storage failure.
    async fn list_tools(&self, workspace: WorkspaceId) -> Result<Vec<ToolConfig>, StoreError>;

    /// Replaces a tool's mutable fields.
    ///
    /// # Errors
    /// MUST return `NotFound` if the tool is not in `tool.workspace_id`,
    /// `Conflict` if the new name is taken.
    async fn update_tool(&self, tool: &ToolConfig) -> Result<(), StoreError>;

    /// Deletes a tool.
    ///
    /// # Errors
    /// MUST return `NotFound` for an unknown id or another workspace's tool,
    /// and `Conflict` while a post-call hook still uses it (nothing deleted).
    async fn delete_tool(&self, workspace: WorkspaceId, id: ToolConfigId)
    -> Result<(), StoreError>;
}

/// Post-call hooks of bots.
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait HookStore: Send + Sync {
    /// Stores a hook and returns it with its tool's type and name.
    ///
    /// # Errors
    /// MUST return `NotFound` if the bot or the tool is not in the hook's
    /// workspace, and `Conflict` if the bot already has a hook for the tool.
    async fn create_hook(&self, hook: &NewPostCallHook) -> Result<PostCallHook, StoreError>;

    /// Lists a bot's hooks by `run_order`, then creation.
    ///
    /// # Errors
    /// MUST return `NotFound` if the bot is not in the workspace.
    async fn list_hooks(
        &self,
        workspace: WorkspaceId,
        bot: BotId,
    ) -> Result<Vec<PostCallHook>, StoreError>;

    /// Loads one hook of a bot.
    ///
    /// # Errors
    /// MUST return `NotFound` unless the hook belongs to that bot of that
    /// workspace.
    async fn get_hook(
        &self,
        workspace: WorkspaceId,
        bot: BotId,
        id: HookId,
    ) -> Result<PostCallHook, StoreError>;

    /// Replaces `run_order`, `enabled`, `params_template` and `updated_at`.
    ///
    /// # Errors
    /// MUST return `NotFound` unless the hook belongs to `hook.bot_id` of
    /// `hook.workspace_id`.
    async fn update_hook(&self, hook: &PostCallHook) -> Result<(), StoreError>;

    /// Deletes a hook.
    ///
    /// # Errors
    /// MUST return `NotFound` unless the hook belongs to that bot of that
    /// workspace.
    async fn delete_hook(
        &self,
        workspace: WorkspaceId,
        bot: BotId,
        id: HookId,
    ) -> Result<(), StoreError>;
}

/// Which tools each bot may call.
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait BotToolStore: Send + Sync {
    /// Attaches a tool to a bot and returns the attachment. Attaching an
    /// attached tool changes nothing and returns the first attachment
    /// (the call is idempotent).
    ///
    /// # Errors
    /// MUST return `NotFound` if the bot or the tool is not in `workspace`
    /// (nothing stored).
    async fn attach_tool(
        &self,
        workspace: WorkspaceId,
        bot: BotId,
        tool: ToolConfigId,
        at: OffsetDateTime,
    ) -> Result<BotTool, StoreError>;

    /// Detaches a tool from a bot.
    ///
    /// # Errors
    /// MUST return `NotFound` unless the tool is attached to that bot of
    /// that workspace.
    async fn detach_tool(
        &self,
        workspace: WorkspaceId,
        bot: BotId,
        tool: ToolConfigId,
    ) -> Result<(), StoreError>;

    /// The bot's tools, by tool name. Deleting a tool detaches it from
    /// every bot; so does deleting the bot.
    ///
    /// # Errors
    /// MUST return `NotFound` if the bot is not in `workspace`.
    async fn list_bot_tools(
        &self,
        workspace: WorkspaceId,
        bot: BotId,
    ) -> Result<Vec<BotTool>, StoreError>;
}
