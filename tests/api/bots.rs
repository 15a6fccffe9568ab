//! Seed `001_*`: bots.

use hania_blackbox::{Method, TestApp, on_both_backends};
use serde_json::{Value, json};

async fn bots_follow_the_seed(app: TestApp) {
    let id = app
        .create_bot(
            &app.key,
            json!({
                "name": "Customer Support",
                "prompt_builder": {"persona": "Acme's support agent", "instructions": ["Be brief"]},
                "settings": {"theme": "dark"},
                "model": "gpt-4o-mini",
                "temperature": 0.4,
                "chat_greeting": "Hi there!",
                "tts_provider": "cartesia",
                "metadata": {"team": "support"}
            }),
        )
        .await;
    let (status, got) = app
        .json(Method::GET, &format!("/api/v1/bots/{id}"), None)
        .await;
    assert_eq!(status, 200, "{got}");
    assert_eq!(
        (got["success"].clone(), got["message"].clone()),
        (json!(true), json!(""))
    );
    let bot = &got["data"];
    assert_eq!(bot["id"], json!(id));
    assert_eq!(bot["tenant_id"], json!(app.workspace.to_string()));
    assert_eq!(bot["slug"], "customer-support");
    assert_eq!(
        bot["system_prompt"],
        "You are Acme's support agent.\n\nInstructions:\n- Be brief"
    );
    let builder: Value = serde_json::from_str(bot["prompt_builder"].as_str().unwrap()).unwrap();
    assert_eq!(builder["persona"], "Acme's support agent");
    assert_eq!(
        serde_json::from_str::<Value>(bot["settings"].as_str().unwrap()).unwrap(),
        json!({"theme": "dark"})
    );
    assert_eq!(
        (bot["status"].as_str(), bot["bot_type"].as_str()),
        (Some("active"), Some("chatbot"))
    );
    assert!(
        time::OffsetDateTime::parse(
            bot["created_at"].as_str().unwrap(),
            &time::format_description::well_known::Rfc3339
        )
        .is_ok()
    );

    // Partial update: omitted fields stay, null clears; reply is a message only.
    let (status, reply) = app
        .json(
            Method::PUT,
            &format!("/api/v1/bots/{id}"),
            Some(&json!({"model": null, "temperature": 1.5})),
        )
        .await;
    assert_eq!(
        (status, reply["data"].clone()),
        (200, Value::Null),
        "{reply}"
    );
    assert_eq!(reply["message"], "Bot updated");
    let (_, got) = app
        .json(Method::GET, &format!("/api/v1/bots/{id}"), None)
        .await;
    assert_eq!(
        (
            got["data"]["model"].clone(),
            got["data"]["temperature"].clone()
        ),
        (Value::Null, json!(1.5))
    );
    assert_eq!(got["data"]["chat_greeting"], "Hi there!");

    // A second bot with the same name gets a suffixed slug.
    let second = app
        .create_bot(
            &app.key,
            json!({"name": "Customer Support", "system_prompt": "x"}),
        )
        .await;
    let (_, got) = app
        .json(Method::GET, &format!("/api/v1/bots/{second}"), None)
        .await;
    assert_eq!(got["data"]["slug"], "customer-support-2");

    // Metadata filters, then PATCH metadata.
    let (_, list) = app
        .json(Method::GET, "/api/v1/bots?metadata.team=support", None)
        .await;
    assert_eq!(list["data"].as_array().unwrap().len(), 1);
    let (status, _) = app
        .json(
            Method::PATCH,
            &format!("/api/v1/bots/{second}/metadata"),
            Some(&json!({"team": "support", "tier": "gold"})),
        )
        .await;
    assert_eq!(status, 200);
    let (_, list) = app
        .json(
            Method::GET,
            "/api/v1/bots?metadata.team=support&metadata.tier=gold",
            None,
        )
        .await;
    let ids: Vec<&str> = list["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec![second.as_str()]);
    // The deepObject form generators send finds the same, also mixed.
    for query in [
        "metadata%5Bteam%5D=support&metadata%5Btier%5D=gold",
        "metadata[team]=support&metadata.tier=gold",
        "team=support&tier=gold",
    ] {
        let (status, list) = app
            .json(Method::GET, &format!("/api/v1/bots?{query}"), None)
            .await;
        assert_eq!(status, 200, "{query}: {list}");
        assert_eq!(list["data"].as_array().unwrap().len(), 1, "{query}: {list}");
        assert_eq!(list["data"][0]["id"], second.as_str());
    }
    // The documentation's placeholder sent literally, a nested or keyless
    // object, and paging are errors, not `[]`.
    for query in [
        "metadata.%3Ckey%3E=support",
        "metadata[]=x",
        "metadata[team=x",
        "metadata[a][b]=x",
        "metadata=x",
        "limit=10",
        &format!("metadata[{}]=x", "k".repeat(129)),
    ] {
        let (status, body) = app
            .json(Method::GET, &format!("/api/v1/bots?{query}"), None)
            .await;
        assert_eq!(
            (status, body["code"].as_str()),
            (400, Some("INVALID_PARAMETER")),
            "{query}: {body}"
        );
    }
    let (_, all) = app.json(Method::GET, "/api/v1/bots", None).await;
    assert_eq!(all["data"].as_array().unwrap().len(), 2);

    // Soft delete keeps the bot, inactive.
    let (status, reply) = app
        .json(Method::DELETE, &format!("/api/v1/bots/{id}"), None)
        .await;
    assert_eq!((status, reply["success"].clone()), (200, json!(true)));
    let (status, got) = app
        .json(Method::GET, &format!("/api/v1/bots/{id}"), None)
        .await;
    assert_eq!(
        (status, got["data"]["status"].clone()),
        (200, json!("inactive"))
    );
}

async fn bot_validation_errors_name_the_field(app: TestApp) {
    let cases: Vec<(Value, &str)> = vec![
        (json!({"system_prompt": "x"}), "name"),
        (
            json!({"name": "a", "system_prompt": "x", "temperature": 2.5}),
            "temperature",
        ),
        (
            json!({"name": "a", "system_prompt": "x", "temperature": "hot"}),
            "temperature",
        ),
        (
            json!({"name": "a", "system_prompt": "x", "tts_provider": "polly"}),
            "tts_provider",
        ),
        (
            json!({"name": "a", "system_prompt": "x", "bot_type": "robot"}),
            "bot_type",
        ),
        (
            json!({"name": "a", "system_prompt": "x", "status": "deleted"}),
            "status",
        ),
        (
            json!({"name": "a", "system_prompt": "x", "schedule": "every day"}),
            "schedule",
        ),
        (
            json!({"name": "a", "system_prompt": "x", "metadata": {"n": 1}}),
            "metadata.n",
        ),
        (json!({"name": "a\u{0}b", "system_prompt": "x"}), "name"),
        (json!({"name": "a"}), "system_prompt"),
        (
            json!({"name": "a", "prompt_builder": {"persna": "typo"}}),
            "prompt_builder",
        ),
        (
            json!({"name": "a", "system_prompt": "x", "max_iterations": -1}),
            "max_iterations",
        ),
    ];
    for (body, field) in cases {
        let (status, reply) = app.json(Method::POST, "/api/v1/bots", Some(&body)).await;
        assert_eq!(status, 400, "{body} -> {reply}");
        assert_eq!(reply["code"], "VALIDATION_ERROR");
        assert!(
            reply["message"].as_str().unwrap().starts_with(field),
            "{body} -> {reply}"
        );
    }
    let id = app
        .create_bot(&app.key, json!({"name": "a", "system_prompt": "x"}))
        .await;
    let (status, reply) = app
        .json(
            Method::PUT,
            &format!("/api/v1/bots/{id}"),
            Some(&json!({"name": null})),
        )
        .await;
    assert_eq!(
        (status, reply["code"].as_str()),
        (400, Some("VALIDATION_ERROR"))
    );
    let big = "x".repeat(9_000);
    let (status, _) = app
        .json(
            Method::PATCH,
            &format!("/api/v1/bots/{id}/metadata"),
            Some(&json!({"k": big})),
        )
        .await;
    assert_eq!(status, 400);
}

on_both_backends!(bots_follow_the_seed, bot_validation_errors_name_the_field);
