//! The domain's [`Timer`] on tokio's clock.

use std::time::Duration;

use async_trait::async_trait;
use hania_domain::ports::Timer;

/// Sleeps on the tokio runtime.
#[derive(Debug, Clone, Copy, Default)]
pub struct TokioTimer;

#[async_trait]
impl Timer for TokioTimer {
    async fn sleep(&self, duration: Duration) {
        tokio::time::sleep(duration).await;
    }
}
