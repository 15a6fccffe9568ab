//! Rate limits and billing reads.

use hania_blackbox::{Method, TestApp, on_both_backends, read};
use serde_json::json;

async fn rate_limits_are_per_key_with_headers(app: TestApp) {
    let key = app.key(app.workspace, &["bots:read"], Some(3)).await;
    for remaining in [2, 1, 0] {
        let response = app.call(Method::GET, "/api/v1/bots", &key, None).await;
        assert_eq!(response.status().as_u16(), 200);
        let headers = response.headers();
        assert_eq!(headers["x-ratelimit-limit"], "3");
        assert_eq!(
            headers["x-ratelimit-remaining"],
            remaining.to_string().as_str()
        );
        let reset: i64 = headers["x-ratelimit-reset"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!(reset > time::OffsetDateTime::now_utc().unix_timestamp());
    }
    let response = app.call(Method::GET, "/api/v1/bots", &key, None).await;
    let retry_after: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=3600).contains(&retry_after));
    assert_eq!(response.headers()["x-ratelimit-remaining"], "0");
    let (status, body) = read(response).await;
    assert_eq!((status, body["code"].as_str()), (429, Some("RATE_LIMITED")));
    // Another key of the same workspace has its own budget.
    let (status, _) = app.json(Method::GET, "/api/v1/bots", None).await;
    assert_eq!(status, 200);
}

async fn billing_shows_plan_usage_and_balance(app: TestApp) {
    let (status, body) = app.json(Method::GET, "/api/v1/billing", None).await;
    assert_eq!(status, 200, "{body}");
    let data = &body["data"];
    assert_eq!(
        (data["status"].clone(), data["balance_micros"].clone()),
        (json!("active"), json!(10_000_000))
    );
    assert_eq!(data["period_turns_used"], 0);
    assert_eq!(data["period_start"].as_str().unwrap().len(), 10);
}

on_both_backends!(
    rate_limits_are_per_key_with_headers,
    billing_shows_plan_usage_and_balance
);
