//! Post-call hooks: tools run in `run_order` after a call ends. A hook is
//! unique per (bot, tool configuration).

use time::OffsetDateTime;

use crate::ids::{BotId, HookId, ToolConfigId, WorkspaceId};
use crate::validation::{ValidationError, check_json};

/// A stored hook, with its tool's type and name joined in.
#[derive(Debug, Clone, PartialEq)]
pub struct PostCallHook {
    /// Hook id.
    pub id: HookId,
    /// Owning workspace.
    pub workspace_id: WorkspaceId,
    /// The bot whose calls trigger it.
    pub bot_id: BotId,
    /// The tool it runs.
    pub tool_configuration_id: ToolConfigId,
    /// The tool's type (joined from the tool configuration).
    pub tool_type: String,
    /// The tool's name (joined from the tool configuration).
    pub tool_name: String,
    /// Hooks of a bot run in ascending order.
    pub run_order: i32,
    /// Disabled hooks are skipped.
    pub enabled: bool,
    /// Arguments template rendered from the call.
    pub params_template: serde_json::Value,
    /// Creation time.
    pub created_at: OffsetDateTime,
    /// Last change.
    pub updated_at: OffsetDateTime,
}

/// A hook to create.
#[derive(Debug, Clone, PartialEq)]
pub struct NewPostCallHook {
    /// Hook id.
    pub id: HookId,
    /// Owning workspace.
    pub workspace_id: WorkspaceId,
    /// The bot.
    pub bot_id: BotId,
    /// The tool.
    pub tool_configuration_id: ToolConfigId,
    /// Order among the bot's hooks.
    pub run_order: i32,
    /// Whether it runs.
    pub enabled: bool,
    /// Arguments template.
    pub params_template: serde_json::Value,
    /// Creation time.
    pub created_at: OffsetDateTime,
}

/// Checks a hook's `params_template`: a JSON object without NUL bytes.
pub fn validate_params_template(value: &serde_json::Value) -> Result<(), ValidationError> {
    if !value.is_object() {
        return Err(ValidationError::new("params_template", "must be an object"));
    }
    check_json("params_template", value)
}
