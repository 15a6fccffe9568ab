//! The served spec states the rules the server enforces (issue 10, item
//! 11: what schemathesis found), and the server agrees with the spec where
//! they used to differ.

use hania_blackbox::{TestApp, on_both_backends, spawn};
use reqwest::Method;
use serde_json::{Value, json};

async fn served_spec(app: &TestApp) -> Value {
    app.get("/openapi.json").await.json().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_served_spec_states_the_input_rules() {
    let app = spawn(hania_blackbox::Backend::Sqlite).await;
    let spec = served_spec(&app).await;
    let schemas = &spec["components"]["schemas"];
    let create = &schemas["BotCreateInput"]["allOf"][1]["properties"];
    assert_eq!(create["name"]["minLength"], 1);
    let not_blank = create["name"]["pattern"].as_str().unwrap();
    assert!(not_blank.contains("\\u3000"), "{not_blank}");
    let bot = &schemas["BotInput"]["properties"];
    assert_eq!(bot["description"]["pattern"], "^[^\\u0000]*$");
    assert_eq!(
        bot["settings"]["additionalProperties"]["$ref"],
        "#/components/schemas/JsonValue"
    );
    assert_eq!(bot["metadata"]["propertyNames"]["minLength"], 1);
    assert_eq!(schemas["JsonValue"]["maximum"], 1e300);
    assert!(
        schemas["AbilityName"]["enum"]
            .as_array()
            .unwrap()
            .contains(&json!("bots:*"))
    );
    let send = &spec["paths"]["/api/v1/chat/send"]["post"];
    let idempotency = &send["parameters"][0]["schema"];
    assert_eq!(idempotency["pattern"], "^[!-~]+$");
    assert_eq!(idempotency["maxLength"], 255);
    let hansei = &spec["paths"]["/public/v1/messages"]["post"]["security"];
    assert_eq!(
        hansei,
        &json!([{"hansei_api_key": ["chat:send"]}, {"bearer": ["chat:send"]}])
    );
    let stream = &spec["paths"]["/api/v1/chat/send-stream"]["post"]["responses"]["200"]["content"]
        ["text/event-stream"]["schema"];
    assert_eq!(stream["$ref"], "#/components/schemas/ChatStreamEvent");
    the_streams_are_typed_per_event(schemas);
}

/// Each stream is a `oneOf` of its events, named per dialect, each
/// event's data typed by its payload's component.
fn the_streams_are_typed_per_event(schemas: &Value) {
    let chat = &schemas["ChatStreamEvent"];
    let variants: Vec<&str> = chat["oneOf"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["$ref"].as_str().unwrap())
        .collect();
    assert_eq!(variants.len(), 6, "{chat}");
    assert_eq!(chat["discriminator"]["propertyName"], "event");
    assert_eq!(
        chat["discriminator"]["mapping"]["tool_call"],
        "#/components/schemas/ChatStreamToolCall"
    );
    let tool_call = &schemas["ChatStreamToolCall"]["properties"];
    assert_eq!(tool_call["event"]["const"], "tool_call");
    assert_eq!(
        tool_call["data"]["contentSchema"]["$ref"],
        "#/components/schemas/StreamToolCall"
    );
    assert_eq!(tool_call["data"]["contentMediaType"], "application/json");
    assert_eq!(
        schemas["WidgetStreamDone"]["properties"]["data"]["contentSchema"]["$ref"],
        "#/components/schemas/WidgetChatReply"
    );
    assert_eq!(
        schemas["WidgetStreamEvent"]["oneOf"]
            .as_array()
            .unwrap()
            .len(),
        4
    );
    assert_eq!(
        schemas["DiscoverStreamDraft"]["properties"]["data"]["contentSchema"]["$ref"],
        "#/components/schemas/DiscoverReply"
    );
    let slug = &schemas["SlugStreamEvent"];
    assert!(slug.get("discriminator").is_none(), "{slug}");
    assert_eq!(
        schemas["SlugStreamDone"]["properties"]["data"]["const"],
        "[DONE]"
    );
    assert!(
        schemas["SlugStreamChunk"]["properties"]
            .get("event")
            .is_none()
    );
    for payload in [
        "StreamStart",
        "StreamDelta",
        "StreamToolResult",
        "StreamError",
        "DiscoverProgress",
        "SlugFailure",
        "SlugChunk",
    ] {
        assert!(schemas[payload]["properties"].is_object(), "{payload}");
    }
}

/// JSON Schema's `integer` includes `80.0`; so does every integer field.
async fn whole_floats_are_integers(app: TestApp) {
    let (status, key) = app
        .json(
            Method::POST,
            "/api/v1/keys",
            Some(&json!({"name": "k", "abilities": ["bots:read"], "rate_limit_per_hour": 600.0})),
        )
        .await;
    assert_eq!(status, 201, "{key}");
    let (status, body) = app
        .json(
            Method::POST,
            "/api/v1/bots",
            Some(&json!({"name": "B", "system_prompt": "s", "max_iterations": 12.0})),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let id = body["data"]["id"].as_str().unwrap();
    let (_, bot) = app
        .json(Method::GET, &format!("/api/v1/bots/{id}"), None)
        .await;
    assert_eq!(bot["data"]["max_iterations"], 12, "{bot}");
    let (status, body) = app
        .json(
            Method::POST,
            "/api/v1/bots",
            Some(&json!({"name": "C", "system_prompt": "s", "max_iterations": 1.5})),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .starts_with("max_iterations"),
        "{body}"
    );
}

/// An allowed domain is exactly what the spec's pattern says: no spaces
/// around it, no port with a leading zero.
async fn allowed_domains_follow_the_documented_pattern(app: TestApp) {
    let bot = app
        .create_bot(&app.key, json!({"name": "W", "system_prompt": "s"}))
        .await;
    for (domain, status) in [
        ("shop.example.com:8080", 201),
        (" shop.example.com", 400),
        ("x.com:080", 400),
    ] {
        let (got, body) = app
            .json(
                Method::POST,
                "/api/v1/widgets/keys",
                Some(&json!({"bot_id": bot, "allowed_domains": [domain]})),
            )
            .await;
        assert_eq!(got, status, "{domain:?}: {body}");
    }
}

on_both_backends!(
    whole_floats_are_integers,
    allowed_domains_follow_the_documented_pattern
);
