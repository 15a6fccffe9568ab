//! Drafting bots with the model (`POST /api/v1/bots/discover`). The
//! workspace must be allowed model calls (the same billing policy as a
//! chat turn), but nothing is stored: no bot, no conversation, no charge.

use std::sync::Arc;

use super::chat_stream::StreamOutcome;
use super::chat_types::ChatError;
use crate::completion::{
    AnswerFormat, CompletionRequest, CompletionStream, ProviderError, TokenUsage,
};
use crate::discovery::{BotDraft, DiscoveryRequest};
use crate::ids::WorkspaceId;
use crate::ports::{Clock, ModelProvider, WorkspaceStore};

/// Sampling temperature of drafting: low, so drafts stay on the brief.
const DRAFTING_TEMPERATURE: f64 = 0.2;

/// A finished draft with what it took.
#[derive(Debug, Clone, PartialEq)]
pub struct Discovery {
    /// The drafted configuration.
    pub draft: BotDraft,
    /// The model that drafted it.
    pub model: String,
    /// Tokens used.
    pub usage: TokenUsage,
}

/// Drafts bot configurations.
pub struct DiscoveryService {
    provider: Arc<dyn ModelProvider>,
    billing: Arc<dyn WorkspaceStore>,
    clock: Arc<dyn Clock>,
    model: String,
}

impl DiscoveryService {
    /// Builds the service; drafts are written by `model` (the default
    /// chat model).
    pub fn new(
        provider: Arc<dyn ModelProvider>,
        billing: Arc<dyn WorkspaceStore>,
        clock: Arc<dyn Clock>,
        model: String,
    ) -> Self {
        Self {
            provider,
            billing,
            clock,
            model,
        }
    }

    /// Validates the request and applies the billing policy; gives the
    /// model request to send.
    pub async fn prepare(
        &self,
        ws: WorkspaceId,
        request: &DiscoveryRequest,
    ) -> Result<CompletionRequest, ChatError> {
        request.validate()?;
        let billing = self.billing.get_billing(ws).await?;
        billing.check_turn_allowed(self.clock.now())?;
        Ok(CompletionRequest {
            model: self.model.clone(),
            messages: request.prompt(),
            temperature: Some(DRAFTING_TEMPERATURE),
            max_tokens: None,
            tools: Vec::new(),
            format: AnswerFormat::JsonObject,
        })
    }

    /// Drafts a bot in one call.
    pub async fn discover(
        &self,
        ws: WorkspaceId,
        request: &DiscoveryRequest,
    ) -> Result<Discovery, ChatError> {
        let completion_request = self.prepare(ws, request).await?;
        let completion = self
            .provider
            .complete(&completion_request)
            .await
            .map_err(ChatError::Upstream)?;
        Self::finish(
            request,
            &completion.content,
            completion.model,
            completion.usage,
        )
    }

    /// Opens the streamed model call of a prepared request; dropping the
    /// stream cancels it.
    pub async fn open_stream(
        &self,
        completion_request: &CompletionRequest,
    ) -> Result<CompletionStream, ChatError> {
        self.provider
            .stream(completion_request)
            .await
            .map_err(ChatError::Upstream)
    }

    /// Reads a streamed drafting call's outcome (relayed by the adapter)
    /// into a draft: a provider failure is returned as such, and usage the
    /// provider did not report is estimated.
    pub fn finish_stream(
        request: &DiscoveryRequest,
        completion_request: &CompletionRequest,
        outcome: StreamOutcome,
    ) -> Result<Discovery, ChatError> {
        if let Some(error) = outcome.error {
            return Err(ChatError::Upstream(error));
        }
        let usage = outcome.produced_usage(completion_request);
        let model = outcome
            .model
            .unwrap_or_else(|| completion_request.model.clone());
        Self::finish(request, &outcome.text, model, usage)
    }

    /// Reads the model's whole answer into a draft. An unusable answer is
    /// an upstream failure (the model, not the client, got it wrong).
    pub fn finish(
        request: &DiscoveryRequest,
        answer: &str,
        model: String,
        usage: TokenUsage,
    ) -> Result<Discovery, ChatError> {
        let draft = BotDraft::from_model_answer(answer, request)
            .map_err(|error| ChatError::Upstream(ProviderError::Malformed(error.to_string())))?;
        Ok(Discovery {
            draft,
            model,
            usage,
        })
    }
}

#[cfg(test)]
#[path = "discovery_tests.rs"]
mod tests;
