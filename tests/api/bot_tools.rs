//! Tools attached to bots (SPEC "Tools and outbound calls").

use hania_blackbox::{Method, TestApp, on_both_backends};
use serde_json::json;

async fn tool(app: &TestApp, name: &str) -> String {
    let body = json!({"name": name, "description": "Finds an order", "config": {"url": "https://api.example.com/orders"}});
    let (status, created) = app.json(Method::POST, "/api/v1/tools", Some(&body)).await;
    assert_eq!(status, 201, "{created}");
    created["data"]["id"].as_str().unwrap().to_owned()
}

async fn tools_are_attached_listed_and_detached(app: TestApp) {
    let bot = app
        .create_bot(
            &app.key,
            json!({"name": "Agent", "system_prompt": "s", "bot_type": "agent"}),
        )
        .await;
    let (lookup, refund) = (tool(&app, "lookup_order").await, tool(&app, "refund").await);
    let path = |t: &str| format!("/api/v1/bots/{bot}/tools/{t}");

    let (status, first) = app.json(Method::PUT, &path(&refund), None).await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(first["data"]["tool_name"], "refund");
    assert_eq!(first["data"]["tool_type"], "webhook");
    let (status, again) = app.json(Method::PUT, &path(&refund), None).await;
    assert_eq!(
        (status, &again["data"]),
        (200, &first["data"]),
        "attaching twice is a no-op"
    );
    app.json(Method::PUT, &path(&lookup), None).await;

    let (status, list) = app
        .json(Method::GET, &format!("/api/v1/bots/{bot}/tools"), None)
        .await;
    assert_eq!(status, 200);
    let names: Vec<&str> = list["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["tool_name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["lookup_order", "refund"]);
    assert_eq!(list["data"][0]["tool_configuration_id"], lookup.as_str());
    assert_eq!(list["data"][0]["description"], "Finds an order");
    assert!(list["data"][0]["attached_at"].is_string());

    let (status, body) = app.json(Method::DELETE, &path(&refund), None).await;
    assert_eq!(
        (status, body["message"].as_str()),
        (200, Some("Tool detached"))
    );
    let (status, body) = app.json(Method::DELETE, &path(&refund), None).await;
    assert_eq!((status, body["code"].as_str()), (404, Some("NOT_FOUND")));
    let (status, _) = app
        .json(Method::DELETE, &format!("/api/v1/tools/{lookup}"), None)
        .await;
    assert_eq!(status, 200, "a tool attached to bots can be deleted");
    let (_, list) = app
        .json(Method::GET, &format!("/api/v1/bots/{bot}/tools"), None)
        .await;
    assert_eq!(list["data"], json!([]), "deleting a tool detaches it");
}

async fn unknown_bots_and_tools_are_not_found(app: TestApp) {
    let bot = app
        .create_bot(&app.key, json!({"name": "Agent", "system_prompt": "s"}))
        .await;
    let lookup = tool(&app, "lookup_order").await;
    let nobody = "6f1c2a9e-3b7d-4c1e-9a0f-2d5e8b7c4a11";
    for path in [
        format!("/api/v1/bots/{bot}/tools/{nobody}"),
        format!("/api/v1/bots/{nobody}/tools/{lookup}"),
    ] {
        let (status, body) = app.json(Method::PUT, &path, None).await;
        assert_eq!(status, 404, "{path}: {body}");
        assert_eq!(body["message"], "Bot or tool configuration not found");
    }
    let (status, _) = app
        .json(Method::GET, &format!("/api/v1/bots/{nobody}/tools"), None)
        .await;
    assert_eq!(status, 404);
    let (status, _) = app
        .json(
            Method::PUT,
            &format!("/api/v1/bots/{bot}/tools/not-a-uuid"),
            None,
        )
        .await;
    assert_eq!(status, 400, "an id that is not a UUID is a bad request");
}

on_both_backends!(
    tools_are_attached_listed_and_detached,
    unknown_bots_and_tools_are_not_found
);
