//! A stream cut off by its client and then retried with the same
//! `Idempotency-Key` replays what was sent and ends with a terminal
//! `STREAM_INTERRUPTED` error event, never an open end (issue 10, item 6).

use std::time::Duration;

use futures::StreamExt;
use hania_blackbox::{Backend, Method, on_both_backends, spawn_with, sse_events};
use hania_mock_llm::{MockConfig, MockLlm};
use hania_server::Config;
use serde_json::json;

async fn a_replayed_interrupted_stream_ends_with_an_error_event(backend: Backend) {
    let mock = MockLlm::start(MockConfig {
        reply: "one two three four five six seven eight".into(),
        inter_token_delay: Duration::from_millis(100),
        ..MockConfig::default()
    })
    .await
    .unwrap();
    let config = Config {
        llm_base_url: Some(mock.base_url()),
        ..Config::default()
    };
    let app = spawn_with(backend, config).await;
    let bot = app
        .create_bot(&app.key, json!({"name": "R", "system_prompt": "x"}))
        .await;
    let body = json!({"bot_id": bot, "message": "hi"});
    let send = || {
        app.client
            .post(format!("{}/api/v1/chat/send-stream", app.base))
            .bearer_auth(&app.key)
            .header("idempotency-key", "cut-1")
            .json(&body)
            .send()
    };
    let mut stream = send().await.unwrap().bytes_stream();
    let mut seen = String::new();
    while !seen.contains("event: delta") {
        seen.push_str(&String::from_utf8_lossy(
            &stream.next().await.unwrap().unwrap(),
        ));
    }
    drop(stream);

    // Once the interrupted turn is recorded, the retry is a replay.
    let mut replay = String::new();
    for _ in 0..100 {
        let response = send().await.unwrap();
        if response.status() == 200 && response.headers().contains_key("idempotent-replayed") {
            replay = response.text().await.unwrap();
            break;
        }
        tokio::time::sleep(Duration::from_millis(30)).await;
    }
    let events = sse_events(&replay);
    assert_eq!(
        events.first().map(|e| e.0.as_str()),
        Some("start"),
        "{replay}"
    );
    assert!(events.iter().any(|(name, _)| name == "delta"), "{replay}");
    let (last, data) = events.last().unwrap();
    assert_eq!(
        (last.as_str(), data["code"].as_str()),
        ("error", Some("STREAM_INTERRUPTED")),
        "{replay}"
    );
    assert!(!events.iter().any(|(name, _)| name == "done"));
    assert_eq!(mock.requests().len(), 1, "the replay ran nothing");
    let (_, listed) = app.json(Method::GET, "/api/v1/conversations", None).await;
    assert_eq!(listed["data"].as_array().unwrap().len(), 1);
}

on_both_backends!(backend: a_replayed_interrupted_stream_ends_with_an_error_event);
