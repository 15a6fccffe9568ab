//! A server with a bot and a widget key, and widget requests from a page's
//! origin.

use hania_blackbox::{Backend, Method, TestApp};
use hania_mock_llm::{MockConfig, MockLlm};
use hania_server::config::Config;
use reqwest::Response;
use serde_json::{Value, json};

pub(crate) const SHOP: &str = "https://shop.example.com";

/// A server with a bot and a widget key for it.
pub(crate) struct Widget {
    pub(crate) app: TestApp,
    /// The key's text.
    pub(crate) key: String,
    /// The key's id.
    pub(crate) key_id: String,
    /// Its identity secret.
    pub(crate) identity_secret: String,
    pub(crate) bot: String,
    _mock: MockLlm,
}

/// A widget key with `key`'s fields over the defaults.
pub(crate) async fn widget(backend: Backend, key: Value) -> Widget {
    let mock = MockLlm::start(MockConfig {
        reply: "We ship to Norway in three days.".into(),
        ..MockConfig::default()
    })
    .await
    .unwrap();
    let config = Config {
        llm_base_url: Some(mock.base_url()),
        ..Config::default()
    };
    let app = hania_blackbox::spawn_with(backend, config).await;
    let bot = app
        .create_bot(
            &app.key,
            json!({"name": "Shop Helper", "system_prompt": "Help shoppers.", "chat_greeting": "Hi! Ask me anything."}),
        )
        .await;
    let mut body = json!({"bot_id": bot, "name": "Storefront",
        "allowed_domains": ["shop.example.com", "*.example.org", "localhost:3000"]});
    body.as_object_mut()
        .unwrap()
        .extend(key.as_object().unwrap().clone());
    let (status, created) = app
        .json(Method::POST, "/api/v1/widgets/keys", Some(&body))
        .await;
    assert_eq!(status, 201, "{created}");
    let text = |name: &str| created["data"][name].as_str().unwrap().to_owned();
    Widget {
        app,
        key: text("api_key"),
        key_id: text("id"),
        identity_secret: text("identity_secret"),
        bot,
        _mock: mock,
    }
}

impl Widget {
    /// A widget request from `origin` (none: like curl) with `token`.
    pub(crate) async fn call(
        &self,
        method: Method,
        path: &str,
        origin: Option<&str>,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Response {
        let token = token.map(|t| ("X-Visitor-Token", t));
        self.call_with(method, path, origin, token.as_slice(), body)
            .await
    }

    /// A widget request from `origin` with these headers.
    pub(crate) async fn call_with(
        &self,
        method: Method,
        path: &str,
        origin: Option<&str>,
        headers: &[(&str, &str)],
        body: Option<Value>,
    ) -> Response {
        let mut request = self
            .app
            .client
            .request(method, format!("{}/api/v1/widget{path}", self.app.base))
            .bearer_auth(&self.key);
        if let Some(origin) = origin {
            request = request.header("Origin", origin);
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.unwrap()
    }

    /// A blocking chat from the shop's origin.
    pub(crate) async fn chat(&self, token: Option<&str>, body: Value) -> (u16, Value) {
        let response = self
            .call(Method::POST, "/chat", Some(SHOP), token, Some(body))
            .await;
        let status = response.status().as_u16();
        (status, response.json().await.unwrap())
    }
}

/// The response's CORS grant.
pub(crate) fn grant(response: &Response) -> Option<String> {
    response
        .headers()
        .get("access-control-allow-origin")
        .map(|v| v.to_str().unwrap().to_owned())
}
