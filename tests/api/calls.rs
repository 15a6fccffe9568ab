//! Voice calls recorded from the operator's own voice stack, and their
//! post-call processing (SPEC "Voice calls and post-call processing"):
//! the transcript becomes an ended `voice` conversation, a durable job
//! runs the analysis (stored, found by the `analysis.*` filters) and the
//! bot's hooks (the receiver gets the rendered params), all traced in a
//! `post_call` conversation pointing at the call.

use std::time::Duration;

use hania_blackbox::{Backend, Method, TestApp, on_both_backends};
use hania_mock_llm::{MockConfig, MockLlm};
use hania_server::config::Config;
use hania_test_receiver::{Answer, Receiver};
use serde_json::{Value, json};

const ANALYSIS: &str = r#"{"sentiment": "negative", "topic": "late parcel", "outcome": "resolved", "summary": "Parcel \"ACME-7\" is late; it arrives tomorrow."}"#;

pub async fn mock() -> MockLlm {
    MockLlm::start(MockConfig {
        reply: ANALYSIS.into(),
        ..MockConfig::default()
    })
    .await
    .unwrap()
}

pub fn config(mock: &MockLlm) -> Config {
    Config {
        llm_base_url: Some(mock.base_url()),
        outbound_allow_nets: Some("127.0.0.1/32".into()),
        model_prices: Some("gpt-4o-mini=1/2".into()),
        ..Config::default()
    }
}

/// A bot with one post-call hook calling `receiver`; returns the bot id.
pub async fn bot_with_hook(app: &TestApp, receiver: &Receiver) -> String {
    let bot = app
        .create_bot(
            &app.key,
            json!({"name": "Phone Support", "system_prompt": "Help callers.", "model": "gpt-4o-mini"}),
        )
        .await;
    let tool = json!({"name": "crm_note", "description": "Writes a CRM note",
        "config": {"url": format!("http://127.0.0.1:{}/notes", receiver.port)}});
    let (status, created) = app.json(Method::POST, "/api/v1/tools", Some(&tool)).await;
    assert_eq!(status, 201, "{created}");
    let hook = json!({"tool_configuration_id": created["data"]["id"], "run_order": 1,
        "params_template": {"note": "{{call.summary}}", "mood": "{{analysis.sentiment}}",
            "call": "{{call.external_call_id}}", "by": ["{{bot.name}}", "{{nope}}"], "n": 2}});
    let (status, created) = app
        .json(
            Method::POST,
            &format!("/api/v1/bots/{bot}/post-call-hooks"),
            Some(&hook),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    bot
}

pub fn transcript(bot: &str, call: &str) -> Value {
    json!({"bot_id": bot, "external_call_id": call, "external_linked_id": "ticket-9",
    "started_at": "2026-12-02T09:00:00Z", "ended_at": "2026-12-02T09:03:10Z",
    "turns": [
        {"role": "assistant", "content": "Acme support, how can I help?"},
        {"role": "user", "content": "My parcel is late.", "at": "2026-12-02T09:00:05Z"},
        {"role": "assistant", "content": "It arrives tomorrow."}
    ]})
}

/// Polls until `done` holds of the call's detail (at most 20 s).
pub async fn until(app: &TestApp, call: &str, done: impl Fn(&Value) -> bool) -> Value {
    for _ in 0..200 {
        let (_, detail) = app.conversation(call).await;
        if done(&detail["data"]) {
            return detail["data"].clone();
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("post-call processing did not finish for {call}");
}

/// The call's `post_call` conversation and its trace, once the trace
/// holds `hook_steps` hook attempts (a delivery is received just before
/// its step is written).
pub async fn post_call_run(app: &TestApp, call: &str, hook_steps: usize) -> (Value, Vec<Value>) {
    let path = format!("/api/v1/conversations?channel=post_call&source_conversation_id={call}");
    for _ in 0..100 {
        let (_, list) = app.json(Method::GET, &path, None).await;
        let runs = list["data"].as_array().unwrap().clone();
        assert!(runs.len() <= 1, "one post_call conversation: {list}");
        if let Some(run) = runs.first() {
            let id = run["id"].as_str().unwrap();
            let (_, trace) = app
                .json(
                    Method::GET,
                    &format!("/api/v1/conversations/{id}/trace"),
                    None,
                )
                .await;
            let trace = trace["data"].as_array().unwrap().clone();
            let hooks = trace
                .iter()
                .filter(|s| s["action_type"] == "post_call_hook")
                .count();
            if hooks >= hook_steps {
                return (run.clone(), trace);
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no post_call trace with {hook_steps} hook steps for {call}");
}

async fn a_transcript_is_analysed_and_its_hook_runs(backend: Backend) {
    let mock = mock().await;
    let receiver = Receiver::start(Answer::ok(r#"{"saved": true}"#)).await;
    let app = hania_blackbox::spawn_with(backend, config(&mock)).await;
    let bot = bot_with_hook(&app, &receiver).await;
    let (_, before) = app.json(Method::GET, "/api/v1/billing", None).await;
    let (status, recorded) = app
        .json(
            Method::POST,
            "/api/v1/calls/transcripts",
            Some(&transcript(&bot, "CA-100")),
        )
        .await;
    assert_eq!(status, 201, "{recorded}");
    let call = recorded["data"]["conversation_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, detail) = app.conversation(&call).await;
    assert_eq!(detail["data"]["channel"], "voice");
    assert_eq!(detail["data"]["ended_at"], "2026-12-02T09:03:10Z");
    let contents: Vec<&str> = detail["data"]["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["content"].as_str().unwrap())
        .collect();
    assert_eq!(
        contents,
        [
            "Acme support, how can I help?",
            "My parcel is late.",
            "It arrives tomorrow."
        ]
    );

    let analysed = until(&app, &call, |c| !c["post_call_analysis"].is_null()).await;
    assert_eq!(analysed["post_call_analysis"]["sentiment"], "negative");
    assert_eq!(analysed["post_call_analysis"]["topic"], "late parcel");
    let (_, found) = app
        .json(
            Method::GET,
            "/api/v1/conversations?analysis.sentiment=negative",
            None,
        )
        .await;
    let ids: Vec<&str> = found["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [call.as_str()], "the filter finds the call");
    let asked = &mock.requests()[0];
    assert_eq!(asked["response_format"]["type"], "json_object");
    assert!(
        asked["messages"][1]["content"]
            .as_str()
            .unwrap()
            .contains("user: My parcel is late.")
    );

    for _ in 0..100 {
        if !receiver.requests().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let deliveries = receiver.requests();
    assert_eq!(deliveries.len(), 1, "one delivery");
    let params: Value = serde_json::from_str(&deliveries[0].body).unwrap();
    assert_eq!(
        params,
        json!({"note": "Parcel \"ACME-7\" is late; it arrives tomorrow.", "mood": "negative",
            "call": "CA-100", "by": ["Phone Support", ""], "n": 2})
    );

    let (run, trace) = post_call_run(&app, &call, 1).await;
    assert_eq!(run["bot_id"], json!(bot));
    let kinds: Vec<&str> = trace
        .iter()
        .map(|s| s["action_type"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["model_call", "post_call_hook"]);
    assert_eq!(trace[0]["model"], "gpt-4o-mini");
    assert!(trace[0]["total_tokens"].as_u64().unwrap() > 0);
    assert_eq!(trace[1]["tool_function"], "crm_note");
    assert!(trace[1]["tool_execution_ms"].is_number());
    assert!(trace[1]["error_message"].is_null());
    let (_, after) = app.json(Method::GET, "/api/v1/billing", None).await;
    assert_ne!(
        after["data"]["balance"], before["data"]["balance"],
        "the analysis is metered"
    );
}

async fn a_failing_hook_is_retried_and_each_attempt_traced(backend: Backend) {
    let mock = mock().await;
    let failing = Answer {
        status: 500,
        ..Answer::ok("boom")
    };
    let receiver = Receiver::start_sequence(vec![failing.clone(), failing, Answer::ok("{}")]).await;
    let app = hania_blackbox::spawn_with(backend, config(&mock)).await;
    let bot = bot_with_hook(&app, &receiver).await;
    let (_, recorded) = app
        .json(
            Method::POST,
            "/api/v1/calls/transcripts",
            Some(&transcript(&bot, "CA-200")),
        )
        .await;
    let call = recorded["data"]["conversation_id"]
        .as_str()
        .unwrap()
        .to_owned();
    for _ in 0..150 {
        if receiver.requests().len() >= 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (_, trace) = post_call_run(&app, &call, 3).await;
    let deliveries = receiver.requests();
    assert_eq!(deliveries.len(), 3, "two 500s, then 200");
    let keys: Vec<Option<String>> = deliveries
        .iter()
        .map(|d| d.header("idempotency-key"))
        .collect();
    assert!(
        keys[0].is_some() && keys.iter().all(|k| *k == keys[0]),
        "one key: {keys:?}"
    );
    let attempts: Vec<(&str, bool)> = trace
        .iter()
        .filter(|s| s["action_type"] == "post_call_hook")
        .map(|s| {
            (
                s["tool_function"].as_str().unwrap(),
                s["error_message"].is_null(),
            )
        })
        .collect();
    assert_eq!(
        attempts,
        [("crm_note", false), ("crm_note", false), ("crm_note", true)]
    );
    assert!(trace[1]["error_message"].as_str().unwrap().contains("500"));
}

async fn bad_transcripts_are_refused_by_field(backend: Backend) {
    let mock = mock().await;
    let receiver = Receiver::start(Answer::ok("{}")).await;
    let app = hania_blackbox::spawn_with(backend, config(&mock)).await;
    let bot = bot_with_hook(&app, &receiver).await;
    let mut bad = transcript(&bot, "CA-300");
    bad["turns"][1]["role"] = json!("caller");
    let (status, body) = app
        .json(Method::POST, "/api/v1/calls/transcripts", Some(&bad))
        .await;
    assert_eq!(status, 400, "{body}");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .starts_with("turns[1].role"),
        "{body}"
    );
    let mut early = transcript(&bot, "CA-300");
    early["ended_at"] = json!("2026-12-02T08:00:00Z");
    let (status, body) = app
        .json(Method::POST, "/api/v1/calls/transcripts", Some(&early))
        .await;
    assert_eq!(status, 400);
    assert!(
        body["message"].as_str().unwrap().starts_with("ended_at"),
        "{body}"
    );
    let mut long = transcript(&bot, "CA-300");
    long["turns"] = json!(vec![json!({"role": "user", "content": "hi"}); 2001]);
    let (status, body) = app
        .json(Method::POST, "/api/v1/calls/transcripts", Some(&long))
        .await;
    assert_eq!(status, 400);
    assert!(
        body["message"].as_str().unwrap().starts_with("turns"),
        "{body}"
    );

    let (status, _) = app
        .json(
            Method::POST,
            "/api/v1/calls/transcripts",
            Some(&transcript(&bot, "CA-300")),
        )
        .await;
    assert_eq!(status, 201);
    let (status, body) = app
        .json(
            Method::POST,
            "/api/v1/calls/transcripts",
            Some(&transcript(&bot, "CA-300")),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (409, Some("CONFLICT")),
        "{body}"
    );
    let (_, voice) = app
        .json(Method::GET, "/api/v1/conversations?channel=voice", None)
        .await;
    assert_eq!(voice["data"].as_array().unwrap().len(), 1);

    let (status, body) = app
        .json(
            Method::POST,
            "/api/v1/calls",
            Some(&json!({"bot_id": bot, "to_number": "+4712345678"})),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (503, Some("UNAVAILABLE")),
        "{body}"
    );
    let (status, _) = app
        .json(
            Method::POST,
            "/api/v1/calls",
            Some(&json!({"bot_id": bot, "to_number": "12345"})),
        )
        .await;
    assert_eq!(status, 400);
}

on_both_backends!(
    backend: a_transcript_is_analysed_and_its_hook_runs,
    a_failing_hook_is_retried_and_each_attempt_traced,
    bad_transcripts_are_refused_by_field
);
