//! `GET /metrics` scraped as Prometheus does (issue 15): the series move
//! after chat turns, routes are templates, labels carry no ids, and
//! `HANIA_METRICS_TOKEN` guards the endpoint.

use std::collections::HashMap;

use hania_blackbox::{Backend, Method, TestApp, on_both_backends, read, spawn_with};
use hania_mock_llm::{MockConfig, MockLlm};
use hania_server::Config;
use serde_json::json;

/// Every sample of a text exposition, by `name{labels}` as written.
fn parse(text: &str) -> HashMap<String, f64> {
    text.lines()
        .filter(|line| !line.starts_with('#') && !line.is_empty())
        .map(|line| {
            let (series, value) = line.rsplit_once(' ').expect("`series value`");
            (series.to_owned(), value.parse().expect("a number"))
        })
        .collect()
}

async fn scrape(app: &TestApp, token: Option<&str>) -> (u16, String, String) {
    let mut request = app.client.get(format!("{}/metrics", app.base));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let kind = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    (status, kind, response.text().await.unwrap())
}

fn value(samples: &HashMap<String, f64>, series: &str) -> f64 {
    samples.get(series).copied().unwrap_or(0.0)
}

async fn the_series_move_after_chat_turns(backend: Backend) {
    let mock = MockLlm::start(MockConfig {
        reply: "Metered answer".into(),
        ..MockConfig::default()
    })
    .await
    .unwrap();
    let config = Config {
        llm_base_url: Some(mock.base_url()),
        model_prices: Some("priced=1000/2000".into()),
        ..Config::default()
    };
    let app = spawn_with(backend, config).await;
    let bot = app
        .create_bot(
            &app.key,
            json!({"name": "Metered", "system_prompt": "s", "model": "priced", "welcome_message": null}),
        )
        .await;
    let (status, kind, before) = scrape(&app, None).await;
    assert_eq!(status, 200);
    assert!(kind.starts_with("text/plain; version=0.0.4"), "{kind}");
    let before = parse(&before);

    let body = json!({"bot_id": bot, "message": "hello", "external_user_id": "m"});
    let (status, reply) = app
        .json(Method::POST, "/api/v1/chat/send", Some(&body))
        .await;
    assert_eq!(status, 200, "{reply}");
    let stream = app
        .call(
            Method::POST,
            "/api/v1/chat/send-stream",
            &app.key,
            Some(&body),
        )
        .await;
    assert!(stream.text().await.unwrap().contains("event: done"));
    let (status, _) = app
        .json(Method::GET, &format!("/api/v1/bots/{bot}"), None)
        .await;
    assert_eq!(status, 200);
    let limited = app.key(app.workspace, &["bots:read"], Some(1)).await;
    for _ in 0..2 {
        app.call(Method::GET, "/api/v1/bots", &limited, None).await;
    }
    app.get("/no/such/path").await;

    let (_, _, text) = scrape(&app, None).await;
    assert!(!text.contains(&bot), "no ids in labels:\n{text}");
    let after = parse(&text);
    let moved = |series: &str| value(&after, series) - value(&before, series);
    let http = |route: &str, method: &str, status: u16| {
        format!(
            "hania_http_requests_total{{route=\"{route}\",method=\"{method}\",status=\"{status}\"}}"
        )
    };
    assert_eq!(
        moved(&http("/api/v1/chat/send", "POST", 200)),
        1.0,
        "{text}"
    );
    assert_eq!(moved(&http("/api/v1/chat/send-stream", "POST", 200)), 1.0);
    assert_eq!(
        moved(&http("/api/v1/bots/{botID}", "GET", 200)),
        1.0,
        "{text}"
    );
    assert_eq!(moved(&http("/api/v1/bots", "GET", 429)), 1.0);
    assert_eq!(moved(&http("unmatched", "GET", 404)), 1.0);
    assert_eq!(
        moved(
            "hania_http_request_duration_seconds_count{route=\"/api/v1/chat/send-stream\",method=\"POST\"}"
        ),
        1.0
    );
    assert_eq!(
        moved("hania_chat_turns_total{dialect=\"native\",outcome=\"ok\"}"),
        2.0
    );
    assert_eq!(
        moved("hania_model_calls_total{model=\"priced\",outcome=\"ok\"}"),
        2.0
    );
    assert!(moved("hania_model_tokens_total{model=\"priced\",kind=\"prompt\"}") > 0.0);
    assert!(moved("hania_model_tokens_total{model=\"priced\",kind=\"completion\"}") > 0.0);
    assert!(
        moved("hania_model_cost_total{model=\"priced\"}") > 0.0,
        "{text}"
    );
    assert_eq!(
        moved("hania_provider_latency_seconds_count{model=\"priced\",delivery=\"whole\"}"),
        1.0
    );
    assert_eq!(
        moved("hania_provider_latency_seconds_count{model=\"priced\",delivery=\"stream\"}"),
        1.0
    );
    assert_eq!(
        moved("hania_provider_first_token_seconds_count{model=\"priced\"}"),
        1.0
    );
    assert_eq!(moved("hania_rate_limit_refusals_total{scope=\"key\"}"), 1.0);
    assert_eq!(value(&after, "hania_open_streams"), 0.0);
    assert!(value(&after, "hania_db_pool_max_connections") >= 1.0);
    assert!(after.contains_key("hania_db_pool_connections{state=\"idle\"}"));
    assert!(after.contains_key("hania_db_pool_waiting"));
    // The cost matches what the ledger charged.
    let (_, billing) = app.json(Method::GET, "/api/v1/billing", None).await;
    let spent = 10_000_000 - billing["data"]["balance_micros"].as_i64().unwrap();
    let cost = moved("hania_model_cost_total{model=\"priced\"}");
    assert!(
        (cost * 1e6 - spent as f64).abs() < 1.0,
        "{cost} vs {spent} micros"
    );
}

async fn a_metrics_token_guards_the_endpoint(backend: Backend) {
    let config = Config {
        metrics_token: Some("scrape-me".into()),
        ..Config::default()
    };
    let app = spawn_with(backend, config).await;
    let (status, _, body) = scrape(&app, None).await;
    assert_eq!(status, 401);
    let body: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["code"], "UNAUTHORIZED");
    assert_eq!(scrape(&app, Some("wrong")).await.0, 401);
    assert_eq!(scrape(&app, Some(&app.key)).await.0, 401);
    let (status, _, text) = scrape(&app, Some("scrape-me")).await;
    assert_eq!(status, 200);
    assert!(text.contains("hania_http_requests_total"), "{text}");
    let (status, _) = read(app.get("/healthz").await).await;
    assert_eq!(status, 200, "health checks stay open");
}

on_both_backends!(backend: the_series_move_after_chat_turns, a_metrics_token_guards_the_endpoint);
