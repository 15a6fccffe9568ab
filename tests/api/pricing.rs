//! Turns are priced by the model they requested, even when the provider
//! answers with a dated name, and unpriced models are shown, not silently
//! free (issue 10, item 2).

use hania_blackbox::{Backend, Method, on_both_backends, spawn_with};
use hania_mock_llm::{MockConfig, MockLlm};
use hania_server::config::Config;
use serde_json::json;

async fn dated_answers_are_charged_and_unpriced_models_shown(backend: Backend) {
    let mock = MockLlm::start(MockConfig {
        reply: "one two three".into(),
        model_suffix: "-2024-07-18".into(),
        ..MockConfig::default()
    })
    .await
    .unwrap();
    let config = Config {
        llm_base_url: Some(mock.base_url()),
        model_prices: Some("gpt-test=1000/1000".into()),
        ..Config::default()
    };
    let app = spawn_with(backend, config).await;
    let balance = || async {
        let (_, billing) = app.json(Method::GET, "/api/v1/billing", None).await;
        billing["data"].clone()
    };
    let before = balance().await["balance_micros"].as_i64().unwrap();
    let priced = app
        .create_bot(
            &app.key,
            json!({"name": "Priced", "system_prompt": "s", "model": "gpt-test"}),
        )
        .await;
    let (status, reply) = app
        .json(
            Method::POST,
            "/api/v1/chat/send",
            Some(&json!({"bot_id": priced, "message": "hi"})),
        )
        .await;
    assert_eq!(status, 200, "{reply}");
    let after = balance().await;
    assert!(
        after["balance_micros"].as_i64().unwrap() < before,
        "a turn answered by gpt-test-2024-07-18 is charged at gpt-test's price: {after}"
    );
    assert_eq!(after["unpriced_models"], json!([]));

    let unpriced = app
        .create_bot(
            &app.key,
            json!({"name": "Free", "system_prompt": "s", "model": "house-model"}),
        )
        .await;
    let (status, _) = app
        .json(
            Method::POST,
            "/api/v1/chat/send",
            Some(&json!({"bot_id": unpriced, "message": "hi"})),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(balance().await["unpriced_models"], json!(["house-model"]));
}

on_both_backends!(backend: dated_answers_are_charged_and_unpriced_models_shown);
