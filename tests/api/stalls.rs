//! A provider that goes silent part-way through an answer is bounded by
//! `HANIA_LLM_IDLE_TIMEOUT_MS` (issue 10, item 5): the stream ends with an
//! `UPSTREAM_TIMEOUT` error event, the partial answer is stored marked
//! interrupted and charged; a blocking turn answers 504.

use std::time::{Duration, Instant};

use hania_blackbox::{Backend, Method, on_both_backends, read, spawn_with, sse_events};
use hania_mock_llm::{Fault, MockConfig, MockLlm};
use hania_server::Config;
use serde_json::{Value, json};

async fn a_stall_mid_answer_ends_the_turn_after_the_idle_timeout(backend: Backend) {
    let mock = MockLlm::start(MockConfig {
        reply: "one two three four five six".into(),
        fault: Fault::StallMidStream,
        ..MockConfig::default()
    })
    .await
    .unwrap();
    let config = Config {
        llm_base_url: Some(mock.base_url()),
        llm_idle_timeout_ms: Some("300".into()),
        model_prices: Some("mock-model=1000/1000".into()),
        ..Config::default()
    };
    let app = spawn_with(backend, config).await;
    let bot = app
        .create_bot(
            &app.key,
            json!({"name": "S", "system_prompt": "x", "model": "mock-model"}),
        )
        .await;
    let balance = || async {
        let (_, billing) = app.json(Method::GET, "/api/v1/billing", None).await;
        billing["data"]["balance_micros"].as_i64().unwrap()
    };
    let before = balance().await;

    let started = Instant::now();
    let body = json!({"bot_id": bot, "message": "hi"});
    let response = app
        .call(
            Method::POST,
            "/api/v1/chat/send-stream",
            &app.key,
            Some(&body),
        )
        .await;
    let text = response.text().await.unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
    let events = sse_events(&text);
    let (last, data) = events.last().unwrap();
    assert_eq!(
        (last.as_str(), data["code"].as_str()),
        ("error", Some("UPSTREAM_TIMEOUT")),
        "{text}"
    );
    assert!(events.iter().any(|(name, _)| name == "delta"), "{text}");
    let conversation = events[0].1["conversation_id"].as_str().unwrap().to_owned();
    let (_, detail) = app.conversation(&conversation).await;
    let reply = &detail["data"]["messages"][1];
    assert_eq!(reply["role"], "assistant", "{detail}");
    let metadata: Value = serde_json::from_str(reply["metadata"].as_str().unwrap()).unwrap();
    assert_eq!(metadata["interrupted"], true);
    let deltas = events.iter().filter(|(name, _)| name == "delta").count();
    assert_eq!(
        metadata["completion_tokens"],
        json!(deltas),
        "what was produced is counted: one token per delta"
    );
    assert!(balance().await < before, "what was produced is charged");

    // A blocking turn whose provider stalls mid-body.
    let started = Instant::now();
    let (status, reply) = read(
        app.call(Method::POST, "/api/v1/chat/send", &app.key, Some(&body))
            .await,
    )
    .await;
    assert_eq!(
        (status, reply["code"].as_str()),
        (504, Some("UPSTREAM_TIMEOUT")),
        "{reply}"
    );
    assert!(started.elapsed() < Duration::from_secs(5));
}

on_both_backends!(backend: a_stall_mid_answer_ends_the_turn_after_the_idle_timeout);
