//! The storage contract, run against a real PostgreSQL started for each
//! test (a throwaway cluster in a temp dir on a free port).

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a failure should panic.

use std::sync::Arc;

use hania_store_contract::{Subject, storage_contract_tests};
use hania_test_postgres::TempPostgres;

async fn subject() -> Subject {
    let pg = TempPostgres::start();
    let store = hania_store_postgres::connect(&pg.url())
        .await
        .expect("open PostgreSQL store");
    Subject::new(Arc::new(store), pg)
}

storage_contract_tests!(subject);
