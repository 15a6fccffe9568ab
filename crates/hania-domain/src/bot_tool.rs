//! Tools attached to bots: a bot offers the model only the tools attached
//! to it.

use time::OffsetDateTime;

use crate::tool::ToolConfig;

/// A tool attached to a bot, with the time it was (first) attached.
#[derive(Debug, Clone, PartialEq)]
pub struct BotTool {
    /// The tool, as currently configured.
    pub tool: ToolConfig,
    /// When it was attached; attaching it again keeps this time.
    pub attached_at: OffsetDateTime,
}
