//! The storage contract, run against SQLite in a temp file.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a failure should panic.

use std::sync::Arc;

use hania_store_contract::{Subject, storage_contract_tests};

async fn subject() -> Subject {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("hania.db").display());
    let store = hania_store_sqlite::connect(&url)
        .await
        .expect("open SQLite store");
    Subject::new(Arc::new(store), dir)
}

storage_contract_tests!(subject);
