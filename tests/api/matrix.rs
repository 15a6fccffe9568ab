//! The ability matrix (every route, with a key lacking exactly its
//! ability, is 403) and the tenant-isolation matrix (every route given
//! another workspace's ids is 404 and changes nothing).

use hania_blackbox::{Method, TestApp, on_both_backends, read};
use hania_domain::ability::Ability;
use hania_domain::conversation::Channel;
use serde_json::{Value, json};

use crate::conversations::seed_conversation;

struct Route {
    method: Method,
    path: &'static str,
    ability: Ability,
    body: Option<Value>,
}

fn routes() -> Vec<Route> {
    let route = |method, path, ability, body| Route {
        method,
        path,
        ability,
        body,
    };
    let bot = json!({"name": "x", "system_prompt": "y"});
    vec![
        route(Method::GET, "/api/v1/bots", Ability::BotsRead, None),
        route(
            Method::POST,
            "/api/v1/bots",
            Ability::BotsWrite,
            Some(bot.clone()),
        ),
        route(Method::GET, "/api/v1/bots/{bot}", Ability::BotsRead, None),
        route(
            Method::PUT,
            "/api/v1/bots/{bot}",
            Ability::BotsWrite,
            Some(json!({"name": "hijacked"})),
        ),
        route(
            Method::DELETE,
            "/api/v1/bots/{bot}",
            Ability::BotsWrite,
            None,
        ),
        route(
            Method::PATCH,
            "/api/v1/bots/{bot}/metadata",
            Ability::BotsWrite,
            Some(json!({"owner": "attacker"})),
        ),
        route(
            Method::GET,
            "/api/v1/conversations",
            Ability::ConversationsRead,
            None,
        ),
        route(
            Method::GET,
            "/api/v1/conversations/{conversation}",
            Ability::ConversationsRead,
            None,
        ),
        route(
            Method::GET,
            "/api/v1/conversations/{conversation}/trace",
            Ability::ConversationsRead,
            None,
        ),
        route(
            Method::DELETE,
            "/api/v1/conversations/{conversation}",
            Ability::ConversationsWrite,
            None,
        ),
        route(Method::GET, "/api/v1/billing", Ability::BillingRead, None),
    ]
}

fn fill(path: &str, bot: &str, conversation: &str) -> String {
    path.replace("{bot}", bot)
        .replace("{conversation}", conversation)
}

async fn every_route_needs_its_ability(app: TestApp) {
    let bot = app
        .create_bot(&app.key, json!({"name": "Mine", "system_prompt": "x"}))
        .await;
    let conversation = seed_conversation(&app, &bot, Channel::Api, 1).await;
    for route in routes() {
        let others: Vec<&str> = Ability::ALL
            .iter()
            .filter(|a| **a != route.ability)
            .map(|a| a.as_str())
            .collect();
        let key = app.key(app.workspace, &others, None).await;
        let path = fill(route.path, &bot, &conversation);
        let response = app
            .call(route.method.clone(), &path, &key, route.body.as_ref())
            .await;
        let (status, body) = read(response).await;
        assert_eq!(status, 403, "{} {path}: {body}", route.method);
        assert_eq!(
            body["message"],
            format!("Missing ability: {}", route.ability.as_str())
        );
        // The same key with the ability gets past the check.
        let allowed = app
            .key(app.workspace, &[route.ability.as_str()], None)
            .await;
        let response = app
            .call(route.method.clone(), &path, &allowed, route.body.as_ref())
            .await;
        assert!(
            response.status().as_u16() != 403,
            "{} {path} refused with its ability",
            route.method
        );
    }
}

async fn another_workspaces_ids_are_not_found(app: TestApp) {
    let theirs = app.workspace;
    let bot = app
        .create_bot(
            &app.key,
            json!({"name": "Theirs", "system_prompt": "secret prompt", "metadata": {"k": "v"}}),
        )
        .await;
    let conversation = seed_conversation(&app, &bot, Channel::Api, 1).await;
    let attacker_ws = app.workspace(0).await;
    let attacker = app.key(attacker_ws, &["*"], None).await;
    for route in routes().into_iter().filter(|r| r.path.contains('{')) {
        let path = fill(route.path, &bot, &conversation);
        let response = app
            .call(route.method.clone(), &path, &attacker, route.body.as_ref())
            .await;
        let (status, body) = read(response).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (404, Some("NOT_FOUND")),
            "{} {path}: {body}",
            route.method
        );
        assert!(!body.to_string().contains("secret prompt"));
    }
    let (_, list) = read(app.call(Method::GET, "/api/v1/bots", &attacker, None).await).await;
    assert_eq!(list["data"], json!([]));
    let (_, list) = read(
        app.call(Method::GET, "/api/v1/conversations", &attacker, None)
            .await,
    )
    .await;
    assert_eq!(list["data"], json!([]));
    // Nothing of theirs changed.
    let (_, got) = app
        .json(Method::GET, &format!("/api/v1/bots/{bot}"), None)
        .await;
    assert_eq!(
        (got["data"]["name"].clone(), got["data"]["status"].clone()),
        (json!("Theirs"), json!("active"))
    );
    assert_eq!(got["data"]["metadata"], json!({"k": "v"}));
    assert_eq!(got["data"]["tenant_id"], json!(theirs.to_string()));
    let (status, _) = app
        .json(
            Method::GET,
            &format!("/api/v1/conversations/{conversation}"),
            None,
        )
        .await;
    assert_eq!(status, 200);
}

on_both_backends!(
    every_route_needs_its_ability,
    another_workspaces_ids_are_not_found
);
