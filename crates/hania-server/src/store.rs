//! Chooses the storage adapter from the `DATABASE_URL` scheme.

use std::sync::Arc;

use anyhow::{Result, bail};
use hania_domain::ports::Storage;

use crate::config::redact_url;

/// Opens (and migrates) the store `url` names: `sqlite://PATH` or
/// `postgres://…` / `postgresql://…`.
pub async fn open_store(url: &str) -> Result<Arc<dyn Storage>> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Arc::new(hania_store_postgres::connect(url).await?))
    } else if url.starts_with("sqlite:") {
        Ok(Arc::new(hania_store_sqlite::connect(url).await?))
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
