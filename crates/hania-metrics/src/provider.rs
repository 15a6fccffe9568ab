//! [`MeteredProvider`]: the model provider port, metered. Every call is
//! counted by model and outcome with its reported tokens, their cost at
//! the configured prices, its duration and (streamed) its time to first
//! token. A stream dropped before its end (a hang-up, a deadline) counts
//! as `interrupted`.

use std::collections::HashMap;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use futures::Stream;
use hania_domain::completion::{
    Completion, CompletionRequest, CompletionStream, ProviderError, StreamChunk, TokenUsage,
};
use hania_domain::money::ModelPrice;
use hania_domain::ports::ModelProvider;
use hania_domain::pricing::price_of;

use crate::Metrics;
use crate::labels::Outcome;
use crate::series::ModelCall;

/// A [`ModelProvider`] that meters the one it wraps.
pub struct MeteredProvider {
    inner: Arc<dyn ModelProvider>,
    meter: Arc<Meter>,
}

/// What a call is counted with.
struct Meter {
    metrics: Arc<Metrics>,
    prices: HashMap<String, ModelPrice>,
    default_price: ModelPrice,
}

impl MeteredProvider {
    /// Meters `inner` into `metrics`, costing tokens at `prices` (else
    /// `default_price`), as billing does.
    pub fn new(
        inner: Arc<dyn ModelProvider>,
        metrics: Arc<Metrics>,
        prices: HashMap<String, ModelPrice>,
        default_price: ModelPrice,
    ) -> Self {
        Self {
            inner,
            meter: Arc::new(Meter {
                metrics,
                prices,
                default_price,
            }),
        }
    }
}

fn outcome_of(error: &ProviderError) -> Outcome {
    match error {
        ProviderError::Timeout => Outcome::Timeout,
        _ => Outcome::UpstreamError,
    }
}

impl Meter {
    #[allow(clippy::too_many_arguments)]
    fn record(
        &self,
        requested: &str,
        answered: Option<&str>,
        outcome: Outcome,
        delivery: &'static str,
        usage: Option<TokenUsage>,
        took: Duration,
        first_token: Option<Duration>,
    ) {
        let usage = usage.unwrap_or_default();
        let price = price_of(&self.prices, requested, answered.unwrap_or(requested))
            .unwrap_or(self.default_price);
        let cost = price.cost(usage.prompt_tokens, usage.completion_tokens);
        self.metrics.series().model_call(ModelCall {
            model: requested,
            outcome,
            delivery,
            prompt_tokens: u64::from(usage.prompt_tokens),
            completion_tokens: u64::from(usage.completion_tokens),
            cost: cost.micros() as f64 / 1_000_000.0,
            took,
            first_token,
        });
    }
}

#[async_trait]
impl ModelProvider for MeteredProvider {
    fn name(&self) -> String {
        self.inner.name()
    }

    async fn complete(&self, request: &CompletionRequest) -> Result<Completion, ProviderError> {
        let started = Instant::now();
        let result = self.inner.complete(request).await;
        let (outcome, answered, usage) = match &result {
            Ok(completion) => (
                Outcome::Ok,
                Some(completion.model.as_str()),
                Some(completion.usage),
            ),
            Err(error) => (outcome_of(error), None, None),
        };
        self.meter.record(
            &request.model,
            answered,
            outcome,
            "whole",
            usage,
            started.elapsed(),
            None,
        );
        result
    }

    async fn stream(&self, request: &CompletionRequest) -> Result<CompletionStream, ProviderError> {
        let started = Instant::now();
        match self.inner.stream(request).await {
            Ok(stream) => Ok(Box::pin(MeteredStream {
                inner: stream,
                meter: self.meter.clone(),
                model: request.model.clone(),
                started,
                first_token: None,
                done: false,
            })),
            Err(error) => {
                let outcome = outcome_of(&error);
                self.meter.record(
                    &request.model,
                    None,
                    outcome,
                    "stream",
                    None,
                    started.elapsed(),
                    None,
                );
                Err(error)
            }
        }
    }
}

/// A stream that records its call once: at its end, its error, or its
/// drop before either.
struct MeteredStream {
    inner: CompletionStream,
    meter: Arc<Meter>,
    model: String,
    started: Instant,
    first_token: Option<Duration>,
    done: bool,
}

impl MeteredStream {
    fn finish(&mut self, outcome: Outcome, answered: Option<&str>, usage: Option<TokenUsage>) {
        if !self.done {
            self.done = true;
            let took = self.started.elapsed();
            self.meter.record(
                &self.model,
                answered,
                outcome,
                "stream",
                usage,
                took,
                self.first_token,
            );
        }
    }
}

impl Stream for MeteredStream {
    type Item = Result<StreamChunk, ProviderError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        let item = match this.inner.as_mut().poll_next(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(item) => item,
        };
        match &item {
            Some(Ok(StreamChunk::Delta(_) | StreamChunk::ToolCall(_))) => {
                this.first_token
                    .get_or_insert_with(|| this.started.elapsed());
            }
            Some(Ok(StreamChunk::Finished { model, usage, .. })) => {
                let (model, usage) = (model.clone(), *usage);
                this.finish(Outcome::Ok, Some(&model), usage);
            }
            Some(Err(error)) => this.finish(outcome_of(error), None, None),
            None => this.finish(Outcome::Ok, None, None),
        }
        Poll::Ready(item)
    }
}

impl Drop for MeteredStream {
    fn drop(&mut self) {
        self.finish(Outcome::Interrupted, None, None);
    }
}
