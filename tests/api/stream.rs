//! `POST /api/v1/chat/send-stream`.

use std::time::{Duration, Instant};

use futures::StreamExt;
use hania_blackbox::{Backend, Method, TestApp, on_both_backends, read, spawn_with, sse_events};
use hania_domain::billing::BillingStatus;
use hania_mock_llm::{Fault, MockConfig, MockLlm};
use hania_server::Config;
use serde_json::{Value, json};

async fn app_with(backend: Backend, mock: &MockLlm) -> TestApp {
    let config = Config {
        llm_base_url: Some(mock.base_url()),
        llm_timeout_ms: Some("2000".into()),
        ..Config::default()
    };
    spawn_with(backend, config).await
}

async fn streamed_chat_matches_the_blocking_reply(backend: Backend) {
    let mock = MockLlm::start(MockConfig {
        reply: "One two three four.".into(),
        ..MockConfig::default()
    })
    .await
    .unwrap();
    let app = app_with(backend, &mock).await;
    let bot = app
        .create_bot(
            &app.key,
            json!({"name": "S", "system_prompt": "x", "chat_greeting": "Welcome!"}),
        )
        .await;

    // A new conversation with a greeting streams the greeting.
    let body = json!({"bot_id": bot, "message": "hi", "external_user_id": "u"});
    let response = app
        .call(
            Method::POST,
            "/api/v1/chat/send-stream",
            &app.key,
            Some(&body),
        )
        .await;
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    assert_eq!(
        (
            response.headers()["cache-control"].to_str().unwrap(),
            response.headers()["x-accel-buffering"].to_str().unwrap()
        ),
        ("no-cache", "no")
    );
    let greeting = sse_events(&response.text().await.unwrap());
    let names: Vec<&str> = greeting.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, vec!["start", "delta", "done"]);
    assert_eq!(greeting[2].1["response"], "Welcome!");
    let conversation = greeting[0].1["conversation_id"].clone();

    // Then the model, token by token.
    let response = app
        .call(
            Method::POST,
            "/api/v1/chat/send-stream",
            &app.key,
            Some(&body),
        )
        .await;
    let streamed = sse_events(&response.text().await.unwrap());
    assert_eq!(streamed.first().unwrap().0, "start");
    assert_eq!(streamed.first().unwrap().1["conversation_id"], conversation);
    let deltas: String = streamed
        .iter()
        .filter(|(n, _)| n == "delta")
        .map(|(_, d)| d["content"].as_str().unwrap())
        .collect();
    assert!(
        streamed.iter().filter(|(n, _)| n == "delta").count() > 1,
        "token by token"
    );
    let (last, done) = streamed.last().unwrap();
    assert_eq!(
        (last.as_str(), done["response"].as_str()),
        ("done", Some(deltas.as_str()))
    );
    let (_, blocking) = app
        .json(Method::POST, "/api/v1/chat/send", Some(&body))
        .await;
    assert_eq!(blocking["data"]["response"].as_str(), Some(deltas.as_str()));

    // Errors known before the stream are JSON envelopes.
    app.store
        .set_billing_status(
            app.workspace,
            BillingStatus::Suspended,
            time::OffsetDateTime::now_utc(),
        )
        .await
        .unwrap();
    let (status, reply) = read(
        app.call(
            Method::POST,
            "/api/v1/chat/send-stream",
            &app.key,
            Some(&body),
        )
        .await,
    )
    .await;
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
    let missing = json!({"bot_id": uuid::Uuid::new_v4(), "message": "hi"});
    let (status, _) = read(
        app.call(
            Method::POST,
            "/api/v1/chat/send-stream",
            &app.key,
            Some(&missing),
        )
        .await,
    )
    .await;
    assert_eq!(status, 404);

    // A provider failure after the start is an error event.
    mock.set_config(MockConfig {
        fault: Fault::Status {
            status: 500,
            every: 1,
        },
        ..MockConfig::default()
    });
    let response = app
        .call(
            Method::POST,
            "/api/v1/chat/send-stream",
            &app.key,
            Some(&body),
        )
        .await;
    let failed = sse_events(&response.text().await.unwrap());
    let (name, data) = failed.last().unwrap();
    assert_eq!(
        (name.as_str(), data["code"].as_str()),
        ("error", Some("UPSTREAM_ERROR"))
    );
}

async fn a_client_hang_up_cancels_upstream_and_keeps_the_partial_reply(backend: Backend) {
    let slow = MockConfig {
        reply: "word ".repeat(200),
        inter_token_delay: Duration::from_millis(20),
        ..MockConfig::default()
    };
    let mock = MockLlm::start(slow).await.unwrap();
    let app = app_with(backend, &mock).await;
    let bot = app
        .create_bot(&app.key, json!({"name": "S", "system_prompt": "x"}))
        .await;
    let body = json!({"bot_id": bot, "message": "tell me a long story"});
    let response = app
        .call(
            Method::POST,
            "/api/v1/chat/send-stream",
            &app.key,
            Some(&body),
        )
        .await;
    let mut stream = response.bytes_stream();
    let mut seen = String::new();
    while !seen.contains("event: delta") {
        seen.push_str(&String::from_utf8_lossy(
            &stream.next().await.unwrap().unwrap(),
        ));
    }
    let conversation = sse_events(&seen)[0].1["conversation_id"]
        .as_str()
        .unwrap()
        .to_owned();
    drop(stream);
    let dropped = Instant::now();
    while mock.hangups() == 0 && dropped.elapsed() < Duration::from_secs(2) {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let took = dropped.elapsed();
    assert_eq!(mock.hangups(), 1);
    assert!(
        took < Duration::from_millis(100),
        "the provider saw the hang-up after {took:?}"
    );

    // The partial reply is stored, marked interrupted, and charged.
    let mut reply = Value::Null;
    for _ in 0..100 {
        let (_, detail) = app.conversation(&conversation).await;
        if let Some(m) = detail["data"]["messages"].as_array().and_then(|m| m.get(1)) {
            reply = m.clone();
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(reply["role"], "assistant", "{reply}");
    let metadata: Value = serde_json::from_str(reply["metadata"].as_str().unwrap()).unwrap();
    assert_eq!(metadata["interrupted"], true);
    let text = reply["content"].as_str().unwrap();
    assert!(
        !text.is_empty() && text.len() < 1000,
        "a partial answer: {} chars",
        text.len()
    );
    let (_, billing) = app.json(Method::GET, "/api/v1/billing", None).await;
    assert_eq!(billing["data"]["period_turns_used"], 1);
}

async fn silence_is_filled_with_keep_alive_comments(backend: Backend) {
    let mock = MockLlm::start(MockConfig::default()).await.unwrap();
    let config = Config {
        llm_base_url: Some(mock.base_url()),
        stream_keepalive_ms: Some("50".into()),
        ..Config::default()
    };
    let app = spawn_with(backend, config).await;
    let bot = app
        .create_bot(&app.key, json!({"name": "S", "system_prompt": "x"}))
        .await;
    let body = json!({"bot_id": bot, "message": "hi"});
    // Silence before the provider's response head, then before its first
    // token: both are waits the client must not time out on.
    let slow_head = MockConfig {
        reply: "Late but here.".into(),
        header_latency: Duration::from_millis(400),
        ..MockConfig::default()
    };
    let slow_token = MockConfig {
        reply: "Late but here.".into(),
        first_token_latency: Duration::from_millis(400),
        ..MockConfig::default()
    };
    for (phase, config) in [("head", slow_head), ("first token", slow_token)] {
        mock.set_config(config);
        let response = app
            .call(
                Method::POST,
                "/api/v1/chat/send-stream",
                &app.key,
                Some(&body),
            )
            .await;
        let text = response.text().await.unwrap();
        let first_delta = text.find("event: delta").unwrap();
        let keep_alives = text[..first_delta].matches(": keep-alive\n\n").count();
        assert!(
            keep_alives >= 3,
            "{phase}: {keep_alives} keep-alives while waiting 400 ms at 50 ms: {text}"
        );
        assert_eq!(
            sse_events(&text).last().unwrap().1["response"],
            "Late but here."
        );
    }
}

on_both_backends!(
    backend: streamed_chat_matches_the_blocking_reply,
    a_client_hang_up_cancels_upstream_and_keeps_the_partial_reply,
    silence_is_filled_with_keep_alive_comments
);
