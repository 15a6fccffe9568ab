//! The conversation list stays index-backed at scale: 100 000 rows, then
//! `EXPLAIN` of the exact SQL the adapter runs for `bot_id` + `channel`,
//! `bot_id` alone, and both with `since` (whose total is counted; the
//! others' totals are kept in `conversation_counts`, read by its key), and
//! for post-call analysis values alone and combined (totals kept in
//! `conversation_analysis_counts`) and with `since` (counted).
//! The plans for the first, before the totals were kept:
//!
//! The plans PostgreSQL 15 chose when this test was written (uuids elided):
//!
//! ```text
//! Limit  (cost=0.56..104.43 rows=100 width=389)
//!   ->  Nested Loop  (cost=0.56..2562.99 rows=2467 width=389)
//!         ->  Index Scan using conversations_ws_bot_channel_started on conversations
//!               Index Cond: ((workspace_id = '…'::uuid) AND (bot_id = '…'::uuid) AND (channel = 'voice'::text))
//!         ->  Materialize
//!               ->  Index Scan using bots_pkey on bots
//!                     Index Cond: (id = '…'::uuid)
//!
//! Aggregate  (cost=1648.59..1648.60 rows=1 width=8)
//!   ->  Bitmap Heap Scan on conversations
//!         ->  Bitmap Index Scan on conversations_ws_bot_channel_started
//!               Index Cond: ((workspace_id = '…'::uuid) AND (bot_id = '…'::uuid) AND (channel = 'voice'::text))
//! ```
//!
//! The list reads the index in list order and stops after one page; the
//! count touches only the matching range. No sequential scan either way.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a failure should panic.

use diesel::QueryableByName;
use diesel::sql_types::Text;
use diesel_async::RunQueryDsl;
use hania_domain::conversation::{Channel, ConversationFilter};
use hania_domain::ids::{BotId, WorkspaceId};
use hania_domain::page::Page;
use hania_store_contract::fixture::{stored_bot, workspace};
use hania_store_diesel::conn::DbPool;
use hania_store_diesel::{Backend, list_conversations_sql};
use hania_test_postgres::TempPostgres;

#[derive(QueryableByName)]
struct PlanLine {
    #[diesel(sql_type = Text, column_name = "QUERY PLAN")]
    line: String,
}

const ROWS: u32 = 100_000;

/// Whether the plan names `index` (a whole name, not the start of a
/// longer one such as `conversations_ws_sentiment_topic`).
fn names(plan: &str, index: &str) -> bool {
    plan.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .any(|word| word == index)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_filters_are_served_by_an_index() {
    let pg = TempPostgres::start();
    let store = hania_store_postgres::connect(&pg.url()).await.unwrap();
    let ws: WorkspaceId = workspace(&store, 0).await;
    let mut bots: Vec<BotId> = Vec::new();
    for i in 0..10 {
        bots.push(stored_bot(&store, ws, &format!("bot-{i}")).await);
    }
    let DbPool::Postgres(pool) = store.pool() else {
        panic!("a PostgreSQL store")
    };
    let mut conn = pool.get().await.unwrap();
    let bot_array = bots
        .iter()
        .map(|b| format!("'{b}'"))
        .collect::<Vec<_>>()
        .join(",");
    diesel::sql_query(format!(
        "INSERT INTO conversations (id, workspace_id, bot_id, channel, message_count, trace_step_count, started_at,
                                    analysis_sentiment, analysis_topic, analysis_outcome)
         SELECT gen_random_uuid(), '{ws}', (ARRAY[{bot_array}]::uuid[])[1 + i % 10],
                (ARRAY['api','sms','whatsapp','voice'])[1 + i % 4], 0, 0, now() - i * interval '1 minute',
                CASE WHEN i % 5 = 4 THEN (ARRAY['positive','neutral','negative'])[1 + (i / 5) % 3] END,
                CASE WHEN i % 5 = 4 THEN 'topic-' || (i / 5) % 20 END,
                CASE WHEN i % 5 = 4 THEN (ARRAY['resolved','escalated'])[1 + (i / 5) % 2] END
         FROM generate_series(1, {ROWS}) AS i"
    ))
    .execute(&mut conn)
    .await
    .unwrap();
    diesel::sql_query("ANALYZE")
        .execute(&mut conn)
        .await
        .unwrap();

    let bot_and_voice = ConversationFilter {
        bot_id: Some(bots[3]),
        channel: Some(Channel::Voice),
        ..Default::default()
    };
    let since = ConversationFilter {
        since: Some(time::OffsetDateTime::UNIX_EPOCH),
        ..bot_and_voice.clone()
    };
    let bot_only = ConversationFilter {
        bot_id: Some(bots[3]),
        ..Default::default()
    };
    let (ws_bind, bot_bind) = (format!("'{ws}'"), format!("'{}'", bots[3]));
    let voice = "'voice'".to_owned();
    let epoch = "'1970-01-01 00:00:00+00'".to_owned();
    let kept = "conversation_counts";
    let analysed = |[sentiment, topic, outcome]: [Option<&str>; 3]| ConversationFilter {
        sentiment: sentiment.map(Into::into),
        topic: topic.map(Into::into),
        outcome: outcome.map(Into::into),
        ..Default::default()
    };
    let quoted = |v: &str| format!("'{v}'");
    let kept_by_analysis = "conversation_analysis_counts";
    let cases = [
        // The total of a bot and a channel is kept, not counted.
        (
            "bot_voice",
            bot_and_voice,
            vec![ws_bind.clone(), bot_bind.clone(), voice.clone()],
            "conversations_ws_bot_channel_started",
            kept,
        ),
        (
            "bot",
            bot_only,
            vec![ws_bind.clone(), bot_bind.clone()],
            "conversations_ws_bot_started",
            kept,
        ),
        (
            "since",
            since,
            vec![ws_bind.clone(), bot_bind, voice, epoch.clone()],
            "conversations_ws_bot_channel_started",
            "conversations_ws_bot_channel_started",
        ),
        // An analysis value, or a combination of them (even one that
        // matches nothing, topic-7 being only ever escalated), is read in
        // list order from its own index; its total is kept.
        (
            "sentiment",
            analysed([Some("negative"), None, None]),
            vec![ws_bind.clone(), quoted("negative")],
            "conversations_ws_sentiment",
            kept_by_analysis,
        ),
        (
            "topic_outcome",
            analysed([None, Some("topic-7"), Some("resolved")]),
            vec![ws_bind.clone(), quoted("topic-7"), quoted("resolved")],
            "conversations_ws_topic_outcome",
            kept_by_analysis,
        ),
        (
            "all_three",
            analysed([Some("negative"), Some("topic-7"), Some("escalated")]),
            vec![
                ws_bind.clone(),
                quoted("negative"),
                quoted("topic-7"),
                quoted("escalated"),
            ],
            "conversations_ws_sentiment_topic_outcome",
            kept_by_analysis,
        ),
        (
            "sentiment_since",
            ConversationFilter {
                since: Some(time::OffsetDateTime::UNIX_EPOCH),
                ..analysed([Some("negative"), None, None])
            },
            vec![ws_bind, epoch, quoted("negative")],
            "conversations_ws_sentiment",
            "conversations_ws_sentiment",
        ),
    ];
    for (case, filter, binds, list_index, count_index) in cases {
        let (list_sql, count_sql) =
            list_conversations_sql(Backend::Postgres, ws, &filter, Page::default());
        let binds = binds.join(", ");
        for (name, sql, args, index) in [
            ("list", list_sql, format!("{binds}, 100, 0"), list_index),
            ("count", count_sql, binds.clone(), count_index),
        ] {
            diesel::sql_query(format!("PREPARE q_{case}_{name} AS {sql}"))
                .execute(&mut conn)
                .await
                .unwrap();
            let plan: Vec<PlanLine> =
                diesel::sql_query(format!("EXPLAIN EXECUTE q_{case}_{name}({args})"))
                    .load(&mut conn)
                    .await
                    .unwrap();
            let plan = plan
                .into_iter()
                .map(|p| p.line)
                .collect::<Vec<_>>()
                .join("\n");
            println!("{case} {name} query plan over {ROWS} rows:\n{plan}\n");
            assert!(
                !plan.contains("Seq Scan on conversations"),
                "{case} {name} scans the table:\n{plan}"
            );
            assert!(names(&plan, index), "{case} {name} misses {index}:\n{plan}");
        }
    }
}
