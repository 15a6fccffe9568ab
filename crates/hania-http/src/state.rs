//! What every handler shares.

use std::sync::Arc;

use hania_domain::ports::{Clock, IdGenerator, RateLimiter, Storage};
use hania_domain::services::{BotService, HookService, KeyService, ToolService, WidgetKeyService};

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
    /// Widget keys.
    pub widgets: WidgetKeyService,
}

impl AppState {
    /// Builds the services over the ports.
    pub fn new(
        store: Arc<dyn Storage>,
        clock: Arc<dyn Clock>,
        ids: Arc<dyn IdGenerator>,
        limiter: Arc<dyn RateLimiter>,
    ) -> Self {
        Self {
            keys: KeyService::new(store.clone(), clock.clone(), ids.clone()),
            bots: BotService::new(store.clone(), clock.clone(), ids.clone()),
            tools: ToolService::new(store.clone(), clock.clone(), ids.clone()),
            hooks: HookService::new(store.clone(), clock.clone(), ids.clone()),
            widgets: WidgetKeyService::new(store.clone(), clock.clone(), ids.clone()),
            store,
            clock,
            ids,
            limiter,
        }
    }
}
