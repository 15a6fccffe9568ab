//! Pools and connections of either backend, and the mapping of database
//! errors to [`StoreError`].

use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel::sqlite::SqliteConnection;
use diesel_async::AsyncPgConnection;
use diesel_async::pooled_connection::deadpool::{Object, Pool, PoolError};
use diesel_async::sync_connection_wrapper::SyncConnectionWrapper;
use hania_domain::ports::{StoreConflict, StoreError};

use crate::constraints::unique_violation;

/// The async SQLite connection: diesel's sync connection run on blocking
/// threads.
pub type SqliteConn = SyncConnectionWrapper<SqliteConnection>;

/// A connection pool of one backend.
#[derive(Clone)]
pub enum DbPool {
    /// PostgreSQL (production, several instances).
    Postgres(Pool<AsyncPgConnection>),
    /// SQLite (embedded default).
    Sqlite(Pool<SqliteConn>),
}

/// A connection checked out of a [`DbPool`]. It lives on the stack for one
/// operation; boxing the larger variant would cost an allocation per query.
#[allow(clippy::large_enum_variant)]
pub enum PooledConn {
    /// PostgreSQL.
    Postgres(Object<AsyncPgConnection>),
    /// SQLite.
    Sqlite(Object<SqliteConn>),
}

impl DbPool {
    /// Checks a connection out.
    pub async fn get(&self) -> Result<PooledConn, StoreError> {
        match self {
            DbPool::Postgres(pool) => pool.get().await.map(PooledConn::Postgres),
            DbPool::Sqlite(pool) => pool.get().await.map(PooledConn::Sqlite),
        }
        .map_err(pool_error)
    }
}

/// How a pool's connections are used at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolUse {
    /// Most connections the pool opens.
    pub max: usize,
    /// Connections open now.
    pub open: usize,
    /// Open connections no request holds.
    pub idle: usize,
    /// Requests waiting for a connection.
    pub waiting: usize,
}

impl DbPool {
    /// The pool's use right now.
    pub fn usage(&self) -> PoolUse {
        let status = match self {
            DbPool::Postgres(pool) => pool.status(),
            DbPool::Sqlite(pool) => pool.status(),
        };
        PoolUse {
            max: status.max_size,
            open: status.size,
            idle: status.available,
            waiting: status.waiting,
        }
    }
}

fn pool_error(error: PoolError) -> StoreError {
    StoreError::Unavailable(error.to_string())
}

/// Runs `$body` with `$c` bound to the concrete connection of either
/// backend. The body is compiled once per backend, so each query is
/// written once and type-checked against both.
#[macro_export]
macro_rules! on_conn {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::conn::PooledConn::Postgres(object) => {
                let $c: &mut ::diesel_async::AsyncPgConnection = &mut **object;
                $body
            }
            $crate::conn::PooledConn::Sqlite(object) => {
                let $c: &mut $crate::conn::SqliteConn = &mut **object;
                $body
            }
        }
    };
}

/// A [`StoreError`] that diesel errors convert into, so `?` works inside
/// queries and transactions.
#[derive(Debug)]
pub struct DbError(pub StoreError);

impl From<DieselError> for DbError {
    fn from(error: DieselError) -> Self {
        DbError(map_diesel_error(error))
    }
}

impl From<StoreError> for DbError {
    fn from(error: StoreError) -> Self {
        DbError(error)
    }
}

impl From<DbError> for StoreError {
    fn from(error: DbError) -> Self {
        error.0
    }
}

/// Maps a diesel error to the port's error: a missing row is `NotFound`,
/// a uniqueness violation is the `Conflict` of its rule
/// ([`crate::constraints`]), a reference violation is
/// `Conflict(MissingReference)`, a lost or busy database is `Unavailable`.
/// No database text is carried in a conflict.
pub fn map_diesel_error(error: DieselError) -> StoreError {
    match error {
        DieselError::NotFound => StoreError::NotFound,
        DieselError::DatabaseError(kind, info) => {
            let what = info.message().to_owned();
            match kind {
                DatabaseErrorKind::UniqueViolation => {
                    StoreError::Conflict(unique_violation(info.constraint_name(), info.message()))
                }
                DatabaseErrorKind::ForeignKeyViolation => {
                    StoreError::Conflict(StoreConflict::MissingReference)
                }
                // SQLite's driver reports a RESTRICT reference refusing a
                // delete without a kind, by its message only.
                _ if info.message().starts_with("FOREIGN KEY constraint failed") => {
                    StoreError::Conflict(StoreConflict::MissingReference)
                }
                DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand => {
                    StoreError::Unavailable(what)
                }
                _ if is_busy(info.message()) || is_connection_lost(info.message()) => {
                    StoreError::Unavailable(what)
                }
                _ => StoreError::unexpected(info.message().to_owned()),
            }
        }
        DieselError::BrokenTransactionManager => StoreError::Unavailable(error.to_string()),
        other if is_connection_lost(&other.to_string()) => {
            StoreError::Unavailable(other.to_string())
        }
        other => StoreError::unexpected(other),
    }
}

/// Whether the server or the network dropped the connection (an
/// administrator's or a shutdown's termination, a restart, a reset): the
/// request can succeed on another connection, so it is `Unavailable`.
fn is_connection_lost(message: &str) -> bool {
    const MARKERS: &[&str] = &[
        "terminating connection",
        "server closed the connection",
        "connection closed",
        "connection reset",
        "connection refused",
        "broken pipe",
        "the database system is shutting down",
        "the database system is starting up",
        "the database system is in recovery mode",
        "no connection to the server",
        "unexpected eof",
    ];
    let message = message.to_ascii_lowercase();
    MARKERS.iter().any(|marker| message.contains(marker))
}

fn is_busy(message: &str) -> bool {
    message.contains("database is locked") || message.contains("database is busy")
}

/// Converts a stored integer that must fit a `u32`.
pub fn to_u32(value: i32, column: &str) -> Result<u32, StoreError> {
    u32::try_from(value).map_err(|_| StoreError::unexpected(format!("negative {column}: {value}")))
}

/// Converts a nullable stored integer that must fit a `u32`.
pub fn opt_u32(value: Option<i32>, column: &str) -> Result<Option<u32>, StoreError> {
    value.map(|v| to_u32(v, column)).transpose()
}

/// Converts a `u32` for storage in an INTEGER column.
pub fn to_i32(value: u32) -> i32 {
    i32::try_from(value).unwrap_or(i32::MAX)
}
