//! The slug-compatible dialect (seed `004_*`), driven the way its clients
//! do: the seed's own example bodies, `{data, error}` envelopes, SSE chunks.

use std::time::{Duration, Instant};

use futures::StreamExt;
use hania_blackbox::{Backend, Method, TestApp, on_both_backends, spawn_with_mock, sse_data};
use hania_domain::billing::BillingStatus;
use hania_mock_llm::{Fault, MockConfig, MockLlm};
use reqwest::Response;
use serde_json::{Value, json};

const REPLY: &str = "We are open from 9 to 5, Monday to Friday.";

async fn app_with(backend: Backend) -> (TestApp, MockLlm) {
    spawn_with_mock(backend, REPLY).await
}

/// `POST /v1/api/chat/{slug}` as the seed's curl examples send it.
async fn post(app: &TestApp, slug: &str, key: Option<&str>, body: &str) -> Response {
    let mut request = app
        .client
        .post(format!("{}/v1/api/chat/{slug}", app.base))
        .header("Content-Type", "application/json")
        .body(body.to_owned());
    if let Some(key) = key {
        request = request.header("Authorization", format!("Bearer {key}"));
    }
    request.send().await.unwrap()
}

async fn status_and_json(response: Response) -> (u16, Value) {
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

/// An error in the dialect's envelope, with its name.
fn assert_error(json: &Value, name: &str) {
    assert_eq!(json["data"], Value::Null, "{json}");
    assert_eq!(json["error"]["name"], name, "{json}");
    assert!(json["error"]["message"].is_string() && json["error"]["details"].is_object());
}

/// The chunks of a streamed answer, checking the format on the way.
async fn chunks(response: Response) -> String {
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    let lines = sse_data(&response.text().await.unwrap());
    assert_eq!(
        lines.last().map(String::as_str),
        Some("[DONE]"),
        "{lines:?}"
    );
    lines[..lines.len() - 1]
        .iter()
        .map(|line| {
            let chunk: Value = serde_json::from_str(line).unwrap();
            assert_eq!(chunk.as_object().unwrap().len(), 1, "{line}");
            chunk["chunk"].as_str().unwrap().to_owned()
        })
        .collect()
}

async fn the_seed_examples_work(backend: Backend) {
    let (app, _mock) = app_with(backend).await;
    app.create_bot(
        &app.key,
        json!({"name": "Support Agent", "system_prompt": "Help."}),
    )
    .await;
    let key = Some(app.key.as_str());

    // Basic Chat, verbatim.
    let basic = r#"{
    "message": "What are your business hours?",
    "stream": false
  }"#;
    let (status, json) = status_and_json(post(&app, "support-agent", key, basic).await).await;
    assert_eq!(status, 200, "{json}");
    assert_eq!(json["error"], Value::Null);
    let data = &json["data"];
    assert_eq!(data["response"], REPLY);
    assert!(data["metadata"]["model"].is_string());
    assert!(data["metadata"]["tokens"].as_u64().unwrap() > 0);
    let conversation = data["conversationId"].as_str().unwrap().to_owned();

    // Continue Conversation, verbatim: the seed's id is not ours…
    let continued = r#"{
    "message": "Can you elaborate on that?",
    "stream": false,
    "conversationId": "conv_abc123"
  }"#;
    let (status, json) = status_and_json(post(&app, "support-agent", key, continued).await).await;
    assert_eq!(status, 404);
    assert_error(&json, "NotFoundError");
    assert_eq!(
        json["error"]["message"],
        "Conversation 'conv_abc123' not found"
    );
    // An unknown agent is reported first, whatever the conversation id.
    let (_, json) = status_and_json(post(&app, "nobody", key, continued).await).await;
    assert_eq!(
        json["error"]["message"],
        "Agent with slug 'nobody' not found"
    );
    // …with the id we returned, it continues.
    let continued = continued.replace("conv_abc123", &conversation);
    let (status, json) = status_and_json(post(&app, "support-agent", key, &continued).await).await;
    assert_eq!(status, 200, "{json}");
    assert_eq!(json["data"]["conversationId"], conversation.as_str());
    let (_, detail) = app.conversation(&conversation).await;
    assert_eq!(detail["data"]["channel"], "api");
    assert_eq!(detail["data"]["messages"].as_array().unwrap().len(), 4);

    // New Conversation, verbatim.
    let fresh = r#"{
  "message": "Hello",
  "conversationId": null
}"#;
    let (_, json) = status_and_json(post(&app, "support-agent", key, fresh).await).await;
    assert_ne!(json["data"]["conversationId"], conversation.as_str());

    // Streaming Response, verbatim: the chunks make the blocking answer.
    let streamed = r#"{
    "message": "Tell me a long story",
    "stream": true
  }"#;
    let response = post(&app, "support-agent", key, streamed).await;
    assert!(response.headers().contains_key("x-conversation-id"));
    assert_eq!(chunks(response).await, REPLY);
    let hello = r#"{"message": "Hello", "stream": true}"#;
    assert_eq!(
        chunks(post(&app, "support-agent", key, hello).await).await,
        REPLY
    );
}

async fn errors_are_the_seeds(backend: Backend) {
    let (app, _mock) = app_with(backend).await;
    let key = Some(app.key.as_str());
    let hello = r#"{"message": "Hello", "stream": false}"#;

    let (status, json) = status_and_json(post(&app, "support-agent", key, hello).await).await;
    assert_eq!(status, 404);
    assert_eq!(
        json,
        json!({"data": null, "error": {"name": "NotFoundError", "message": "Agent with slug 'support-agent' not found", "details": {}}})
    );
    let (status, json) = status_and_json(post(&app, "support-agent", None, hello).await).await;
    assert_eq!(status, 401);
    assert_eq!(
        json,
        json!({"data": null, "error": {"name": "UnauthorizedError", "message": "Invalid or missing API token", "details": {}}})
    );
    app.create_bot(
        &app.key,
        json!({"name": "Support Agent", "system_prompt": "Help."}),
    )
    .await;
    for body in [
        r#"{"stream": false}"#,
        r#"{"message": null}"#,
        r#"{"message": "  "}"#,
    ] {
        let (status, json) = status_and_json(post(&app, "support-agent", key, body).await).await;
        assert_eq!(status, 400);
        assert_eq!(
            json,
            json!({"data": null, "error": {"name": "ValidationError", "message": "Message field is required", "details": {}}})
        );
    }
    for body in [
        r#"{"message": 5}"#,
        r#"{"message": "x", "stream": "yes"}"#,
        "[1]",
        "{oops",
    ] {
        let (status, json) = status_and_json(post(&app, "support-agent", key, body).await).await;
        assert_eq!(status, 400, "{body}");
        assert_error(&json, "ValidationError");
    }

    app.set_billing(BillingStatus::Suspended).await;
    for stream in [false, true] {
        let body = json!({"message": "Hello", "stream": stream}).to_string();
        let (status, json) = status_and_json(post(&app, "support-agent", key, &body).await).await;
        assert_eq!(status, 402);
        assert_error(&json, "PaymentRequiredError");
        assert_eq!(json["error"]["details"]["code"], "SERVICE_SUSPENDED");
    }
    app.set_billing(BillingStatus::Active).await;

    let reader = app.key(app.workspace, &["bots:read"], None).await;
    let (status, json) =
        status_and_json(post(&app, "support-agent", Some(&reader), hello).await).await;
    assert_eq!(status, 403);
    assert_error(&json, "ForbiddenError");

    let limited = app.key(app.workspace, &["chat:send"], Some(1)).await;
    assert_eq!(
        post(&app, "support-agent", Some(&limited), hello)
            .await
            .status(),
        200
    );
    let response = post(&app, "support-agent", Some(&limited), hello).await;
    assert_eq!(response.status(), 429);
    assert!(response.headers().contains_key("retry-after"));
    assert!(response.headers().contains_key("x-ratelimit-remaining"));
    let json: Value = response.json().await.unwrap();
    assert_error(&json, "RateLimitError");
    assert!(json["error"]["details"]["retryAfter"].as_u64().is_some());
}

async fn engine_behaviour_carries_over(backend: Backend) {
    let (app, mock) = app_with(backend).await;
    app.create_bot(
        &app.key,
        json!({"name": "Support Agent", "system_prompt": "Help."}),
    )
    .await;
    // A retried request with the same Idempotency-Key is answered once.
    let body = r#"{"message": "Hello", "stream": false}"#;
    let mut answers = Vec::new();
    for _ in 0..2 {
        let response = app
            .client
            .post(format!("{}/v1/api/chat/support-agent", app.base))
            .bearer_auth(&app.key)
            .header("Idempotency-Key", "retry-7")
            .header("Content-Type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        answers.push(status_and_json(response).await);
    }
    assert_eq!(answers[0], answers[1]);
    assert_eq!(mock.requests().len(), 1, "one model call");
    let (_, billing) = app.json(Method::GET, "/api/v1/billing", None).await;
    assert_eq!(billing["data"]["period_turns_used"], 1);

    // A provider failure mid-stream is an error line, then [DONE].
    mock.set_config(MockConfig {
        fault: Fault::Status {
            status: 500,
            every: 1,
        },
        ..MockConfig::default()
    });
    let streamed = r#"{"message": "Hello", "stream": true}"#;
    let response = post(&app, "support-agent", Some(&app.key), streamed).await;
    let lines = sse_data(&response.text().await.unwrap());
    assert_eq!(lines.last().map(String::as_str), Some("[DONE]"));
    let failure: Value = serde_json::from_str(&lines[lines.len() - 2]).unwrap();
    assert_eq!(failure["error"]["name"], "UpstreamError", "{failure}");
}

async fn a_hang_up_mid_stream_keeps_the_partial_answer(backend: Backend) {
    let (app, mock) = app_with(backend).await;
    mock.set_config(MockConfig {
        reply: "word ".repeat(200),
        inter_token_delay: Duration::from_millis(20),
        ..MockConfig::default()
    });
    app.create_bot(
        &app.key,
        json!({"name": "Support Agent", "system_prompt": "Help."}),
    )
    .await;
    let body = r#"{"message": "Tell me a long story", "stream": true}"#;
    let response = post(&app, "support-agent", Some(&app.key), body).await;
    let conversation = response.headers()["x-conversation-id"]
        .to_str()
        .unwrap()
        .to_owned();
    let mut stream = response.bytes_stream();
    let mut seen = String::new();
    while !seen.contains("chunk") {
        seen.push_str(&String::from_utf8_lossy(
            &stream.next().await.unwrap().unwrap(),
        ));
    }
    drop(stream);
    let dropped = Instant::now();
    while mock.hangups() == 0 && dropped.elapsed() < Duration::from_secs(2) {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert_eq!(mock.hangups(), 1, "the provider call was cancelled");
    let path = format!("/api/v1/conversations/{conversation}");
    let mut reply = Value::Null;
    for _ in 0..100 {
        let (_, detail) = app.json(Method::GET, &path, None).await;
        if let Some(m) = detail["data"]["messages"].as_array().and_then(|m| m.get(1)) {
            reply = m.clone();
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let metadata: Value = serde_json::from_str(reply["metadata"].as_str().unwrap()).unwrap();
    assert_eq!(metadata["interrupted"], true, "{reply}");
}

on_both_backends!(
    backend: the_seed_examples_work,
    errors_are_the_seeds,
    engine_behaviour_carries_over,
    a_hang_up_mid_stream_keeps_the_partial_answer
);
