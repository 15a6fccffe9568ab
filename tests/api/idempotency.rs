//! `Idempotency-Key` on the chat endpoints, and exact metering under
//! concurrency.

use std::time::Duration;

use hania_blackbox::{Backend, Method, TestApp, on_both_backends, read, spawn_with};
use hania_mock_llm::{Fault, MockConfig, MockLlm};
use hania_server::Config;
use serde_json::{Value, json};

async fn app_with(backend: Backend, mock: &MockLlm) -> TestApp {
    let config = Config {
        llm_base_url: Some(mock.base_url()),
        llm_timeout_ms: Some("1500".into()),
        model_prices: Some("priced=1000/2000".into()),
        // Each turn in flight holds the most it can cost (~16 units at
        // these prices); the balance covers 64 at once.
        bootstrap_balance: Some("2000".into()),
        ..Config::default()
    };
    spawn_with(backend, config).await
}

async fn send_with_key(app: &TestApp, path: &str, key: &str, body: &Value) -> reqwest::Response {
    app.client
        .post(format!("{}{path}", app.base))
        .bearer_auth(&app.key)
        .header("idempotency-key", key)
        .json(body)
        .send()
        .await
        .unwrap()
}

async fn a_retried_request_is_answered_once(backend: Backend) {
    let mock = MockLlm::start(MockConfig::default()).await.unwrap();
    let app = app_with(backend, &mock).await;
    let bot = app
        .create_bot(
            &app.key,
            json!({"name": "I", "system_prompt": "x", "model": "priced"}),
        )
        .await;
    let body = json!({"bot_id": bot, "message": "charge me once", "external_user_id": "u"});
    let first = send_with_key(&app, "/api/v1/chat/send", "retry-1", &body).await;
    assert!(first.headers().get("idempotent-replayed").is_none());
    let (status, first) = read(first).await;
    let again = send_with_key(&app, "/api/v1/chat/send", "retry-1", &body).await;
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    let (status2, second) = read(again).await;
    assert_eq!((status, &first), (status2, &second), "the same answer");
    assert_eq!(mock.requests().len(), 1, "the model ran once");
    let conversation = first["data"]["conversation_id"].as_str().unwrap();
    let (_, detail) = app.conversation(conversation).await;
    assert_eq!(
        detail["data"]["messages"].as_array().unwrap().len(),
        2,
        "one user message, one reply"
    );
    let (_, billing) = app.json(Method::GET, "/api/v1/billing", None).await;
    assert_eq!(billing["data"]["period_turns_used"], 1, "charged once");

    let other = json!({"bot_id": bot, "message": "something else"});
    let (status, reply) =
        read(send_with_key(&app, "/api/v1/chat/send", "retry-1", &other).await).await;
    assert_eq!((status, reply["code"].as_str()), (409, Some("CONFLICT")));
    let (status, _) =
        read(send_with_key(&app, "/api/v1/chat/send", &"k".repeat(300), &body).await).await;
    assert_eq!(status, 400);

    // Streams replay their transcript.
    let stream_body = json!({"bot_id": bot, "message": "stream once", "new_conversation": true});
    let first = send_with_key(&app, "/api/v1/chat/send-stream", "stream-1", &stream_body)
        .await
        .text()
        .await
        .unwrap();
    let replay = send_with_key(&app, "/api/v1/chat/send-stream", "stream-1", &stream_body).await;
    assert_eq!(replay.headers()["content-type"], "text/event-stream");
    assert_eq!(replay.text().await.unwrap(), first);
    assert_eq!(mock.requests().len(), 2);
}

async fn a_retry_while_the_first_runs_is_a_conflict(backend: Backend) {
    let mock = MockLlm::start(MockConfig {
        first_token_latency: Duration::from_millis(800),
        ..MockConfig::default()
    })
    .await
    .unwrap();
    let app = app_with(backend, &mock).await;
    let bot = app
        .create_bot(&app.key, json!({"name": "Slow", "system_prompt": "x"}))
        .await;
    let body = json!({"bot_id": bot, "message": "slow"});
    let (client, base, key) = (app.client.clone(), app.base.clone(), app.key.clone());
    let first_body = body.clone();
    let first = tokio::spawn(async move {
        client
            .post(format!("{base}/api/v1/chat/send"))
            .bearer_auth(key)
            .header("idempotency-key", "slow-1")
            .json(&first_body)
            .send()
            .await
            .unwrap()
    });
    tokio::time::sleep(Duration::from_millis(200)).await;
    let (status, reply) =
        read(send_with_key(&app, "/api/v1/chat/send", "slow-1", &body).await).await;
    assert_eq!(
        (status, reply["code"].as_str()),
        (409, Some("CONFLICT")),
        "{reply}"
    );
    assert_eq!(first.await.unwrap().status().as_u16(), 200);
    mock.set_config(MockConfig {
        fault: Fault::None,
        ..MockConfig::default()
    });
}

async fn concurrent_clients_are_metered_exactly(backend: Backend) {
    const CLIENTS: usize = 64;
    let mock = MockLlm::start(MockConfig::default()).await.unwrap();
    let app = app_with(backend, &mock).await;
    let bot = app
        .create_bot(
            &app.key,
            json!({"name": "Busy", "system_prompt": "x", "model": "priced"}),
        )
        .await;
    let (_, before) = app.json(Method::GET, "/api/v1/billing", None).await;
    let requests = (0..CLIENTS).map(|i| {
        let (client, base, key) = (app.client.clone(), app.base.clone(), app.key.clone());
        let body = json!({"bot_id": bot, "message": "same size message", "external_user_id": format!("user-{i:03}")});
        tokio::spawn(async move {
            let response = client.post(format!("{base}/api/v1/chat/send")).bearer_auth(key).json(&body).send().await.unwrap();
            response.status().as_u16()
        })
    });
    let statuses = futures::future::join_all(requests).await;
    assert!(
        statuses.iter().all(|s| *s.as_ref().unwrap() == 200),
        "{statuses:?}"
    );
    let (_, after) = app.json(Method::GET, "/api/v1/billing", None).await;
    assert_eq!(after["data"]["period_turns_used"], CLIENTS);
    // Every turn has the same prompt and reply, so the same cost.
    let spent = before["data"]["balance_micros"].as_i64().unwrap()
        - after["data"]["balance_micros"].as_i64().unwrap();
    assert!(spent > 0);
    assert_eq!(
        spent % CLIENTS as i64,
        0,
        "spent {spent} is {CLIENTS} equal charges"
    );
}

on_both_backends!(backend:
    a_retried_request_is_answered_once,
    a_retry_while_the_first_runs_is_a_conflict,
    concurrent_clients_are_metered_exactly,
);
