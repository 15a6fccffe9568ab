//! # hania-webhook
//!
//! The [`ToolExecutor`] for webhook tools: `POST` of the model's arguments
//! object to the tool's URL, behind the outbound guard (`guard.rs`),
//! signed (`signature.rs`), with the tool's timeout and the answer capped
//! at 64 KiB (`answer.rs`). Every failure is a failed [`ToolResult`] the
//! model is told about.

mod answer;
mod guard;
mod signature;

use std::time::{Duration, Instant};

use async_trait::async_trait;
use hania_domain::outbound::OutboundPolicy;
use hania_domain::ports::{ToolExecutor, ToolInvocation, ToolResult};
use hania_domain::tool::{ToolKind, WebhookTool};

pub use answer::MAX_ANSWER_BYTES;
pub use signature::{idempotency_key, signature_header};

/// Runs webhook tools under an outbound policy.
#[derive(Debug, Clone)]
pub struct WebhookExecutor {
    policy: OutboundPolicy,
}

impl WebhookExecutor {
    /// An executor enforcing `policy`. Installs rustls's ring provider as
    /// the process default if none is (reqwest is built without one).
    pub fn new(policy: OutboundPolicy) -> Self {
        let _ = rustls::crypto::ring::default_provider().install_default();
        Self { policy }
    }

    async fn call(
        &self,
        webhook: &WebhookTool,
        invocation: &ToolInvocation,
    ) -> Result<String, Failure> {
        let arguments: serde_json::Value = serde_json::from_str(&invocation.call.arguments)
            .map_err(|e| format!("the arguments are not JSON ({e})"))?;
        if !arguments.is_object() {
            return Err(Failure::from(
                "the arguments must be a JSON object".to_owned(),
            ));
        }
        let url = self
            .policy
            .check_url("url", &webhook.url)
            .map_err(|e| e.message)?;
        let timeout = Duration::from_millis(u64::from(webhook.timeout_ms));
        let target = tokio::time::timeout(timeout, guard::resolve(&self.policy, &url))
            .await
            .map_err(|_| Failure::transient("timed out resolving the host"))??;
        let body = arguments.to_string();
        let client = guard::client(&target, timeout)?;
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let mut request = client
            .post(url.clone())
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header("X-Hania-Tool", &invocation.tool.name)
            .header("X-Hania-Bot-Id", invocation.bot.to_string())
            .header(
                "X-Hania-Conversation-Id",
                invocation.conversation.to_string(),
            )
            .header("Idempotency-Key", idempotency_key(invocation));
        if let Some(secret) = &webhook.signing_secret {
            request = request.header("X-Hania-Signature", signature_header(secret, now, &body));
        }
        if let Some(header) = &webhook.secret_header {
            request = request.header(header.name.as_str(), header.value.as_str());
        }
        let work = async {
            let response = request
                .body(body)
                .send()
                .await
                .map_err(|e| describe(e, webhook.timeout_ms))?;
            answer::read(response).await
        };
        tokio::time::timeout(timeout, work).await.map_err(|_| {
            Failure::transient(format!("no answer within {} ms", webhook.timeout_ms))
        })?
    }
}

/// Why a call gave no result, and whether trying again may help.
#[derive(Debug)]
pub(crate) struct Failure {
    message: String,
    /// A timeout, a refused or broken connection, or a 5xx answer.
    transient: bool,
}

impl Failure {
    pub(crate) fn transient(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            transient: true,
        }
    }
}

impl From<String> for Failure {
    fn from(message: String) -> Self {
        Self {
            message,
            transient: false,
        }
    }
}

/// A request error in words, without the URL (the trace shows the tool).
fn describe(error: reqwest::Error, timeout_ms: u32) -> Failure {
    if error.is_timeout() {
        Failure::transient(format!("no answer within {timeout_ms} ms"))
    } else if error.is_connect() {
        Failure::transient("could not connect")
    } else {
        Failure::transient(format!("the call failed ({})", error.without_url()))
    }
}

#[async_trait]
impl ToolExecutor for WebhookExecutor {
    async fn execute(&self, invocation: &ToolInvocation) -> ToolResult {
        let started = Instant::now();
        let ToolKind::Webhook(webhook) = &invocation.tool.kind;
        let outcome = self.call(webhook, invocation).await;
        let duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        match outcome {
            Ok(content) => ToolResult {
                ok: true,
                content,
                error: None,
                duration_ms,
                transient: false,
            },
            Err(Failure { message, transient }) => {
                tracing::info!(tool = %invocation.tool.name, %message, "tool call failed");
                ToolResult {
                    transient,
                    ..ToolResult::failed(message, duration_ms)
                }
            }
        }
    }
}
