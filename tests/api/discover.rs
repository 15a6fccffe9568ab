//! `POST /api/v1/bots/discover`: the model drafts a bot; nothing is stored.

use hania_blackbox::{
    Backend, Method, TestApp, on_both_backends, read, spawn, spawn_with_mock, sse_events,
};
use hania_domain::billing::BillingStatus;
use hania_mock_llm::MockConfig;
use serde_json::{Value, json};

const DRAFT: &str = r#"{"name": "Payroll Helper", "description": "Answers payroll questions.",
"system_prompt": "You answer Acme staff's payroll questions using the documents.",
"prompt_builder": {"persona": "a payroll assistant", "instructions": ["Cite the document"]},
"chat_greeting": "Hi! Ask me about payroll.", "temperature": 0.3}"#;

fn input() -> Value {
    json!({
        "description": "A helper for Acme staff's payroll questions",
        "sources": ["Salary slips are under Profile > Documents.", "Payday is the 25th."]
    })
}

async fn discover(app: &TestApp, body: &Value, accept: Option<&str>) -> reqwest::Response {
    let mut request = app
        .client
        .post(format!("{}/api/v1/bots/discover", app.base))
        .bearer_auth(&app.key)
        .json(body);
    if let Some(accept) = accept {
        request = request.header("accept", accept);
    }
    request.send().await.unwrap()
}

/// Bots, conversations and billing, to show nothing changed.
async fn footprint(app: &TestApp) -> (Value, Value, Value, Value) {
    let (_, bots) = app.json(Method::GET, "/api/v1/bots", None).await;
    let (_, conversations) = app.json(Method::GET, "/api/v1/conversations", None).await;
    let (_, billing) = app.json(Method::GET, "/api/v1/billing", None).await;
    (
        bots["data"].clone(),
        conversations["data"].clone(),
        billing["data"]["balance"].clone(),
        billing["data"]["period_turns_used"].clone(),
    )
}

async fn drafts_come_from_the_model_and_nothing_is_stored(backend: Backend) {
    let (app, mock) = spawn_with_mock(backend, DRAFT).await;
    let before = footprint(&app).await;

    // JSON when asked for.
    let (status, json) = read(discover(&app, &input(), Some("application/json")).await).await;
    assert_eq!(status, 200, "{json}");
    let data = &json["data"];
    assert_eq!(data["draft"]["name"], "Payroll Helper");
    assert_eq!(data["draft"]["chat_greeting"], "Hi! Ask me about payroll.");
    assert_eq!(
        data["draft"]["prompt_builder"]["instructions"],
        json!(["Cite the document"])
    );
    assert_eq!(data["draft"]["temperature"], 0.3);
    assert!(data["usage"]["total_tokens"].as_u64().unwrap() > 0);
    let asked = mock.requests().last().unwrap().clone();
    assert_eq!(asked["response_format"], json!({"type": "json_object"}));
    let prompt = asked["messages"][1]["content"].as_str().unwrap();
    assert!(
        prompt.contains("payroll questions") && prompt.contains("Source 2:\nPayday is the 25th.")
    );

    // A stream by default: progress, the model's text, then the draft.
    let response = discover(&app, &input(), None).await;
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    let events = sse_events(&response.text().await.unwrap());
    assert_eq!(events[0].0, "progress");
    let text: String = events
        .iter()
        .filter(|(name, _)| name == "delta")
        .map(|(_, d)| d["content"].as_str().unwrap())
        .collect();
    assert_eq!(text, DRAFT, "the deltas are the model's whole answer");
    let (last, streamed) = events.last().unwrap();
    assert_eq!(last, "draft");
    assert_eq!(streamed["draft"], data["draft"]);

    assert_eq!(
        footprint(&app).await,
        before,
        "nothing stored, nothing charged"
    );

    // The draft is a valid create body.
    let created = app.create_bot(&app.key, data["draft"].clone()).await;
    let (_, bot) = app
        .json(Method::GET, &format!("/api/v1/bots/{created}"), None)
        .await;
    assert_eq!(bot["data"]["name"], "Payroll Helper");

    // An answer that is no configuration is the provider's failure.
    mock.set_config(MockConfig {
        reply: "Sorry, I cannot do that.".into(),
        ..MockConfig::default()
    });
    let (status, json) = read(discover(&app, &input(), Some("application/json")).await).await;
    assert_eq!(
        (status, json["code"].as_str()),
        (502, Some("UPSTREAM_ERROR"))
    );
    let events = sse_events(&discover(&app, &input(), None).await.text().await.unwrap());
    let (last, error) = events.last().unwrap();
    assert_eq!(
        (last.as_str(), error["code"].as_str()),
        ("error", Some("UPSTREAM_ERROR"))
    );
}

async fn refusals_come_before_the_stream(app: TestApp) {
    for accept in [None, Some("application/json")] {
        let empty = json!({"description": " ", "sources": []});
        let (status, json) = read(discover(&app, &empty, accept).await).await;
        assert_eq!(status, 400);
        assert!(
            json["message"].as_str().unwrap().starts_with("description"),
            "{json}"
        );
        let bad = json!({"description": "x", "sources": "not a list"});
        let (status, json) = read(discover(&app, &bad, accept).await).await;
        assert_eq!(status, 400);
        assert!(
            json["message"].as_str().unwrap().starts_with("sources"),
            "{json}"
        );

        app.set_billing(BillingStatus::Suspended).await;
        let (status, json) = read(discover(&app, &input(), accept).await).await;
        assert_eq!(
            (status, json["code"].as_str()),
            (402, Some("SERVICE_SUSPENDED"))
        );
        app.set_billing(BillingStatus::Active).await;
    }
    let reader = app.key(app.workspace, &["bots:read"], None).await;
    let response = app
        .call(
            Method::POST,
            "/api/v1/bots/discover",
            &reader,
            Some(&input()),
        )
        .await;
    assert_eq!(response.status(), 403);
    let response = app
        .call(Method::GET, "/api/v1/bots/discover", &app.key, None)
        .await;
    assert_eq!(response.status(), 405);
}

async fn offline_drafts_say_they_are_offline(backend: Backend) {
    let app = spawn(backend).await;
    let (status, json) = read(discover(&app, &input(), Some("application/json")).await).await;
    assert_eq!(status, 200, "{json}");
    assert_eq!(json["data"]["model"], "hania-offline");
    let draft = &json["data"]["draft"];
    assert_eq!(draft["name"], "A helper for Acme staff's payroll");
    assert!(
        draft["system_prompt"]
            .as_str()
            .unwrap()
            .starts_with("[offline]")
    );
    app.create_bot(&app.key, draft.clone()).await;
}

on_both_backends!(
    backend: drafts_come_from_the_model_and_nothing_is_stored,
    offline_drafts_say_they_are_offline
);

mod refusals {
    use super::*;
    on_both_backends!(refusals_come_before_the_stream);
}
