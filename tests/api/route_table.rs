//! Every keyed route, read from the served OpenAPI document (which the
//! server's route table writes: each operation's security scope is the
//! ability it needs), for the matrices in `matrix.rs`. This file only adds
//! test data: a valid body for each route that takes one. A new route is
//! in the matrices as soon as it exists; one with a body and no sample
//! here fails them until one is added.

use hania_blackbox::{Method, TestApp, read};
use hania_domain::ability::Ability;
use serde_json::{Value, json};

/// One keyed route, the ability it needs and a valid body (with
/// `{bot}`-style placeholders).
pub struct Route {
    pub method: Method,
    /// The path with placeholders: `/api/v1/bots/{bot}/post-call-hooks`.
    pub path: String,
    pub ability: Ability,
    pub body: Option<Value>,
}

impl Route {
    /// Whether the route is one of the native API's (`/api/v1`).
    pub fn is_native(&self) -> bool {
        self.path.starts_with("/api/v1/")
    }
}

/// The ability each route must need (the product's rule, written here
/// independently of the server's table), by method and documented path.
fn expected_ability(method: &str, path: &str) -> Option<Ability> {
    use Ability::*;
    let resource = path.trim_start_matches("/api/v1/").split('/').next()?;
    Some(match (method, path, resource) {
        (_, "/public/v1/messages" | "/v1/api/chat/{slug}", _) => ChatSend,
        (_, "/api/v1/chat/send" | "/api/v1/chat/send-stream", _) => ChatSend,
        ("GET", _, "bots") => BotsRead,
        (_, _, "bots") => BotsWrite,
        ("GET", _, "conversations") => ConversationsRead,
        (_, _, "conversations") => ConversationsWrite,
        ("GET", _, "tools") => ToolsRead,
        (_, _, "tools") => ToolsWrite,
        ("GET", _, "widgets") => WidgetsRead,
        (_, _, "widgets") => WidgetsWrite,
        (_, _, "keys") => KeysWrite,
        ("GET", _, "billing") => BillingRead,
        ("POST", _, "calls") => CallsWrite,
        _ => return None,
    })
}

/// A valid body for each route that takes one, by method and documented
/// path.
fn sample_body(method: &str, path: &str) -> Option<Value> {
    Some(match (method, path) {
        ("POST", "/api/v1/bots") => json!({"name": "x", "system_prompt": "y"}),
        ("PUT", "/api/v1/bots/{botID}") => json!({"name": "hijacked"}),
        ("PATCH", "/api/v1/bots/{botID}/metadata") => json!({"owner": "attacker"}),
        ("POST", "/api/v1/bots/{botID}/run") => json!({"input": "Spend their money"}),
        ("POST", "/api/v1/bots/{botID}/post-call-hooks") => {
            json!({"tool_configuration_id": "{tool}"})
        }
        ("PUT", "/api/v1/bots/{botID}/post-call-hooks/{hookID}") => json!({"enabled": false}),
        ("POST", "/api/v1/tools") => {
            json!({"name": "t2", "config": {"url": "https://example.com"}})
        }
        ("PUT", "/api/v1/tools/{toolID}") => json!({"description": "hijacked"}),
        ("POST", "/api/v1/widgets/keys") => json!({"bot_id": "{bot}"}),
        ("PUT", "/api/v1/widgets/keys/{keyID}") => json!({"is_active": false}),
        ("POST", "/api/v1/keys") => json!({"name": "k", "abilities": ["keys:write"]}),
        ("POST", "/api/v1/chat/send") | ("POST", "/api/v1/chat/send-stream") => {
            json!({"bot_id": "{bot}", "message": "hi"})
        }
        ("POST", "/api/v1/bots/discover") => json!({"description": "A support bot"}),
        ("POST", "/api/v1/calls") => json!({"bot_id": "{bot}", "to_number": "+4712345678"}),
        ("POST", "/api/v1/calls/transcripts") => json!({"bot_id": "{bot}",
            "started_at": "2026-12-02T09:00:00Z", "ended_at": "2026-12-02T09:01:00Z",
            "turns": [{"role": "user", "content": "hi"}]}),
        ("POST", "/public/v1/messages") => json!({"bot_id": "{bot}", "content": "hi"}),
        ("POST", "/v1/api/chat/{slug}") => json!({"message": "hi"}),
        _ => return None,
    })
}

/// The documented path with each parameter replaced by the placeholder of
/// the resource whose collection precedes it (`/tools/{toolID}` → `{tool}`).
fn with_placeholders(path: &str) -> String {
    let segments: Vec<&str> = path.split('/').collect();
    let mut out = Vec::new();
    for (i, segment) in segments.iter().enumerate() {
        if !segment.starts_with('{') {
            out.push((*segment).to_owned());
            continue;
        }
        let before = (segments[..i - 1].last().copied(), segments[i - 1]);
        let placeholder = match before {
            (Some("widgets"), "keys") => "{widget}",
            (_, "bots") => "{bot}",
            (_, "conversations") => "{conversation}",
            (_, "tools") => "{tool}",
            (_, "post-call-hooks") => "{hook}",
            (_, "keys") => "{key}",
            (_, "chat") => "{slug}",
            (_, other) => panic!("no placeholder for a parameter after /{other}/ in {path}"),
        };
        out.push(placeholder.to_owned());
    }
    out.join("/")
}

/// Every keyed route of the served document.
pub async fn routes(app: &TestApp) -> Vec<Route> {
    let (status, doc) = read(app.get("/openapi.json").await).await;
    assert_eq!(status, 200);
    let mut routes = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("path item") {
            let Some(requirement) = operation["security"][0].as_object() else {
                continue; // Open routes (health checks) need no key.
            };
            if requirement.contains_key("widget_key") {
                continue; // Widget routes take widget keys (tests/api/widget.rs).
            }
            let scopes: Vec<&str> = requirement
                .values()
                .flat_map(|s| s.as_array().expect("scopes"))
                .map(|s| s.as_str().expect("scope"))
                .collect();
            assert_eq!(scopes.len(), 1, "{method} {path}: one ability per route");
            let ability = *Ability::ALL
                .iter()
                .find(|a| a.as_str() == scopes[0])
                .expect("a known ability");
            let method = method.to_ascii_uppercase();
            assert_eq!(
                Some(ability),
                expected_ability(&method, path),
                "{method} {path}: documented ability (add new routes to expected_ability)"
            );
            let body = sample_body(&method, path);
            if operation.get("requestBody").is_some() {
                assert!(body.is_some(), "add a sample body for {method} {path}");
            }
            routes.push(Route {
                method: Method::from_bytes(method.as_bytes()).expect("a method"),
                path: with_placeholders(path),
                ability,
                body,
            });
        }
    }
    routes
}

/// The router serves exactly the documented operations: each answers
/// (not 405, not "No such endpoint"), and every other method of a
/// documented path is 405 with `Allow` naming the documented ones.
async fn the_router_serves_exactly_the_documented_operations(app: TestApp) {
    let (_, doc) = read(app.get("/openapi.json").await).await;
    let nil = "00000000-0000-0000-0000-000000000000";
    let all = ["GET", "POST", "PUT", "PATCH", "DELETE"];
    for (path, item) in doc["paths"].as_object().expect("paths") {
        if path.starts_with("/api/v1/widget/") {
            continue; // Behind a widget key and an Origin (tests/api/widget.rs).
        }
        let concrete = with_placeholders(path)
            .replace("{slug}", "nobody")
            .split('/')
            .map(|s| if s.starts_with('{') { nil } else { s })
            .collect::<Vec<_>>()
            .join("/");
        let documented: Vec<String> = item
            .as_object()
            .expect("item")
            .keys()
            .map(|m| m.to_ascii_uppercase())
            .collect();
        for method in all {
            let response = app
                .call(
                    Method::from_bytes(method.as_bytes()).unwrap(),
                    &concrete,
                    &app.key,
                    None,
                )
                .await;
            let allow = response
                .headers()
                .get("allow")
                .map(|v| v.to_str().unwrap().to_owned());
            // The widget's script and demo page answer JavaScript and HTML.
            let status = response.status().as_u16();
            let text = response.text().await.unwrap();
            let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
            if documented.iter().any(|m| m == method) {
                assert_ne!(status, 405, "{method} {path}: {body}");
                assert!(
                    !body.to_string().contains("No such endpoint"),
                    "{method} {path}"
                );
            } else {
                assert_eq!(status, 405, "{method} {path} is not documented: {body}");
                let mut allowed: Vec<String> = allow
                    .unwrap_or_default()
                    .split(", ")
                    .map(str::to_owned)
                    .collect();
                let mut expected = documented.clone();
                allowed.sort();
                expected.sort();
                assert_eq!(allowed, expected, "Allow of {path}");
            }
        }
    }
}

hania_blackbox::on_both_backends!(the_router_serves_exactly_the_documented_operations);
