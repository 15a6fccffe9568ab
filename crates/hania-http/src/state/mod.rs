//! The application state every handler shares: the ports and the domain
//! services built over them. A layer of its own below the middleware; it
//! imports nothing else of the crate.

mod exhausted;
pub(crate) mod limit_cache;
mod rate_limit;
mod timer;
mod turn_count;

pub use exhausted::SkipExhausted;
pub use rate_limit::InMemoryRateLimiter;

use std::sync::Arc;
use std::time::Duration;

use hania_domain::ports::ModelProvider;

use hania_domain::key_cache::CachedKeyStore;
use hania_domain::outbound::OutboundPolicy;
use hania_domain::ports::{ApiKeyStore, Clock, IdGenerator, RateLimiter, Storage, ToolExecutor};
use hania_domain::services::{
    BotService, BotToolService, ChatPorts, ChatService, ChatSettings, DiscoveryService,
    HookService, KeyService, ToolService, WidgetKeyService,
};
use hania_metrics::{MeteredProvider, MeteredTools, Metrics};
use limit_cache::WorkspaceLimitCache;
use timer::TokioTimer;

/// Default silence after which a stream gets a `: keep-alive` comment.
pub const DEFAULT_STREAM_KEEP_ALIVE: Duration = Duration::from_secs(15);
/// Default time an authenticated key is reused from memory.
pub const DEFAULT_KEY_CACHE_TTL: Duration = Duration::from_secs(5);

/// The application state, shared by all workers.
pub struct AppState {
    /// Every storage port.
    pub store: Arc<dyn Storage>,
    /// Time.
    pub clock: Arc<dyn Clock>,
    /// Ids and secrets.
    pub ids: Arc<dyn IdGenerator>,
    /// Per-key request limits.
    pub limiter: Arc<dyn RateLimiter>,
    /// Key authentication and issuing.
    pub keys: KeyService,
    /// Bot use cases.
    pub bots: BotService,
    /// Tool configurations.
    pub tools: ToolService,
    /// Post-call hooks.
    pub hooks: HookService,
    /// The tools attached to bots.
    pub bot_tools: BotToolService,
    /// Widget keys.
    pub widgets: WidgetKeyService,
    /// Chat turns.
    pub chat: ChatService,
    /// Bot drafting.
    pub discovery: DiscoveryService,
    /// Silence after which a stream gets a `: keep-alive` comment.
    pub stream_keep_alive: Duration,
    /// Workspaces' default request limits, briefly cached.
    pub(crate) workspace_limits: WorkspaceLimitCache,
    /// The key that signs widget visitor tokens (shared by every
    /// instance: the server loads it from the store).
    pub visitor_secret: Vec<u8>,
    /// The server's address as browsers reach it, for embed codes
    /// (`None`: each request's own scheme and host).
    pub public_url: Option<String>,
    /// What `GET /metrics` exports; the provider and the tool executor
    /// given to [`AppState::new`] count into it.
    pub metrics: Arc<Metrics>,
    /// When set, `GET /metrics` requires `Authorization: Bearer <token>`.
    pub metrics_token: Option<String>,
}

impl AppState {
    /// Builds the services over the ports.
    pub fn new(
        store: Arc<dyn Storage>,
        clock: Arc<dyn Clock>,
        ids: Arc<dyn IdGenerator>,
        limiter: Arc<dyn RateLimiter>,
        provider: Arc<dyn ModelProvider>,
        executor: Arc<dyn ToolExecutor>,
        chat_settings: ChatSettings,
    ) -> Self {
        let metrics = Arc::new(Metrics::new());
        let provider: Arc<dyn ModelProvider> = Arc::new(MeteredProvider::new(
            provider,
            metrics.clone(),
            chat_settings.prices.clone(),
            chat_settings.default_price,
        ));
        let executor: Arc<dyn ToolExecutor> =
            Arc::new(MeteredTools::new(executor, metrics.clone()));
        let discovery = DiscoveryService::new(
            provider.clone(),
            store.clone(),
            clock.clone(),
            chat_settings.default_model.clone(),
        );
        let chat_ports = ChatPorts {
            reads: store.clone(),
            bots: store.clone(),
            conversations: store.clone(),
            billing: store.clone(),
            turns: store.clone(),
            provider,
            clock: clock.clone(),
            ids: ids.clone(),
            bot_tools: store.clone(),
            runs: store.clone(),
            executor,
            timer: Arc::new(TokioTimer),
            messages: store.clone(),
            traces: store.clone(),
            hooks: store.clone(),
            tools: store.clone(),
            jobs: store.clone(),
            calls: store.clone(),
        };
        let (keys, widgets) = key_services(&store, &clock, &ids, DEFAULT_KEY_CACHE_TTL);
        Self {
            chat: ChatService::new(chat_ports, chat_settings),
            discovery,
            stream_keep_alive: DEFAULT_STREAM_KEEP_ALIVE,
            workspace_limits: WorkspaceLimitCache::default(),
            visitor_secret: ids.key_secret_bytes().to_vec(),
            public_url: None,
            metrics,
            metrics_token: None,
            keys,
            bots: BotService::new(store.clone(), clock.clone(), ids.clone()),
            tools: ToolService::new(
                store.clone(),
                clock.clone(),
                ids.clone(),
                OutboundPolicy::default(),
            ),
            hooks: HookService::new(store.clone(), clock.clone(), ids.clone()),
            bot_tools: BotToolService::new(store.clone(), clock.clone()),
            widgets,
            store,
            clock,
            ids,
            limiter,
        }
    }

    /// Serves key lookups from memory for `ttl` (zero: never; see
    /// [`CachedKeyStore`]): the keys and widget key services share one
    /// cache, so a change through either is seen at once by both.
    pub fn set_key_cache(&mut self, ttl: std::time::Duration) {
        (self.keys, self.widgets) = key_services(&self.store, &self.clock, &self.ids, ttl);
    }

    /// Replaces the outbound policy (default: public addresses only) that
    /// tool URLs are checked against.
    pub fn set_outbound_policy(&mut self, policy: OutboundPolicy) {
        self.tools = ToolService::new(
            self.store.clone(),
            self.clock.clone(),
            self.ids.clone(),
            policy,
        );
    }
}

/// The account and widget key services over one [`CachedKeyStore`] of
/// `ttl`, so a change through either is seen at once by both.
fn key_services(
    store: &Arc<dyn Storage>,
    clock: &Arc<dyn Clock>,
    ids: &Arc<dyn IdGenerator>,
    ttl: Duration,
) -> (KeyService, WidgetKeyService) {
    let ttl = time::Duration::try_from(ttl).unwrap_or(time::Duration::ZERO);
    let keys: Arc<dyn ApiKeyStore> =
        Arc::new(CachedKeyStore::new(store.clone(), clock.clone(), ttl));
    (
        KeyService::new(keys.clone(), clock.clone(), ids.clone()),
        WidgetKeyService::new(keys, clock.clone(), ids.clone()),
    )
}
