//! Helpers of the black-box tests: start the real server (port 0) on a
//! fresh store, make workspaces and keys, call it over HTTP.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test support: failures should panic.

use std::any::Any;
use std::sync::Arc;

use hania_domain::ability::AbilitySet;
use hania_domain::ids::WorkspaceId;
use hania_domain::money::Money;
use hania_domain::ports::Storage;
use hania_domain::services::{KeyService, NewAccountKey, WorkspaceService};
use hania_server::Config;
use hania_server::system::{RandomIds, SystemClock};
pub use reqwest::Method;
use reqwest::{Client, Response};
use serde_json::Value;

/// The storage backends every black-box test runs on.
#[derive(Debug, Clone, Copy)]
pub enum Backend {
    /// A temp SQLite file.
    Sqlite,
    /// A throwaway PostgreSQL cluster.
    Postgres,
}

/// A running server with its own empty store.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// The bootstrap workspace.
    pub workspace: WorkspaceId,
    /// Its full-access key.
    pub key: String,
    /// Direct access to the same store, for seeding and checking.
    pub store: Arc<dyn Storage>,
    /// HTTP client.
    pub client: Client,
    /// The store's URL (another instance can share it).
    pub database_url: String,
    _guard: Box<dyn Any + Send>,
}

/// Starts the server on a fresh store of `backend`.
pub async fn spawn(backend: Backend) -> TestApp {
    spawn_with(backend, Config::default()).await
}

/// Starts a mock provider answering `reply`, and the server on a fresh
/// store of `backend` using it.
pub async fn spawn_with_mock(backend: Backend, reply: &str) -> (TestApp, hania_mock_llm::MockLlm) {
    let mock = hania_mock_llm::MockLlm::start(hania_mock_llm::MockConfig {
        reply: reply.into(),
        ..hania_mock_llm::MockConfig::default()
    })
    .await
    .unwrap();
    let config = Config {
        llm_base_url: Some(mock.base_url()),
        ..Config::default()
    };
    (spawn_with(backend, config).await, mock)
}

/// Starts the server on a fresh store of `backend` with `config` (its bind
/// address and store are replaced).
pub async fn spawn_with(backend: Backend, config: Config) -> TestApp {
    // reqwest is built without a default TLS provider (see hania-llm).
    let _ = rustls::crypto::ring::default_provider().install_default();
    let (url, guard): (String, Box<dyn Any + Send>) = match backend {
        Backend::Sqlite => {
            let dir = tempfile::tempdir().unwrap();
            (
                format!("sqlite://{}", dir.path().join("hania.db").display()),
                Box::new(dir),
            )
        }
        Backend::Postgres => {
            let pg = hania_test_postgres::TempPostgres::start();
            (pg.url(), Box::new(pg))
        }
    };
    spawn_on(url, guard, config).await
}

/// Starts the server on the store at `url` (which `guard` keeps alive as
/// long as the app), with `config` (its bind address and store replaced).
/// For tests that own the database, e.g. to stop and restart it.
pub async fn spawn_on(url: String, guard: Box<dyn Any + Send>, config: Config) -> TestApp {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let config = Config {
        bind: Some("127.0.0.1:0".into()),
        database_url: Some(url.clone()),
        // Scheduled runs would add conversations to tests that do not
        // expect them: on only where a test asks.
        scheduler: config.scheduler.or_else(|| Some("off".into())),
        jobs_tick_ms: config.jobs_tick_ms.or_else(|| Some("100".into())),
        ..config
    };
    let running = hania_server::start(&config, Some(2)).await.unwrap();
    let boot = running.bootstrap.expect("an empty store is bootstrapped");
    tokio::spawn(running.server);
    // The scheduler stops before the store goes.
    let guard: Box<dyn Any + Send> = Box::new((running.scheduler, running.jobs, guard));
    let store = hania_server::store::open_store(&url).await.unwrap();
    TestApp {
        base: format!("http://{}", running.addr),
        workspace: boot.workspace.id,
        key: boot.secret.expose().to_owned(),
        store,
        client: Client::new(),
        database_url: url,
        _guard: guard,
    }
}

impl TestApp {
    /// Another server on the same store (as a second instance behind a
    /// load balancer), with `config`; it shares this app's workspace, key
    /// and store, and lives as long as the returned app.
    pub async fn another_instance(&self, config: Config) -> TestApp {
        let config = Config {
            bind: Some("127.0.0.1:0".into()),
            database_url: Some(self.database_url.clone()),
            scheduler: config.scheduler.clone().or_else(|| Some("off".into())),
            jobs_tick_ms: config.jobs_tick_ms.clone().or_else(|| Some("100".into())),
            ..config
        };
        let running = hania_server::start(&config, Some(2)).await.unwrap();
        assert!(running.bootstrap.is_none(), "the store is not empty");
        tokio::spawn(running.server);
        TestApp {
            base: format!("http://{}", running.addr),
            workspace: self.workspace,
            key: self.key.clone(),
            store: self.store.clone(),
            client: Client::new(),
            database_url: self.database_url.clone(),
            _guard: Box::new((running.scheduler, running.jobs)),
        }
    }

    /// A new workspace with `balance` micros.
    pub async fn workspace(&self, balance: i64) -> WorkspaceId {
        let service = WorkspaceService::new(
            self.store.clone(),
            self.store.clone(),
            Arc::new(SystemClock),
            Arc::new(RandomIds),
        );
        service.create("Other", Money(balance)).await.unwrap().id
    }

    /// A key of `workspace` with `abilities` and an optional hourly limit.
    pub async fn key(
        &self,
        workspace: WorkspaceId,
        abilities: &[&str],
        rate_limit: Option<u32>,
    ) -> String {
        let keys = KeyService::new(
            self.store.clone(),
            Arc::new(SystemClock),
            Arc::new(RandomIds),
        );
        let request = NewAccountKey {
            name: "test".into(),
            abilities: AbilitySet::parse(abilities).unwrap(),
            expires_at: None,
            rate_limit_per_hour: rate_limit,
        };
        keys.issue_account_key(workspace, request)
            .await
            .unwrap()
            .1
            .expose()
            .to_owned()
    }

    /// Sends `method path` with `key` and an optional JSON body.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        key: &str,
        body: Option<&Value>,
    ) -> Response {
        let mut request = self
            .client
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(key);
        if let Some(body) = body {
            request = request.json(body);
        }
        request.send().await.unwrap()
    }

    /// The stored key whose secret is `key`.
    pub async fn stored_key(&self, key: &str) -> hania_domain::api_key::ApiKey {
        let hash = hania_domain::api_key::KeySecret::parse(key).unwrap().hash();
        self.store.find_key_by_hash(&hash).await.unwrap().unwrap()
    }

    /// Revokes `key` in the store itself, behind the server's back (as
    /// another instance would).
    pub async fn revoke_in_store(&self, key: &str) {
        let stored = self.stored_key(key).await;
        self.store
            .revoke_key(
                stored.workspace_id,
                stored.id,
                time::OffsetDateTime::now_utc(),
            )
            .await
            .unwrap();
    }

    /// An unauthenticated `GET path`.
    pub async fn get(&self, path: &str) -> Response {
        self.client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap()
    }

    /// `call` with the full-access key, returning status and JSON body.
    pub async fn json(&self, method: Method, path: &str, body: Option<&Value>) -> (u16, Value) {
        let response = self.call(method, path, &self.key, body).await;
        read(response).await
    }

    /// `GET /api/v1/conversations/{id}` with the full-access key: status
    /// and body.
    pub async fn conversation(&self, id: &str) -> (u16, Value) {
        self.json(Method::GET, &format!("/api/v1/conversations/{id}"), None)
            .await
    }

    /// Creates a bot through the API and returns its id.
    pub async fn create_bot(&self, key: &str, body: Value) -> String {
        let response = self
            .call(Method::POST, "/api/v1/bots", key, Some(&body))
            .await;
        let (status, json) = read(response).await;
        assert_eq!(status, 201, "{json}");
        json["data"]["id"].as_str().unwrap().to_owned()
    }
}

/// Status and JSON body of a response (the body must be JSON).
pub async fn read(response: Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    let json =
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON ({status}): {text}"));
    (status, json)
}

/// The `(event, data)` pairs of a named-event SSE body (comments and
/// unnamed events skipped).
pub fn sse_events(body: &str) -> Vec<(String, Value)> {
    body.split("\n\n")
        .filter_map(|block| {
            let name = block.lines().find_map(|l| l.strip_prefix("event: "))?;
            let data = block.lines().find_map(|l| l.strip_prefix("data: "))?;
            Some((name.to_owned(), serde_json::from_str(data).unwrap()))
        })
        .collect()
}

/// The `data:` payloads of an SSE body, in order.
pub fn sse_data(body: &str) -> Vec<String> {
    body.lines()
        .filter_map(|l| l.strip_prefix("data: "))
        .map(str::to_owned)
        .collect()
}

impl TestApp {
    /// Suspends or resumes the workspace's billing.
    pub async fn set_billing(&self, status: hania_domain::billing::BillingStatus) {
        self.store
            .set_billing_status(self.workspace, status, time::OffsetDateTime::now_utc())
            .await
            .unwrap();
    }
}

/// Declares `#[tokio::test]`s running `$case(app)` on SQLite and PostgreSQL
/// (or, with `backend:` first, `$case(backend)` for cases that start the
/// server themselves).
#[macro_export]
macro_rules! on_both_backends {
    (backend: $($case:ident),+ $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    super::$case($crate::Backend::Sqlite).await;
                }
            )+
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    super::$case($crate::Backend::Postgres).await;
                }
            )+
        }
    };
    ($($case:ident),+ $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    super::$case($crate::spawn($crate::Backend::Sqlite).await).await;
                }
            )+
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    super::$case($crate::spawn($crate::Backend::Postgres).await).await;
                }
            )+
        }
    };
}
