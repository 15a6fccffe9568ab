//! Chat against a real OpenAI-compatible server (the mock): replies come
//! from it, and its failures map to 502/504 with the user's message kept
//! and nothing charged.

use std::time::Duration;

use hania_blackbox::{Backend, Method, TestApp, on_both_backends, spawn_with};
use hania_mock_llm::{Fault, MockConfig, MockLlm};
use hania_server::Config;
use serde_json::{Value, json};

async fn app_with(backend: Backend, mock: &MockLlm) -> TestApp {
    let config = Config {
        llm_base_url: Some(mock.base_url()),
        llm_api_key: Some("sk-test".into()),
        llm_timeout_ms: Some("500".into()),
        model_prices: Some("mock-model=1/2".into()),
        ..Config::default()
    };
    spawn_with(backend, config).await
}

async fn chat(app: &TestApp, body: &Value) -> (u16, Value) {
    app.json(Method::POST, "/api/v1/chat/send", Some(body))
        .await
}

async fn replies_come_from_the_provider_with_history_in_order(backend: Backend) {
    let mock = MockLlm::start(MockConfig {
        reply: "Invoice sent on Oct 3.".into(),
        ..MockConfig::default()
    })
    .await
    .unwrap();
    let app = app_with(backend, &mock).await;
    let bot = app.create_bot(&app.key, json!({"name": "Help", "system_prompt": "You are Acme support.", "model": "mock-model"})).await;
    let body = json!({"bot_id": bot, "message": "Where is my invoice?", "external_user_id": "u1"});
    let (status, first) = chat(&app, &body).await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(first["data"]["response"], "Invoice sent on Oct 3.");
    let (_, second) = chat(
        &app,
        &json!({"bot_id": bot, "message": "Thanks! And October?", "external_user_id": "u1"}),
    )
    .await;
    assert_eq!(
        second["data"]["conversation_id"],
        first["data"]["conversation_id"]
    );

    let requests = mock.requests();
    let messages: Vec<(String, String)> = requests[1]["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["role"].as_str().unwrap().to_owned(),
                m["content"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expected = [
        ("system", "You are Acme support."),
        ("user", "Where is my invoice?"),
        ("assistant", "Invoice sent on Oct 3."),
        ("user", "Thanks! And October?"),
    ];
    assert_eq!(
        messages,
        expected.map(|(r, c)| (r.to_owned(), c.to_owned()))
    );
    assert_eq!(requests[1]["model"], "mock-model");

    // Metered at the configured price: 1 and 2 units per million tokens.
    let (_, billing) = app.json(Method::GET, "/api/v1/billing", None).await;
    assert_eq!(billing["data"]["period_turns_used"], 2);
    assert!(billing["data"]["balance_micros"].as_i64().unwrap() < 10_000_000);
}

async fn provider_failures_keep_the_message_and_charge_nothing(backend: Backend) {
    let mock = MockLlm::start(MockConfig::default()).await.unwrap();
    let app = app_with(backend, &mock).await;
    let bot = app
        .create_bot(
            &app.key,
            json!({"name": "Help", "system_prompt": "x", "model": "mock-model"}),
        )
        .await;
    let cases = [
        (
            Fault::Status {
                status: 500,
                every: 1,
            },
            502,
            "UPSTREAM_ERROR",
        ),
        (
            Fault::Status {
                status: 429,
                every: 1,
            },
            502,
            "UPSTREAM_ERROR",
        ),
        (Fault::Stall, 504, "UPSTREAM_TIMEOUT"),
    ];
    for (i, (fault, status, code)) in cases.into_iter().enumerate() {
        mock.set_config(MockConfig {
            fault,
            ..MockConfig::default()
        });
        let body =
            json!({"bot_id": bot, "message": format!("attempt {i}"), "new_conversation": true});
        let (got, reply) = chat(&app, &body).await;
        assert_eq!(
            (got, reply["code"].as_str()),
            (status, Some(code)),
            "{reply}"
        );
    }
    let (_, billing) = app.json(Method::GET, "/api/v1/billing", None).await;
    assert_eq!(
        (
            billing["data"]["balance_micros"].clone(),
            billing["data"]["period_turns_used"].clone()
        ),
        (json!(10_000_000), json!(0))
    );
    let (_, list) = app.json(Method::GET, "/api/v1/conversations", None).await;
    let conversations = list["data"].as_array().unwrap();
    assert_eq!(conversations.len(), 3);
    for conversation in conversations {
        assert_eq!(
            conversation["message_count"], 1,
            "the user message is kept: {conversation}"
        );
        let id = conversation["id"].as_str().unwrap();
        let (_, trace) = app
            .json(
                Method::GET,
                &format!("/api/v1/conversations/{id}/trace"),
                None,
            )
            .await;
        assert!(
            trace["data"][0]["error_message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "{trace}"
        );
    }
    // The provider recovers: so does the chat.
    mock.set_config(MockConfig {
        first_token_latency: Duration::ZERO,
        ..MockConfig::default()
    });
    let (status, _) = chat(&app, &json!({"bot_id": bot, "message": "again"})).await;
    assert_eq!(status, 200);
}

/// `HANIA_LLM_HTTP2=prior-knowledge`: the calls to a cleartext provider
/// go over HTTP/2 (the mock counts them), blocking and streamed alike;
/// by default they are HTTP/1.1.
async fn http2_prior_knowledge_reaches_a_cleartext_provider(backend: Backend) {
    let mock = MockLlm::start(MockConfig {
        reply: "Over one connection.".into(),
        ..MockConfig::default()
    })
    .await
    .unwrap();
    for (http2, expected) in [(None, 0), (Some("prior-knowledge"), 2)] {
        let config = Config {
            llm_base_url: Some(mock.base_url()),
            llm_http2: http2.map(Into::into),
            ..Config::default()
        };
        let app = spawn_with(backend, config).await;
        let bot = app
            .create_bot(&app.key, json!({"name": "H", "system_prompt": "x"}))
            .await;
        let before = mock.http2_requests();
        let body = json!({"bot_id": bot, "message": "hi"});
        let (status, reply) = chat(&app, &body).await;
        assert_eq!(status, 200, "{reply}");
        assert_eq!(reply["data"]["response"], "Over one connection.");
        let streamed = app
            .call(
                Method::POST,
                "/api/v1/chat/send-stream",
                &app.key,
                Some(&body),
            )
            .await
            .text()
            .await
            .unwrap();
        let events = hania_blackbox::sse_events(&streamed);
        assert_eq!(
            events.last().map(|(name, _)| name.as_str()),
            Some("done"),
            "{streamed}"
        );
        assert_eq!(
            mock.http2_requests() - before,
            expected,
            "HANIA_LLM_HTTP2={http2:?}"
        );
    }
}

on_both_backends!(backend: replies_come_from_the_provider_with_history_in_order, provider_failures_keep_the_message_and_charge_nothing, http2_prior_knowledge_reaches_a_cleartext_provider);
