//! # hania-store-postgres
//!
//! Hania's production store: PostgreSQL through diesel-async's pure-Rust
//! driver (no libpq), pooled. Several server instances can share one
//! database: balance updates are atomic `UPDATE … RETURNING` statements and
//! each chat turn is one transaction. Runs the embedded migrations, then
//! returns a [`DieselStore`] implementing every storage port.

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

/// Connections in the pool.
const POOL_SIZE: usize = 16;

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

/// Connects to `url` (`postgres://…`), runs pending migrations and returns
/// the store.
pub async fn connect(url: &str) -> Result<DieselStore, PostgresSetupError> {
    migrate(url).await?;
    // No `SELECT 1` on every checkout (diesel-async's default): a request
    // makes several store calls, and a dead connection fails its first
    // query anyway, is dropped by the pool, and /readyz reports the outage.
    let mut config = ManagerConfig::default();
    config.recycling_method = RecyclingMethod::Fast;
    let manager = AsyncDieselConnectionManager::<AsyncPgConnection>::new_with_config(url, config);
    let pool = Pool::builder(manager)
        .max_size(POOL_SIZE)
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
