//! The store's own task copies the WAL into the database file: pool
//! connections never checkpoint in a `COMMIT` (`wal_autocheckpoint = 0`),
//! so without that task the file would never receive a written page.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a failure should panic.

use std::time::{Duration, Instant};

use diesel_async::RunQueryDsl;
use hania_store_contract::fixture::{stored_bot, workspace};
use hania_store_diesel::conn::DbPool;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_wal_is_checkpointed_in_the_background() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("h.db");
    let store = hania_store_sqlite::connect(&format!("sqlite://{}", file.display()))
        .await
        .unwrap();
    let ws = workspace(&store, 0).await;
    let bot = stored_bot(&store, ws, "bot").await;
    let DbPool::Sqlite(pool) = store.pool() else {
        panic!("a SQLite store")
    };
    let before = std::fs::metadata(&file).unwrap().len();
    let mut conn = pool.get().await.unwrap();
    diesel::sql_query(format!(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
         INSERT INTO conversations (id, workspace_id, bot_id, channel, message_count, trace_step_count, started_at)
         SELECT lower(hex(randomblob(16))), '{ws}', '{bot}', 'api', 0, 0,
                printf('2026-01-01 00:00:%02d.%06d', i % 60, i)
         FROM n"
    ))
    .execute(&mut conn)
    .await
    .unwrap();
    drop(conn);
    let wal = dir.path().join("h.db-wal");
    assert!(
        std::fs::metadata(&wal).unwrap().len() > 1_000_000,
        "the rows went to the WAL"
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::fs::metadata(&file).unwrap().len() < before + 1_000_000 {
        assert!(
            Instant::now() < deadline,
            "no checkpoint copied the WAL into the file"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
