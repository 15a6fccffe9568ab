//! The widget in a real browser: Debian's chromium, driven by
//! `tests/browser/widget.mjs` (playwright-core), against the real server.
//! Two small pages embed the code `/api/v1/widgets/embed-code` gives: one
//! on an origin the key allows (`localhost:<port>`), one on another port.
//! Needs `/usr/bin/chromium` and `npm ci` in `tests/browser` (`.ci/run`
//! installs both). `HANIA_WIDGET_SCREENSHOT=docs/widget.png` refreshes the
//! screenshot in the docs.

use std::path::Path;
use std::time::Duration;

use hania_blackbox::{Backend, Method, spawn_with};
use hania_mock_llm::{MockConfig, MockLlm};
use hania_server::config::Config;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const ANSWER: &str =
    "Yes! We ship to Norway in about three days, and shipping is free over 50 EUR.";

/// Serves `html` to every request on `port` (0: a free one) of loopback;
/// returns the port.
async fn page_server(port: u16, html: String) -> u16 {
    let listener = TcpListener::bind(("127.0.0.1", port)).await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let html = html.clone();
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut buf = [0u8; 2048];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buf[..n]),
                    }
                }
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: text/html; charset=utf-8\r\n\
                     content-length: {}\r\ncache-control: no-store\r\nconnection: close\r\n\r\n",
                    html.len()
                );
                let _ = socket.write_all(head.as_bytes()).await;
                let _ = socket.write_all(html.as_bytes()).await;
                let _ = socket.shutdown().await;
            });
        }
    });
    port
}

fn page(embed: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Shop</title>\
         <style>body{{font:16px system-ui;margin:0;padding:40px;background:#eef1f6}}</style></head>\
         <body><h1>Nordic Outdoor Shop</h1><p>Jackets, boots and tents.</p>{embed}</body></html>"
    )
}

#[tokio::test]
async fn the_widget_streams_keeps_and_refuses_in_a_real_browser() {
    let browser_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("browser");
    assert!(
        Path::new("/usr/bin/chromium").exists()
            && browser_dir.join("node_modules/playwright-core").is_dir(),
        "the browser test needs Debian's chromium and `npm ci` in tests/browser (see .ci/run)"
    );
    let mock = MockLlm::start(MockConfig {
        reply: ANSWER.into(),
        inter_token_delay: Duration::from_millis(40),
        ..MockConfig::default()
    })
    .await
    .unwrap();
    let config = Config {
        llm_base_url: Some(mock.base_url()),
        ..Config::default()
    };
    let app = spawn_with(Backend::Sqlite, config).await;
    let bot = app
        .create_bot(
            &app.key,
            json!({"name": "Shop Helper", "system_prompt": "Help shoppers.",
                "chat_greeting": "Hi! Ask me about shipping and returns."}),
        )
        .await;

    // The allowed page's port must be known before the key lists it.
    let allowed_listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let allowed_port = allowed_listener.local_addr().unwrap().port();
    drop(allowed_listener);
    let (status, key) = app
        .json(
            Method::POST,
            "/api/v1/widgets/keys",
            Some(&json!({"bot_id": bot, "name": "Storefront",
                "allowed_domains": [format!("localhost:{allowed_port}")]})),
        )
        .await;
    assert_eq!(status, 201, "{key}");
    let key_id = key["data"]["id"].as_str().unwrap();
    let (status, code) = app
        .json(
            Method::GET,
            &format!("/api/v1/widgets/embed-code?bot_id={bot}&api_key_id={key_id}"),
            None,
        )
        .await;
    assert_eq!(status, 200, "{code}");
    let embed = code["data"]["html"].as_str().unwrap();
    let allowed = page_server(allowed_port, page(embed)).await;
    let foreign = page_server(0, page(embed)).await;

    let screenshot = std::env::var("HANIA_WIDGET_SCREENSHOT")
        .map(|p| Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(p))
        .unwrap_or_else(|_| std::env::temp_dir().join(format!("hania-widget-{allowed}.png")));
    let mut command = std::process::Command::new("timeout");
    command
        .args(["120", "node", "widget.mjs"])
        .current_dir(&browser_dir)
        .env("PAGE_URL", format!("http://localhost:{allowed}/"))
        .env("FOREIGN_URL", format!("http://localhost:{foreign}/"))
        .env("ANSWER", ANSWER)
        .env("SCREENSHOT", &screenshot);
    // The server runs on this test's runtime: wait for the browser off it.
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .unwrap()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "browser run failed:\n{stdout}\n{stderr}"
    );
    println!("{stdout}");
    assert!(screenshot.exists(), "a screenshot of the open widget");

    // What the browser did is in the store: one web conversation, none
    // from the foreign page.
    let (_, list) = app
        .json(Method::GET, "/api/v1/conversations?channel=web", None)
        .await;
    let conversations = list["data"].as_array().unwrap();
    assert_eq!(conversations.len(), 1, "{list}");
    let (_, detail) = app
        .conversation(conversations[0]["id"].as_str().unwrap())
        .await;
    let contents: Vec<&str> = detail["data"]["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["content"].as_str().unwrap())
        .collect();
    assert_eq!(
        contents,
        [
            "Hi! Ask me about shipping and returns.",
            "Do you ship to **Norway**?",
            ANSWER
        ]
    );
}
