//! The widget's endpoints (SPEC "Embeddable widget"): a widget key used
//! from its allowed origins only, CORS grants for those only, visitors
//! that own their conversations, per-visitor limits, the stream.

use hania_blackbox::{Backend, Method, on_both_backends, sse_events};
use serde_json::{Value, json};

use crate::widget_support::{SHOP, grant, widget};

async fn only_allowed_origins_get_an_answer_and_a_grant(backend: Backend) {
    let w = widget(backend, json!({})).await;
    for origin in [SHOP, "https://eu.example.org", "http://localhost:3000"] {
        let response = w
            .call(Method::GET, "/config", Some(origin), None, None)
            .await;
        assert_eq!(response.status(), 200, "{origin}");
        assert_eq!(
            grant(&response).as_deref(),
            Some(origin),
            "that origin only"
        );
        assert_eq!(response.headers()["vary"], "Origin");
        assert!(response.headers().contains_key("x-ratelimit-remaining"));
        let config: Value = response.json().await.unwrap();
        assert_eq!(config["data"]["bot_name"], "Shop Helper");
        assert_eq!(config["data"]["chat_greeting"], "Hi! Ask me anything.");
    }
    for origin in [
        Some("https://evil.com"),
        Some("http://shop.example.com"),
        Some("https://shop.example.com.evil.com"),
        Some("http://localhost:3001"),
        None,
    ] {
        let response = w
            .call(
                Method::POST,
                "/chat",
                origin,
                None,
                Some(json!({"message": "hi"})),
            )
            .await;
        assert_eq!(response.status(), 403, "{origin:?}");
        assert_eq!(grant(&response), None, "{origin:?}: no grant");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["code"], "FORBIDDEN");
    }
    let (_, list) = w.app.json(Method::GET, "/api/v1/conversations", None).await;
    assert_eq!(list["data"], json!([]), "nothing ran for a refused origin");

    // An account key is refused on the widget's endpoints, a widget key on
    // the account API.
    let account = w
        .app
        .client
        .get(format!("{}/api/v1/widget/config", w.app.base))
        .bearer_auth(&w.app.key)
        .header("Origin", SHOP)
        .send()
        .await
        .unwrap();
    assert_eq!(account.status(), 401);
    let bots = w
        .app
        .client
        .get(format!("{}/api/v1/bots", w.app.base))
        .bearer_auth(&w.key)
        .send()
        .await
        .unwrap();
    assert_eq!(bots.status(), 401);
    let browser = w
        .app
        .client
        .get(format!("{}/api/v1/bots", w.app.base))
        .bearer_auth(&w.app.key)
        .header("Origin", SHOP)
        .send()
        .await
        .unwrap();
    assert_eq!(browser.status(), 403, "account keys stay server-to-server");
}

async fn preflights_are_granted_to_allowed_origins_only(backend: Backend) {
    let w = widget(backend, json!({})).await;
    let preflight = |origin: &'static str, key: Option<String>| {
        let mut url = format!("{}/api/v1/widget/chat", w.app.base);
        if let Some(key) = key {
            url.push_str(&format!("?key={key}"));
        }
        w.app
            .client
            .request(Method::OPTIONS, url)
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "POST")
            .header(
                "Access-Control-Request-Headers",
                "authorization, content-type, x-visitor-token",
            )
            .send()
    };
    let allowed = preflight(SHOP, Some(w.key.clone())).await.unwrap();
    assert_eq!(allowed.status(), 204);
    assert_eq!(grant(&allowed).as_deref(), Some(SHOP));
    let headers = allowed.headers();
    assert!(
        headers["access-control-allow-methods"]
            .to_str()
            .unwrap()
            .contains("POST")
    );
    let asked = headers["access-control-allow-headers"].to_str().unwrap();
    assert!(asked.contains("x-visitor-token") && asked.contains("authorization"));
    assert_eq!(headers["vary"], "Origin");
    let foreign = preflight("https://evil.com", Some(w.key.clone()))
        .await
        .unwrap();
    assert_eq!((foreign.status().as_u16(), grant(&foreign)), (403, None));
    let keyless = preflight(SHOP, None).await.unwrap();
    assert_eq!((keyless.status().as_u16(), grant(&keyless)), (401, None));
}

async fn visitors_own_their_conversations(backend: Backend) {
    let w = widget(backend, json!({})).await;
    let (status, first) = w
        .chat(None, json!({"message": "Do you ship to Norway?"}))
        .await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(
        first["data"]["response"], "We ship to Norway in three days.",
        "on the web the greeting opens the conversation; the model answers"
    );
    let alice = first["data"]["visitor_token"].as_str().unwrap().to_owned();
    let conversation = first["data"]["conversation_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, second) = w
        .chat(
            Some(&alice),
            json!({"message": "And to Iceland?", "conversation_id": conversation}),
        )
        .await;
    assert_eq!(status, 200, "{second}");
    assert_eq!(
        second["data"]["response"],
        "We ship to Norway in three days."
    );
    assert_eq!(second["data"]["conversation_id"], json!(conversation));
    assert_eq!(
        second["data"]["visitor_token"],
        json!(alice),
        "the same visitor"
    );

    let (_, other) = w.chat(None, json!({"message": "Hello"})).await;
    let bob = other["data"]["visitor_token"].as_str().unwrap().to_owned();
    assert_ne!(bob, alice);
    let path = &format!("/conversations/{conversation}");
    let w = &w;
    let read = |token: Option<String>| async move {
        let response = w
            .call(Method::GET, path, Some(SHOP), token.as_deref(), None)
            .await;
        let status = response.status().as_u16();
        (status, response.json::<Value>().await.unwrap())
    };
    let (status, mine) = read(Some(alice.clone())).await;
    assert_eq!(status, 200, "{mine}");
    let roles: Vec<&str> = mine["data"]["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["role"].as_str().unwrap())
        .collect();
    assert_eq!(
        roles,
        ["assistant", "user", "assistant", "user", "assistant"]
    );
    assert_eq!(
        mine["data"]["messages"][0]["content"],
        "Hi! Ask me anything."
    );
    assert_eq!(read(Some(bob.clone())).await.0, 404, "another visitor's");
    assert_eq!(read(None).await.0, 404);
    assert_eq!(
        read(Some(format!("{alice}x"))).await.0,
        404,
        "a forged token"
    );
    let (status, _) = w
        .chat(
            Some(&bob),
            json!({"message": "Mine now", "conversation_id": conversation}),
        )
        .await;
    assert_eq!(status, 404, "another visitor cannot continue it");

    let (_, detail) = w.app.conversation(&conversation).await;
    assert_eq!(detail["data"]["channel"], "web");
    assert_eq!(detail["data"]["bot_id"], json!(w.bot));
}

async fn each_visitor_has_an_hourly_limit(backend: Backend) {
    let w = widget(backend, json!({"visitor_rate_limit_per_hour": 2})).await;
    let (status, first) = w.chat(None, json!({"message": "Hi"})).await;
    assert_eq!(status, 200, "{first}");
    let token = first["data"]["visitor_token"].as_str().unwrap().to_owned();
    for _ in 0..2 {
        let ok = w
            .call(Method::GET, "/config", Some(SHOP), Some(&token), None)
            .await;
        assert_eq!(ok.status(), 200);
    }
    let refused = w
        .call(Method::GET, "/config", Some(SHOP), Some(&token), None)
        .await;
    assert_eq!(refused.status(), 429);
    assert_eq!(refused.headers()["x-ratelimit-limit"], "2");
    assert_eq!(refused.headers()["x-ratelimit-remaining"], "0");
    assert!(refused.headers().contains_key("retry-after"));
    assert_eq!(
        grant(&refused).as_deref(),
        Some(SHOP),
        "the page can read why"
    );
    let other = w.call(Method::GET, "/config", Some(SHOP), None, None).await;
    assert_eq!(other.status(), 200, "another visitor is not limited");
}

async fn answers_stream_to_the_page(backend: Backend) {
    let w = widget(backend, json!({})).await;
    let (status, first) = w.chat(None, json!({"message": "Hi"})).await;
    assert_eq!(status, 200, "{first}");
    let token = first["data"]["visitor_token"].as_str().unwrap().to_owned();
    let conversation = first["data"]["conversation_id"].clone();
    let response = w
        .call(
            Method::POST,
            "/chat-stream",
            Some(SHOP),
            Some(&token),
            Some(json!({"message": "Norway?", "conversation_id": conversation})),
        )
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(grant(&response).as_deref(), Some(SHOP));
    assert_eq!(response.headers()["x-visitor-token"], token.as_str());
    let body = response.text().await.unwrap();
    let events = sse_events(&body);
    let names: Vec<&str> = events.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names.first(), Some(&"start"), "{body}");
    assert_eq!(names.last(), Some(&"done"), "{body}");
    assert!(
        names.iter().filter(|n| **n == "delta").count() > 1,
        "token by token: {body}"
    );
    let (_, done) = events.last().unwrap();
    assert_eq!(done["response"], "We ship to Norway in three days.");
    assert_eq!(done["conversation_id"], conversation);
}

on_both_backends!(
    backend: only_allowed_origins_get_an_answer_and_a_grant,
    preflights_are_granted_to_allowed_origins_only,
    visitors_own_their_conversations,
    each_visitor_has_an_hourly_limit,
    answers_stream_to_the_page
);
