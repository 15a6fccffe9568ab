//! Agent turns end to end (SPEC "Agents"): a bot of type `agent` with a
//! webhook tool answers through the tool in every dialect, blocking and
//! streaming, with the trace, the history and the charges to show for it.

use hania_blackbox::{Backend, Method, TestApp, on_both_backends, sse_data, sse_events};
use hania_domain::page::Page;
use hania_mock_llm::{MockConfig, MockLlm, ScriptedCall};
use hania_server::config::Config;
use hania_test_receiver::{Answer, Receiver};
use serde_json::{Value, json};

pub const QUESTION: &str = "What is the status of order 42?";
const RESULT: &str = r#"{"order_id":42,"status":"shipped"}"#;

/// A mock model that asks for `tool` (with `{"order_id": 42}`) once per
/// user message, then answers with the results.
pub async fn scripted_model(tool: &str) -> MockLlm {
    MockLlm::start(MockConfig {
        reply: "Order update: {tool_results}".into(),
        tool_calls: vec![ScriptedCall {
            name: tool.into(),
            arguments: json!({"order_id": 42}),
        }],
        ..MockConfig::default()
    })
    .await
    .unwrap()
}

/// The server on `backend` using `mock`, with loopback port calls allowed
/// to 127.0.0.1 only (the receivers listen there).
pub async fn agent_server(backend: Backend, mock: &MockLlm) -> TestApp {
    hania_blackbox::spawn_with(backend, agent_config(mock)).await
}

/// The configuration of [`agent_server`].
pub fn agent_config(mock: &MockLlm) -> Config {
    Config {
        llm_base_url: Some(mock.base_url()),
        outbound_allow_nets: Some("127.0.0.1/32".into()),
        model_prices: Some("gpt-4o-mini=1/2".into()),
        ..Config::default()
    }
}

/// A webhook tool at `url` attached to a new agent bot; returns the bot's
/// id and slug.
pub async fn agent_with_tool(app: &TestApp, url: &str, bot: Value) -> (String, String) {
    let tool = json!({"name": "order_status", "description": "Looks up an order",
        "parameters": {"type": "object", "properties": {"order_id": {"type": "integer"}}},
        "config": {"url": url}});
    let (status, created) = app.json(Method::POST, "/api/v1/tools", Some(&tool)).await;
    assert_eq!(status, 201, "{created}");
    let tool_id = created["data"]["id"].as_str().unwrap().to_owned();
    let mut body = json!({"name": "Order Agent", "system_prompt": "Use your tools.",
        "bot_type": "agent", "model": "gpt-4o-mini"});
    body.as_object_mut()
        .unwrap()
        .extend(bot.as_object().unwrap().clone());
    let bot_id = app.create_bot(&app.key, body).await;
    let (status, attached) = app
        .json(
            Method::PUT,
            &format!("/api/v1/bots/{bot_id}/tools/{tool_id}"),
            None,
        )
        .await;
    assert_eq!(status, 200, "{attached}");
    let (_, shown) = app
        .json(Method::GET, &format!("/api/v1/bots/{bot_id}"), None)
        .await;
    (bot_id, shown["data"]["slug"].as_str().unwrap().to_owned())
}

/// A message's metadata as JSON (the API may carry it as a string).
pub fn metadata(message: &Value) -> Value {
    match &message["metadata"] {
        Value::String(text) => serde_json::from_str(text).unwrap(),
        other => other.clone(),
    }
}

/// The trace of a conversation.
pub async fn trace(app: &TestApp, conversation: &str) -> Vec<Value> {
    let (_, trace) = app
        .json(
            Method::GET,
            &format!("/api/v1/conversations/{conversation}/trace"),
            None,
        )
        .await;
    trace["data"].as_array().unwrap().clone()
}

async fn post(app: &TestApp, path: &str, auth: (&str, String), body: Value) -> (u16, String) {
    let response = app
        .client
        .post(format!("{}{path}", app.base))
        .header(auth.0, auth.1)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

/// Asks the question in every dialect, blocking and streaming; returns
/// the conversations, with the answers checked.
async fn ask_in_every_dialect(app: &TestApp, bot: &str, slug: &str) -> Vec<String> {
    let bearer = ("Authorization", format!("Bearer {}", app.key));
    let mut conversations = Vec::new();
    let says_shipped = |text: &str| text.contains(r#""status":"shipped""#);

    let (status, body) = post(
        app,
        "/api/v1/chat/send",
        bearer.clone(),
        json!({"bot_id": bot, "message": QUESTION}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let reply: Value = serde_json::from_str(&body).unwrap();
    assert!(
        says_shipped(reply["data"]["response"].as_str().unwrap()),
        "{reply}"
    );
    conversations.push(
        reply["data"]["conversation_id"]
            .as_str()
            .unwrap()
            .to_owned(),
    );

    let (status, body) = post(
        app,
        "/api/v1/chat/send-stream",
        bearer.clone(),
        json!({"bot_id": bot, "message": QUESTION}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let events = sse_events(&body);
    let names: Vec<&str> = events.iter().map(|(n, _)| n.as_str()).collect();
    let at = |name| {
        names
            .iter()
            .position(|n| *n == name)
            .unwrap_or_else(|| panic!("{body}"))
    };
    assert!(
        at("start") < at("tool_call") && at("tool_call") < at("tool_result"),
        "{body}"
    );
    assert!(
        at("tool_result") < at("delta") && at("delta") < at("done"),
        "{body}"
    );
    let (_, call) = &events[at("tool_call")];
    assert_eq!(call["name"], "order_status", "{body}");
    assert_eq!(
        serde_json::from_str::<Value>(call["arguments"].as_str().unwrap()).unwrap(),
        json!({"order_id": 42})
    );
    let (_, result) = &events[at("tool_result")];
    assert_eq!(
        (result["id"].clone(), result["ok"].clone()),
        (call["id"].clone(), json!(true))
    );
    assert!(result["duration_ms"].is_u64(), "{body}");
    let text: String = events
        .iter()
        .filter(|(n, _)| n == "delta")
        .map(|(_, d)| d["content"].as_str().unwrap())
        .collect();
    let (_, done) = events.last().unwrap();
    assert_eq!(
        done["response"].as_str().unwrap(),
        text,
        "deltas carry the answer only"
    );
    assert!(says_shipped(&text), "{body}");
    conversations.push(done["conversation_id"].as_str().unwrap().to_owned());

    for stream in [false, true] {
        let (status, body) = post(
            app,
            &format!("/v1/api/chat/{slug}"),
            bearer.clone(),
            json!({"message": QUESTION, "stream": stream}),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        if stream {
            let text: String = sse_data(&body)
                .iter()
                .filter_map(|d| serde_json::from_str::<Value>(d).ok())
                .filter_map(|d| d["chunk"].as_str().map(str::to_owned))
                .collect();
            assert!(says_shipped(&text), "only the answer is streamed: {body}");
            assert!(!body.contains("tool_call"), "{body}");
        } else {
            let reply: Value = serde_json::from_str(&body).unwrap();
            assert!(
                says_shipped(reply["data"]["response"].as_str().unwrap()),
                "{reply}"
            );
            conversations.push(reply["data"]["conversationId"].as_str().unwrap().to_owned());
        }
    }

    let (status, body) = post(
        app,
        "/public/v1/messages",
        ("X-API-KEY", app.key.clone()),
        json!({"bot_id": slug, "content": QUESTION}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let reply: Value = serde_json::from_str(&body).unwrap();
    assert!(says_shipped(reply["answer"].as_str().unwrap()), "{reply}");
    conversations.push(reply["conversation_id"].as_str().unwrap().to_owned());
    conversations
}

async fn an_agent_answers_through_its_tool_in_every_dialect(backend: Backend) {
    let receiver = Receiver::start(Answer::ok(RESULT)).await;
    let mock = scripted_model("order_status").await;
    let app = agent_server(backend, &mock).await;
    let url = format!("http://127.0.0.1:{}/orders", receiver.port);
    let (bot, slug) = agent_with_tool(&app, &url, json!({})).await;
    let before = app.store.get_billing(app.workspace).await.unwrap().balance;

    let conversations = ask_in_every_dialect(&app, &bot, &slug).await;
    let requests = receiver.requests();
    assert_eq!(requests.len(), 5, "one tool call per turn, five turns");
    for request in &requests {
        assert_eq!(
            serde_json::from_str::<Value>(&request.body).unwrap(),
            json!({"order_id": 42})
        );
        assert_eq!(
            request.header("x-hania-tool").as_deref(),
            Some("order_status")
        );
        assert!(
            request
                .header("x-hania-signature")
                .unwrap()
                .starts_with("t=")
        );
        assert!(request.header("idempotency-key").is_some());
    }

    // Each turn: the question, the call, its result, the answer.
    let first = &conversations[0];
    let (_, detail) = app.conversation(first).await;
    let messages = detail["data"]["messages"].as_array().unwrap();
    let roles: Vec<&str> = messages
        .iter()
        .map(|m| m["role"].as_str().unwrap())
        .collect();
    assert_eq!(roles, ["user", "assistant", "tool", "assistant"]);
    let asked = metadata(&messages[1]);
    let call_id = asked["tool_calls"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(asked["tool_calls"][0]["name"], "order_status");
    assert_eq!(metadata(&messages[2])["tool_call_id"], call_id.as_str());
    assert_eq!(messages[2]["content"], RESULT);

    let steps = trace(&app, first).await;
    let kinds: Vec<&str> = steps
        .iter()
        .map(|s| s["action_type"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["model_call", "tool_call", "model_call"]);
    for model in [&steps[0], &steps[2]] {
        assert!(model["prompt_tokens"].as_u64().unwrap() > 0, "{model}");
        assert!(model["completion_tokens"].is_u64(), "{model}");
    }
    assert_eq!(steps[1]["tool_function"], "order_status");
    assert_eq!(steps[1]["action_name"], "order_status");
    assert!(steps[1]["tool_execution_ms"].is_u64(), "{}", steps[1]);
    assert_eq!(steps[1]["result_summary"], RESULT);

    // Every model call is one ledger row; they sum to the balance change.
    let ledger = app
        .store
        .list_ledger(app.workspace, Page::new(Some(500), None).unwrap())
        .await
        .unwrap();
    let charges: Vec<_> = ledger.iter().filter(|e| e.amount.0 < 0).collect();
    assert_eq!(charges.len(), 10, "five turns of two model calls each");
    let after = app.store.get_billing(app.workspace).await.unwrap().balance;
    let charged: i64 = charges.iter().map(|e| e.amount.0).sum();
    assert_eq!(before.0 + charged, after.0);
    let per_step: i64 = charges
        .iter()
        .filter(|e| e.conversation_id.map(|c| c.to_string()) == Some(first.clone()))
        .map(|e| -e.amount.0)
        .sum();
    let tokens = |s: &Value, k: &str| s[k].as_i64().unwrap();
    let priced = |s: &Value| tokens(s, "prompt_tokens") + 2 * tokens(s, "completion_tokens");
    assert_eq!(
        per_step,
        priced(&steps[0]) + priced(&steps[2]),
        "the charge is the sum of the calls"
    );

    // The next turn sends the history in the form OpenAI accepts.
    let bearer = ("Authorization", format!("Bearer {}", app.key));
    let (status, body) = post(
        &app,
        "/api/v1/chat/send",
        bearer,
        json!({"bot_id": bot, "conversation_id": first, "message": "And order 43?"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let sent = mock.requests().last().unwrap()["messages"].clone();
    let sent = sent.as_array().unwrap();
    for (i, message) in sent.iter().enumerate() {
        if message["role"] == "tool" {
            let asking = &sent[i - 1];
            assert_eq!(asking["role"], "assistant", "{sent:?}");
            assert_eq!(
                asking["tool_calls"][0]["id"], message["tool_call_id"],
                "{sent:?}"
            );
        }
    }
    assert!(
        sent.iter().any(|m| m["tool_call_id"] == call_id.as_str()),
        "{sent:?}"
    );
}

on_both_backends!(backend: an_agent_answers_through_its_tool_in_every_dialect);
