//! The conversation list stays index-backed on SQLite too: 100 000 rows,
//! then `EXPLAIN QUERY PLAN` of the exact SQL the adapter runs for
//! `bot_id` + `channel`, the bot alone, both with `since`, and post-call
//! analysis values alone, combined and with `since`. SQLite's plans when this test was written:
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

/// Whether the plan names `index` (a whole name, not the start of a
/// longer one such as `conversations_ws_sentiment_topic`).
fn names(plan: &str, index: &str) -> bool {
    plan.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .any(|word| word == index)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_filters_are_served_by_an_index() {
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
         INSERT INTO conversations (id, workspace_id, bot_id, channel, message_count, trace_step_count, started_at,
                                    analysis_sentiment, analysis_topic, analysis_outcome)
         SELECT lower(hex(randomblob(16))), '{ws}', '{bot}',
                CASE i % 4 WHEN 0 THEN 'api' WHEN 1 THEN 'sms' WHEN 2 THEN 'voice' ELSE 'web' END,
                0, 0, printf('2026-01-01 00:00:%02d.%06d', i % 60, i),
                CASE WHEN i % 5 = 4 THEN CASE (i / 5) % 3 WHEN 0 THEN 'positive' WHEN 1 THEN 'neutral'
                    ELSE 'negative' END END,
                CASE WHEN i % 5 = 4 THEN 'topic-' || ((i / 5) % 20) END,
                CASE WHEN i % 5 = 4 THEN CASE (i / 5) % 2 WHEN 0 THEN 'resolved' ELSE 'escalated' END END
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
    let analysed = |[sentiment, topic, outcome]: [Option<&str>; 3]| ConversationFilter {
        sentiment: sentiment.map(Into::into),
        topic: topic.map(Into::into),
        outcome: outcome.map(Into::into),
        ..Default::default()
    };
    let kept_by_analysis = "conversation_analysis_counts";
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
        // An analysis value, or a combination of them (even one that
        // matches nothing, topic-7 being only ever escalated), is read in
        // list order from its own index; its total is kept.
        (
            analysed([Some("negative"), None, None]),
            "conversations_ws_sentiment",
            kept_by_analysis,
        ),
        (
            analysed([None, Some("topic-7"), Some("resolved")]),
            "conversations_ws_topic_outcome",
            kept_by_analysis,
        ),
        (
            analysed([Some("negative"), Some("topic-7"), Some("escalated")]),
            "conversations_ws_sentiment_topic_outcome",
            kept_by_analysis,
        ),
        (
            ConversationFilter {
                since: Some(time::OffsetDateTime::UNIX_EPOCH),
                ..analysed([Some("negative"), None, None])
            },
            "conversations_ws_sentiment",
            "conversations_ws_sentiment",
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
            assert!(names(&plan, index), "{name} misses {index}:\n{plan}");
            assert!(!plan.contains("TEMP B-TREE"), "{name} sorts:\n{plan}");
        }
    }
}
