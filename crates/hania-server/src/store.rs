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

/// The store `url` names, for logs and operators: an SQLite file by its
/// absolute path (the URL's path is relative to the working directory),
/// PostgreSQL with its password hidden.
pub fn describe_store(url: &str) -> String {
    if url.starts_with("sqlite:")
        && let Ok(path) = hania_store_sqlite::database_path(url)
    {
        let absolute = std::path::absolute(&path).unwrap_or(path);
        return format!("sqlite://{}", absolute.display());
    }
    redact_url(url)
}

/// Refuses an SQLite store whose file does not exist: operator commands
/// must not create an empty store somewhere unexpected (run from another
/// directory, a relative path finds nothing).
pub fn require_existing_store(url: &str) -> Result<()> {
    if url.starts_with("sqlite:") {
        let path = hania_store_sqlite::database_path(url)?;
        if !path.is_file() {
            bail!(
                "no store at {} (DATABASE_URL={url}): point DATABASE_URL at the server's store, or create it with `hania migrate`",
                describe_store(url)
            );
        }
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Test code: a failure should panic.
mod tests {
    use super::*;

    #[test]
    fn sqlite_stores_are_named_by_absolute_path_and_must_exist_for_admin() {
        let dir = tempfile::tempdir().unwrap();
        let relative = "sqlite://./no-such-dir/h.db";
        let described = describe_store(relative);
        assert!(described.starts_with("sqlite:///"), "{described}");
        assert!(described.ends_with("no-such-dir/h.db"), "{described}");
        let error = require_existing_store(relative).unwrap_err().to_string();
        assert!(error.contains("no store at sqlite:///"), "{error}");
        let file = dir.path().join("h.db");
        std::fs::write(&file, b"").unwrap();
        assert!(require_existing_store(&format!("sqlite://{}", file.display())).is_ok());
        assert_eq!(
            describe_store("postgres://hania:pw@db/hania"),
            "postgres://hania:***@db/hania"
        );
        assert!(require_existing_store("postgres://db/hania").is_ok());
    }
}
