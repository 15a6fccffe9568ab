//! # hania-store-sqlite
//!
//! Hania's embedded default store: one SQLite file (bundled SQLite, WAL
//! journal), zero setup. Opens or creates the file, runs the embedded
//! migrations, and returns a [`DieselStore`] implementing every storage
//! port.
//!
//! SQLite has one writer at a time. Every connection waits for the write
//! lock (`busy_timeout`) instead of failing, and every write transaction of
//! the shared store begins with a write, so concurrent chat turns queue
//! rather than hit a lock-upgrade deadlock.

use std::path::{Path, PathBuf};
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::sqlite::SqliteConnection;
use diesel::{Connection, ConnectionError};
use diesel_async::pooled_connection::deadpool::Pool;
use diesel_async::pooled_connection::{
    AsyncDieselConnectionManager, ManagerConfig, RecyclingMethod,
};
use diesel_async::sync_connection_wrapper::SyncConnectionWrapper;
use diesel_async::{AsyncConnection, SimpleAsyncConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};
pub use hania_store_diesel::DieselStore;
use hania_store_diesel::conn::{DbPool, SqliteConn};
use hania_store_diesel::writer::SqliteWriter;

/// The SQLite migrations, embedded in the binary.
pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/sqlite");

/// Settings applied to every connection: enforce foreign keys (cascades),
/// wait up to 15 s for the write lock, and fsync at checkpoints only (safe
/// with WAL: a power cut can lose the last commits, never corrupt).
const CONNECTION_PRAGMAS: &str =
    "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 15000; PRAGMA synchronous = NORMAL;";

/// The pool's connections never checkpoint in a request's `COMMIT`: the
/// store's own task does (see [`spawn_maintenance`]).
const POOL_PRAGMAS: &str = "PRAGMA wal_autocheckpoint = 0;";

/// How often the checkpoint task copies the WAL into the database file.
/// Under load, the longer the WAL a checkpoint copies, the longer the
/// turns around it stall: at 5 s the paced bench's p50 was 200 ms;
/// 100 ms beat 500 ms in three pairs of runs (docs/benchmarks.md).
const CHECKPOINT_EVERY: Duration = Duration::from_millis(100);

/// Refreshes the planner's statistics of every table that needs it,
/// reading at most about a thousand rows per index (so it stays quick at
/// millions of rows). Without them SQLite guesses, and walks the newest
/// first index of a million conversations for one external call id.
/// Run before the pool's connections open (they load the statistics),
/// and every [`REFRESH_EVERY`] by the maintenance task.
const REFRESH_STATISTICS: &str = "PRAGMA analysis_limit = 1000; PRAGMA optimize = 0x10002;";

/// How often the maintenance task refreshes the statistics.
const REFRESH_EVERY: Duration = Duration::from_secs(3600);

/// Connections in the pool. Readers run in parallel under WAL; writers
/// queue on SQLite's lock.
const POOL_SIZE: usize = 8;

/// Why the store could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum SqliteSetupError {
    /// The URL is not `sqlite://PATH` (or a plain path).
    #[error("not a SQLite URL: {0}")]
    BadUrl(String),
    /// The file or its folder could not be created or opened.
    #[error("cannot open SQLite database {path}: {reason}")]
    Open {
        /// The database file.
        path: PathBuf,
        /// What failed.
        reason: String,
    },
    /// A migration failed.
    #[error("SQLite migration failed: {0}")]
    Migrate(String),
}

/// The file path of a `sqlite://PATH` URL (`sqlite:PATH` and a plain path
/// are accepted too).
pub fn database_path(url: &str) -> Result<PathBuf, SqliteSetupError> {
    let path = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url);
    if path.is_empty() || (url.contains("://") && !url.starts_with("sqlite://")) {
        return Err(SqliteSetupError::BadUrl(url.to_owned()));
    }
    Ok(PathBuf::from(path))
}

fn open_error(path: &Path, reason: impl ToString) -> SqliteSetupError {
    SqliteSetupError::Open {
        path: path.to_owned(),
        reason: reason.to_string(),
    }
}

/// Creates the file if needed, switches it to WAL and runs pending
/// migrations, on a blocking thread.
pub async fn migrate(path: &Path) -> Result<(), SqliteSetupError> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| open_error(path, e))?;
    }
    let path = path.to_owned();
    tokio::task::spawn_blocking(move || -> Result<(), SqliteSetupError> {
        let file = path.to_string_lossy();
        let mut conn = SqliteConnection::establish(&file).map_err(|e| open_error(&path, e))?;
        conn.batch_execute("PRAGMA journal_mode = WAL;")
            .and_then(|()| conn.batch_execute(CONNECTION_PRAGMAS))
            .map_err(|e| open_error(&path, e))?;
        conn.run_pending_migrations(MIGRATIONS)
            .map_err(|e| SqliteSetupError::Migrate(e.to_string()))?;
        conn.batch_execute(REFRESH_STATISTICS)
            .map_err(|e| open_error(&path, e))?;
        Ok(())
    })
    .await
    .map_err(|e| SqliteSetupError::Migrate(e.to_string()))?
}

/// Opens (creating if needed) the database at `url`, runs pending
/// migrations and returns the store.
pub async fn connect(url: &str) -> Result<DieselStore, SqliteSetupError> {
    let path = database_path(url)?;
    migrate(&path).await?;
    let mut config = ManagerConfig::<SqliteConn>::default();
    // No `SELECT 1` round trip to a blocking thread on every checkout.
    config.recycling_method = RecyclingMethod::Fast;
    config.custom_setup = Box::new(|file| {
        let file = file.to_owned();
        Box::pin(async move {
            let mut conn =
                <SyncConnectionWrapper<SqliteConnection> as AsyncConnection>::establish(&file)
                    .await?;
            conn.batch_execute(CONNECTION_PRAGMAS)
                .await
                .map_err(ConnectionError::CouldntSetupConfiguration)?;
            conn.batch_execute(POOL_PRAGMAS)
                .await
                .map_err(ConnectionError::CouldntSetupConfiguration)?;
            Ok(conn)
        })
    });
    let manager =
        AsyncDieselConnectionManager::<SqliteConn>::new_with_config(path.to_string_lossy(), config);
    let pool = Pool::builder(manager)
        .max_size(POOL_SIZE)
        .build()
        .map_err(|e| open_error(&path, e))?;
    spawn_maintenance(&pool);
    let file = path.to_string_lossy().into_owned();
    let writer = SqliteWriter::start(Box::new(move || open_writer(&file)))
        .map_err(|e| open_error(&path, e))?;
    Ok(DieselStore::with_writer(DbPool::Sqlite(pool), writer))
}

/// The writer runs each job of a batch in a savepoint, and SQLite keeps
/// the first copy of every page a savepoint changes in a sub-journal. Kept
/// in memory, it is a copy; on file (the default past 64 KiB), a batch
/// of turns spilled it to a temporary file a `pwrite` at a time.
const WRITER_PRAGMAS: &str = "PRAGMA temp_store = MEMORY;";

/// The group-commit writer's connection, with the pool's settings.
fn open_writer(file: &str) -> Result<SqliteConnection, ConnectionError> {
    let mut conn = SqliteConnection::establish(file)?;
    conn.batch_execute(CONNECTION_PRAGMAS)
        .and_then(|()| conn.batch_execute(POOL_PRAGMAS))
        .and_then(|()| conn.batch_execute(WRITER_PRAGMAS))
        .map_err(ConnectionError::CouldntSetupConfiguration)?;
    Ok(conn)
}

/// The store's maintenance task: checkpoints the WAL every
/// [`CHECKPOINT_EVERY`] (`PASSIVE`: it copies what no reader still needs
/// and never waits for one) on a connection of the pool, in a blocking
/// task of its own, so no request's `COMMIT` pays for copying pages into
/// the file; and refreshes the planner's statistics every
/// [`REFRESH_EVERY`]. It stops when the pool is gone.
fn spawn_maintenance(pool: &Pool<SqliteConn>) {
    let weak = pool.weak();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(CHECKPOINT_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut refreshed = tokio::time::Instant::now();
        loop {
            tick.tick().await;
            let Some(pool) = weak.upgrade() else {
                return;
            };
            let Ok(mut conn) = pool.get().await else {
                continue;
            };
            drop(pool);
            if let Err(error) = conn.batch_execute("PRAGMA wal_checkpoint(PASSIVE);").await {
                tracing::warn!(%error, "WAL checkpoint failed");
            }
            if refreshed.elapsed() >= REFRESH_EVERY {
                refreshed = tokio::time::Instant::now();
                if let Err(error) = conn.batch_execute(REFRESH_STATISTICS).await {
                    tracing::warn!(%error, "refreshing the planner's statistics failed");
                }
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_name_a_file() {
        assert_eq!(
            database_path("sqlite://./data/h.db").unwrap(),
            PathBuf::from("./data/h.db")
        );
        assert_eq!(
            database_path("sqlite:///tmp/h.db").unwrap(),
            PathBuf::from("/tmp/h.db")
        );
        assert_eq!(database_path("h.db").unwrap(), PathBuf::from("h.db"));
        assert!(database_path("postgres://x").is_err());
        assert!(database_path("sqlite://").is_err());
    }
}
