//! [`MeteredTools`]: the tool executor port, metered: each call counted
//! by outcome (`ok`, `error`).

use std::sync::Arc;

use async_trait::async_trait;
use hania_domain::ports::{ToolExecutor, ToolInvocation, ToolResult};

use crate::Metrics;

/// A [`ToolExecutor`] that counts the calls of the one it wraps.
pub struct MeteredTools {
    inner: Arc<dyn ToolExecutor>,
    metrics: Arc<Metrics>,
}

impl MeteredTools {
    /// Counts the calls of `inner` into `metrics`.
    pub fn new(inner: Arc<dyn ToolExecutor>, metrics: Arc<Metrics>) -> Self {
        Self { inner, metrics }
    }
}

#[async_trait]
impl ToolExecutor for MeteredTools {
    async fn execute(&self, invocation: &ToolInvocation) -> ToolResult {
        let result = self.inner.execute(invocation).await;
        self.metrics.series().tool_call(result.ok);
        result
    }
}
