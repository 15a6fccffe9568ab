//! # hania-store-postgres
//!
//! Hania's production store: PostgreSQL through diesel-async's pure-Rust
//! driver (no libpq), pooled. Several server instances can share one
//! database: balance updates are atomic `UPDATE … RETURNING` statements and
//! each chat turn is one transaction. Runs the embedded migrations, then
//! returns a [`DieselStore`] implementing every storage port.

use std::time::Duration;

use diesel_async::AsyncPgConnection;
use diesel_async::async_connection_wrapper::AsyncConnectionWrapper;
use diesel_async::pooled_connection::deadpool::Pool;
use diesel_async::pooled_connection::{
    AsyncDieselConnectionManager, ManagerConfig, RecyclingMethod,
};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};
pub use hania_store_diesel::DieselStore;
use hania_store_diesel::conn::DbPool;

/// The PostgreSQL migrations, embedded in the binary.
pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/postgres");

/// Connections in the pool by default.
pub const DEFAULT_POOL_SIZE: usize = 16;

/// How long a request waits for a connection by default (for a free one in
/// the pool, for a new one to be established, or for a used one to be
/// checked) before the store answers `Unavailable`.
pub const DEFAULT_POOL_TIMEOUT: Duration = Duration::from_secs(5);

/// How the connection pool behaves.
#[derive(Debug, Clone, Copy)]
pub struct PoolSettings {
    /// Most connections open at once.
    pub max_size: usize,
    /// Bound on each wait for a connection: a free one, a new one, or the
    /// check of a used one. A request that needs the database while it is
    /// unreachable fails within about this long instead of hanging.
    pub timeout: Duration,
}

impl Default for PoolSettings {
    fn default() -> Self {
        Self {
            max_size: DEFAULT_POOL_SIZE,
            timeout: DEFAULT_POOL_TIMEOUT,
        }
    }
}

/// Why the store could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum PostgresSetupError {
    /// The server cannot be reached or refused the connection.
    #[error("cannot connect to PostgreSQL: {0}")]
    Connect(String),
    /// A migration failed.
    #[error("PostgreSQL migration failed: {0}")]
    Migrate(String),
}

/// Runs pending migrations over one connection. The harness is synchronous,
/// so it runs on a blocking thread through diesel-async's wrapper.
pub async fn migrate(url: &str) -> Result<(), PostgresSetupError> {
    let url = url.to_owned();
    tokio::task::spawn_blocking(move || -> Result<(), PostgresSetupError> {
        use diesel::Connection;
        let mut conn = AsyncConnectionWrapper::<AsyncPgConnection>::establish(&url)
            .map_err(|e| PostgresSetupError::Connect(e.to_string()))?;
        conn.run_pending_migrations(MIGRATIONS)
            .map_err(|e| PostgresSetupError::Migrate(e.to_string()))?;
        Ok(())
    })
    .await
    .map_err(|e| PostgresSetupError::Migrate(e.to_string()))?
}

/// Connects to `url` (`postgres://…`) with the default pool, runs pending
/// migrations and returns the store.
pub async fn connect(url: &str) -> Result<DieselStore, PostgresSetupError> {
    connect_with(url, PoolSettings::default()).await
}

/// Connects to `url` with `settings`, runs pending migrations and returns
/// the store.
pub async fn connect_with(
    url: &str,
    settings: PoolSettings,
) -> Result<DieselStore, PostgresSetupError> {
    migrate(url).await?;
    // No `SELECT 1` on every checkout (diesel-async's default): a request
    // makes several store calls, and a dead connection fails its first
    // query anyway, is dropped by the pool, and /readyz reports the outage.
    let mut config = ManagerConfig::default();
    config.recycling_method = RecyclingMethod::Fast;
    let manager = AsyncDieselConnectionManager::<AsyncPgConnection>::new_with_config(url, config);
    let pool = Pool::builder(manager)
        .max_size(settings.max_size)
        .runtime(deadpool::Runtime::Tokio1)
        .wait_timeout(Some(settings.timeout))
        .create_timeout(Some(settings.timeout))
        .recycle_timeout(Some(settings.timeout))
        .build()
        .map_err(|e| PostgresSetupError::Connect(e.to_string()))?;
    // Fail at start-up, not on the first request, when the server is down.
    drop(
        pool.get()
            .await
            .map_err(|e| PostgresSetupError::Connect(e.to_string()))?,
    );
    Ok(DieselStore::new(DbPool::Postgres(pool)))
}
