//! Faults found by trying the server as an attacker would (issue 10):
//! values PostgreSQL would store but not read back, and NUL bytes in
//! lookups. Each answered 500 on PostgreSQL before its fix.

use hania_blackbox::{Method, TestApp, on_both_backends, read};
use serde_json::{Value, json};

/// The largest f64, which PostgreSQL stores exactly and prints as a
/// 309-digit integer that no longer parses as a finite f64.
const HUGE: &str = "1.7976931348623157e+308";

fn with_huge(template: &str) -> Value {
    serde_json::from_str(&template.replace("HUGE", HUGE)).unwrap()
}

async fn huge_json_numbers_are_refused_naming_the_field(app: TestApp) {
    let bot = app
        .create_bot(&app.key, json!({"name": "Ok", "system_prompt": "s"}))
        .await;
    let cases = [
        (
            Method::POST,
            "/api/v1/bots".to_owned(),
            r#"{"name": "f64", "system_prompt": "s", "settings": {"x": HUGE}}"#,
            "settings",
        ),
        (
            Method::PUT,
            format!("/api/v1/bots/{bot}"),
            r#"{"output_config": {"type": "json_schema", "name": "n", "schema": {"maximum": HUGE}}}"#,
            "output_config",
        ),
        (
            Method::POST,
            "/api/v1/tools".to_owned(),
            r#"{"name": "t", "config": {"url": "https://e.example"}, "parameters": {"type": "object", "maximum": HUGE}}"#,
            "parameters",
        ),
    ];
    for (method, path, body, field) in cases {
        let (status, reply) = app
            .json(method.clone(), &path, Some(&with_huge(body)))
            .await;
        assert_eq!(status, 400, "{method} {path}: {reply}");
        assert_eq!(reply["code"], "VALIDATION_ERROR");
        assert!(
            reply["message"].as_str().unwrap().starts_with(field),
            "{reply}"
        );
    }
    let tool = json!({"name": "crm", "config": {"url": "https://crm.example.com"}});
    let (_, tool) = app.json(Method::POST, "/api/v1/tools", Some(&tool)).await;
    let hook = with_huge(&format!(
        r#"{{"tool_configuration_id": "{}", "params_template": {{"n": HUGE}}}}"#,
        tool["data"]["id"].as_str().unwrap()
    ));
    let hooks = format!("/api/v1/bots/{bot}/post-call-hooks");
    let (status, reply) = app.json(Method::POST, &hooks, Some(&hook)).await;
    assert_eq!(status, 400, "{reply}");
    assert!(
        reply["message"]
            .as_str()
            .unwrap()
            .starts_with("params_template")
    );
    // Nothing half-stored makes the workspace unreadable.
    for list in ["/api/v1/bots", "/api/v1/tools", hooks.as_str()] {
        let (status, _) = app.json(Method::GET, list, None).await;
        assert_eq!(status, 200, "{list}");
    }
    // 1e300 is fine and reads back.
    let fine = json!({"name": "fine", "system_prompt": "s", "settings": {"x": 1e300}});
    let id = app.create_bot(&app.key, fine).await;
    let (status, got) = app
        .json(Method::GET, &format!("/api/v1/bots/{id}"), None)
        .await;
    assert_eq!(status, 200, "{got}");
}

async fn nul_bytes_in_lookups_are_4xx(app: TestApp) {
    let (status, reply) = read(
        app.call(
            Method::POST,
            "/v1/api/chat/a%00b",
            &app.key,
            Some(&json!({"message": "hi"})),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, reply["error"]["name"].as_str()),
        (404, Some("NotFoundError")),
        "{reply}"
    );
    let hansei = json!({"bot_id": "a\u{0}b", "content": "hi"});
    let (status, reply) = read(
        app.call(Method::POST, "/public/v1/messages", &app.key, Some(&hansei))
            .await,
    )
    .await;
    assert_eq!(
        (status, reply["code"].as_str()),
        (404, Some("NOT_FOUND")),
        "{reply}"
    );
    for query in [
        "/api/v1/bots?metadata.x%00y=1",
        "/api/v1/bots?metadata.x=a%00b",
    ] {
        let (status, reply) = app.json(Method::GET, query, None).await;
        assert_eq!(
            (status, reply["code"].as_str()),
            (400, Some("INVALID_PARAMETER")),
            "{query}: {reply}"
        );
    }
}

/// Settled in one stroke (item 10): bodies declared as something other
/// than JSON are 415 on the native API (the dialects stay lenient), an
/// array is no update, and every native route refuses query parameters
/// it does not document.
async fn bodies_and_queries_are_refused_consistently(app: TestApp) {
    let bot = app
        .create_bot(&app.key, json!({"name": "Strict", "system_prompt": "s"}))
        .await;
    let raw = |method: Method, path: &str, content_type: &'static str, body: String| {
        let request = reqwest::Client::new()
            .request(method, format!("{}{path}", app.base))
            .bearer_auth(&app.key)
            .header("content-type", content_type)
            .body(body);
        async move { read(request.send().await.unwrap()).await }
    };
    let body = r#"{"name": "x", "system_prompt": "y"}"#.to_owned();
    let (status, reply) = raw(Method::POST, "/api/v1/bots", "text/plain", body.clone()).await;
    assert_eq!(
        (status, reply["code"].as_str()),
        (415, Some("UNSUPPORTED_MEDIA_TYPE")),
        "{reply}"
    );
    let chat = r#"{"bot_id": "BOT", "message": "hi"}"#.replace("BOT", &bot);
    let (status, _) = raw(Method::POST, "/api/v1/chat/send", "text/plain", chat).await;
    assert_eq!(status, 415);
    let (status, reply) = raw(
        Method::POST,
        "/api/v1/bots",
        "application/json; charset=utf-8",
        body,
    )
    .await;
    assert_eq!(status, 201, "{reply}");
    // The Hansei dialect reads its body whatever its Content-Type.
    let hansei = r#"{"bot_id": "BOT", "content": "hi"}"#.replace("BOT", &bot);
    let request = reqwest::Client::new()
        .post(format!("{}/public/v1/messages", app.base))
        .header("x-api-key", &app.key)
        .header("content-type", "text/plain")
        .body(hansei);
    let (status, reply) = read(request.send().await.unwrap()).await;
    assert_eq!(status, 200, "{reply}");

    let (status, reply) = app
        .json(
            Method::PUT,
            &format!("/api/v1/bots/{bot}"),
            Some(&json!([])),
        )
        .await;
    assert_eq!(
        (status, reply["code"].as_str()),
        (400, Some("VALIDATION_ERROR")),
        "{reply}"
    );

    for path in [
        "/api/v1/billing?foo=1".to_owned(),
        "/api/v1/tools?limit=5".to_owned(),
        "/api/v1/keys?x=1".to_owned(),
        "/api/v1/widgets/keys?active=true".to_owned(),
        format!("/api/v1/bots/{bot}?verbose=1"),
    ] {
        let (status, reply) = app.json(Method::GET, &path, None).await;
        assert_eq!(
            (status, reply["code"].as_str()),
            (400, Some("INVALID_PARAMETER")),
            "{path}: {reply}"
        );
        assert!(
            reply["message"]
                .as_str()
                .unwrap()
                .contains("unknown query parameter")
        );
    }
    let (status, _) = app
        .json(Method::GET, "/api/v1/bots?metadata.k=v", None)
        .await;
    assert_eq!(status, 200, "documented parameters still work");
}

on_both_backends!(
    huge_json_numbers_are_refused_naming_the_field,
    nul_bytes_in_lookups_are_4xx,
    bodies_and_queries_are_refused_consistently
);
