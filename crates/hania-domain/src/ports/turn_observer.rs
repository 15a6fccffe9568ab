use async_trait::async_trait;

use crate::completion::ToolCall;

/// Something a turn did that its client may watch as it happens (a
/// streaming client renders these; a blocking one sees only the answer).
#[derive(Debug, Clone, PartialEq)]
pub enum TurnEvent {
    /// More text of a model answer.
    Delta(String),
    /// The model asked for a tool call; it runs next.
    ToolCall(ToolCall),
    /// A tool call ended.
    ToolResult {
        /// The call's id.
        id: String,
        /// The tool's name.
        name: String,
        /// Whether it succeeded.
        ok: bool,
        /// How long it took.
        duration_ms: u64,
    },
}

/// The client went away: nothing it is sent arrives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HungUp;

/// Whoever watches a turn as it runs (the adapter that streams it).
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait TurnObserver: Send + Sync {
    /// Delivers one event; events arrive in the order they happened.
    ///
    /// # Errors
    /// MUST return [`HungUp`] once the client is gone (and keep doing so).
    async fn emit(&self, event: TurnEvent) -> Result<(), HungUp>;

    /// Resolves when the client hangs up. Implementations whose client
    /// cannot hang up mid-turn MUST never resolve.
    async fn hung_up(&self);
}

/// The observer of a blocking turn: it hears nothing and never hangs up.
#[derive(Debug, Clone, Copy, Default)]
pub struct Unobserved;

#[async_trait]
impl TurnObserver for Unobserved {
    async fn emit(&self, _event: TurnEvent) -> Result<(), HungUp> {
        Ok(())
    }

    async fn hung_up(&self) {
        futures::future::pending::<()>().await;
    }
}
