//! The Hansei-compatible dialect (seed `003_*`), driven the way a Hansei
//! client does: `X-API-KEY`, the seed's own bodies, `{code, message}` errors.

use hania_blackbox::{Backend, TestApp, on_both_backends, spawn_with_mock};
use hania_domain::billing::BillingStatus;
use hania_mock_llm::MockLlm;
use reqwest::Response;
use serde_json::{Value, json};

/// The seed's curl example body, verbatim.
const SEED_EXAMPLE: &str =
    r#"{"value":{"bot_id":"bot_4uPeOYWyQ01C8Epg","content":"How do I download my salary slips?"}}"#;

async fn app_with(backend: Backend) -> (TestApp, MockLlm) {
    spawn_with_mock(
        backend,
        "To download your salary slips, please visit Profile > Documents.",
    )
    .await
}

/// `POST /public/v1/messages` as the seed's curl sends it.
async fn post(app: &TestApp, key: Option<&str>, body: &str) -> Response {
    let mut request = app
        .client
        .post(format!("{}/public/v1/messages", app.base))
        .header("Content-Type", "application/json")
        .body(body.to_owned());
    if let Some(key) = key {
        request = request.header("X-API-KEY", key);
    }
    request.send().await.unwrap()
}

async fn status_and_json(response: Response) -> (u16, Value) {
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

/// A Hansei error: exactly `{code, message}`.
fn assert_error(json: &Value, code: &str) {
    let keys: Vec<&String> = json.as_object().unwrap().keys().collect();
    assert_eq!(keys, vec!["code", "message"], "{json}");
    assert_eq!(json["code"], code, "{json}");
    assert!(!json["message"].as_str().unwrap().is_empty());
}

/// A Hansei message: `{id, answer, conversation_id, created_at}`.
fn assert_message(json: &Value) {
    let mut keys: Vec<&String> = json.as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(
        keys,
        vec!["answer", "conversation_id", "created_at", "id"],
        "{json}"
    );
    let now_ms = time::OffsetDateTime::now_utc().unix_timestamp() * 1000;
    let created = json["created_at"].as_i64().unwrap();
    assert!((now_ms - created).abs() < 60_000, "epoch ms: {created}");
}

async fn the_seed_example_works_and_conversations_continue(backend: Backend) {
    let (app, mock) = app_with(backend).await;
    // A bot migrated from Hansei keeps its old id as its slug.
    let bot = app
        .create_bot(
            &app.key,
            json!({"name": "Payroll", "system_prompt": "Help staff.", "slug": "bot_4upeoywyq01c8epg"}),
        )
        .await;

    let (status, json) = status_and_json(post(&app, Some(&app.key), SEED_EXAMPLE).await).await;
    assert_eq!(status, 200, "{json}");
    let answer = &json["value"];
    assert_message(answer);
    assert_eq!(
        answer["answer"],
        "To download your salary slips, please visit Profile > Documents."
    );
    let conversation = answer["conversation_id"].as_str().unwrap().to_owned();

    // The plain body (the seed's other example), continuing by id.
    let plain =
        json!({"bot_id": bot, "content": "And last year's?", "conversation_id": conversation});
    let (status, json) =
        status_and_json(post(&app, Some(&app.key), &plain.to_string()).await).await;
    assert_eq!(status, 200, "{json}");
    assert_message(&json);
    assert_eq!(json["conversation_id"], conversation.as_str());
    let sent = mock.requests().last().unwrap()["messages"].clone();
    let contents: Vec<&str> = sent
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["content"].as_str().unwrap())
        .collect();
    assert_eq!(
        contents[1..],
        [
            "How do I download my salary slips?",
            "To download your salary slips, please visit Profile > Documents.",
            "And last year's?"
        ]
    );

    // The same conversation through the native API, channel `api`, with
    // the answer's id.
    let (_, detail) = app.conversation(&conversation).await;
    assert_eq!(detail["data"]["channel"], "api");
    let messages = detail["data"]["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 4);
    assert_eq!(messages[3]["id"], json["id"]);

    // No conversation id: a new conversation.
    let fresh = json!({"bot_id": bot, "content": "Hi"});
    let (_, json) = status_and_json(post(&app, Some(&app.key), &fresh.to_string()).await).await;
    assert_ne!(json["conversation_id"], conversation.as_str());
}

async fn every_error_is_code_and_message(backend: Backend) {
    let (app, _mock) = app_with(backend).await;
    let bot = app
        .create_bot(&app.key, json!({"name": "P", "system_prompt": "x"}))
        .await;
    let key = Some(app.key.as_str());
    let cases: Vec<(Option<&str>, String, u16, &str)> = vec![
        (
            key,
            json!({"bot_id": bot}).to_string(),
            400,
            "VALIDATION_ERROR",
        ),
        (
            key,
            json!({"value": {"content": "x"}}).to_string(),
            400,
            "VALIDATION_ERROR",
        ),
        (
            key,
            json!({"bot_id": bot, "content": " "}).to_string(),
            400,
            "VALIDATION_ERROR",
        ),
        (key, "{not json".into(), 400, "VALIDATION_ERROR"),
        (None, SEED_EXAMPLE.into(), 401, "UNAUTHORIZED"),
        (
            Some("hania_sk_wrong"),
            SEED_EXAMPLE.into(),
            401,
            "UNAUTHORIZED",
        ),
        (key, SEED_EXAMPLE.into(), 404, "NOT_FOUND"),
        (
            key,
            json!({"bot_id": bot, "content": "x", "conversation_id": "conv_eMB2wHLKzvaxLMDJ"})
                .to_string(),
            404,
            "NOT_FOUND",
        ),
    ];
    for (key, body, status, code) in cases {
        let (got, json) = status_and_json(post(&app, key, &body).await).await;
        assert_eq!(got, status, "{body} → {json}");
        assert_error(&json, code);
    }
    let (_, json) =
        status_and_json(post(&app, key, &json!({"bot_id": bot}).to_string()).await).await;
    assert_eq!(json["message"], "content: is required");

    let sender = app.key(app.workspace, &["bots:read"], None).await;
    let body = json!({"bot_id": bot, "content": "x"}).to_string();
    let (status, json) = status_and_json(post(&app, Some(&sender), &body).await).await;
    assert_eq!(status, 403);
    assert_error(&json, "FORBIDDEN");

    app.set_billing(BillingStatus::Suspended).await;
    let (status, json) = status_and_json(post(&app, key, &body).await).await;
    assert_eq!(status, 402);
    assert_error(&json, "SERVICE_SUSPENDED");
    app.set_billing(BillingStatus::Active).await;

    let limited = app.key(app.workspace, &["chat:send"], Some(1)).await;
    assert_eq!(post(&app, Some(&limited), &body).await.status(), 200);
    let response = post(&app, Some(&limited), &body).await;
    assert_eq!(response.status(), 429);
    for header in [
        "retry-after",
        "x-ratelimit-limit",
        "x-ratelimit-remaining",
        "x-ratelimit-reset",
    ] {
        assert!(response.headers().contains_key(header), "{header}");
    }
    assert_error(&response.json().await.unwrap(), "RATE_LIMITED");

    let wrong_method = app
        .client
        .get(format!("{}/public/v1/messages", app.base))
        .header("X-API-KEY", &app.key)
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_method.status(), 405);
    assert_error(&wrong_method.json().await.unwrap(), "METHOD_NOT_ALLOWED");
}

on_both_backends!(
    backend: the_seed_example_works_and_conversations_continue,
    every_error_is_code_and_message
);
