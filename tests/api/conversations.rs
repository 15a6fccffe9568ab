//! Seed `002_*`: conversations, messages, traces.

use hania_blackbox::{Method, TestApp, on_both_backends};
use hania_domain::billing::period_start_of;
use hania_domain::conversation::{Channel, NewConversation};
use hania_domain::ids::{BotId, ConversationId, LedgerEntryId, MessageId, TraceStepId};
use hania_domain::message::{NewMessage, Role};
use hania_domain::money::Money;
use hania_domain::trace::{NewTraceStep, action_types};
use hania_domain::turn::{TurnCharge, TurnRecord};
use serde_json::json;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

/// Seeds a conversation with two messages and a model trace step.
pub async fn seed_conversation(
    app: &TestApp,
    bot: &str,
    channel: Channel,
    minutes_ago: i64,
) -> String {
    let now = OffsetDateTime::now_utc() - Duration::minutes(minutes_ago);
    let id = ConversationId::from_uuid(Uuid::new_v4());
    let new = NewConversation {
        id,
        workspace_id: app.workspace,
        bot_id: bot.parse::<BotId>().unwrap(),
        channel,
        customer_id: Some("user_8412".into()),
        external_call_id: Some(format!("call-{minutes_ago}")),
        external_linked_id: None,
        source_conversation_id: None,
        started_at: now,
    };
    app.store.create_conversation(&new).await.unwrap();
    let reply = MessageId::from_uuid(Uuid::new_v4());
    let mut step = NewTraceStep::new(
        TraceStepId::from_uuid(Uuid::new_v4()),
        action_types::MODEL_CALL,
        "gpt-4o-mini",
        now,
    );
    step.model = Some("gpt-4o-mini".into());
    (
        step.prompt_tokens,
        step.completion_tokens,
        step.total_tokens,
    ) = (Some(12), Some(8), Some(20));
    step.duration_ms = Some(350);
    let message = |id, role, content: &str| NewMessage {
        id,
        role,
        content: content.into(),
        metadata: None,
        created_at: now,
    };
    app.store
        .record_turn(&TurnRecord {
            workspace_id: app.workspace,
            conversation_id: id,
            new_conversation: None,
            messages: vec![
                message(
                    MessageId::from_uuid(Uuid::new_v4()),
                    Role::User,
                    "Where is my October invoice?",
                ),
                message(reply, Role::Assistant, "It was emailed on Oct 3."),
            ],
            trace_steps: vec![step],
            release_hold: None,
            charge: Some(TurnCharge {
                entry_id: LedgerEntryId::from_uuid(Uuid::new_v4()),
                cost: Money(10),
                message_id: Some(reply),
                model: "gpt-4o-mini".into(),
                prompt_tokens: 12,
                completion_tokens: 8,
                period_start: period_start_of(now),
            }),
            recorded_at: now,
        })
        .await
        .unwrap();
    id.to_string()
}

async fn conversations_follow_the_seed(app: TestApp) {
    let bot = app
        .create_bot(&app.key, json!({"name": "Help", "system_prompt": "x"}))
        .await;
    let other = app
        .create_bot(&app.key, json!({"name": "Sales", "system_prompt": "x"}))
        .await;
    let old = seed_conversation(&app, &bot, Channel::Voice, 30).await;
    let new = seed_conversation(&app, &bot, Channel::Api, 10).await;
    seed_conversation(&app, &other, Channel::Voice, 20).await;

    let response = app
        .call(
            Method::GET,
            "/api/v1/conversations?channel=voice&limit=50",
            &app.key,
            None,
        )
        .await;
    assert_eq!(response.headers()["x-total-count"], "2");
    let (status, list) = hania_blackbox::read(response).await;
    assert_eq!(status, 200);
    let item = &list["data"][0];
    assert_eq!(item["bot_name"], "Sales", "newest first");
    for field in [
        "id",
        "bot_id",
        "bot_name",
        "channel",
        "customer_id",
        "external_call_id",
        "message_count",
        "started_at",
        "last_message_at",
        "last_message_preview",
        "has_trace",
    ] {
        assert!(item.get(field).is_some(), "list item lacks {field}: {item}");
    }
    assert_eq!(
        (item["message_count"].clone(), item["has_trace"].clone()),
        (json!(2), json!(true))
    );
    assert_eq!(item["last_message_preview"], "It was emailed on Oct 3.");

    let response = app
        .call(
            Method::GET,
            &format!("/api/v1/conversations?bot_id={bot}&limit=1&offset=1"),
            &app.key,
            None,
        )
        .await;
    assert_eq!(response.headers()["x-total-count"], "2");
    let (_, page) = hania_blackbox::read(response).await;
    assert_eq!(page["data"].as_array().unwrap().len(), 1);
    assert_eq!(page["data"][0]["id"], json!(old));

    let (status, got) = app.conversation(&new).await;
    assert_eq!(status, 200);
    let messages = got["data"]["messages"].as_array().unwrap();
    assert_eq!(
        messages
            .iter()
            .map(|m| m["role"].as_str().unwrap())
            .collect::<Vec<_>>(),
        vec!["user", "assistant"]
    );
    assert_eq!(messages[0]["content"], "Where is my October invoice?");

    let (status, trace) = app
        .json(
            Method::GET,
            &format!("/api/v1/conversations/{new}/trace"),
            None,
        )
        .await;
    assert_eq!(status, 200);
    let step = &trace["data"][0];
    assert_eq!(
        (step["step_number"].clone(), step["action_type"].clone()),
        (json!(1), json!("model_call"))
    );
    assert_eq!(
        (step["prompt_tokens"].clone(), step["total_tokens"].clone()),
        (json!(12), json!(20))
    );

    let (status, _) = app
        .json(
            Method::DELETE,
            &format!("/api/v1/conversations/{new}"),
            None,
        )
        .await;
    assert_eq!(status, 200);
    let (status, gone) = app.conversation(&new).await;
    assert_eq!((status, gone["code"].as_str()), (404, Some("NOT_FOUND")));
    let (status, _) = app
        .json(
            Method::GET,
            &format!("/api/v1/conversations/{new}/trace"),
            None,
        )
        .await;
    assert_eq!(status, 404);
}

async fn list_parameters_are_strict_and_bounded(app: TestApp) {
    let cases = [
        ("?color=blue", "color"),
        ("?limit=501", "limit"),
        ("?limit=0", "limit"),
        ("?limit=100&offset=9901", "offset"),
        ("?limit=abc", "limit"),
        ("?channel=fax", "channel"),
        ("?bot_id=not-a-uuid", "bot_id"),
        ("?since=yesterday", "since"),
    ];
    for (query, named) in cases {
        let (status, reply) = app
            .json(Method::GET, &format!("/api/v1/conversations{query}"), None)
            .await;
        assert_eq!(
            (status, reply["code"].as_str()),
            (400, Some("INVALID_PARAMETER")),
            "{query}: {reply}"
        );
        assert!(
            reply["message"].as_str().unwrap().contains(named),
            "{query}: {reply}"
        );
    }
    let response = app
        .call(
            Method::GET,
            "/api/v1/conversations?limit=500&offset=9500",
            &app.key,
            None,
        )
        .await;
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.headers()["x-total-count"], "0");
}

on_both_backends!(
    conversations_follow_the_seed,
    list_parameters_are_strict_and_bounded
);
