//! Streamed chat turns. The domain has no runtime, so the adapter drives
//! the provider stream (forwarding deltas to its client) and hands the
//! outcome back here to be recorded by the same rules as a blocking turn.

use time::OffsetDateTime;

use super::chat::ChatService;
use super::chat_prompt::estimate_usage;
use super::chat_types::{ChatError, ChatReply, ModelTurn};
use crate::completion::{
    Completion, CompletionRequest, CompletionStream, ProviderError, TokenUsage,
};

/// What a streamed model call produced by the time it ended.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StreamOutcome {
    /// The text received so far (all of it, if the stream finished).
    pub text: String,
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
    /// or a quarter of the characters when no delta was counted.
    pub fn produced_usage(&self, request: &CompletionRequest) -> TokenUsage {
        if let Some(usage) = self.usage {
            return usage;
        }
        let estimated = estimate_usage(request, &self.text);
        let completion_tokens = match self.deltas {
            0 => u32::try_from(self.text.chars().count().div_ceil(4)).unwrap_or(u32::MAX),
            counted => counted,
        };
        TokenUsage {
            prompt_tokens: estimated.prompt_tokens,
            completion_tokens,
        }
    }
}

impl ChatService {
    /// Opens the provider stream of a prepared turn. Dropping the stream
    /// cancels the upstream request.
    pub async fn open_stream(&self, turn: &ModelTurn) -> Result<CompletionStream, ProviderError> {
        self.provider().stream(&turn.request).await
    }

    /// Records a streamed turn. A complete answer is recorded like a
    /// blocking one. A partial answer (the client left, or the provider
    /// broke off) is stored marked interrupted and charged only for the
    /// tokens produced; a provider failure is also returned as an error.
    /// With no text at all, only the failure is traced and nothing is
    /// charged.
    pub async fn finish_stream(
        &self,
        turn: ModelTurn,
        started: OffsetDateTime,
        outcome: StreamOutcome,
    ) -> Result<ChatReply, ChatError> {
        if outcome.text.is_empty() {
            let error = outcome.error.unwrap_or_else(|| {
                ProviderError::Unavailable("the client disconnected before the first token".into())
            });
            return self.finish(turn, started, Err(error), false).await;
        }
        let usage = outcome.produced_usage(&turn.request);
        let completion = Completion {
            model: outcome.model.unwrap_or_else(|| turn.request.model.clone()),
            content: outcome.text,
            tool_calls: Vec::new(),
            usage,
            finish_reason: outcome.finish_reason,
        };
        let interrupted = outcome.interrupted || outcome.error.is_some();
        let reply = self
            .finish(turn, started, Ok(completion), interrupted)
            .await?;
        match outcome.error {
            Some(error) => Err(ChatError::Upstream(error)),
            None => Ok(reply),
        }
    }
}

#[cfg(test)]
#[path = "chat_stream_tests.rs"]
mod tests;
