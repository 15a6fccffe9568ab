//! The widget's verified users (their conversations follow them to every
//! device), retried messages, the embed code, the script and the demo page.

use hania_blackbox::{Backend, Method, on_both_backends, read};
use hania_domain::widget::user_hash;
use serde_json::{Value, json};

use crate::widget_support::{SHOP, Widget, grant, widget};

/// A chat as the site's logged-in `user` (with `hash`) from a browser
/// holding `token` (none: a new device).
async fn chat_as(
    w: &Widget,
    user: &str,
    hash: &str,
    token: Option<&str>,
    body: Value,
) -> (u16, Value) {
    let mut headers = vec![("X-User-Id", user), ("X-User-Hash", hash)];
    if let Some(token) = token {
        headers.push(("X-Visitor-Token", token));
    }
    let response = w
        .call_with(Method::POST, "/chat", Some(SHOP), &headers, Some(body))
        .await;
    read(response).await
}

async fn get_as(w: &Widget, path: &str, headers: &[(&str, &str)]) -> (u16, Value) {
    read(
        w.call_with(Method::GET, path, Some(SHOP), headers, None)
            .await,
    )
    .await
}

async fn verified_users_keep_their_conversations_across_devices(backend: Backend) {
    let w = widget(backend, json!({})).await;
    assert!(w.identity_secret.starts_with("hania_is_"));
    let hash = user_hash(&w.identity_secret, "customer-7");
    let (status, first) = chat_as(&w, "customer-7", &hash, None, json!({"message": "Hi"})).await;
    assert_eq!(status, 200, "{first}");
    let laptop = first["data"]["visitor_token"].as_str().unwrap().to_owned();
    let conversation = first["data"]["conversation_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, detail) = w.app.conversation(&conversation).await;
    assert_eq!(detail["data"]["customer_id"], "user:customer-7");

    // On a phone (no visitor token), the user finds and continues it.
    let user = [("X-User-Id", "customer-7"), ("X-User-Hash", hash.as_str())];
    let (status, last) = get_as(&w, "/last-conversation", &user).await;
    assert_eq!(status, 200, "{last}");
    assert_eq!(last["data"]["id"], json!(conversation));
    assert_eq!(
        last["data"]["messages"].as_array().unwrap().len(),
        3,
        "greeting, question, answer"
    );
    let path = format!("/conversations/{conversation}");
    assert_eq!(get_as(&w, &path, &user).await.0, 200);
    let (status, next) = chat_as(
        &w,
        "customer-7",
        &hash,
        None,
        json!({"message": "Still there?", "conversation_id": conversation}),
    )
    .await;
    assert_eq!(status, 200, "{next}");
    assert_eq!(next["data"]["conversation_id"], json!(conversation));

    // The laptop's visitor alone, another user, or a wrong hash: not theirs.
    let token = [("X-Visitor-Token", laptop.as_str())];
    assert_eq!(get_as(&w, &path, &token).await.0, 404, "the user owns it");
    let other_hash = user_hash(&w.identity_secret, "customer-8");
    let other = [
        ("X-User-Id", "customer-8"),
        ("X-User-Hash", other_hash.as_str()),
    ];
    assert_eq!(get_as(&w, &path, &other).await.0, 404);
    assert_eq!(get_as(&w, "/last-conversation", &other).await.0, 404);
    let forged = [
        ("X-User-Id", "customer-7"),
        ("X-User-Hash", other_hash.as_str()),
    ];
    let (status, refused) = get_as(&w, &path, &forged).await;
    assert_eq!((status, refused["code"].as_str()), (403, Some("FORBIDDEN")));
    let bare = w
        .call_with(
            Method::GET,
            &path,
            Some(SHOP),
            &[("X-User-Id", "customer-7")],
            None,
        )
        .await;
    assert_eq!(bare.status(), 403, "an id without a hash");
    let hash_only = [("X-User-Hash", hash.as_str())];
    assert_eq!(
        get_as(&w, &path, &hash_only).await.0,
        403,
        "a hash without an id"
    );
    assert_eq!(grant(&bare).as_deref(), Some(SHOP), "the page can read why");

    // A new identity secret: the old hashes stop verifying at once.
    let (status, rotated) = w
        .app
        .json(
            Method::POST,
            &format!("/api/v1/widgets/keys/{}/identity-secret", w.key_id),
            None,
        )
        .await;
    assert_eq!(status, 200, "{rotated}");
    let secret = rotated["data"]["identity_secret"].as_str().unwrap();
    assert_ne!(secret, w.identity_secret);
    assert_eq!(get_as(&w, &path, &user).await.0, 403);
    let fresh = user_hash(secret, "customer-7");
    let renewed = [("X-User-Id", "customer-7"), ("X-User-Hash", fresh.as_str())];
    assert_eq!(get_as(&w, &path, &renewed).await.0, 200);
    let (_, listed) = w
        .app
        .json(
            Method::GET,
            &format!("/api/v1/widgets/keys/{}", w.key_id),
            None,
        )
        .await;
    assert!(
        listed["data"].get("identity_secret").is_none(),
        "shown once: {listed}"
    );
}

async fn a_retried_first_message_is_answered_once(backend: Backend) {
    let w = widget(backend, json!({})).await;
    let retry = [("Idempotency-Key", "first-message-1")];
    let send = || async {
        let response = w
            .call_with(
                Method::POST,
                "/chat",
                Some(SHOP),
                &retry,
                Some(json!({"message": "Hi"})),
            )
            .await;
        let replayed = response.headers().contains_key("idempotent-replayed");
        let header = response.headers()["x-visitor-token"]
            .to_str()
            .unwrap()
            .to_owned();
        let (status, body) = read(response).await;
        (status, body, replayed, header)
    };
    let (status, first, replayed, header) = send().await;
    assert_eq!((status, replayed), (200, false), "{first}");
    assert_eq!(first["data"]["visitor_token"], json!(header));
    let (status, again, replayed, again_header) = send().await;
    assert_eq!((status, replayed), (200, true), "{again}");
    assert_eq!(again, first, "the first answer again");
    assert_eq!(again_header, header, "the same visitor");
    let (_, list) = w.app.json(Method::GET, "/api/v1/conversations", None).await;
    assert_eq!(list["data"].as_array().unwrap().len(), 1, "ran once");

    // Another visitor's key of the same text is their own.
    let (_, other) = w.chat(None, json!({"message": "Hello"})).await;
    let token = other["data"]["visitor_token"].as_str().unwrap().to_owned();
    let theirs = w
        .call_with(
            Method::POST,
            "/chat",
            Some(SHOP),
            &[
                ("Idempotency-Key", "first-message-1"),
                ("X-Visitor-Token", &token),
            ],
            Some(json!({"message": "Hi"})),
        )
        .await;
    assert!(!theirs.headers().contains_key("idempotent-replayed"));
    let (status, body) = read(theirs).await;
    assert_eq!(status, 200, "{body}");
    assert_ne!(
        body["data"]["conversation_id"],
        first["data"]["conversation_id"]
    );
}

async fn the_embed_code_carries_the_key_and_the_script(backend: Backend) {
    let w = widget(backend, json!({})).await;
    let path = format!(
        "/api/v1/widgets/embed-code?bot_id={}&api_key_id={}",
        w.bot, w.key_id
    );
    let (status, code) = w.app.json(Method::GET, &path, None).await;
    assert_eq!(status, 200, "{code}");
    let script = format!("{}/widget.js", w.app.base);
    assert_eq!(code["data"]["script_url"], json!(script));
    let html = code["data"]["html"].as_str().unwrap();
    assert!(
        html.contains(&format!("<script src=\"{script}\" async></script>")),
        "{html}"
    );
    assert!(
        html.contains(&format!("<hania-chat widget-key=\"{}\">", w.key)),
        "{html}"
    );

    let other_bot = w
        .app
        .create_bot(&w.app.key, json!({"name": "Other", "system_prompt": "x"}))
        .await;
    let (status, _) = w
        .app
        .json(
            Method::GET,
            &format!(
                "/api/v1/widgets/embed-code?bot_id={other_bot}&api_key_id={}",
                w.key_id
            ),
            None,
        )
        .await;
    assert_eq!(status, 404, "not that bot's key");
    let (status, missing) = w
        .app
        .json(Method::GET, "/api/v1/widgets/embed-code", None)
        .await;
    assert_eq!(status, 400, "{missing}");
    assert!(missing["message"].as_str().unwrap().contains("api_key_id"));
    let reader = w.app.key(w.app.workspace, &["widgets:write"], None).await;
    let refused = w.app.call(Method::GET, &path, &reader, None).await;
    assert_eq!(
        read(refused).await.1["message"],
        "Missing ability: widgets:read"
    );
}

async fn the_script_and_the_demo_page_are_served(backend: Backend) {
    let w = widget(backend, json!({})).await;
    let script = w.app.get("/widget.js").await;
    assert_eq!(script.status(), 200);
    let headers = script.headers().clone();
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/javascript")
    );
    assert!(
        headers["cache-control"]
            .to_str()
            .unwrap()
            .contains("max-age")
    );
    let etag = headers["etag"].to_str().unwrap().to_owned();
    let text = script.text().await.unwrap();
    assert!(text.contains("customElements.define(\"hania-chat\""));
    let again = w
        .app
        .client
        .get(format!("{}/widget.js?v=2", w.app.base))
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    assert_eq!(again.headers()["etag"], etag.as_str());

    let demo = w.app.get(&format!("/widget/demo?key={}", w.key)).await;
    assert_eq!(demo.status(), 200);
    assert!(
        demo.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("script-src 'self'")
    );
    let page = demo.text().await.unwrap();
    assert!(page.contains(&format!("<hania-chat widget-key=\"{}\" open>", w.key)));
    let injected = w
        .app
        .get("/widget/demo?key=%22%3E%3Cscript%3Ealert(1)%3C/script%3E")
        .await;
    assert_eq!(injected.status(), 400);
    assert!(!injected.text().await.unwrap().contains("alert(1)"));
    assert_eq!(w.app.get("/widget/demo").await.status(), 200);
}

on_both_backends!(
    backend: verified_users_keep_their_conversations_across_devices,
    a_retried_first_message_is_answered_once,
    the_embed_code_carries_the_key_and_the_script,
    the_script_and_the_demo_page_are_served
);
