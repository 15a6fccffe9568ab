//! Store conflicts reach the client in the domain's words, the same on
//! both backends, never as database text (constraint names, SQLite's
//! `UNIQUE constraint failed`, PostgreSQL's `duplicate key`).

use hania_blackbox::{Method, TestApp, on_both_backends};
use serde_json::{Value, json};

fn assert_conflict(status: u16, reply: &Value, message: &str) {
    assert_eq!(
        (status, reply["code"].as_str(), reply["message"].as_str()),
        (409, Some("CONFLICT"), Some(message)),
        "{reply}"
    );
    let text = reply.to_string().to_ascii_lowercase();
    for leak in ["constraint", "unique", "duplicate key", "bots_", "sqlite"] {
        assert!(!text.contains(leak), "database text in {reply}");
    }
}

async fn conflicts_are_worded_by_the_domain(app: TestApp) {
    let sales = app
        .create_bot(&app.key, json!({"name": "Sales", "system_prompt": "s"}))
        .await;
    let support = app
        .create_bot(&app.key, json!({"name": "Support", "system_prompt": "s"}))
        .await;
    let taken = json!({"slug": "sales"});
    let (status, reply) = app
        .json(
            Method::PUT,
            &format!("/api/v1/bots/{support}"),
            Some(&taken),
        )
        .await;
    assert_conflict(
        status,
        &reply,
        "slug 'sales' is already used by another bot",
    );
    let explicit = json!({"name": "Other", "system_prompt": "s", "slug": "sales"});
    let (status, reply) = app
        .json(Method::POST, "/api/v1/bots", Some(&explicit))
        .await;
    assert_conflict(
        status,
        &reply,
        "slug 'sales' is already used by another bot",
    );

    let tool = json!({"name": "crm", "config": {"url": "https://crm.example.com"}});
    let (status, created) = app.json(Method::POST, "/api/v1/tools", Some(&tool)).await;
    assert_eq!(status, 201, "{created}");
    let tool_id = created["data"]["id"].as_str().unwrap().to_owned();
    let (status, reply) = app.json(Method::POST, "/api/v1/tools", Some(&tool)).await;
    assert_conflict(status, &reply, "a tool named 'crm' already exists");
    let other = json!({"name": "erp", "config": {"url": "https://erp.example.com"}});
    let (_, erp) = app.json(Method::POST, "/api/v1/tools", Some(&other)).await;
    let erp = erp["data"]["id"].as_str().unwrap().to_owned();
    let (status, reply) = app
        .json(
            Method::PUT,
            &format!("/api/v1/tools/{erp}"),
            Some(&json!({"name": "crm"})),
        )
        .await;
    assert_conflict(status, &reply, "a tool named 'crm' already exists");

    let hooks = format!("/api/v1/bots/{sales}/post-call-hooks");
    let hook = json!({"tool_configuration_id": tool_id});
    let (status, _) = app.json(Method::POST, &hooks, Some(&hook)).await;
    assert_eq!(status, 201);
    let (status, reply) = app.json(Method::POST, &hooks, Some(&hook)).await;
    assert_conflict(status, &reply, "the bot already has a hook for this tool");
    let (status, reply) = app
        .json(Method::DELETE, &format!("/api/v1/tools/{tool_id}"), None)
        .await;
    assert_conflict(
        status,
        &reply,
        "the tool is used by a post-call hook; delete the hook first",
    );
}

on_both_backends!(conflicts_are_worded_by_the_domain);
