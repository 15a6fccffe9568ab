//! Trace steps: the step-by-step record of what the engine did in a
//! conversation (model turns, tool calls, greetings, failures).

use time::OffsetDateTime;

use crate::ids::{ConversationId, TraceStepId};

/// Well-known `action_type` values.
pub mod action_types {
    /// A model completion.
    pub const MODEL_CALL: &str = "model_call";
    /// A tool invocation.
    pub const TOOL_CALL: &str = "tool_call";
    /// An instant greeting (no model call).
    pub const GREETING: &str = "greeting";
    /// A post-call hook run.
    pub const POST_CALL_HOOK: &str = "post_call_hook";
    /// An agent turn reached `max_iterations`: its last call had no tools.
    pub const AGENT_LIMIT: &str = "agent_limit";
    /// The billing policy refused a further model call of a turn.
    pub const BILLING: &str = "billing";
}

/// A stored trace step, with every field of the seed's trace.
#[derive(Debug, Clone, PartialEq)]
pub struct TraceStep {
    /// Step id.
    pub id: TraceStepId,
    /// Its conversation.
    pub conversation_id: ConversationId,
    /// 1-based, in the order steps were stored.
    pub step_number: u32,
    /// Kind of step, see [`action_types`].
    pub action_type: String,
    /// What was done, e.g. the model or tool name.
    pub action_name: String,
    /// Short outcome.
    pub result_summary: Option<String>,
    /// Items produced or handled, when countable.
    pub items_count: Option<u32>,
    /// Start time.
    pub started_at: OffsetDateTime,
    /// End time.
    pub completed_at: Option<OffsetDateTime>,
    /// Duration in milliseconds.
    pub duration_ms: Option<i64>,
    /// Set when the step failed.
    pub error_message: Option<String>,
    /// Model of a model step.
    pub model: Option<String>,
    /// Prompt tokens of a model step.
    pub prompt_tokens: Option<u32>,
    /// Completion tokens of a model step.
    pub completion_tokens: Option<u32>,
    /// Total tokens of a model step.
    pub total_tokens: Option<u32>,
    /// Function called by a tool step.
    pub tool_function: Option<String>,
    /// Time spent in the tool.
    pub tool_execution_ms: Option<i64>,
}

/// A trace step to append: every field but the conversation and the number,
/// which the store assigns.
#[derive(Debug, Clone, PartialEq)]
#[allow(missing_docs)] // Each field is the trace step field of the same name.
pub struct NewTraceStep {
    pub id: TraceStepId,
    pub action_type: String,
    pub action_name: String,
    pub result_summary: Option<String>,
    pub items_count: Option<u32>,
    pub started_at: OffsetDateTime,
    pub completed_at: Option<OffsetDateTime>,
    pub duration_ms: Option<i64>,
    pub error_message: Option<String>,
    pub model: Option<String>,
    pub prompt_tokens: Option<u32>,
    pub completion_tokens: Option<u32>,
    pub total_tokens: Option<u32>,
    pub tool_function: Option<String>,
    pub tool_execution_ms: Option<i64>,
}

impl NewTraceStep {
    /// A step of `action_type`/`action_name` starting at `started_at`, with
    /// every optional field empty.
    pub fn new(
        id: TraceStepId,
        action_type: &str,
        action_name: &str,
        started_at: OffsetDateTime,
    ) -> Self {
        Self {
            id,
            action_type: action_type.to_owned(),
            action_name: action_name.to_owned(),
            result_summary: None,
            items_count: None,
            started_at,
            completed_at: None,
            duration_ms: None,
            error_message: None,
            model: None,
            prompt_tokens: None,
            completion_tokens: None,
            total_tokens: None,
            tool_function: None,
            tool_execution_ms: None,
        }
    }
}
