//! The ability matrix (every route, with a key lacking exactly its
//! ability, is 403) and the tenant-isolation matrix (every route given
//! another workspace's ids is 404 and changes nothing).

use hania_blackbox::{Method, TestApp, on_both_backends, read};
use hania_domain::ability::Ability;
use hania_domain::conversation::Channel;
use serde_json::{Value, json};

use crate::conversations::seed_conversation;
use crate::route_table::routes;

/// One workspace's resources, by placeholder.
struct Ids {
    bot: String,
    conversation: String,
    tool: String,
    hook: String,
    widget: String,
    key: String,
}

impl Ids {
    async fn seed(app: &TestApp) -> Ids {
        let bot = app
            .create_bot(
                &app.key,
                json!({"name": "Theirs", "system_prompt": "secret prompt", "metadata": {"k": "v"}}),
            )
            .await;
        let conversation = seed_conversation(app, &bot, Channel::Api, 1).await;
        let tool_body = json!({"name": "crm", "config": {"url": "https://crm.example.com"}});
        let (_, tool) = app
            .json(Method::POST, "/api/v1/tools", Some(&tool_body))
            .await;
        let tool = tool["data"]["id"].as_str().unwrap().to_owned();
        let hooks = format!("/api/v1/bots/{bot}/post-call-hooks");
        let (_, hook) = app
            .json(
                Method::POST,
                &hooks,
                Some(&json!({"tool_configuration_id": tool})),
            )
            .await;
        let hook = hook["data"]["id"].as_str().unwrap().to_owned();
        let (_, widget) = app
            .json(
                Method::POST,
                "/api/v1/widgets/keys",
                Some(&json!({"bot_id": bot})),
            )
            .await;
        let widget = widget["data"]["id"].as_str().unwrap().to_owned();
        let spare = json!({"name": "spare", "abilities": ["bots:read"]});
        let (_, key) = app.json(Method::POST, "/api/v1/keys", Some(&spare)).await;
        let key = key["data"]["id"].as_str().unwrap().to_owned();
        Ids {
            bot,
            conversation,
            tool,
            hook,
            widget,
            key,
        }
    }

    fn fill(&self, text: &str) -> String {
        text.replace("{bot}", &self.bot)
            .replace("{conversation}", &self.conversation)
            .replace("{tool}", &self.tool)
            .replace("{hook}", &self.hook)
            .replace("{widget}", &self.widget)
            .replace("{key}", &self.key)
            .replace("{slug}", "theirs")
    }

    fn body(&self, body: &Option<Value>) -> Option<Value> {
        body.as_ref()
            .map(|b| serde_json::from_str(&self.fill(&b.to_string())).unwrap())
    }
}

/// Whether a path or body names one of the seeded resources.
fn names_an_id(text: &str) -> bool {
    [
        "{bot}",
        "{conversation}",
        "{tool}",
        "{hook}",
        "{widget}",
        "{key}",
        "{slug}",
    ]
    .iter()
    .any(|placeholder| text.contains(placeholder))
}

/// The message of an error in any dialect's envelope.
fn message(reply: &Value) -> &Value {
    match reply.get("error") {
        Some(error) if error.is_object() => &error["message"],
        _ => &reply["message"],
    }
}

async fn every_route_needs_its_ability(app: TestApp) {
    let ids = Ids::seed(&app).await;
    let routes = routes(&app).await;
    assert!(routes.iter().any(|r| r.path == "/api/v1/bots/{bot}"));
    assert!(
        routes.iter().any(|r| !r.is_native()),
        "the dialects' routes too"
    );
    for route in routes {
        let others: Vec<&str> = Ability::ALL
            .iter()
            .filter(|a| **a != route.ability)
            .map(|a| a.as_str())
            .collect();
        let key = app.key(app.workspace, &others, None).await;
        let (path, body) = (ids.fill(&route.path), ids.body(&route.body));
        let (status, reply) = read(
            app.call(route.method.clone(), &path, &key, body.as_ref())
                .await,
        )
        .await;
        assert_eq!(status, 403, "{} {path}: {reply}", route.method);
        assert_eq!(
            message(&reply),
            &json!(format!("Missing ability: {}", route.ability.as_str())),
            "{} {path}",
            route.method
        );
        // A key with only that ability gets past the check.
        let allowed = app
            .key(app.workspace, &[route.ability.as_str()], None)
            .await;
        let response = app
            .call(route.method.clone(), &path, &allowed, body.as_ref())
            .await;
        assert_ne!(
            response.status().as_u16(),
            403,
            "{} {path} refused with its ability",
            route.method
        );
    }
}

async fn another_workspaces_ids_are_not_found(app: TestApp) {
    let theirs = app.workspace;
    let ids = Ids::seed(&app).await;
    let attacker_ws = app.workspace(0).await;
    let attacker = app.key(attacker_ws, &["*"], None).await;
    let routes = routes(&app).await;
    let foreign = routes.iter().filter(|r| {
        names_an_id(&r.path) || r.body.as_ref().is_some_and(|b| names_an_id(&b.to_string()))
    });
    for route in foreign {
        let path = ids.fill(&route.path);
        let response = app
            .call(
                route.method.clone(),
                &path,
                &attacker,
                ids.body(&route.body).as_ref(),
            )
            .await;
        let (status, body) = read(response).await;
        let code = match route.is_native() {
            true => body["code"].as_str(),
            false => body["code"].as_str().or(body["error"]["name"].as_str()),
        };
        assert!(
            status == 404 && matches!(code, Some("NOT_FOUND" | "NotFoundError")),
            "{} {path}: {status} {body}",
            route.method
        );
        assert!(!body.to_string().contains("secret prompt"));
    }
    // A foreign bot cannot be the target of the attacker's own widget key.
    let (status, _) = read(
        app.call(
            Method::POST,
            "/api/v1/widgets/keys",
            &attacker,
            ids.body(&Some(json!({"bot_id": "{bot}"}))).as_ref(),
        )
        .await,
    )
    .await;
    assert_eq!(status, 404);
    for list in [
        "/api/v1/bots",
        "/api/v1/conversations",
        "/api/v1/tools",
        "/api/v1/widgets/keys",
    ] {
        let (_, listed) = read(app.call(Method::GET, list, &attacker, None).await).await;
        assert_eq!(listed["data"], json!([]), "{list}");
    }
    // Nothing of theirs changed.
    let (_, got) = app
        .json(Method::GET, &ids.fill("/api/v1/bots/{bot}"), None)
        .await;
    assert_eq!(
        (got["data"]["name"].clone(), got["data"]["status"].clone()),
        (json!("Theirs"), json!("active"))
    );
    assert_eq!(
        (
            got["data"]["metadata"].clone(),
            got["data"]["tenant_id"].clone()
        ),
        (json!({"k": "v"}), json!(theirs.to_string()))
    );
    let (status, _) = app
        .json(
            Method::GET,
            &ids.fill("/api/v1/conversations/{conversation}"),
            None,
        )
        .await;
    assert_eq!(status, 200);
    let (_, tool) = app
        .json(Method::GET, &ids.fill("/api/v1/tools/{tool}"), None)
        .await;
    assert_eq!(tool["data"]["description"], "");
    let (_, hooks) = app
        .json(
            Method::GET,
            &ids.fill("/api/v1/bots/{bot}/post-call-hooks"),
            None,
        )
        .await;
    assert_eq!(hooks["data"][0]["enabled"], true);
    let (_, widget) = app
        .json(
            Method::GET,
            &ids.fill("/api/v1/widgets/keys/{widget}"),
            None,
        )
        .await;
    assert_eq!(
        (
            widget["data"]["is_active"].clone(),
            widget["data"]["revoked_at"].clone()
        ),
        (json!(true), Value::Null)
    );
}

on_both_backends!(
    every_route_needs_its_ability,
    another_workspaces_ids_are_not_found
);
