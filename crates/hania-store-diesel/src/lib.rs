//! # hania-store-diesel
//!
//! Everything Hania's two storage adapters share: one schema, SQL types
//! that are native on PostgreSQL and TEXT on SQLite, row types converted to
//! and from domain entities at this edge, and [`DieselStore`], the single
//! implementation of every storage port. Each query is written once and
//! compiled for both backends (see [`on_conn!`]).
//!
//! The backend crates (`hania-store-sqlite`, `hania-store-postgres`) build
//! the pool, tune the connection and run their own migrations, then wrap
//! the pool in a [`DieselStore`].

#![allow(missing_docs)] // Row fields mirror the schema's columns.

mod cached;
pub mod conn;
mod constraints;
pub mod rows;
pub mod schema;
pub mod sql_types;
mod store;
pub mod writer;

#[doc(hidden)]
pub use store::list_conversations_sql;

use conn::{DbPool, PooledConn};
use hania_domain::ports::StoreError;
use writer::SqliteWriter;

/// The database behind a store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// PostgreSQL.
    Postgres,
    /// SQLite.
    Sqlite,
}

/// Every storage port, over a pool of either backend.
#[derive(Clone)]
pub struct DieselStore {
    pool: DbPool,
    /// SQLite's group-commit writer: the turns' write transactions go
    /// through it instead of a pool connection each.
    writer: Option<SqliteWriter>,
}

impl DieselStore {
    /// Wraps a ready (migrated) pool: every transaction runs on a pool
    /// connection. For PostgreSQL; a SQLite store needs its writer
    /// ([`DieselStore::with_writer`]) to record turns.
    pub fn new(pool: DbPool) -> Self {
        Self { pool, writer: None }
    }

    /// Wraps a ready SQLite pool and the writer the turns' transactions
    /// are committed through (see [`writer`]).
    pub fn with_writer(pool: DbPool, writer: SqliteWriter) -> Self {
        Self {
            pool,
            writer: Some(writer),
        }
    }

    /// The pool, for backend-specific maintenance and tests.
    pub fn pool(&self) -> &DbPool {
        &self.pool
    }

    /// Which database this store runs on.
    pub fn backend(&self) -> Backend {
        match self.pool {
            DbPool::Postgres(_) => Backend::Postgres,
            DbPool::Sqlite(_) => Backend::Sqlite,
        }
    }

    pub(crate) async fn conn(&self) -> Result<PooledConn, StoreError> {
        self.pool.get().await
    }
}
