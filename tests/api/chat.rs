//! Seed `000_*`: chat, on the built-in offline provider.

use hania_blackbox::{Method, TestApp, on_both_backends, read};
use hania_domain::billing::BillingStatus;
use serde_json::{Value, json};

async fn send(app: &TestApp, body: Value) -> (u16, Value) {
    app.json(Method::POST, "/api/v1/chat/send", Some(&body))
        .await
}

async fn a_greeting_opens_then_the_model_answers_in_the_same_thread(app: TestApp) {
    let bot = app.create_bot(&app.key, json!({"name": "Help", "system_prompt": "Be brief.", "chat_greeting": "Hi! How can I help?"})).await;
    let body = json!({"bot_id": bot, "message": "Where is my October invoice?", "external_user_id": "user_8412"});
    let (status, first) = send(&app, body.clone()).await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(
        (first["success"].clone(), first["message"].clone()),
        (json!(true), json!(""))
    );
    assert_eq!(first["data"]["response"], "Hi! How can I help?");
    let conversation = first["data"]["conversation_id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        time::OffsetDateTime::parse(
            first["data"]["timestamp"].as_str().unwrap(),
            &time::format_description::well_known::Rfc3339
        )
        .is_ok()
    );
    let (_, billing) = app.json(Method::GET, "/api/v1/billing", None).await;
    assert_eq!(
        billing["data"]["period_turns_used"], 0,
        "greetings are not metered"
    );

    // Same external user: the same conversation continues, now via the model.
    let response = app
        .call(Method::POST, "/api/v1/chat/send", &app.key, Some(&body))
        .await;
    let timing = response.headers()["server-timing"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        timing.starts_with("provider;dur=") && timing.contains("server;dur="),
        "{timing}"
    );
    let (status, second) = read(response).await;
    assert_eq!(status, 200, "{second}");
    assert_eq!(second["data"]["conversation_id"], json!(conversation));
    assert!(
        second["data"]["response"]
            .as_str()
            .unwrap()
            .starts_with("[offline]")
    );

    let (_, detail) = app.conversation(&conversation).await;
    let roles: Vec<&str> = detail["data"]["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["role"].as_str().unwrap())
        .collect();
    assert_eq!(roles, vec!["user", "assistant", "user", "assistant"]);
    let (_, trace) = app
        .json(
            Method::GET,
            &format!("/api/v1/conversations/{conversation}/trace"),
            None,
        )
        .await;
    let steps = trace["data"].as_array().unwrap();
    assert_eq!(
        (
            steps[0]["action_type"].as_str(),
            steps[1]["action_type"].as_str()
        ),
        (Some("greeting"), Some("model_call"))
    );
    assert_eq!(steps[1]["model"], "hania-offline");
    assert!(steps[1]["total_tokens"].as_u64().unwrap() > 0);
    let (_, billing) = app.json(Method::GET, "/api/v1/billing", None).await;
    assert_eq!(billing["data"]["period_turns_used"], 1);

    // new_conversation and conversation_id.
    let (_, fresh) = send(&app, json!({"bot_id": bot, "message": "New topic", "external_user_id": "user_8412", "new_conversation": true})).await;
    assert_ne!(fresh["data"]["conversation_id"], json!(conversation));
    let (_, again) = send(
        &app,
        json!({"bot_id": bot, "message": "Back to it", "conversation_id": conversation}),
    )
    .await;
    assert_eq!(again["data"]["conversation_id"], json!(conversation));
}

async fn chat_errors_use_the_right_status(app: TestApp) {
    let bot = app
        .create_bot(&app.key, json!({"name": "Plain", "system_prompt": "x"}))
        .await;
    let (status, reply) = send(
        &app,
        json!({"bot_id": bot, "message": "hello", "channel": "voice"}),
    )
    .await;
    assert_eq!(
        (status, reply["code"].as_str()),
        (400, Some("VALIDATION_ERROR")),
        "{reply}"
    );
    let (status, reply) = send(&app, json!({"bot_id": bot})).await;
    assert_eq!(
        (status, reply["message"].as_str()),
        (400, Some("message: is required"))
    );
    let (status, _) = send(
        &app,
        json!({"bot_id": uuid::Uuid::new_v4(), "message": "hello"}),
    )
    .await;
    assert_eq!(status, 404);
    let (status, _) = send(
        &app,
        json!({"bot_id": bot, "message": "hello", "conversation_id": uuid::Uuid::new_v4()}),
    )
    .await;
    assert_eq!(status, 404);

    app.store
        .set_billing_status(
            app.workspace,
            BillingStatus::Suspended,
            time::OffsetDateTime::now_utc(),
        )
        .await
        .unwrap();
    let (status, reply) = send(&app, json!({"bot_id": bot, "message": "hello"})).await;
    assert_eq!(
        (status, reply["code"].as_str()),
        (402, Some("SERVICE_SUSPENDED"))
    );
    app.store
        .set_billing_status(
            app.workspace,
            BillingStatus::Active,
            time::OffsetDateTime::now_utc(),
        )
        .await
        .unwrap();
    let (status, _) = send(&app, json!({"bot_id": bot, "message": "hello"})).await;
    assert_eq!(status, 200);

    let (status, _) = app
        .json(Method::DELETE, &format!("/api/v1/bots/{bot}"), None)
        .await;
    assert_eq!(status, 200);
    let (status, reply) = send(&app, json!({"bot_id": bot, "message": "hello"})).await;
    assert_eq!((status, reply["code"].as_str()), (409, Some("CONFLICT")));
}

on_both_backends!(
    a_greeting_opens_then_the_model_answers_in_the_same_thread,
    chat_errors_use_the_right_status
);
