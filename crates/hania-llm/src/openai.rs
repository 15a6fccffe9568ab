//! An OpenAI-compatible chat-completions client (OpenAI, Azure OpenAI,
//! Ollama, vLLM, llama.cpp server, …): `POST {base}/chat/completions`,
//! blocking or streamed (`stream: true` with `include_usage`).
//!
//! Failed requests are retried with exponential backoff (honouring
//! `Retry-After`), but only before any answer has arrived: a stream is
//! never retried once its response started.

use std::time::Duration;

use async_trait::async_trait;
use eventsource_stream::Eventsource;
use futures::StreamExt;
use hania_domain::completion::{
    AnswerFormat, Completion, CompletionRequest, CompletionStream, ProviderError, StreamChunk,
    TokenUsage, ToolCall,
};
use hania_domain::ports::ModelProvider;
use reqwest::header::{HeaderMap, RETRY_AFTER};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::sse::{ErrorBody, Usage, parse_events};

/// Connection settings of an OpenAI-compatible endpoint.
#[derive(Debug, Clone)]
pub struct OpenAiConfig {
    /// Base URL such as `https://api.openai.com/v1`; `/chat/completions` is appended.
    pub base_url: String,
    /// Bearer key, if the endpoint needs one.
    pub api_key: Option<String>,
    /// Time to connect.
    pub connect_timeout: Duration,
    /// Time for a whole blocking completion.
    pub request_timeout: Duration,
    /// Time until a stream's first event.
    pub first_token_timeout: Duration,
    /// Longest silence between two parts of an answer once it started
    /// (stream events, or body bytes of a blocking answer); then the call
    /// fails with [`ProviderError::Timeout`].
    pub idle_timeout: Duration,
    /// Retries after the first attempt.
    pub max_retries: u32,
    /// First backoff; doubled on every retry.
    pub retry_backoff: Duration,
    /// Speak HTTP/2 from the first byte (prior knowledge), so every call
    /// to the provider shares one connection, also over cleartext. Off by
    /// default: an `https://` provider that offers HTTP/2 gets it by ALPN
    /// anyway, and a cleartext one mostly speaks only HTTP/1.1.
    pub http2_prior_knowledge: bool,
}

impl OpenAiConfig {
    /// Defaults for `base_url`: 5 s to connect, 120 s per completion, 60 s
    /// to the first streamed token, 30 s of silence within an answer, 2
    /// retries from 250 ms, HTTP/2 only where the provider offers it by ALPN.
    pub fn new(base_url: &str, api_key: Option<String>) -> Self {
        Self {
            base_url: base_url.trim_end_matches('/').to_owned(),
            api_key,
            connect_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(120),
            first_token_timeout: Duration::from_secs(60),
            idle_timeout: Duration::from_secs(30),
            max_retries: 2,
            retry_backoff: Duration::from_millis(250),
            http2_prior_knowledge: false,
        }
    }
}

/// The OpenAI-compatible provider.
pub struct OpenAiProvider {
    client: reqwest::Client,
    config: OpenAiConfig,
}

#[derive(Debug, Deserialize)]
struct Response {
    #[serde(default)]
    model: String,
    choices: Vec<ResponseChoice>,
    #[serde(default)]
    usage: Option<Usage>,
}

#[derive(Debug, Deserialize)]
struct ResponseChoice {
    message: ResponseMessage,
    #[serde(default)]
    finish_reason: Option<String>,
}

#[derive(Debug, Deserialize)]
struct ResponseMessage {
    #[serde(default)]
    content: Option<String>,
    #[serde(default)]
    tool_calls: Vec<ResponseToolCall>,
}

#[derive(Debug, Deserialize)]
struct ResponseToolCall {
    #[serde(default)]
    id: String,
    function: ResponseFunction,
}

#[derive(Debug, Deserialize)]
struct ResponseFunction {
    name: String,
    #[serde(default)]
    arguments: String,
}

#[derive(Debug, Deserialize)]
struct ErrorEnvelope {
    error: ErrorBody,
}

fn body(request: &CompletionRequest, stream: bool) -> Value {
    let messages: Vec<Value> = request
        .messages
        .iter()
        .map(crate::prompt_message::to_openai)
        .collect();
    let mut body = json!({"model": request.model, "messages": messages, "stream": stream});
    if stream {
        body["stream_options"] = json!({"include_usage": true});
    }
    if let Some(t) = request.temperature {
        body["temperature"] = json!(t);
    }
    if let Some(max) = request.max_tokens {
        body["max_tokens"] = json!(max);
    }
    match &request.format {
        AnswerFormat::Text => {}
        AnswerFormat::JsonObject => body["response_format"] = json!({"type": "json_object"}),
        AnswerFormat::JsonSchema { name, schema } => {
            body["response_format"] =
                json!({"type": "json_schema", "json_schema": {"name": name, "schema": schema}});
        }
    }
    if !request.tools.is_empty() {
        body["tools"] = request
            .tools
            .iter()
            .map(|t| json!({"type": "function", "function": {"name": t.name, "description": t.description, "parameters": t.parameters}}))
            .collect();
    }
    body
}

fn retry_after(headers: &HeaderMap) -> Option<u64> {
    headers.get(RETRY_AFTER)?.to_str().ok()?.trim().parse().ok()
}

/// Maps an HTTP error status and body to the port's error.
pub fn status_error(status: u16, headers: &HeaderMap, text: &str) -> ProviderError {
    let message = serde_json::from_str::<ErrorEnvelope>(text)
        .map(|e| e.error.message)
        .unwrap_or_else(|_| text.chars().take(300).collect());
    match status {
        429 => ProviderError::RateLimited {
            retry_after: retry_after(headers),
        },
        408 | 504 => ProviderError::Timeout,
        400..=499 => ProviderError::BadRequest(format!("HTTP {status}: {message}")),
        _ => ProviderError::Unavailable(format!("HTTP {status}: {message}")),
    }
}

fn transport_error(error: reqwest::Error) -> ProviderError {
    if error.is_timeout() {
        ProviderError::Timeout
    } else {
        ProviderError::Unavailable(error.to_string())
    }
}

fn retryable(error: &ProviderError) -> bool {
    matches!(
        error,
        ProviderError::RateLimited { .. } | ProviderError::Unavailable(_) | ProviderError::Timeout
    )
}

impl OpenAiProvider {
    /// Builds the client (rustls with the `ring` provider).
    pub fn new(config: OpenAiConfig) -> Result<Self, String> {
        // Installing twice is harmless: the first provider stays.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut builder = reqwest::Client::builder().connect_timeout(config.connect_timeout);
        if config.http2_prior_knowledge {
            builder = builder.http2_prior_knowledge();
        }
        let client = builder
            .build()
            .map_err(|e| format!("cannot build the HTTP client: {e}"))?;
        Ok(Self { client, config })
    }

    fn url(&self) -> String {
        format!("{}/chat/completions", self.config.base_url)
    }

    /// Sends the request, retrying failures before any answer arrived.
    async fn send(
        &self,
        body: &Value,
        timeout: Option<Duration>,
    ) -> Result<reqwest::Response, ProviderError> {
        let mut attempt = 0;
        loop {
            let mut request = self.client.post(self.url()).json(body);
            if let Some(key) = &self.config.api_key {
                request = request.bearer_auth(key);
            }
            if let Some(timeout) = timeout {
                request = request.timeout(timeout);
            }
            let outcome = match request.send().await {
                Ok(response) if response.status().is_success() => return Ok(response),
                Ok(response) => {
                    let (status, headers) =
                        (response.status().as_u16(), response.headers().clone());
                    let text = response.text().await.unwrap_or_default();
                    status_error(status, &headers, &text)
                }
                Err(error) => transport_error(error),
            };
            if attempt >= self.config.max_retries || !retryable(&outcome) {
                return Err(outcome);
            }
            let backoff = self.config.retry_backoff * 2u32.saturating_pow(attempt);
            let wait = match outcome {
                ProviderError::RateLimited {
                    retry_after: Some(s),
                } => Duration::from_secs(s.min(30)).max(backoff),
                _ => backoff,
            };
            tracing::warn!(attempt, error = %outcome, wait_ms = wait.as_millis() as u64, "retrying the model provider");
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }
}

#[async_trait]
impl ModelProvider for OpenAiProvider {
    fn name(&self) -> String {
        "openai-compatible".to_owned()
    }

    async fn complete(&self, request: &CompletionRequest) -> Result<Completion, ProviderError> {
        let response = self
            .send(&body(request, false), Some(self.config.request_timeout))
            .await?;
        let text = read_body(response, self.config.idle_timeout).await?;
        let parsed: Response = serde_json::from_str(&text)
            .map_err(|e| ProviderError::Malformed(format!("unreadable completion: {e}")))?;
        let choice = parsed
            .choices
            .into_iter()
            .next()
            .ok_or_else(|| ProviderError::Malformed("the completion has no choices".into()))?;
        Ok(Completion {
            model: if parsed.model.is_empty() {
                request.model.clone()
            } else {
                parsed.model
            },
            content: choice.message.content.unwrap_or_default(),
            tool_calls: choice
                .message
                .tool_calls
                .into_iter()
                .map(|c| ToolCall {
                    id: c.id,
                    name: c.function.name,
                    arguments: c.function.arguments,
                })
                .collect(),
            usage: parsed.usage.map(TokenUsage::from).unwrap_or_default(),
            finish_reason: choice.finish_reason,
        })
    }

    async fn stream(&self, request: &CompletionRequest) -> Result<CompletionStream, ProviderError> {
        let response = self.send(&body(request, true), None).await?;
        let mut chunks = parse_events(response.bytes_stream().eventsource(), &request.model);
        let first_token_timeout = self.config.first_token_timeout;
        let first = match tokio::time::timeout(first_token_timeout, chunks.next()).await {
            Ok(first) => first,
            Err(_) => return Err(ProviderError::Timeout),
        };
        let head = futures::stream::iter(first);
        Ok(Box::pin(head.chain(with_idle_timeout(
            chunks,
            self.config.idle_timeout,
        ))))
    }
}

/// A blocking answer's body, failing with `Timeout` when no bytes arrive
/// for `idle` (a provider that stalls mid-answer).
async fn read_body(response: reqwest::Response, idle: Duration) -> Result<String, ProviderError> {
    let mut bytes = response.bytes_stream();
    let mut body = Vec::new();
    loop {
        match tokio::time::timeout(idle, bytes.next()).await {
            Err(_) => return Err(ProviderError::Timeout),
            Ok(None) => break,
            Ok(Some(Err(error))) => return Err(transport_error(error)),
            Ok(Some(Ok(chunk))) => body.extend_from_slice(&chunk),
        }
    }
    String::from_utf8(body)
        .map_err(|_| ProviderError::Malformed("the completion is not UTF-8".into()))
}

/// The stream's items; after `idle` without one, a last `Timeout` error
/// and the end (dropping the upstream request).
fn with_idle_timeout<S>(
    chunks: S,
    idle: Duration,
) -> impl futures::Stream<Item = Result<StreamChunk, ProviderError>> + Send
where
    S: futures::Stream<Item = Result<StreamChunk, ProviderError>> + Send + Unpin,
{
    futures::stream::unfold(Some(chunks), move |chunks| async move {
        let mut chunks = chunks?;
        match tokio::time::timeout(idle, chunks.next()).await {
            Ok(Some(item)) => Some((item, Some(chunks))),
            Ok(None) => None,
            Err(_) => Some((Err(ProviderError::Timeout), None)),
        }
    })
}

#[cfg(test)]
#[path = "openai_tests.rs"]
mod tests;
