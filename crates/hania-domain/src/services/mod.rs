//! Use-case services. Each holds the ports it needs and owns one area's
//! rules; the HTTP dialects and the CLI call these, never the stores.

mod bots;
mod keys;
mod workspaces;

pub use bots::{BotError, BotService};
pub use keys::{AuthError, KeyService, NewAccountKey};
pub use workspaces::{Bootstrap, WorkspaceService};
