//! Port traits: what the domain needs from the outside world. Adapters
//! (storage, clock, ids) implement them; services depend only on them.
//!
//! Every storage port is scoped by workspace: an implementation MUST treat a
//! row of another workspace exactly like a missing one
//! ([`StoreError::NotFound`]), never return it and never change it.

mod agent_run_store;
mod bot_store;
mod conversation_store;
mod idempotency_store;
mod job_store;
mod key_store;
mod ledger_store;
mod model_provider;
mod rate_limiter;
mod secret_store;
mod store_error;
mod system;
mod telephony;
mod tool_executor;
mod tool_store;
mod turn_observer;
mod turn_reads;
#[cfg(any(test, feature = "mock"))]
mod turn_reads_separate;
mod workspace_store;

pub use agent_run_store::*;
pub use bot_store::*;
pub use conversation_store::*;
pub use idempotency_store::*;
pub use job_store::*;
pub use key_store::*;
pub use ledger_store::*;
pub use model_provider::*;
pub use rate_limiter::*;
pub use secret_store::*;
pub use store_error::*;
pub use system::*;
pub use telephony::*;
pub use tool_executor::*;
pub use tool_store::*;
pub use turn_observer::*;
pub use turn_reads::*;
#[cfg(any(test, feature = "mock"))]
pub use turn_reads_separate::*;
pub use workspace_store::*;

/// Every storage port, implemented by one adapter (SQLite or PostgreSQL).
pub trait Storage:
    WorkspaceStore
    + ApiKeyStore
    + BotStore
    + AgentRunStore
    + ToolStore
    + BotToolStore
    + HookStore
    + ConversationStore
    + MessageStore
    + TraceStore
    + LedgerStore
    + TurnStore
    + TurnReads
    + IdempotencyStore
    + StoreHealth
    + ServerSecretStore
    + JobStore
    + CallStore
    + RateLimiter
{
}

impl<T> Storage for T where
    T: WorkspaceStore
        + ApiKeyStore
        + BotStore
        + AgentRunStore
        + ToolStore
        + BotToolStore
        + HookStore
        + ConversationStore
        + MessageStore
        + TraceStore
        + LedgerStore
        + TurnStore
        + TurnReads
        + IdempotencyStore
        + StoreHealth
        + ServerSecretStore
        + JobStore
        + CallStore
        + RateLimiter
{
}
