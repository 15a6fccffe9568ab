//! Use-case services. Each holds the ports it needs and owns one area's
//! rules; the HTTP dialects and the CLI call these, never the stores.

mod agent_runs;
mod bot_tools;
mod bots;
mod calls;
mod chat;
mod chat_billing;
mod chat_greeting;
pub mod chat_prompt;
mod chat_stream;
mod chat_types;
mod discovery;
mod error;
mod hooks;
mod jobs;
mod keys;
mod post_call;
mod post_call_hooks;
#[cfg(test)]
pub(crate) mod test_support;
mod tools;
mod turn_call;
mod turn_loop;
mod turn_race;
#[cfg(test)]
mod turn_test_support;
mod turn_tools;
mod turn_work;
mod widgets;
mod workspaces;

pub use agent_runs::{RUNS_PER_TICK, ScheduledRun};
pub use bot_tools::BotToolService;
pub use bots::{BotError, BotService};
pub use chat::{
    BotRef, ChatError, ChatPorts, ChatReply, ChatRequest, ChatService, ChatSettings, Delivery,
    MAX_MESSAGE_CHARS, ModelTurn, PreparedTurn,
};
pub use chat_stream::StreamOutcome;
pub use discovery::{Discovery, DiscoveryService};
pub use error::{Conflict, Resource, ServiceError};
pub use hooks::{HookChanges, HookService};
pub use jobs::{JOBS_PER_TICK, JobRun};
pub use keys::{AuthError, KeyService, NewAccountKey};
pub use post_call::PostCallReport;
pub use post_call_hooks::HOOK_ATTEMPTS;
pub use tools::{ToolChanges, ToolDraft, ToolService};
pub use widgets::{
    IDENTITY_SECRET_PREFIX, MAX_DOMAIN_CHARS, WidgetKeyChanges, WidgetKeyService, normalize_domain,
};
pub use workspaces::{Bootstrap, WorkspaceService};
