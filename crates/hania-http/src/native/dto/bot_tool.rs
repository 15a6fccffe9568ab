//! The tools attached to a bot.

use hania_domain::bot_tool::BotTool;
use serde::Serialize;
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

/// A tool the bot may call (`GET /api/v1/bots/{botID}/tools`).
#[derive(Debug, Serialize, ToSchema)]
pub struct BotToolView {
    /// The tool configuration.
    pub tool_configuration_id: Uuid,
    /// Its function name.
    pub tool_name: String,
    /// Its kind, e.g. `webhook`.
    #[schema(example = "webhook")]
    pub tool_type: String,
    /// What it does, for the model.
    pub description: String,
    /// When it was attached to the bot.
    #[serde(with = "time::serde::rfc3339")]
    pub attached_at: OffsetDateTime,
}

impl From<BotTool> for BotToolView {
    fn from(b: BotTool) -> Self {
        Self {
            tool_configuration_id: b.tool.id.as_uuid(),
            tool_type: b.tool.kind.type_name().to_owned(),
            tool_name: b.tool.name,
            description: b.tool.description,
            attached_at: b.attached_at,
        }
    }
}
