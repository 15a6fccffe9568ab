//! Connections the server loses (killed by an administrator, a restart, a
//! failover) are `Unavailable` — 503 at the edge — never `Unexpected`, and
//! the pool recovers by itself (issue 10, item 7).

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a failure should panic.

use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use hania_domain::ports::{StoreError, WorkspaceStore};
use hania_store_contract::fixture::workspace;
use hania_test_postgres::TempPostgres;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_connections_are_unavailable_and_the_pool_recovers() {
    let pg = TempPostgres::start();
    let store = hania_store_postgres::connect(&pg.url()).await.unwrap();
    let ws = workspace(&store, 0).await;
    let mut admin = AsyncPgConnection::establish(&pg.url()).await.unwrap();
    // Whether the pool notices a killed connection before using it is a
    // race, so the kill is repeated until a request met one; none may
    // ever be anything but `Unavailable`.
    let mut unavailable = 0;
    for _ in 0..20 {
        let warm = (0..4).map(|_| store.get_workspace(ws));
        for result in futures::future::join_all(warm).await {
            check(result, &mut unavailable);
        }
        diesel::sql_query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE pid <> pg_backend_pid() AND datname = current_database()",
        )
        .execute(&mut admin)
        .await
        .unwrap();
        let after = (0..4).map(|_| store.get_workspace(ws));
        for result in futures::future::join_all(after).await {
            check(result, &mut unavailable);
        }
        if unavailable > 0 {
            break;
        }
    }
    assert!(unavailable > 0, "a request met a killed connection");
    // The pool recovers by itself.
    let mut recovered = false;
    for _ in 0..8 {
        if store.get_workspace(ws).await.is_ok() {
            recovered = true;
            break;
        }
    }
    assert!(recovered, "the pool recovered without a restart");
}

fn check<T: std::fmt::Debug>(result: Result<T, StoreError>, unavailable: &mut u32) {
    match result {
        Ok(_) => {}
        Err(StoreError::Unavailable(_)) => *unavailable += 1,
        Err(other) => panic!("a killed connection must be Unavailable, got {other:?}"),
    }
}

/// A request that finds every connection taken waits at most the pool's
/// timeout, then gets `Unavailable` (503), instead of queueing forever.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_waits_for_a_connection_at_most_the_pool_timeout() {
    let pg = TempPostgres::start();
    let settings = hania_store_postgres::PoolSettings {
        max_size: 1,
        timeout: std::time::Duration::from_millis(300),
    };
    let store = hania_store_postgres::connect_with(&pg.url(), settings)
        .await
        .unwrap();
    let ws = workspace(&store, 0).await;
    let held = store.pool().get().await.unwrap();
    let started = std::time::Instant::now();
    let result = store.get_workspace(ws).await;
    let waited = started.elapsed();
    assert!(
        matches!(result, Err(StoreError::Unavailable(_))),
        "{result:?}"
    );
    assert!(
        waited >= std::time::Duration::from_millis(250)
            && waited < std::time::Duration::from_secs(2),
        "waited {waited:?}"
    );
    assert_eq!(store.pool().usage().waiting, 0);
    drop(held);
    assert!(store.get_workspace(ws).await.is_ok());
}
