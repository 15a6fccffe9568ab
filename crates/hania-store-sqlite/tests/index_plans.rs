//! The conversation list stays index-backed on SQLite too: 100 000 rows,
//! then `EXPLAIN QUERY PLAN` of the exact SQL the adapter runs for
//! `bot_id` + `channel`. SQLite's plans when this test was written:
//!
//! ```text
//! SEARCH conversations USING INDEX conversations_ws_bot_channel_started (workspace_id=? AND bot_id=? AND channel=?)
//!
//! SEARCH conversations USING COVERING INDEX conversations_ws_bot_channel_started (workspace_id=? AND bot_id=? AND channel=?)
//! ```

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a failure should panic.

use diesel::QueryableByName;
use diesel::sql_types::Text;
use diesel_async::RunQueryDsl;
use hania_domain::conversation::{Channel, ConversationFilter};
use hania_domain::page::Page;
use hania_store_contract::fixture::{stored_bot, workspace};
use hania_store_diesel::conn::DbPool;
use hania_store_diesel::{Backend, list_conversations_sql};

#[derive(QueryableByName)]
struct PlanRow {
    #[diesel(sql_type = Text)]
    detail: String,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bot_and_channel_filter_is_served_by_an_index() {
    let dir = tempfile::tempdir().unwrap();
    let store =
        hania_store_sqlite::connect(&format!("sqlite://{}", dir.path().join("h.db").display()))
            .await
            .unwrap();
    let ws = workspace(&store, 0).await;
    let bot = stored_bot(&store, ws, "bot").await;
    let DbPool::Sqlite(pool) = store.pool() else {
        panic!("a SQLite store")
    };
    let mut conn = pool.get().await.unwrap();
    diesel::sql_query(format!(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)
         INSERT INTO conversations (id, workspace_id, bot_id, channel, message_count, trace_step_count, started_at)
         SELECT lower(hex(randomblob(16))), '{ws}', '{bot}',
                CASE i % 4 WHEN 0 THEN 'api' WHEN 1 THEN 'sms' WHEN 2 THEN 'voice' ELSE 'web' END,
                0, 0, printf('2026-01-01 00:00:%02d.%06d', i % 60, i)
         FROM n"
    ))
    .execute(&mut conn)
    .await
    .unwrap();
    diesel::sql_query("ANALYZE")
        .execute(&mut conn)
        .await
        .unwrap();

    let bot_and_voice = ConversationFilter {
        bot_id: Some(bot),
        channel: Some(Channel::Voice),
        ..Default::default()
    };
    let kept = "conversation_counts";
    let cases = [
        // The total of a bot and a channel is kept, not counted.
        (
            bot_and_voice.clone(),
            "conversations_ws_bot_channel_started",
            kept,
        ),
        (
            ConversationFilter {
                bot_id: Some(bot),
                ..Default::default()
            },
            "conversations_ws_bot_started",
            kept,
        ),
        (
            ConversationFilter {
                since: Some(time::OffsetDateTime::UNIX_EPOCH),
                ..bot_and_voice
            },
            "conversations_ws_bot_channel_started",
            "conversations_ws_bot_channel_started",
        ),
    ];
    for (filter, list_index, count_index) in cases {
        let (list_sql, count_sql) =
            list_conversations_sql(Backend::Sqlite, ws, &filter, Page::default());
        for (name, sql, index) in [
            ("list", list_sql, list_index),
            ("count", count_sql, count_index),
        ] {
            let plan: Vec<PlanRow> = diesel::sql_query(format!("EXPLAIN QUERY PLAN {sql}"))
                .load(&mut conn)
                .await
                .unwrap();
            let plan = plan
                .into_iter()
                .map(|p| p.detail)
                .collect::<Vec<_>>()
                .join("\n");
            println!("{name} query plan of {filter:?} over 100000 rows:\n{plan}\n");
            assert!(
                !plan.contains("SCAN conversations"),
                "{name} scans the table:\n{plan}"
            );
            assert!(plan.contains(index), "{name} misses {index}:\n{plan}");
            assert!(!plan.contains("TEMP B-TREE"), "{name} sorts:\n{plan}");
        }
    }
}
