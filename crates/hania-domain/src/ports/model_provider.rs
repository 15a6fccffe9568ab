use async_trait::async_trait;

use crate::completion::{Completion, CompletionRequest, CompletionStream, ProviderError};

/// A chat-completion model provider (OpenAI-compatible HTTP, or the
/// built-in offline provider).
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait ModelProvider: Send + Sync {
    /// A short name for logs and traces, e.g. `openai` or `offline`.
    fn name(&self) -> String;

    /// Completes a prompt in one answer.
    ///
    /// # Errors
    /// MUST map throttling to `RateLimited`, no answer within the
    /// configured time to `Timeout`, 4xx refusals to `BadRequest`, 5xx and
    /// connection failures to `Unavailable`, unreadable answers to
    /// `Malformed`. An answer that stalls part-way (no bytes for the
    /// adapter's idle bound) MUST fail with `Timeout`. Implementations MAY
    /// retry before answering.
    async fn complete(&self, request: &CompletionRequest) -> Result<Completion, ProviderError>;

    /// Streams a completion: `Delta`s, then one `Finished` with usage when
    /// the provider reports it. Dropping the stream MUST cancel the
    /// upstream request.
    ///
    /// # Errors
    /// As [`ModelProvider::complete`], for failures before the first
    /// event; later failures arrive as stream items. A stream silent for
    /// longer than the adapter's idle bound MUST yield `Timeout` and end.
    /// Implementations MUST NOT retry once an event has been yielded.
    async fn stream(&self, request: &CompletionRequest) -> Result<CompletionStream, ProviderError>;
}
