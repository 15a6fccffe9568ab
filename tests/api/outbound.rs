//! The outbound guard at tool creation (SPEC "Tools and outbound calls"):
//! a URL naming a non-public address, or plain `http://` outside the
//! allowed networks, is refused with a 400 naming `config.url`.

use hania_blackbox::{Backend, Method, spawn, spawn_with};
use hania_server::config::Config;
use serde_json::json;

fn tool(url: &str) -> serde_json::Value {
    json!({"name": "lookup_order", "config": {"url": url}})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn urls_the_guard_refuses_are_refused_at_creation() {
    let app = spawn(Backend::Sqlite).await;
    for (url, says) in [
        ("https://169.254.169.254/latest/meta-data", "cloud metadata"),
        ("https://127.0.0.2/", "loopback"),
        ("https://10.0.0.7/hook", "private"),
        ("https://100.64.0.1/", "CGNAT"),
        ("http://api.example.com/hook", "https://"),
        ("https://user:pw@api.example.com/", "user info"),
        ("https://[::1]/", "IPv4"),
    ] {
        let (status, body) = app
            .json(Method::POST, "/api/v1/tools", Some(&tool(url)))
            .await;
        assert_eq!(status, 400, "{url}: {body}");
        let message = body["message"].as_str().unwrap();
        assert!(message.starts_with("config.url: "), "{url}: {message}");
        assert!(message.contains(says), "{url}: {message}");
    }
    let (status, created) = app
        .json(
            Method::POST,
            "/api/v1/tools",
            Some(&tool("https://api.example.com/hook")),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let secret = created["data"]["signing_secret"].as_str().unwrap();
    assert!(secret.starts_with("whsec_"), "{created}");
    let id = created["data"]["id"].as_str().unwrap();
    let (_, shown) = app
        .json(Method::GET, &format!("/api/v1/tools/{id}"), None)
        .await;
    let (_, listed) = app.json(Method::GET, "/api/v1/tools", None).await;
    assert!(
        !shown.to_string().contains(secret) && !listed.to_string().contains(secret),
        "shown once"
    );
    let change = json!({"config": {"url": "https://169.254.169.254/"}});
    let (status, body) = app
        .json(Method::PUT, &format!("/api/v1/tools/{id}"), Some(&change))
        .await;
    assert_eq!(status, 400, "an update is checked too: {body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn allowed_networks_admit_their_addresses_and_plain_http() {
    let config = Config {
        outbound_allow_nets: Some("127.0.0.0/8, 10.0.0.0/8".into()),
        ..Config::default()
    };
    let app = spawn_with(Backend::Sqlite, config).await;
    let (status, body) = app
        .json(
            Method::POST,
            "/api/v1/tools",
            Some(&tool("http://127.0.0.2:9000/hook")),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let (status, body) = app
        .json(
            Method::POST,
            "/api/v1/tools",
            Some(&json!({"name": "meta", "config": {"url": "https://169.254.169.254/"}})),
        )
        .await;
    assert_eq!(status, 400, "metadata stays refused: {body}");
}
