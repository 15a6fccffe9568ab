//! `hania-bench streams --pin [--count N] [--h2c]`: many streams held open at
//! once against a slow mock (one token a second), the server on its own
//! core. Prints the server's resident memory per open stream above its
//! idle figure, and `/healthz` latency before and while they are open.
//!
//! Over HTTP/1.1 each open stream holds two sockets in the server (the
//! client's and the upstream one) and two in this process (the client's
//! and the mock's); with `--h2c` the server speaks HTTP/2 to the mock and
//! the upstream calls share a few connections. The count is capped to what
//! the open-files limit allows; the cap is printed when it applies.

use std::time::{Duration, Instant};

use futures::StreamExt;
use hania_mock_llm::{MockConfig, MockLlm};
use serde_json::json;
use tokio::sync::{mpsc, watch};

use super::{Setup, setup, verdict};
use crate::load::{post, quantile_ms};

/// Streams opened at a time before waiting for their first tokens (so
/// the listen backlog never overflows).
const BATCH: usize = 500;
/// Sockets and files the processes hold besides the streams.
const SPARE_FILES: usize = 300;

/// The soft open-files limit of this process (its children inherit it).
fn open_files_limit() -> usize {
    let limits = std::fs::read_to_string("/proc/self/limits").unwrap_or_default();
    limits
        .lines()
        .find(|line| line.starts_with("Max open files"))
        .and_then(|line| line.split_whitespace().nth(3))
        .and_then(|soft| soft.parse().ok())
        .unwrap_or(1024)
}

/// `/healthz` p50 and p99 over `seconds` of calls one after another.
async fn healthz(setup: &Setup, seconds: f64) -> (f64, f64) {
    let url = format!("{}/healthz", setup.server.base);
    let deadline = Instant::now() + Duration::from_secs_f64(seconds);
    let mut latencies = Vec::new();
    while Instant::now() < deadline {
        let started = Instant::now();
        let response = setup.client.get(&url).send().await.unwrap();
        assert!(response.status().is_success(), "{}", response.status());
        response.bytes().await.unwrap();
        latencies.push(started.elapsed());
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    latencies.sort();
    (quantile_ms(&latencies, 0.5), quantile_ms(&latencies, 0.99))
}

/// Opens one stream, reports once its first token arrived, and holds it
/// (reading what comes) until `hold` turns true.
async fn hold_stream(
    setup: (reqwest::Client, String, String, String),
    n: usize,
    ready: mpsc::Sender<()>,
    mut hold: watch::Receiver<bool>,
) {
    let (client, url, key, bot) = setup;
    let body = json!({"bot_id": bot, "message": "ping", "external_user_id": format!("open-{n}")});
    let mut stream = post(&client, &url, Some(&key), &body).await.bytes_stream();
    let mut seen = String::new();
    let mut reported = false;
    loop {
        tokio::select! {
            chunk = stream.next() => {
                let Some(chunk) = chunk else { break };
                if !reported {
                    seen.push_str(&String::from_utf8_lossy(&chunk.unwrap()));
                    if seen.contains("event: delta") {
                        reported = true;
                        let _ = ready.send(()).await;
                    }
                }
            }
            _ = hold.changed() => break,
        }
    }
    assert!(reported, "stream {n} ended before its first token");
}

/// How the server talks to the mock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Upstream {
    /// HTTP/1.1: one upstream connection per stream.
    Http1,
    /// HTTP/2 over cleartext with prior knowledge (`HANIA_LLM_HTTP2`):
    /// the streams share a few upstream connections, as they do against
    /// an `https://` provider that offers HTTP/2.
    H2c,
}

/// Runs the open-streams benchmark on SQLite.
pub async fn run(requested: usize, upstream: Upstream) {
    // Per stream, the server holds the client's socket and (over HTTP/1.1)
    // an upstream one; this process the client's and (HTTP/1.1) the mock's.
    let sockets = match upstream {
        Upstream::Http1 => 2,
        Upstream::H2c => 1,
    };
    let fits = open_files_limit().saturating_sub(SPARE_FILES) / sockets;
    let count = requested.min(fits);
    if count < requested {
        println!(
            "open-files limit {}: {count} streams fit ({sockets} sockets each per process), not {requested}",
            open_files_limit()
        );
    }
    let tokens = (1..=120)
        .map(|n| format!("w{n}"))
        .collect::<Vec<_>>()
        .join(" ");
    let mock = MockLlm::start(MockConfig {
        reply: tokens,
        inter_token_delay: Duration::from_secs(1),
        ..MockConfig::default()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let sqlite = format!("sqlite://{}", dir.path().join("bench.db").display());
    let log = std::env::temp_dir().join("hania-bench-streams.log");
    let http2 = match upstream {
        Upstream::Http1 => "auto",
        Upstream::H2c => "prior-knowledge",
    };
    let limits = [("HANIA_RATE_LIMITS", "local"), ("HANIA_LLM_HTTP2", http2)];
    let setup = setup(&sqlite, &mock, &limits, &log).await;
    println!(
        "hania open-streams benchmark: server on core {}; {count} streams of one token a second (120 tokens), SQLite, upstream {upstream:?}",
        super::SERVER_CORE
    );
    let (idle_p50, idle_p99) = healthz(&setup, 2.0).await;
    let idle_rss = setup.server.rss_kib();
    let (hold_tx, hold_rx) = watch::channel(false);
    let (ready_tx, mut ready_rx) = mpsc::channel(BATCH);
    let url = format!("{}/api/v1/chat/send-stream", setup.server.base);
    let started = Instant::now();
    let mut tasks = Vec::with_capacity(count);
    for batch in (0..count).collect::<Vec<_>>().chunks(BATCH) {
        for &n in batch {
            let parts = (
                setup.client.clone(),
                url.clone(),
                setup.key.clone(),
                setup.bot.clone(),
            );
            tasks.push(tokio::spawn(hold_stream(
                parts,
                n,
                ready_tx.clone(),
                hold_rx.clone(),
            )));
        }
        for _ in batch {
            ready_rx.recv().await.unwrap();
        }
    }
    let opened_in = started.elapsed();
    // Let the per-connection buffers settle at their steady size.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let open_rss = setup.server.rss_kib();
    let (open_p50, open_p99) = healthz(&setup, 5.0).await;
    let per_stream = open_rss.saturating_sub(idle_rss) as f64 / count.max(1) as f64;
    println!(
        "streams   {count} open in {:.1} s | RSS idle {} MB, open {} MB: {per_stream:.1} KiB per stream (target <= 20: {})",
        opened_in.as_secs_f64(),
        idle_rss / 1024,
        open_rss / 1024,
        verdict(per_stream <= 20.0),
    );
    println!(
        "streams   /healthz idle p50 {idle_p50:.2} ms p99 {idle_p99:.2} | with {count} open p50 {open_p50:.2} ms p99 {open_p99:.2} ms (target < 5: {})",
        verdict(open_p99 < 5.0),
    );
    if upstream == Upstream::H2c {
        assert!(
            mock.http2_requests() >= count as u64,
            "the upstream calls were not HTTP/2"
        );
    }
    hold_tx.send(true).unwrap();
    for task in tasks {
        task.await.unwrap();
    }
}
