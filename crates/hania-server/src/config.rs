//! Configuration: environment variables, optionally on top of a TOML file
//! with the same keys in lower case without the `HANIA_` prefix
//! (`bind`, `database_url`, `bootstrap_key`, `llm_base_url`, `llm_api_key`,
//! `llm_model`, `llm_timeout_ms`, `llm_idle_timeout_ms`, `llm_http2`, `model_prices`, `bootstrap_balance`,
//! `stream_keepalive_ms`, `outbound_allow_nets`, `scheduler`, `scheduler_tick_ms`, `public_url`,
//! `jobs`, `jobs_tick_ms`, `job_lease_ms`, `db_pool_size`, `db_timeout_ms`, `rate_limits`,
//! `metrics_token`, `key_cache_ms`).
//! The environment wins. Secrets never appear in
//! `Debug`.

use std::fmt;
use std::path::Path;

use anyhow::{Context, Result};
use serde::Deserialize;

/// Default listen address.
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";
/// Default store: an embedded SQLite file.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://./hania-data/hania.db";

/// How often the scheduler looks for due runs by default.
pub const DEFAULT_SCHEDULER_TICK: std::time::Duration = std::time::Duration::from_secs(1);

/// The server's settings.
#[derive(Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// `HANIA_BIND`.
    pub bind: Option<String>,
    /// `DATABASE_URL`: `sqlite://PATH` or `postgres://…`.
    pub database_url: Option<String>,
    /// `HANIA_BOOTSTRAP_KEY`: the `hania_sk_…` key to create on an empty store.
    pub bootstrap_key: Option<String>,
    /// `HANIA_LLM_BASE_URL`.
    pub llm_base_url: Option<String>,
    /// `HANIA_LLM_API_KEY` (falls back to `OPENAI_API_KEY`).
    pub llm_api_key: Option<String>,
    /// `HANIA_LLM_MODEL`.
    pub llm_model: Option<String>,
    /// `HANIA_LLM_TIMEOUT_MS`: longest wait for a completion, or for a
    /// stream's first token (default 120 000 and 60 000).
    pub llm_timeout_ms: Option<String>,
    /// `HANIA_LLM_IDLE_TIMEOUT_MS`: longest silence within an answer
    /// (default 30 000).
    pub llm_idle_timeout_ms: Option<String>,
    /// `HANIA_LLM_HTTP2`: `prior-knowledge` speaks HTTP/2 to the provider
    /// from the first byte, all calls on one connection, also over
    /// cleartext; `auto` (default) uses HTTP/2 where an `https://`
    /// provider offers it by ALPN, else HTTP/1.1.
    pub llm_http2: Option<String>,
    /// `HANIA_MODEL_PRICES`: `model=PROMPT/COMPLETION,…` per million tokens.
    pub model_prices: Option<String>,
    /// `HANIA_BOOTSTRAP_BALANCE`: the first workspace's starting balance
    /// in currency units (default 10).
    pub bootstrap_balance: Option<String>,
    /// `HANIA_STREAM_KEEPALIVE_MS`: silence after which a stream gets a
    /// `: keep-alive` comment (default 15 000).
    pub stream_keepalive_ms: Option<String>,
    /// `HANIA_OUTBOUND_ALLOW_NETS`: comma-separated CIDRs that webhook
    /// tools may reach although they are not public (default none).
    pub outbound_allow_nets: Option<String>,
    /// `HANIA_SCHEDULER`: `on` (default) runs scheduled agent runs on this
    /// instance, `off` does not.
    pub scheduler: Option<String>,
    /// `HANIA_SCHEDULER_TICK_MS`: how often the scheduler looks for due
    /// runs (default 1 000).
    pub scheduler_tick_ms: Option<String>,
    /// `HANIA_PUBLIC_URL`: the server's address as browsers reach it
    /// (e.g. `https://chat.example.com`), used in widget embed codes
    /// (default: the scheme and host each request came with).
    pub public_url: Option<String>,
    /// `HANIA_JOBS`: `on` (default) runs background jobs (post-call
    /// processing) on this instance, `off` does not.
    pub jobs: Option<String>,
    /// `HANIA_JOBS_TICK_MS`: how often the job worker looks for due jobs
    /// (default 1 000).
    pub jobs_tick_ms: Option<String>,
    /// `HANIA_JOB_LEASE_MS`: how long a worker's claim on a job lasts
    /// before another may take it over (default 120 000).
    pub job_lease_ms: Option<String>,
    /// `HANIA_DB_POOL_SIZE`: most PostgreSQL connections per instance
    /// (default 16).
    pub db_pool_size: Option<String>,
    /// `HANIA_DB_TIMEOUT_MS`: longest wait for a PostgreSQL connection
    /// before a request gets 503 `UNAVAILABLE` (default 5 000).
    pub db_timeout_ms: Option<String>,
    /// `HANIA_RATE_LIMITS`: `shared` (default) counts rate limits in the
    /// PostgreSQL store, so every instance on it shares them; `local`
    /// counts in each instance's memory (one instance only). SQLite always
    /// counts locally.
    pub rate_limits: Option<String>,
    /// `HANIA_METRICS_TOKEN`: when set, `GET /metrics` requires
    /// `Authorization: Bearer <token>`.
    pub metrics_token: Option<String>,
    /// `HANIA_KEY_CACHE_MS`: how long an authenticated key is reused from
    /// memory (default 5 000; `0` reads the store on every request). A
    /// revocation through this instance applies at once; one through
    /// another instance within this time.
    pub key_cache_ms: Option<String>,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let redacted = |v: &Option<String>| v.as_ref().map(|_| "<redacted>");
        f.debug_struct("Config")
            .field("bind", &self.bind())
            .field("database_url", &redact_url(&self.database_url()))
            .field("bootstrap_key", &redacted(&self.bootstrap_key))
            .field("llm_base_url", &self.llm_base_url)
            .field("llm_api_key", &redacted(&self.llm_api_key))
            .field("llm_model", &self.llm_model)
            .field("model_prices", &self.model_prices)
            .field("llm_timeout_ms", &self.llm_timeout_ms)
            .field("llm_idle_timeout_ms", &self.llm_idle_timeout_ms)
            .field("llm_http2", &self.llm_http2)
            .field("bootstrap_balance", &self.bootstrap_balance)
            .field("stream_keepalive_ms", &self.stream_keepalive_ms)
            .field("outbound_allow_nets", &self.outbound_allow_nets)
            .field("scheduler", &self.scheduler)
            .field("scheduler_tick_ms", &self.scheduler_tick_ms)
            .field("public_url", &self.public_url)
            .field("jobs", &self.jobs)
            .field("jobs_tick_ms", &self.jobs_tick_ms)
            .field("job_lease_ms", &self.job_lease_ms)
            .field("db_pool_size", &self.db_pool_size)
            .field("db_timeout_ms", &self.db_timeout_ms)
            .field("rate_limits", &self.rate_limits)
            .field("metrics_token", &redacted(&self.metrics_token))
            .field("key_cache_ms", &self.key_cache_ms)
            .finish()
    }
}

/// A URL with any password replaced, for logs.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            let user = credentials.split(':').next().unwrap_or_default();
            format!("{}://{user}:***@{}", &url[..scheme], &url[at + 1..])
        }
        _ => url.to_owned(),
    }
}

impl Config {
    /// Reads the optional file, then applies the environment on top.
    pub fn load(file: Option<&Path>) -> Result<Self> {
        let mut config = match file {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("reading {}", path.display()))?;
                toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))?
            }
            None => Config::default(),
        };
        config.apply_env(|name| std::env::var(name).ok().filter(|v| !v.is_empty()));
        Ok(config)
    }

    /// Applies variables from `get` over the current values.
    pub fn apply_env(&mut self, get: impl Fn(&str) -> Option<String>) {
        let set = |slot: &mut Option<String>, value: Option<String>| {
            if value.is_some() {
                *slot = value;
            }
        };
        set(&mut self.bind, get("HANIA_BIND"));
        set(&mut self.database_url, get("DATABASE_URL"));
        set(&mut self.bootstrap_key, get("HANIA_BOOTSTRAP_KEY"));
        set(&mut self.llm_base_url, get("HANIA_LLM_BASE_URL"));
        set(
            &mut self.llm_api_key,
            get("HANIA_LLM_API_KEY").or_else(|| get("OPENAI_API_KEY")),
        );
        set(&mut self.llm_model, get("HANIA_LLM_MODEL"));
        set(&mut self.model_prices, get("HANIA_MODEL_PRICES"));
        set(&mut self.llm_timeout_ms, get("HANIA_LLM_TIMEOUT_MS"));
        set(
            &mut self.llm_idle_timeout_ms,
            get("HANIA_LLM_IDLE_TIMEOUT_MS"),
        );
        set(&mut self.llm_http2, get("HANIA_LLM_HTTP2"));
        set(&mut self.bootstrap_balance, get("HANIA_BOOTSTRAP_BALANCE"));
        set(
            &mut self.stream_keepalive_ms,
            get("HANIA_STREAM_KEEPALIVE_MS"),
        );
        set(
            &mut self.outbound_allow_nets,
            get("HANIA_OUTBOUND_ALLOW_NETS"),
        );
        set(&mut self.scheduler, get("HANIA_SCHEDULER"));
        set(&mut self.scheduler_tick_ms, get("HANIA_SCHEDULER_TICK_MS"));
        set(&mut self.public_url, get("HANIA_PUBLIC_URL"));
        set(&mut self.jobs, get("HANIA_JOBS"));
        set(&mut self.jobs_tick_ms, get("HANIA_JOBS_TICK_MS"));
        set(&mut self.job_lease_ms, get("HANIA_JOB_LEASE_MS"));
        set(&mut self.db_pool_size, get("HANIA_DB_POOL_SIZE"));
        set(&mut self.db_timeout_ms, get("HANIA_DB_TIMEOUT_MS"));
        set(&mut self.rate_limits, get("HANIA_RATE_LIMITS"));
        set(&mut self.metrics_token, get("HANIA_METRICS_TOKEN"));
        set(&mut self.key_cache_ms, get("HANIA_KEY_CACHE_MS"));
    }

    /// How the job worker runs, or `None` when it is off here.
    pub fn job_settings(&self) -> Result<Option<crate::jobs::JobSettings>> {
        match self.jobs.as_deref().map(str::trim) {
            None | Some("on") => {}
            Some("off") => return Ok(None),
            Some(other) => anyhow::bail!("HANIA_JOBS must be on or off, not {other:?}"),
        }
        let millis = |value: &Option<String>, name: &str, default: u64| match value {
            None => Ok(std::time::Duration::from_millis(default)),
            Some(ms) => positive_millis(ms, name),
        };
        Ok(Some(crate::jobs::JobSettings {
            tick: millis(&self.jobs_tick_ms, "HANIA_JOBS_TICK_MS", 1_000)?,
            lease: millis(&self.job_lease_ms, "HANIA_JOB_LEASE_MS", 120_000)?,
        }))
    }

    /// Whether rate limits are counted in a shared (PostgreSQL) store.
    pub fn shared_rate_limits(&self) -> Result<bool> {
        match self.rate_limits.as_deref().map(str::trim) {
            None | Some("shared") => Ok(true),
            Some("local") => Ok(false),
            Some(other) => {
                anyhow::bail!("HANIA_RATE_LIMITS must be shared or local, not {other:?}")
            }
        }
    }

    /// The PostgreSQL pool's size and timeout.
    pub fn pool_settings(&self) -> Result<hania_store_postgres::PoolSettings> {
        let mut settings = hania_store_postgres::PoolSettings::default();
        if let Some(size) = &self.db_pool_size {
            settings.max_size = size
                .trim()
                .parse()
                .ok()
                .filter(|n| *n > 0)
                .context("HANIA_DB_POOL_SIZE must be a positive number")?;
        }
        if let Some(ms) = &self.db_timeout_ms {
            settings.timeout = positive_millis(ms, "HANIA_DB_TIMEOUT_MS")?;
        }
        Ok(settings)
    }

    /// The public URL without a trailing slash, if set; it must be an
    /// `http(s)://` URL.
    pub fn public_url(&self) -> Result<Option<String>> {
        let Some(url) = self.public_url.as_deref().map(str::trim) else {
            return Ok(None);
        };
        let url = url.trim_end_matches('/');
        let valid = (url.starts_with("https://") || url.starts_with("http://"))
            && url
                .split_once("://")
                .is_some_and(|(_, rest)| !rest.is_empty())
            && !url.contains(['"', '<', '>', ' ', '\'', '`']);
        if !valid {
            anyhow::bail!("HANIA_PUBLIC_URL must be an http:// or https:// URL, got {url:?}");
        }
        Ok(Some(url.to_owned()))
    }

    /// How often the scheduler ticks, or `None` when it is off here.
    pub fn scheduler_tick(&self) -> Result<Option<std::time::Duration>> {
        match self.scheduler.as_deref().map(str::trim) {
            None | Some("on") => {}
            Some("off") => return Ok(None),
            Some(other) => anyhow::bail!("HANIA_SCHEDULER must be on or off, not {other:?}"),
        }
        match &self.scheduler_tick_ms {
            None => Ok(Some(DEFAULT_SCHEDULER_TICK)),
            Some(ms) => positive_millis(ms, "HANIA_SCHEDULER_TICK_MS").map(Some),
        }
    }

    /// The outbound guard's policy.
    pub fn outbound_policy(&self) -> Result<hania_domain::outbound::OutboundPolicy> {
        let list = self.outbound_allow_nets.as_deref().unwrap_or_default();
        hania_domain::outbound::OutboundPolicy::from_allow_list(list)
            .map_err(|e| anyhow::anyhow!("HANIA_OUTBOUND_ALLOW_NETS: {e}"))
    }

    /// Silence after which a stream gets a keep-alive comment.
    pub fn stream_keep_alive(&self) -> Result<std::time::Duration> {
        match &self.stream_keepalive_ms {
            None => Ok(hania_http::DEFAULT_STREAM_KEEP_ALIVE),
            Some(ms) => positive_millis(ms, "HANIA_STREAM_KEEPALIVE_MS"),
        }
    }

    /// How long an authenticated key is reused from memory (zero: never).
    pub fn key_cache_ttl(&self) -> Result<std::time::Duration> {
        match &self.key_cache_ms {
            None => Ok(hania_http::DEFAULT_KEY_CACHE_TTL),
            Some(text) => text
                .trim()
                .parse()
                .map(std::time::Duration::from_millis)
                .ok()
                .context("HANIA_KEY_CACHE_MS must be a number of milliseconds (0: no cache)"),
        }
    }

    /// The listen address.
    pub fn bind(&self) -> String {
        self.bind.clone().unwrap_or_else(|| DEFAULT_BIND.to_owned())
    }

    /// The store URL.
    pub fn database_url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned())
    }
}

/// A setting in milliseconds that must be positive, e.g. `"30000"`.
pub fn positive_millis(text: &str, name: &str) -> Result<std::time::Duration> {
    let ms: u64 = text
        .trim()
        .parse()
        .ok()
        .filter(|ms| *ms > 0)
        .with_context(|| format!("{name} must be a positive number of milliseconds"))?;
    Ok(std::time::Duration::from_millis(ms))
}

#[cfg(test)]
#[path = "config_tests.rs"]
mod tests;
