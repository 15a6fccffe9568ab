//! What a model call produced by the time it ended (whole or streamed,
//! complete or cut off), and the usage to charge for it.

use super::chat_prompt::estimate_usage;
use crate::completion::{CompletionRequest, ProviderError, TokenUsage, ToolCall};

/// What a model call produced by the time it ended.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StreamOutcome {
    /// The text received so far (all of it, if the stream finished).
    pub text: String,
    /// The tool calls the model asked for.
    pub tool_calls: Vec<ToolCall>,
    /// The model the provider reported.
    pub model: Option<String>,
    /// Usage, if the provider reported it.
    pub usage: Option<TokenUsage>,
    /// Why the model stopped, if it said.
    pub finish_reason: Option<String>,
    /// The client went away before the end.
    pub interrupted: bool,
    /// The provider failed (before or during the stream).
    pub error: Option<ProviderError>,
    /// How many text deltas arrived. Streaming providers send about one
    /// token per delta, so when they report no usage (an interrupted
    /// stream never gets that far) this counts the tokens produced.
    pub deltas: u32,
}

impl StreamOutcome {
    /// The usage to charge: the provider's, else the prompt estimated and
    /// the completion counted as what was produced — one token per delta,
    /// or a quarter of the characters (text and tool calls) when no delta
    /// was counted.
    pub fn produced_usage(&self, request: &CompletionRequest) -> TokenUsage {
        if let Some(usage) = self.usage {
            return usage;
        }
        let estimated = estimate_usage(request, &self.text);
        let completion_tokens = match self.deltas {
            0 => {
                let chars = self.text.chars().count()
                    + self
                        .tool_calls
                        .iter()
                        .map(|c| c.name.len() + c.arguments.chars().count())
                        .sum::<usize>();
                u32::try_from(chars.div_ceil(4)).unwrap_or(u32::MAX)
            }
            counted => counted,
        };
        TokenUsage {
            prompt_tokens: estimated.prompt_tokens,
            completion_tokens,
        }
    }
}

#[cfg(test)]
#[path = "chat_stream_tests.rs"]
mod tests;
