//! Agent turns at their edges (SPEC "Agents", "Tools and outbound
//! calls"): `max_iterations`, a tool that fails, an address the guard
//! refuses at call time, `timeout_seconds`, and `output_config`.

use std::time::Duration;

use hania_blackbox::{Backend, Method, TestApp, on_both_backends};
use hania_domain::ids::ToolConfigId;
use hania_domain::tool::{ToolConfig, ToolKind, WebhookTool};
use hania_test_receiver::{Answer, Receiver};
use serde_json::{Value, json};

use crate::agent::{
    QUESTION, agent_config, agent_server, agent_with_tool, metadata, scripted_model, trace,
};

async fn ask(app: &TestApp, bot: &str) -> (u16, Value) {
    app.json(
        Method::POST,
        "/api/v1/chat/send",
        Some(&json!({"bot_id": bot, "message": QUESTION})),
    )
    .await
}

fn kinds(steps: &[Value]) -> Vec<&str> {
    steps
        .iter()
        .map(|s| s["action_type"].as_str().unwrap())
        .collect()
}

async fn conversation_of(app: &TestApp, reply: &Value) -> (Vec<Value>, Vec<Value>) {
    let id = reply["data"]["conversation_id"].as_str().unwrap();
    let (_, detail) = app.conversation(id).await;
    let messages = detail["data"]["messages"].as_array().unwrap().clone();
    (messages, trace(app, id).await)
}

async fn the_last_allowed_call_has_no_tools(backend: Backend) {
    let receiver = Receiver::start(Answer::ok("{}")).await;
    let mock = scripted_model("order_status").await;
    let app = agent_server(backend, &mock).await;
    let url = format!("http://127.0.0.1:{}/", receiver.port);
    let (bot, _) = agent_with_tool(&app, &url, json!({"max_iterations": 1})).await;
    let (status, reply) = ask(&app, &bot).await;
    assert_eq!(status, 200, "{reply}");
    let (_, steps) = conversation_of(&app, &reply).await;
    assert_eq!(kinds(&steps), ["agent_limit", "model_call"]);
    assert!(
        mock.requests()[0].get("tools").is_none(),
        "no tools offered"
    );
    assert_eq!(receiver.connection_count(), 0);
}

async fn a_failing_tool_is_an_error_the_model_is_told_about(backend: Backend) {
    let receiver = Receiver::start(Answer {
        status: 500,
        ..Answer::ok("database on fire")
    })
    .await;
    let mock = scripted_model("order_status").await;
    let app = agent_server(backend, &mock).await;
    let url = format!("http://127.0.0.1:{}/", receiver.port);
    let (bot, _) = agent_with_tool(&app, &url, json!({})).await;
    let (status, reply) = ask(&app, &bot).await;
    assert_eq!(status, 200, "the turn goes on: {reply}");
    let (messages, steps) = conversation_of(&app, &reply).await;
    assert_eq!(kinds(&steps), ["model_call", "tool_call", "model_call"]);
    let error = steps[1]["error_message"].as_str().unwrap();
    assert!(error.contains("500"), "{error}");
    let told: Value = serde_json::from_str(messages[2]["content"].as_str().unwrap()).unwrap();
    assert!(told["error"].as_str().unwrap().contains("500"), "{told}");
    assert_eq!(metadata(&messages[2])["ok"], false);
}

/// A tool stored pointing at `url` (as if the guard had let it through
/// at creation), attached to a new agent bot.
async fn stored_tool_bot(app: &TestApp, url: &str) -> String {
    let bot = app
        .create_bot(
            &app.key,
            json!({"name": "Agent", "system_prompt": "s", "bot_type": "agent"}),
        )
        .await;
    let now = time::OffsetDateTime::now_utc();
    let tool = ToolConfig {
        id: ToolConfigId::from_uuid(uuid::Uuid::new_v4()),
        workspace_id: app.workspace,
        name: "order_status".into(),
        description: "Looks up an order".into(),
        kind: ToolKind::Webhook(WebhookTool {
            url: url.into(),
            secret_header: None,
            timeout_ms: 2_000,
            signing_secret: None,
        }),
        parameters: json!({"type": "object"}),
        created_at: now,
        updated_at: now,
    };
    app.store.create_tool(&tool).await.unwrap();
    let bot_id = bot.parse::<uuid::Uuid>().unwrap();
    app.store
        .attach_tool(
            app.workspace,
            hania_domain::ids::BotId::from_uuid(bot_id),
            tool.id,
            now,
        )
        .await
        .unwrap();
    bot
}

async fn refused_addresses_are_never_contacted(backend: Backend) {
    // Listening on 127.0.0.2, outside the allowed 127.0.0.1/32.
    let listener = tokio::net::TcpListener::bind("127.0.0.2:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let contacted = tokio::spawn(async move { listener.accept().await.is_ok() });
    let mock = scripted_model("order_status").await;
    let app = agent_server(backend, &mock).await;
    for url in [
        format!("https://127.0.0.2:{port}/"),
        format!("http://127.0.0.2:{port}/"),
        "https://169.254.169.254/latest/meta-data".to_owned(),
    ] {
        let bot = stored_tool_bot(&app, &url).await;
        let (status, reply) = ask(&app, &bot).await;
        assert_eq!(status, 200, "{url}: {reply}");
        let (_, steps) = conversation_of(&app, &reply).await;
        let error = steps[1]["error_message"].as_str().unwrap_or_default();
        assert!(
            error.contains("loopback")
                || error.contains("metadata")
                || error.contains("link-local"),
            "{url}: the refusal says why: {}",
            steps[1]
        );
        app.store
            .delete_tool(app.workspace, tool_id(&app).await)
            .await
            .unwrap();
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(
        !contacted.is_finished(),
        "the refused address was contacted"
    );
    contacted.abort();
}

async fn tool_id(app: &TestApp) -> ToolConfigId {
    let tools = app.store.list_tools(app.workspace).await.unwrap();
    tools[0].id
}

async fn a_turn_past_its_timeout_is_504_and_keeps_what_was_done(backend: Backend) {
    let receiver = Receiver::start(Answer {
        delay: Duration::from_secs(5),
        ..Answer::ok("{}")
    })
    .await;
    let mock = scripted_model("order_status").await;
    let app = agent_server(backend, &mock).await;
    let url = format!("http://127.0.0.1:{}/", receiver.port);
    let (bot, _) = agent_with_tool(&app, &url, json!({"timeout_seconds": 1})).await;
    let started = std::time::Instant::now();
    let (status, reply) = ask(&app, &bot).await;
    assert_eq!(status, 504, "{reply}");
    assert_eq!(reply["code"], "UPSTREAM_TIMEOUT");
    assert!(
        reply["message"]
            .as_str()
            .unwrap()
            .contains("timeout_seconds"),
        "{reply}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "cut off at the bound"
    );
    let (_, list) = app
        .json(
            Method::GET,
            &format!("/api/v1/conversations?bot_id={bot}"),
            None,
        )
        .await;
    let id = list["data"][0]["id"].as_str().unwrap();
    let (_, detail) = app.conversation(id).await;
    let roles: Vec<&str> = detail["data"]["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["role"].as_str().unwrap())
        .collect();
    assert_eq!(
        roles,
        ["user", "assistant", "tool"],
        "the call and its cancelled result"
    );
    let steps = trace(&app, id).await;
    assert_eq!(kinds(&steps), ["model_call", "tool_call"]);
    assert!(
        steps[0]["completion_tokens"].is_u64(),
        "the model call is metered"
    );
    assert!(
        steps[1]["error_message"]
            .as_str()
            .unwrap()
            .starts_with("cancelled")
    );
}

async fn a_json_schema_output_is_requested_and_enforced(backend: Backend) {
    let mock = scripted_model("none").await;
    let app = agent_server(backend, &mock).await;
    let schema = json!({"type": "object", "properties": {"status": {"type": "string"}}});
    let bot = app
        .create_bot(
            &app.key,
            json!({"name": "Structured", "system_prompt": "s", "model": "gpt-4o-mini",
                "output_config": {"type": "json_schema", "name": "order", "schema": schema}}),
        )
        .await;
    let (status, reply) = ask(&app, &bot).await;
    assert_eq!(status, 502, "the mock's text is not JSON: {reply}");
    assert!(
        reply["message"].as_str().unwrap().contains("JSON"),
        "{reply}"
    );
    assert_eq!(
        mock.requests()[0]["response_format"],
        json!({"type": "json_schema", "json_schema": {"name": "order", "schema": schema}})
    );
    let mut config = hania_mock_llm::MockConfig {
        reply: r#"{"status": "shipped"}"#.into(),
        ..hania_mock_llm::MockConfig::default()
    };
    config.tool_calls.clear();
    mock.set_config(config);
    let (status, reply) = ask(&app, &bot).await;
    assert_eq!(status, 200, "{reply}");
    assert_eq!(reply["data"]["response"], r#"{"status": "shipped"}"#);
    let (status, refused) = app
        .json(
            Method::PUT,
            &format!("/api/v1/bots/{bot}"),
            Some(&json!({"output_config": {"type": "json_schema"}})),
        )
        .await;
    assert_eq!(status, 400, "{refused}");
    assert!(
        refused["message"]
            .as_str()
            .unwrap()
            .starts_with("output_config.schema")
    );
}

async fn a_hang_up_mid_loop_cancels_the_tool_call_and_keeps_the_call(backend: Backend) {
    let receiver = Receiver::start(Answer {
        delay: Duration::from_secs(5),
        ..Answer::ok("{}")
    })
    .await;
    let mock = scripted_model("order_status").await;
    // A hang-up is noticed at the next write: keep-alive comments probe
    // the silence while the tool runs.
    let config = hania_server::config::Config {
        stream_keepalive_ms: Some("100".into()),
        ..agent_config(&mock)
    };
    let app = hania_blackbox::spawn_with(backend, config).await;
    let url = format!("http://127.0.0.1:{}/", receiver.port);
    let (bot, _) = agent_with_tool(&app, &url, json!({})).await;
    let body = json!({"bot_id": bot, "message": QUESTION});
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
    while !seen.contains("event: tool_call") {
        let chunk = futures::StreamExt::next(&mut stream)
            .await
            .unwrap()
            .unwrap();
        seen.push_str(&String::from_utf8_lossy(&chunk));
    }
    let conversation = hania_blackbox::sse_events(&seen)[0].1["conversation_id"]
        .as_str()
        .unwrap()
        .to_owned();
    drop(stream);
    let dropped = std::time::Instant::now();
    let mut steps = Vec::new();
    while steps.len() < 2 && dropped.elapsed() < Duration::from_secs(3) {
        tokio::time::sleep(Duration::from_millis(20)).await;
        steps = trace(&app, &conversation).await;
    }
    assert!(
        dropped.elapsed() < Duration::from_secs(3),
        "the tool call was not cut off"
    );
    assert_eq!(kinds(&steps), ["model_call", "tool_call"]);
    let error = steps[1]["error_message"].as_str().unwrap();
    assert!(
        error.starts_with("cancelled: The client disconnected"),
        "{error}"
    );
    let (_, detail) = app.conversation(&conversation).await;
    assert_eq!(detail["data"]["messages"].as_array().unwrap().len(), 3);
}

async fn agent_mode_makes_a_chatbot_turn_an_agent_turn(backend: Backend) {
    let receiver = Receiver::start(Answer::ok(r#"{"status":"shipped"}"#)).await;
    let mock = scripted_model("order_status").await;
    let app = agent_server(backend, &mock).await;
    let url = format!("http://127.0.0.1:{}/", receiver.port);
    let (bot, _) = agent_with_tool(&app, &url, json!({"bot_type": "chatbot"})).await;
    let (status, plain) = ask(&app, &bot).await;
    assert_eq!(status, 200, "{plain}");
    assert!(
        mock.requests()[0].get("tools").is_none(),
        "a chat turn offers no tools"
    );
    let (status, agent) = app
        .json(
            Method::POST,
            "/api/v1/chat/send",
            Some(&json!({"bot_id": bot, "message": QUESTION, "agent_mode": true})),
        )
        .await;
    assert_eq!(status, 200, "{agent}");
    assert!(
        agent["data"]["response"]
            .as_str()
            .unwrap()
            .contains("shipped"),
        "{agent}"
    );
    assert_eq!(receiver.requests().len(), 1);
}

on_both_backends!(
    backend: the_last_allowed_call_has_no_tools,
    a_failing_tool_is_an_error_the_model_is_told_about,
    refused_addresses_are_never_contacted,
    a_turn_past_its_timeout_is_504_and_keeps_what_was_done,
    a_json_schema_output_is_requested_and_enforced,
    a_hang_up_mid_loop_cancels_the_tool_call_and_keeps_the_call,
    agent_mode_makes_a_chatbot_turn_an_agent_turn
);
