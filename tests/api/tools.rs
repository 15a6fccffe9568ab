//! Tool configurations, post-call hooks and widget keys.

use hania_blackbox::{Method, TestApp, on_both_backends};
use serde_json::{Value, json};

async fn tools_and_hooks_follow_the_seed(app: TestApp) {
    let body = json!({
        "name": "lookup_order",
        "description": "Finds an order",
        "tool_type": "webhook",
        "config": {"url": "https://api.example.com/orders", "timeout_ms": 4000, "secret_header": {"name": "X-Secret", "value": "s3cr3t"}},
        "parameters": {"type": "object", "properties": {"order_id": {"type": "string"}}}
    });
    let (status, created) = app.json(Method::POST, "/api/v1/tools", Some(&body)).await;
    assert_eq!(status, 201, "{created}");
    let tool = created["data"]["id"].as_str().unwrap().to_owned();
    let (_, got) = app
        .json(Method::GET, &format!("/api/v1/tools/{tool}"), None)
        .await;
    assert_eq!(
        (
            got["data"]["url"].clone(),
            got["data"]["timeout_ms"].clone()
        ),
        (json!("https://api.example.com/orders"), json!(4000))
    );
    assert_eq!(got["data"]["secret_header_name"], "X-Secret");
    assert!(
        !got.to_string().contains("s3cr3t"),
        "secrets are never returned"
    );
    let (status, dup) = app.json(Method::POST, "/api/v1/tools", Some(&body)).await;
    assert_eq!((status, dup["code"].as_str()), (409, Some("CONFLICT")));
    for (bad, field) in [
        (
            json!({"name": "has space", "config": {"url": "https://x.com"}}),
            "name",
        ),
        (
            json!({"name": "t", "config": {"url": "ftp://x.com"}}),
            "config.url",
        ),
        (
            json!({"name": "t", "tool_type": "email", "config": {"url": "https://x.com"}}),
            "tool_type",
        ),
        (json!({"name": "t"}), "config"),
    ] {
        let (status, reply) = app.json(Method::POST, "/api/v1/tools", Some(&bad)).await;
        assert_eq!(status, 400, "{bad}: {reply}");
        assert!(
            reply["message"].as_str().unwrap().starts_with(field),
            "{bad}: {reply}"
        );
    }
    let (status, _) = app
        .json(
            Method::PUT,
            &format!("/api/v1/tools/{tool}"),
            Some(&json!({"description": "Looks orders up"})),
        )
        .await;
    assert_eq!(status, 200);

    let bot = app
        .create_bot(&app.key, json!({"name": "Caller", "system_prompt": "x"}))
        .await;
    let hooks = format!("/api/v1/bots/{bot}/post-call-hooks");
    let (status, created) = app
        .json(Method::POST, &hooks, Some(&json!({"tool_configuration_id": tool, "run_order": 2, "params_template": {"to": "crm"}})))
        .await;
    assert_eq!(status, 201, "{created}");
    let hook = created["data"]["id"].as_str().unwrap().to_owned();
    let (status, dup) = app
        .json(
            Method::POST,
            &hooks,
            Some(&json!({"tool_configuration_id": tool})),
        )
        .await;
    assert_eq!((status, dup["code"].as_str()), (409, Some("CONFLICT")));
    let (_, listed) = app.json(Method::GET, &hooks, None).await;
    let item = &listed["data"][0];
    for field in [
        "id",
        "bot_id",
        "tool_configuration_id",
        "tool_type",
        "tool_name",
        "run_order",
        "enabled",
        "params_template",
        "created_at",
        "updated_at",
    ] {
        assert!(item.get(field).is_some(), "hook lacks {field}: {item}");
    }
    assert_eq!(
        (
            item["tool_name"].clone(),
            item["tool_type"].clone(),
            item["enabled"].clone()
        ),
        (json!("lookup_order"), json!("webhook"), json!(true))
    );
    let (status, _) = app
        .json(
            Method::PUT,
            &format!("{hooks}/{hook}"),
            Some(&json!({"enabled": false, "run_order": 5})),
        )
        .await;
    assert_eq!(status, 200);
    let (_, listed) = app.json(Method::GET, &hooks, None).await;
    assert_eq!(
        (
            listed["data"][0]["enabled"].clone(),
            listed["data"][0]["run_order"].clone()
        ),
        (json!(false), json!(5))
    );
    let (status, used) = app
        .json(Method::DELETE, &format!("/api/v1/tools/{tool}"), None)
        .await;
    assert_eq!(
        (status, used["code"].as_str()),
        (409, Some("CONFLICT")),
        "a tool in use cannot be deleted"
    );
    let (status, _) = app
        .json(Method::DELETE, &format!("{hooks}/{hook}"), None)
        .await;
    assert_eq!(status, 200);
    let (status, _) = app
        .json(Method::DELETE, &format!("/api/v1/tools/{tool}"), None)
        .await;
    assert_eq!(status, 200);
    let (status, _) = app
        .json(Method::GET, &format!("/api/v1/tools/{tool}"), None)
        .await;
    assert_eq!(status, 404);
}

async fn widget_keys_are_managed(app: TestApp) {
    let bot = app
        .create_bot(&app.key, json!({"name": "Web", "system_prompt": "x"}))
        .await;
    let body = json!({"bot_id": bot, "name": "Storefront", "allowed_domains": ["Shop.Example.com", "localhost:3000"]});
    let (status, created) = app
        .json(Method::POST, "/api/v1/widgets/keys", Some(&body))
        .await;
    assert_eq!(status, 201, "{created}");
    let data = &created["data"];
    assert!(data["api_key"].as_str().unwrap().starts_with("hania_pk_"));
    assert_eq!(
        data["allowed_domains"],
        json!(["shop.example.com", "localhost:3000"])
    );
    assert_eq!(
        (
            data["rate_limit_per_hour"].clone(),
            data["is_active"].clone()
        ),
        (json!(1000), json!(true))
    );
    let id = data["id"].as_str().unwrap().to_owned();
    let public_key = data["api_key"].as_str().unwrap().to_owned();

    // A widget key is refused by the account API.
    let (status, _) = hania_blackbox::read(
        app.call(Method::GET, "/api/v1/bots", &public_key, None)
            .await,
    )
    .await;
    assert_eq!(status, 401);

    let (status, _) = app
        .json(
            Method::PUT,
            &format!("/api/v1/widgets/keys/{id}"),
            Some(&json!({"is_active": false, "rate_limit_per_hour": 50})),
        )
        .await;
    assert_eq!(status, 200);
    let (_, got) = app
        .json(Method::GET, &format!("/api/v1/widgets/keys/{id}"), None)
        .await;
    assert_eq!(
        (
            got["data"]["is_active"].clone(),
            got["data"]["rate_limit_per_hour"].clone()
        ),
        (json!(false), json!(50))
    );
    assert!(got["data"].get("api_key").is_none());
    for bad in [
        json!({"bot_id": bot, "allowed_domains": ["https://x.com"]}),
        json!({"allowed_domains": []}),
    ] {
        let (status, reply) = app
            .json(Method::POST, "/api/v1/widgets/keys", Some(&bad))
            .await;
        assert_eq!(
            (status, reply["code"].as_str()),
            (400, Some("VALIDATION_ERROR")),
            "{bad}"
        );
    }
    let (status, _) = app
        .json(
            Method::POST,
            "/api/v1/widgets/keys",
            Some(&json!({"bot_id": uuid::Uuid::new_v4()})),
        )
        .await;
    assert_eq!(status, 404);
    let (status, _) = app
        .json(Method::DELETE, &format!("/api/v1/widgets/keys/{id}"), None)
        .await;
    assert_eq!(status, 200);
    let (_, listed) = app.json(Method::GET, "/api/v1/widgets/keys", None).await;
    assert_ne!(listed["data"][0]["revoked_at"], Value::Null);
    // Account keys are not widget keys.
    let (status, _) = app
        .json(
            Method::GET,
            &format!("/api/v1/widgets/keys/{}", uuid::Uuid::new_v4()),
            None,
        )
        .await;
    assert_eq!(status, 404);
}

on_both_backends!(tools_and_hooks_follow_the_seed, widget_keys_are_managed);
