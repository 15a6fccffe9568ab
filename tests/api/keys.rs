//! Account keys over the API.

use hania_blackbox::{Method, TestApp, on_both_backends, read};
use serde_json::json;

async fn keys_are_issued_listed_and_revoked_without_escalation(app: TestApp) {
    let body = json!({"name": "helpdesk", "abilities": ["chat:send", "bots:read"], "rate_limit_per_hour": 600});
    let (status, created) = app.json(Method::POST, "/api/v1/keys", Some(&body)).await;
    assert_eq!(status, 201, "{created}");
    let secret = created["data"]["api_key"].as_str().unwrap().to_owned();
    let id = created["data"]["id"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("hania_sk_") && secret.len() == 49);
    assert_eq!(created["data"]["key_prefix"], secret[..13]);

    let (status, _) = read(app.call(Method::GET, "/api/v1/bots", &secret, None).await).await;
    assert_eq!(status, 200, "the new key works");
    let (_, listed) = app.json(Method::GET, "/api/v1/keys", None).await;
    let keys = listed["data"].as_array().unwrap();
    assert_eq!(keys.len(), 2, "bootstrap key and the new one");
    assert!(
        !listed.to_string().contains(&secret),
        "secrets are never listed"
    );

    // A key cannot mint a key stronger than itself.
    let limited = app
        .key(app.workspace, &["keys:write", "bots:read"], None)
        .await;
    let escalate = json!({"name": "root", "abilities": ["*"]});
    let (status, reply) = read(
        app.call(Method::POST, "/api/v1/keys", &limited, Some(&escalate))
            .await,
    )
    .await;
    assert_eq!(
        (status, reply["code"].as_str()),
        (403, Some("FORBIDDEN")),
        "{reply}"
    );
    let (status, reply) = app
        .json(
            Method::POST,
            "/api/v1/keys",
            Some(&json!({"name": "x", "abilities": ["fly:high"]})),
        )
        .await;
    assert_eq!(
        (status, reply["code"].as_str()),
        (400, Some("VALIDATION_ERROR")),
        "{reply}"
    );

    let (status, _) = app
        .json(Method::DELETE, &format!("/api/v1/keys/{id}"), None)
        .await;
    assert_eq!(status, 200);
    let (status, _) = read(app.call(Method::GET, "/api/v1/bots", &secret, None).await).await;
    assert_eq!(status, 401, "revoked at once");
    let (status, _) = app
        .json(
            Method::DELETE,
            &format!("/api/v1/keys/{}", uuid::Uuid::new_v4()),
            None,
        )
        .await;
    assert_eq!(status, 404);
}

on_both_backends!(keys_are_issued_listed_and_revoked_without_escalation);
