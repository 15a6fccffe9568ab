//! Starting the HTTP server: state, first-run bootstrap, workers.

use std::net::SocketAddr;
use std::sync::Arc;

use actix_web::{HttpServer, web};
use anyhow::{Context, Result};
use hania_domain::api_key::KeySecret;
use hania_domain::ports::{Clock, IdGenerator, RateLimiter, Storage};
use hania_domain::services::{Bootstrap, WorkspaceService};
use hania_http::{AppState, InMemoryRateLimiter, SkipExhausted, app};
use hania_store_diesel::Backend;
use hania_webhook::WebhookExecutor;

use crate::config::Config;
use crate::jobs::{JobWorker, worker_name};
use crate::scheduler::Scheduler;
use crate::store::open_diesel_store;
use crate::system::{RandomIds, SystemClock};

/// Starting balance (currency units) of the workspace created on first run.
pub const DEFAULT_BOOTSTRAP_BALANCE: &str = "10";

/// How long in-flight requests (and scheduled runs) get to finish on
/// shutdown.
pub const SHUTDOWN_GRACE_SECONDS: u64 = 30;

/// A started server.
pub struct Running {
    /// The bound address (useful with port 0).
    pub addr: SocketAddr,
    /// Resolves when the server stops; dropping it does not stop it.
    pub server: actix_web::dev::Server,
    /// What the first start of an empty store created, if anything.
    pub bootstrap: Option<Bootstrap>,
    /// The scheduler of agent runs (`None` with `HANIA_SCHEDULER=off`);
    /// dropping it stops it.
    pub scheduler: Option<Scheduler>,
    /// The background job worker (`None` with `HANIA_JOBS=off`).
    pub jobs: Option<JobWorker>,
}

/// Creates a workspace and full-access key when the store has none.
pub async fn bootstrap(store: Arc<dyn Storage>, config: &Config) -> Result<Option<Bootstrap>> {
    let chosen = match &config.bootstrap_key {
        Some(text) => Some(KeySecret::parse(text).context(
            "HANIA_BOOTSTRAP_KEY must be hania_sk_ followed by 40 lowercase hex characters",
        )?),
        None => None,
    };
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let ids: Arc<dyn IdGenerator> = Arc::new(RandomIds);
    let balance = crate::admin::parse_amount(
        config
            .bootstrap_balance
            .as_deref()
            .unwrap_or(DEFAULT_BOOTSTRAP_BALANCE),
    )
    .context("HANIA_BOOTSTRAP_BALANCE")?;
    let service = WorkspaceService::new(store.clone(), store, clock, ids);
    Ok(service.bootstrap(chosen, balance).await?)
}

/// The key that signs widget visitor tokens: the store's, created by the
/// first instance that needs it, so every instance verifies every token.
async fn visitor_secret(store: &dyn Storage) -> Result<Vec<u8>> {
    let candidate = hania_domain::hex::encode(&RandomIds.key_secret_bytes());
    let stored = store
        .server_secret("widget_visitor_tokens", &candidate, SystemClock.now())
        .await?;
    Ok(stored.into_bytes())
}

/// Opens the store, bootstraps an empty one, binds and starts serving.
pub async fn start(config: &Config, workers: Option<usize>) -> Result<Running> {
    let diesel = open_diesel_store(&config.database_url(), config.pool_settings()?).await?;
    let store: Arc<dyn Storage> = Arc::new(diesel.clone());
    let bootstrap = bootstrap(store.clone(), config).await?;
    // Several instances share a PostgreSQL store, so they count limits in
    // it; an SQLite store has one instance, which counts in memory.
    let limiter: Arc<dyn RateLimiter> =
        if diesel.backend() == Backend::Postgres && config.shared_rate_limits()? {
            Arc::new(SkipExhausted::new(Arc::new(diesel.clone())))
        } else {
            Arc::new(InMemoryRateLimiter::default())
        };
    let policy = config.outbound_policy()?;
    let mut state = AppState::new(
        store,
        Arc::new(SystemClock),
        Arc::new(RandomIds),
        limiter,
        crate::llm::provider(config)?,
        Arc::new(WebhookExecutor::new(policy.clone())),
        crate::llm::chat_settings(config)?,
    );
    state.stream_keep_alive = config.stream_keep_alive()?;
    state.set_key_cache(config.key_cache_ttl()?);
    state.visitor_secret = visitor_secret(state.store.as_ref()).await?;
    state.public_url = config.public_url()?;
    state.set_outbound_policy(policy);
    state.metrics_token = config
        .metrics_token
        .clone()
        .filter(|t| !t.trim().is_empty());
    let pool = diesel.pool().clone();
    state.metrics.set_pool_probe(Box::new(move || {
        let usage = pool.usage();
        hania_metrics::PoolUse {
            max: usage.max,
            open: usage.open,
            idle: usage.idle,
            waiting: usage.waiting,
        }
    }));
    let state = web::Data::new(state);
    let scheduler = config
        .scheduler_tick()?
        .map(|tick| Scheduler::spawn(state.clone(), tick));
    let jobs = config
        .job_settings()?
        .map(|settings| JobWorker::spawn(state.clone(), settings, worker_name()));
    // Small writes (a stream's events, a short answer after its head) go
    // out at once instead of waiting for the client's delayed ACK.
    let mut server = HttpServer::new(move || app(state.clone()))
        .shutdown_timeout(SHUTDOWN_GRACE_SECONDS)
        .tcp_nodelay(true);
    if let Some(workers) = workers {
        server = server.workers(workers);
    }
    let bind = config.bind();
    let server = server
        .bind(&bind)
        .with_context(|| format!("binding {bind}"))?;
    let addr = server
        .addrs()
        .first()
        .copied()
        .context("no bound address")?;
    Ok(Running {
        addr,
        server: server.run(),
        bootstrap,
        scheduler,
        jobs,
    })
}
