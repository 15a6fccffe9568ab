//! `hania-bench conversations --pin [--count N] [--data FILE] [--seconds S]`:
//! `GET /api/v1/conversations` with its filters against a large SQLite
//! data set (1 M conversations and 10 M messages by default, see
//! [`list_data`](super::list_data)), the server on its own core. Prints
//! p50/p99 per query, each with the total it counted.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use hania_mock_llm::{MockConfig, MockLlm};

use super::list_data::{self, ListData};
use super::process::ServerProcess;
use super::{SERVER_CORE, verdict};
use crate::load::quantile_ms;

/// The queries timed, as `(what, query string)`.
fn queries(data: &ListData) -> Vec<(&'static str, String)> {
    // Bot 3 holds conversations 3, 13, 23…: all `whatsapp` (n % 5 == 3).
    let bot = &data.bots[3];
    let middle = list_data::start_of(data.conversations / 2);
    vec![
        ("newest 100", String::new()),
        ("one bot", format!("bot_id={bot}")),
        ("channel=voice, 50", "channel=voice&limit=50".into()),
        (
            "bot + channel + month",
            format!(
                "bot_id={bot}&channel=whatsapp&since={}&until={}",
                list_data::rfc3339(middle),
                list_data::rfc3339(middle + 30 * 86_400),
            ),
        ),
        ("sentiment=negative", "analysis.sentiment=negative".into()),
        (
            "topic + outcome",
            "analysis.topic=topic-7&analysis.outcome=escalated".into(),
        ),
        // Topic 7 is only ever escalated: a combination that matches
        // nothing, the worst case for a walk that filters rows.
        (
            "topic + outcome, none",
            "analysis.topic=topic-7&analysis.outcome=resolved".into(),
        ),
        (
            "all three analysis values",
            "analysis.sentiment=negative&analysis.topic=topic-7&analysis.outcome=escalated".into(),
        ),
        (
            "sentiment + a month",
            format!(
                "analysis.sentiment=negative&since={}&until={}",
                list_data::rfc3339(middle),
                list_data::rfc3339(middle + 30 * 86_400),
            ),
        ),
        (
            "external call id",
            format!("external_call_id=call-{}", data.conversations / 2 + 4),
        ),
        ("deep page", "offset=9900&limit=100".into()),
        (
            "one bot, deep page",
            format!("bot_id={bot}&offset=9500&limit=500"),
        ),
    ]
}

/// Runs the list bench.
pub async fn run(conversations: usize, file: Option<PathBuf>, seconds: f64) {
    let file = file.unwrap_or_else(|| list_data::default_file(conversations));
    let data = list_data::ensure(&file, conversations).await;
    let mock = MockLlm::start(MockConfig::default()).await.unwrap();
    let url = format!("sqlite://{}", data.file.display());
    let log = std::env::temp_dir().join("hania-bench-list.log");
    let limits = [("HANIA_RATE_LIMITS", "local")];
    let server = ServerProcess::start(&url, &mock.base_url(), SERVER_CORE, &limits, &log).await;
    let client = reqwest::Client::new();
    println!(
        "hania conversation-list benchmark: server on core {SERVER_CORE}; {} ({} conversations, {} messages); one request at a time, {seconds} s per query",
        data.file.display(),
        data.conversations,
        data.conversations * 10,
    );
    let mut worst: f64 = 0.0;
    for (what, query) in queries(&data) {
        let url = format!("{}/api/v1/conversations?{query}", server.base);
        // Warm: the pages this query reads.
        let (_, total, items) = list_once(&client, &url, &data.key).await;
        let deadline = Instant::now() + Duration::from_secs_f64(seconds);
        let mut latencies = Vec::new();
        while Instant::now() < deadline {
            latencies.push(list_once(&client, &url, &data.key).await.0);
        }
        latencies.sort();
        let p99 = quantile_ms(&latencies, 0.99);
        worst = worst.max(p99);
        println!(
            "list {what:<26} total {total:>8} items {items:>3} | p50 {:>7.2} ms p99 {p99:>7.2} ms ({} calls)",
            quantile_ms(&latencies, 0.5),
            latencies.len(),
        );
    }
    println!(
        "list worst p99 {worst:.2} ms (target <= 10: {})",
        verdict(worst <= 10.0)
    );
}

/// One list call: how long it took, `X-Total-Count` and the items' count.
async fn list_once(client: &reqwest::Client, url: &str, key: &str) -> (Duration, u64, usize) {
    let started = Instant::now();
    let response = client.get(url).bearer_auth(key).send().await.unwrap();
    assert!(
        response.status().is_success(),
        "{url}: {}",
        response.status()
    );
    let total = response
        .headers()
        .get("x-total-count")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let body: serde_json::Value = response.json().await.unwrap();
    let elapsed = started.elapsed();
    let items = body["data"].as_array().map_or(0, Vec::len);
    (elapsed, total, items)
}
