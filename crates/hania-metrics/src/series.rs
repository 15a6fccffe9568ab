//! Every series the server exports, named once here:
//!
//! | series | labels | what |
//! |---|---|---|
//! | `hania_http_requests_total` | `route`, `method`, `status` | requests, counted when their response (streams: their last byte) is done |
//! | `hania_http_request_duration_seconds` | `route`, `method` | the same, by duration |
//! | `hania_chat_turns_total` | `dialect`, `outcome` | chat turns (any dialect, blocking or streamed, agent runs) |
//! | `hania_model_calls_total` | `model`, `outcome` | calls to the model provider |
//! | `hania_model_tokens_total` | `model`, `kind` (`prompt`/`completion`) | tokens the provider reported |
//! | `hania_model_cost_total` | `model` | their cost at the configured prices, in currency units |
//! | `hania_provider_latency_seconds` | `model`, `delivery` | a call from request to its last byte |
//! | `hania_provider_first_token_seconds` | `model` | a streamed call's wait for its first token |
//! | `hania_open_streams` | | server-sent event streams open now |
//! | `hania_tool_calls_total` | `outcome` (`ok`/`error`) | tool calls the agent loop ran |
//! | `hania_rate_limit_refusals_total` | `scope` (`key`/`widget`) | requests refused with 429 |
//! | `hania_db_pool_connections` | `state` (`in_use`/`idle`) | database pool connections |
//! | `hania_db_pool_max_connections` | | the pool's size |
//! | `hania_db_pool_waiting` | | requests waiting for a connection |
//! | `hania_scheduler_runs_total` | `outcome` | scheduled agent runs |
//! | `hania_job_runs_total` | `outcome` | background jobs (post-call processing) |

use std::sync::atomic::AtomicU64;
use std::time::Duration;

use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

use crate::PoolUse;
use crate::labels::{
    ChatLabels, DeliveryLabels, HttpLabels, KindLabels, ModelLabels, ModelNames, NameLabels,
    Outcome, OutcomeLabels, RouteLabels, ScopeLabels, StateLabels,
};

type Histograms<L> = Family<L, Histogram, fn() -> Histogram>;

/// Seconds from 0.5 ms to about 65 s, doubling.
fn seconds() -> Histogram {
    Histogram::new(exponential_buckets(0.0005, 2.0, 18))
}

/// Every series, registered in one registry.
pub struct Series {
    http_requests: Family<HttpLabels, Counter>,
    http_duration: Histograms<RouteLabels>,
    chat_turns: Family<ChatLabels, Counter>,
    model_calls: Family<ModelLabels, Counter>,
    model_tokens: Family<KindLabels, Counter>,
    model_cost: Family<NameLabels, Counter<f64, AtomicU64>>,
    provider_latency: Histograms<DeliveryLabels>,
    first_token: Histograms<NameLabels>,
    open_streams: Gauge,
    tool_calls: Family<OutcomeLabels, Counter>,
    refusals: Family<ScopeLabels, Counter>,
    pool_connections: Family<StateLabels, Gauge>,
    pool_max: Gauge,
    pool_waiting: Gauge,
    scheduler_runs: Family<OutcomeLabels, Counter>,
    job_runs: Family<OutcomeLabels, Counter>,
    models: ModelNames,
}

impl Series {
    /// Creates every series and registers it in `registry`.
    pub(crate) fn register(registry: &mut Registry) -> Self {
        let series = Self {
            http_requests: Family::default(),
            http_duration: Family::new_with_constructor(seconds),
            chat_turns: Family::default(),
            model_calls: Family::default(),
            model_tokens: Family::default(),
            model_cost: Family::default(),
            provider_latency: Family::new_with_constructor(seconds),
            first_token: Family::new_with_constructor(seconds),
            open_streams: Gauge::default(),
            tool_calls: Family::default(),
            refusals: Family::default(),
            pool_connections: Family::default(),
            pool_max: Gauge::default(),
            pool_waiting: Gauge::default(),
            scheduler_runs: Family::default(),
            job_runs: Family::default(),
            models: ModelNames::default(),
        };
        let r = registry.sub_registry_with_prefix("hania");
        let s = &series;
        r.register(
            "http_requests",
            "HTTP requests by route template, method and status",
            s.http_requests.clone(),
        );
        r.register(
            "http_request_duration_seconds",
            "HTTP request durations (streams: to their last byte)",
            s.http_duration.clone(),
        );
        r.register(
            "chat_turns",
            "Chat turns by dialect and outcome",
            s.chat_turns.clone(),
        );
        r.register(
            "model_calls",
            "Model provider calls by model and outcome",
            s.model_calls.clone(),
        );
        r.register(
            "model_tokens",
            "Tokens the provider reported, by model and kind",
            s.model_tokens.clone(),
        );
        r.register(
            "model_cost",
            "Cost of the reported tokens at the configured prices, in currency units",
            s.model_cost.clone(),
        );
        r.register(
            "provider_latency_seconds",
            "Model calls from request to last byte",
            s.provider_latency.clone(),
        );
        r.register(
            "provider_first_token_seconds",
            "Streamed model calls' wait for the first token",
            s.first_token.clone(),
        );
        r.register(
            "open_streams",
            "Server-sent event streams open now",
            s.open_streams.clone(),
        );
        r.register("tool_calls", "Tool calls by outcome", s.tool_calls.clone());
        r.register(
            "rate_limit_refusals",
            "Requests refused by a rate limit",
            s.refusals.clone(),
        );
        r.register(
            "db_pool_connections",
            "Database pool connections by state",
            s.pool_connections.clone(),
        );
        r.register(
            "db_pool_max_connections",
            "Most connections the database pool opens",
            s.pool_max.clone(),
        );
        r.register(
            "db_pool_waiting",
            "Requests waiting for a database connection",
            s.pool_waiting.clone(),
        );
        r.register(
            "scheduler_runs",
            "Scheduled agent runs by outcome",
            s.scheduler_runs.clone(),
        );
        r.register(
            "job_runs",
            "Background jobs run, by outcome",
            s.job_runs.clone(),
        );
        series
    }

    /// Counts one HTTP request that ended: its route template (`None`
    /// when no route matched), method, status and duration.
    pub fn http_request(&self, route: Option<&str>, method: &str, status: u16, took: Duration) {
        let route = route.unwrap_or("unmatched").to_owned();
        let method = crate::labels::method(method);
        self.http_requests
            .get_or_create(&HttpLabels {
                route: route.clone(),
                method,
                status,
            })
            .inc();
        self.http_duration
            .get_or_create(&RouteLabels { route, method })
            .observe(took.as_secs_f64());
    }

    /// Counts a chat turn of `dialect` (`native`, `hansei`, `slug`,
    /// `widget`, `agent_run`) that ended with `outcome`.
    pub fn chat_turn(&self, dialect: &'static str, outcome: Outcome) {
        self.chat_turns
            .get_or_create(&ChatLabels {
                dialect,
                outcome: outcome.as_str(),
            })
            .inc();
    }

    /// Counts a model call: its outcome, reported tokens and their cost
    /// (currency units), its duration and, when streamed, its wait for
    /// the first token.
    pub(crate) fn model_call(&self, call: ModelCall<'_>) {
        let model = self.models.label(call.model);
        let labels = ModelLabels {
            model: model.clone(),
            outcome: call.outcome.as_str(),
        };
        self.model_calls.get_or_create(&labels).inc();
        for (kind, tokens) in [
            ("prompt", call.prompt_tokens),
            ("completion", call.completion_tokens),
        ] {
            if tokens > 0 {
                self.model_tokens
                    .get_or_create(&KindLabels {
                        model: model.clone(),
                        kind,
                    })
                    .inc_by(tokens);
            }
        }
        let plain = NameLabels {
            model: model.clone(),
        };
        if call.cost > 0.0 {
            self.model_cost.get_or_create(&plain).inc_by(call.cost);
        }
        self.provider_latency
            .get_or_create(&DeliveryLabels {
                model,
                delivery: call.delivery,
            })
            .observe(call.took.as_secs_f64());
        if let Some(first) = call.first_token {
            self.first_token
                .get_or_create(&plain)
                .observe(first.as_secs_f64());
        }
    }

    /// A stream opened; it counts as open until the guard drops.
    pub fn stream_opened(&self) -> OpenStream {
        self.open_streams.inc();
        OpenStream(self.open_streams.clone())
    }

    /// Counts a tool call.
    pub(crate) fn tool_call(&self, ok: bool) {
        let outcome = if ok { "ok" } else { "error" };
        self.tool_calls
            .get_or_create(&OutcomeLabels { outcome })
            .inc();
    }

    /// Counts a request refused by the rate limit of `scope` (`key`,
    /// `widget`).
    pub fn rate_limit_refusal(&self, scope: &'static str) {
        self.refusals.get_or_create(&ScopeLabels { scope }).inc();
    }

    /// Counts a scheduled agent run.
    pub fn scheduler_run(&self, outcome: Outcome) {
        let outcome = outcome.as_str();
        self.scheduler_runs
            .get_or_create(&OutcomeLabels { outcome })
            .inc();
    }

    /// Counts a background job run (`done`, `retry`, `failed`).
    pub fn job_run(&self, outcome: &'static str) {
        self.job_runs
            .get_or_create(&OutcomeLabels { outcome })
            .inc();
    }

    pub(crate) fn pool_use(&self, pool: PoolUse) {
        let gauge = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
        let in_use = pool.open.saturating_sub(pool.idle);
        self.pool_connections
            .get_or_create(&StateLabels { state: "in_use" })
            .set(gauge(in_use));
        self.pool_connections
            .get_or_create(&StateLabels { state: "idle" })
            .set(gauge(pool.idle));
        self.pool_max.set(gauge(pool.max));
        self.pool_waiting.set(gauge(pool.waiting));
    }
}

/// One model call, as [`Series::model_call`] counts it.
pub(crate) struct ModelCall<'a> {
    pub model: &'a str,
    pub outcome: Outcome,
    pub delivery: &'static str,
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
    pub cost: f64,
    pub took: Duration,
    pub first_token: Option<Duration>,
}

/// An open stream: the open-streams gauge counts it until this drops.
pub struct OpenStream(Gauge);

impl Drop for OpenStream {
    fn drop(&mut self) {
        self.0.dec();
    }
}
