//! Bad input at the edges: always a 4xx in the native envelope.

use hania_blackbox::{Method, TestApp, on_both_backends, read};
use serde_json::json;

async fn bad_requests_get_enveloped_4xx(app: TestApp) {
    let url = |path: &str| format!("{}{path}", app.base);
    let auth = format!("Bearer {}", app.key);

    let response = app.client.get(url("/no/such/path")).send().await.unwrap();
    let (status, body) = read(response).await;
    assert_eq!((status, body["code"].as_str()), (404, Some("NOT_FOUND")));

    let response = app
        .client
        .delete(url("/api/v1/bots"))
        .header("authorization", &auth)
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["allow"], "GET, POST");
    let (status, body) = read(response).await;
    assert_eq!((status, body["success"].clone()), (405, json!(false)));

    let response = app
        .client
        .post(url("/api/v1/bots"))
        .header("authorization", &auth)
        .header("content-type", "application/json")
        .body("{\"name\": ")
        .send()
        .await
        .unwrap();
    let (status, body) = read(response).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("VALIDATION_ERROR")),
        "{body}"
    );

    let huge = format!("{{\"name\": \"{}\"}}", "x".repeat(2 * 1024 * 1024));
    let response = app
        .client
        .post(url("/api/v1/bots"))
        .header("authorization", &auth)
        .body(huge)
        .send()
        .await
        .unwrap();
    let (status, body) = read(response).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (413, Some("PAYLOAD_TOO_LARGE"))
    );

    let (status, body) = app.json(Method::GET, "/api/v1/bots/123", None).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("INVALID_PARAMETER"))
    );
    let (status, body) = app
        .json(Method::GET, "/api/v1/conversations/zzz/trace", None)
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("INVALID_PARAMETER"))
    );

    let (status, body) = app
        .json(Method::GET, "/api/v1/bots?metadata.team=a%00b", None)
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("INVALID_PARAMETER"))
    );
}

async fn keys_are_checked_generically(app: TestApp) {
    let url = format!("{}/api/v1/bots", app.base);
    let revoked_ws = app.workspace;
    let missing = app.client.get(&url).send().await.unwrap();
    let malformed = app
        .client
        .get(&url)
        .bearer_auth("hania_sk_nope")
        .send()
        .await
        .unwrap();
    let unknown = app
        .client
        .get(&url)
        .bearer_auth(format!("hania_sk_{}", "0".repeat(40)))
        .send()
        .await
        .unwrap();
    let widget = app
        .client
        .get(&url)
        .bearer_auth(format!("hania_pk_{}", "0".repeat(40)))
        .send()
        .await
        .unwrap();
    let mut messages = Vec::new();
    for response in [missing, malformed, unknown, widget] {
        let (status, body) = read(response).await;
        assert_eq!((status, body["code"].as_str()), (401, Some("UNAUTHORIZED")));
        messages.push(body["message"].clone());
    }
    assert!(
        messages.windows(2).all(|w| w[0] == w[1]),
        "one generic message: {messages:?}"
    );

    let key = app.key(revoked_ws, &["*"], None).await;
    let (status, _) = read(app.call(Method::GET, "/api/v1/bots", &key, None).await).await;
    assert_eq!(status, 200);
    let stored = app.stored_key(&key).await;
    let revoke = format!("/api/v1/keys/{}", stored.id.as_uuid());
    let (status, _) = read(app.call(Method::DELETE, &revoke, &key, None).await).await;
    assert_eq!(status, 200);
    let (status, _) = read(app.call(Method::GET, "/api/v1/bots", &key, None).await).await;
    assert_eq!(
        status, 401,
        "revoked at once (the key was cached: it had just been used)"
    );
}

async fn browsers_are_refused_and_request_ids_flow(app: TestApp) {
    let url = format!("{}/api/v1/bots", app.base);
    let response = app
        .client
        .get(&url)
        .bearer_auth(&app.key)
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    let (status, body) = read(response).await;
    assert_eq!((status, body["code"].as_str()), (403, Some("FORBIDDEN")));

    let response = app
        .client
        .get(&url)
        .bearer_auth(&app.key)
        .header("x-request-id", "trace-123")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["x-request-id"], "trace-123");
    let response = app
        .client
        .get(format!("{}/nowhere", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.headers()["x-request-id"].len(),
        36,
        "a generated UUID"
    );

    for path in ["/healthz", "/readyz", "/docs/"] {
        assert_eq!(app.get(path).await.status().as_u16(), 200, "{path}");
    }
    // `/docs` as the README writes it leads to the UI, which calls no
    // outside host (no validator badge).
    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let docs = no_redirects
        .get(format!("{}/docs", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(docs.status().as_u16(), 308);
    assert_eq!(docs.headers()["location"], "/docs/");
    let initializer = app
        .get("/docs/swagger-initializer.js")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        initializer.contains("\"validatorUrl\": \"none\"")
            || initializer.contains("\"validatorUrl\":\"none\""),
        "{initializer}"
    );
    let (status, spec) = read(app.get("/openapi.json").await).await;
    assert_eq!((status, spec["openapi"].as_str()), (200, Some("3.1.0")));
    let committed: serde_json::Value =
        serde_json::from_str(include_str!("../../openapi/openapi.json")).unwrap();
    assert!(
        spec == committed,
        "openapi/openapi.json is stale: run `cargo xtask codegen`"
    );
}

on_both_backends!(
    bad_requests_get_enveloped_4xx,
    keys_are_checked_generically,
    browsers_are_refused_and_request_ids_flow
);
