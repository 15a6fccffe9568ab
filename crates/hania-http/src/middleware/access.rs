//! The end of a request: one access log line and the HTTP metrics, taken
//! when its response body is done (a stream's last event, or the client
//! hanging up), so a stream's line and histogram hold its whole duration.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

use actix_web::body::{BodySize, BoxBody, MessageBody};
use actix_web::web::Bytes;
use hania_metrics::Metrics;

/// What the access line and the metrics say about a request.
pub(crate) struct Access {
    pub request_id: String,
    pub method: String,
    pub path: String,
    /// The route template that matched (`None`: no route did).
    pub route: Option<String>,
    pub status: u16,
    pub started: Instant,
    pub metrics: Option<Arc<Metrics>>,
}

impl Access {
    fn finish(self, bytes: u64, complete: bool) {
        let took = self.started.elapsed();
        if let Some(metrics) = &self.metrics {
            metrics
                .series()
                .http_request(self.route.as_deref(), &self.method, self.status, took);
        }
        tracing::info!(
            request_id = %self.request_id,
            method = %self.method,
            path = %self.path,
            route = self.route.as_deref().unwrap_or("unmatched"),
            status = self.status,
            duration_ms = took.as_secs_f64() * 1e3,
            bytes,
            complete,
            "request"
        );
    }
}

/// A response body that reports its [`Access`] once it ends: fully sent,
/// failed, or dropped before its end (`complete = false`).
pub(crate) struct ObservedBody {
    body: BoxBody,
    bytes: u64,
    access: Option<Access>,
}

impl ObservedBody {
    pub(crate) fn new(body: BoxBody, access: Access) -> Self {
        Self {
            body,
            bytes: 0,
            access: Some(access),
        }
    }

    fn end(&mut self, complete: bool) {
        if let Some(access) = self.access.take() {
            access.finish(self.bytes, complete);
        }
    }
}

impl MessageBody for ObservedBody {
    type Error = Box<dyn std::error::Error>;

    fn size(&self) -> BodySize {
        self.body.size()
    }

    fn poll_next(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Bytes, Self::Error>>> {
        let this = self.get_mut();
        let polled = Pin::new(&mut this.body).poll_next(cx);
        match &polled {
            Poll::Ready(Some(Ok(bytes))) => this.bytes += bytes.len() as u64,
            Poll::Ready(Some(Err(_))) => this.end(false),
            Poll::Ready(None) => this.end(true),
            Poll::Pending => {}
        }
        polled
    }
}

impl Drop for ObservedBody {
    fn drop(&mut self) {
        // A body actix never polled (empty, or HEAD) is complete too.
        let complete = matches!(self.body.size(), BodySize::None | BodySize::Sized(0));
        self.end(complete);
    }
}
