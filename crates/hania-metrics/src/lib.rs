//! # hania-metrics
//!
//! What operators scrape at `GET /metrics`: one [`Metrics`] per server
//! (an explicit registry, no global, so several servers in one process
//! keep their own counts), every series named in [`series`], and the
//! decorators that meter the model provider ([`MeteredProvider`]) and the
//! tool executor ([`MeteredTools`]) ports without the domain knowing.
//!
//! Label values are bounded: route templates (never raw paths), methods,
//! status codes, fixed outcome words, and model names capped at
//! [`MAX_MODEL_LABELS`] distinct values (the rest are `other`). No ids and
//! no user text.

mod labels;
mod provider;
pub mod series;
mod tools;

use std::sync::{Mutex, PoisonError};

pub use labels::{MAX_MODEL_LABELS, Outcome};
use prometheus_client::encoding::prometheus_text;
pub use provider::MeteredProvider;
pub use series::Series;
pub use tools::MeteredTools;

/// The `Content-Type` of [`Metrics::render`]: Prometheus text format 0.0.4.
pub const CONTENT_TYPE: &str = prometheus_text::CONTENT_TYPE;

/// How a database pool is used at one moment (read at each scrape).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PoolUse {
    /// Most connections the pool opens.
    pub max: usize,
    /// Connections open now.
    pub open: usize,
    /// Open connections no request holds.
    pub idle: usize,
    /// Requests waiting for a connection.
    pub waiting: usize,
}

/// Reads the pool's use at scrape time.
pub type PoolProbe = Box<dyn Fn() -> PoolUse + Send + Sync>;

/// The server's metrics: the series and the registry they are exported
/// from.
pub struct Metrics {
    series: Series,
    registry: prometheus_client::registry::Registry,
    pool: Mutex<Option<PoolProbe>>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    /// A fresh registry with every series at zero.
    pub fn new() -> Self {
        let mut registry = prometheus_client::registry::Registry::default();
        let series = Series::register(&mut registry);
        Self {
            series,
            registry,
            pool: Mutex::new(None),
        }
    }

    /// The series, to count into.
    pub fn series(&self) -> &Series {
        &self.series
    }

    /// Reads the database pool's use at every scrape from `probe`.
    pub fn set_pool_probe(&self, probe: PoolProbe) {
        *self.pool.lock().unwrap_or_else(PoisonError::into_inner) = Some(probe);
    }

    /// The Prometheus text exposition of every series.
    pub fn render(&self) -> String {
        if let Some(probe) = &*self.pool.lock().unwrap_or_else(PoisonError::into_inner) {
            self.series.pool_use(probe());
        }
        let mut text = String::with_capacity(16 * 1024);
        // Writing into a String cannot fail.
        let _ = prometheus_text::encode(&mut text, &self.registry);
        text
    }
}

#[cfg(test)]
mod tests;
