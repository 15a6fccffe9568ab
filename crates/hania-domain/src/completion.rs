//! What the engine asks a model provider and what it answers: prompts,
//! completions (whole or streamed), token usage, tool calls, and the ways
//! a provider fails.

use std::pin::Pin;

use futures_core::Stream;

use crate::message::Role;

/// One message of a prompt.
#[derive(Debug, Clone, PartialEq)]
pub struct PromptMessage {
    /// Author.
    pub role: Role,
    /// Text.
    pub content: String,
    /// The calls an assistant message asked for (agent turns).
    pub tool_calls: Vec<ToolCall>,
    /// The call a `tool` message answers.
    pub tool_call_id: Option<String>,
}

impl PromptMessage {
    /// A plain text message.
    pub fn text(role: Role, content: impl Into<String>) -> Self {
        Self {
            role,
            content: content.into(),
            tool_calls: Vec::new(),
            tool_call_id: None,
        }
    }

    /// A stored message as the model sees it: an assistant message's
    /// `metadata.tool_calls` (`[{id, name, arguments}]`) and a tool
    /// message's `metadata.tool_call_id` are carried over.
    pub fn from_message(message: &crate::message::Message) -> Self {
        let tool_calls = message
            .tool_calls()
            .iter()
            .filter_map(|c| {
                Some(ToolCall {
                    id: c.get("id")?.as_str()?.to_owned(),
                    name: c.get("name")?.as_str()?.to_owned(),
                    arguments: c.get("arguments")?.as_str()?.to_owned(),
                })
            })
            .collect();
        Self {
            role: message.role,
            content: message.content.clone(),
            tool_calls,
            tool_call_id: message.answered_call().map(str::to_owned),
        }
    }
}

/// A function the model may call (agent mode).
#[derive(Debug, Clone, PartialEq)]
pub struct ToolSpec {
    /// Function name.
    pub name: String,
    /// What it does.
    pub description: String,
    /// JSON Schema of its arguments.
    pub parameters: serde_json::Value,
}

/// A function call the model asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolCall {
    /// The provider's call id.
    pub id: String,
    /// Function name.
    pub name: String,
    /// Arguments as JSON text.
    pub arguments: String,
}

/// A completion request.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CompletionRequest {
    /// Model id.
    pub model: String,
    /// System prompt, history and the new message, in order.
    pub messages: Vec<PromptMessage>,
    /// Sampling temperature.
    pub temperature: Option<f64>,
    /// Longest answer.
    pub max_tokens: Option<u32>,
    /// Functions the model may call.
    pub tools: Vec<ToolSpec>,
    /// The form the answer must take.
    pub format: AnswerFormat,
}

/// The form a model's answer must take (OpenAI's `response_format`).
#[derive(Debug, Clone, Default, PartialEq)]
pub enum AnswerFormat {
    /// Free text.
    #[default]
    Text,
    /// A single JSON object (`{"type": "json_object"}`).
    JsonObject,
    /// JSON matching a schema (`{"type": "json_schema", "json_schema":
    /// {"name", "schema"}}`).
    JsonSchema {
        /// The schema's name (letters, digits, `_` and `-`).
        name: String,
        /// The JSON Schema the answer must match.
        schema: serde_json::Value,
    },
}

impl AnswerFormat {
    /// Whether the answer must be JSON.
    pub fn is_json(&self) -> bool {
        !matches!(self, AnswerFormat::Text)
    }
}

/// Tokens a turn used.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TokenUsage {
    /// Prompt tokens.
    pub prompt_tokens: u32,
    /// Completion tokens.
    pub completion_tokens: u32,
}

impl TokenUsage {
    /// Prompt plus completion tokens.
    pub fn total(&self) -> u32 {
        self.prompt_tokens.saturating_add(self.completion_tokens)
    }
}

/// A whole completion.
#[derive(Debug, Clone, PartialEq)]
pub struct Completion {
    /// The model that answered (as the provider names it).
    pub model: String,
    /// The answer text.
    pub content: String,
    /// Function calls asked for.
    pub tool_calls: Vec<ToolCall>,
    /// Tokens used.
    pub usage: TokenUsage,
    /// Why the model stopped (`stop`, `length`, `tool_calls`, …).
    pub finish_reason: Option<String>,
}

/// One event of a streamed completion.
#[derive(Debug, Clone, PartialEq)]
pub enum StreamChunk {
    /// More answer text.
    Delta(String),
    /// A complete function call.
    ToolCall(ToolCall),
    /// The end, with usage when the provider reported it.
    Finished {
        /// The model that answered.
        model: String,
        /// Tokens used.
        usage: Option<TokenUsage>,
        /// Why the model stopped.
        finish_reason: Option<String>,
    },
}

/// A streamed completion. Dropping it MUST cancel the upstream request.
pub type CompletionStream = Pin<Box<dyn Stream<Item = Result<StreamChunk, ProviderError>> + Send>>;

/// Why a provider call failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProviderError {
    /// The provider throttled us.
    #[error("the model provider is rate limiting requests")]
    RateLimited {
        /// Seconds it asked us to wait, if it said.
        retry_after: Option<u64>,
    },
    /// No answer in time.
    #[error("the model provider did not answer in time")]
    Timeout,
    /// The provider refused the request as invalid (model unknown, prompt
    /// too long, …).
    #[error("the model provider refused the request: {0}")]
    BadRequest(String),
    /// The provider is down or failed.
    #[error("the model provider is unavailable: {0}")]
    Unavailable(String),
    /// The provider answered something unreadable.
    #[error("the model provider sent a malformed answer: {0}")]
    Malformed(String),
}

impl ProviderError {
    /// Whether the failure is a timeout (504) rather than another upstream
    /// failure (502).
    pub fn is_timeout(&self) -> bool {
        matches!(self, ProviderError::Timeout)
    }
}
