use async_trait::async_trait;

use crate::completion::ToolCall;
use crate::ids::{BotId, ConversationId};
use crate::tool::ToolConfig;

/// A call to run: the tool, where it runs for, and what was asked.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolInvocation {
    /// The tool as configured.
    pub tool: ToolConfig,
    /// The bot whose turn asked.
    pub bot: BotId,
    /// The conversation of the turn.
    pub conversation: ConversationId,
    /// The call, as the model asked for it.
    pub call: ToolCall,
}

/// What a call gave: the model is told `content` either way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolResult {
    /// Whether the tool answered successfully.
    pub ok: bool,
    /// The tool's answer, or `{"error": "…"}`.
    pub content: String,
    /// Why it failed, for the trace.
    pub error: Option<String>,
    /// How long the call took.
    pub duration_ms: u64,
    /// The failure may pass if tried again (a timeout, a refused or
    /// broken connection, a 5xx answer); `false` on success.
    pub transient: bool,
}

impl ToolResult {
    /// A failed call: `content` is `{"error": message}`.
    pub fn failed(message: impl Into<String>, duration_ms: u64) -> Self {
        let message = message.into();
        Self {
            ok: false,
            content: serde_json::json!({ "error": message }).to_string(),
            error: Some(message),
            duration_ms,
            transient: false,
        }
    }
}

/// Runs tool calls (webhooks: POST of the arguments).
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait ToolExecutor: Send + Sync {
    /// Runs one call and reports its result; a failure of any kind (bad
    /// arguments, a refused address, a timeout, a non-2xx or oversized
    /// answer) is a failed [`ToolResult`], never a panic.
    ///
    /// Implementations MUST send nothing when the arguments are not a JSON
    /// object, MUST NOT contact an address the outbound policy refuses
    /// (checking every address the host resolves to, and connecting only
    /// to a checked one), MUST NOT follow redirects, and MUST send the
    /// same `Idempotency-Key` for the same call (conversation, call id).
    async fn execute(&self, invocation: &ToolInvocation) -> ToolResult;
}
