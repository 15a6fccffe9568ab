//! Chooses the storage adapter from the `DATABASE_URL` scheme.

use std::sync::Arc;

use anyhow::{Result, bail};
use hania_domain::ports::Storage;
use hania_store_diesel::DieselStore;
use hania_store_postgres::PoolSettings;

use crate::config::redact_url;

/// Opens (and migrates) the store `url` names: `sqlite://PATH` or
/// `postgres://…` / `postgresql://…`, with the default pool.
pub async fn open_store(url: &str) -> Result<Arc<dyn Storage>> {
    Ok(Arc::new(
        open_diesel_store(url, PoolSettings::default()).await?,
    ))
}

/// Opens (and migrates) the store `url` names; `pool` applies to
/// PostgreSQL (SQLite's pool is sized for its single writer).
pub async fn open_diesel_store(url: &str, pool: PoolSettings) -> Result<DieselStore> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(hania_store_postgres::connect_with(url, pool).await?)
    } else if url.starts_with("sqlite:") {
        Ok(hania_store_sqlite::connect(url).await?)
    } else {
        bail!(
            "DATABASE_URL must start with sqlite:// or postgres:// (got {})",
            redact_url(url)
        )
    }
}

/// Runs pending migrations only.
pub async fn migrate(url: &str) -> Result<()> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        hania_store_postgres::migrate(url).await?;
    } else if url.starts_with("sqlite:") {
        hania_store_sqlite::migrate(&hania_store_sqlite::database_path(url)?).await?;
    } else {
        bail!(
            "DATABASE_URL must start with sqlite:// or postgres:// (got {})",
            redact_url(url)
        )
    }
    Ok(())
}
