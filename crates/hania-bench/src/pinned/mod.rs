//! `hania-bench chat --pin`: the server as its own process on core 0
//! (`taskset -c 0`), this process (load, the in-memory mock provider and
//! PostgreSQL) on core 1. Mock at 0 ms and 16 tokens, every turn persisted
//! and metered, 10 turns per conversation continued by
//! `external_user_id`. Prints turns/s, p50/p99, the server's CPU ms per
//! turn (from `/proc/<pid>/stat`) and RSS, the p99 overhead over the bare
//! mock at half the c=8 rate (open loop), and streams' time to first byte
//! and first token, each next to the bare mock measured in the same run.

pub mod conversation_list;
mod list_data;
pub mod open_streams;
mod process;

use std::time::{Duration, Instant};

use hania_mock_llm::{MockConfig, MockLlm};
use process::{BOOTSTRAP_KEY, ServerProcess};
use serde_json::{Value, json};

use crate::load::{
    Figures, bench_key_and_bot, drive, paced, quantile_ms, timed_post, timed_stream,
};

/// The core the server runs on; everything else runs on the next.
const SERVER_CORE: usize = 0;
const LOAD_CORE: usize = 1;
/// Set in the re-executed, pinned bench.
const PINNED_ENV: &str = "HANIA_BENCH_PINNED";

/// Re-runs this bench on [`LOAD_CORE`] (so the mock and PostgreSQL,
/// started from it, inherit the core) unless it already runs there.
pub fn ensure_pinned() {
    if std::env::var_os(PINNED_ENV).is_some() {
        return;
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    assert!(cores >= 2, "--pin needs two cores, found {cores}");
    let status = std::process::Command::new("taskset")
        .arg("-c")
        .arg(LOAD_CORE.to_string())
        .arg(std::env::current_exe().unwrap())
        .args(std::env::args().skip(1))
        .env(PINNED_ENV, "1")
        .status()
        .unwrap();
    std::process::exit(status.code().unwrap_or(1));
}

fn sixteen_tokens() -> String {
    (1..=16)
        .map(|n| format!("word{n}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// One backend's run: the figures and whether the targets hold.
struct Setup {
    server: ServerProcess,
    client: reqwest::Client,
    key: String,
    bot: String,
}

async fn setup(
    database_url: &str,
    mock: &MockLlm,
    extra: &[(&str, &str)],
    log: &std::path::Path,
) -> Setup {
    let server =
        ServerProcess::start(database_url, &mock.base_url(), SERVER_CORE, extra, log).await;
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(1024)
        .build()
        .unwrap();
    let (key, bot) = bench_key_and_bot(&client, &server.base, BOOTSTRAP_KEY).await;
    Setup {
        server,
        client,
        key,
        bot,
    }
}

/// `clients` closed loops of metered turns, 10 per conversation.
async fn turns(setup: &Setup, phase: &str, clients: usize, seconds: f64) -> (Figures, f64) {
    let (c, u, k, b, phase) = (
        setup.client.clone(),
        format!("{}/api/v1/chat/send", setup.server.base),
        setup.key.clone(),
        setup.bot.clone(),
        phase.to_owned(),
    );
    let cpu = setup.server.cpu();
    let figures = drive(clients, seconds, move |client, n| {
        let (c, u, k) = (c.clone(), u.clone(), k.clone());
        let body = json!({"bot_id": b, "message": "ping", "external_user_id": format!("{phase}-{client}-{}", n / 10)});
        async move { timed_post(&c, &u, Some(&k), &body).await }
    })
    .await;
    let cpu_ms = (setup.server.cpu() - cpu).as_secs_f64() * 1e3 / figures.count.max(1) as f64;
    (figures, cpu_ms)
}

fn mock_body(stream: bool) -> Value {
    json!({"model": "bench-model", "stream": stream, "messages": [
        {"role": "system", "content": "You are a benchmark."}, {"role": "user", "content": "ping"}]})
}

/// Time to first byte and first token, p50 and p99, one stream at a time;
/// with `key` (our server, not the bare mock) each ten streams continue
/// one conversation by `external_user_id`.
async fn streams(
    client: &reqwest::Client,
    url: &str,
    key: Option<&str>,
    body: &Value,
    marker: &str,
    seconds: f64,
) -> [f64; 4] {
    let deadline = Instant::now() + Duration::from_secs_f64(seconds);
    let (mut bytes, mut tokens) = (Vec::new(), Vec::new());
    let mut n = 0;
    while Instant::now() < deadline {
        let mut body = body.clone();
        if key.is_some() {
            body["external_user_id"] = json!(format!("stream-{}", n / 10));
        }
        n += 1;
        let times = timed_stream(client, url, key, &body, marker).await;
        bytes.push(times.first_byte);
        tokens.push(times.first_token);
    }
    bytes.sort();
    tokens.sort();
    [
        quantile_ms(&bytes, 0.5),
        quantile_ms(&bytes, 0.99),
        quantile_ms(&tokens, 0.5),
        quantile_ms(&tokens, 0.99),
    ]
}

fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "NOT met" }
}

/// Runs one backend and prints its figures against the bare mock's.
async fn bench_backend(
    name: &str,
    database_url: &str,
    mock: &MockLlm,
    extra: &[(&str, &str)],
    seconds: f64,
    target: f64,
) {
    let log = std::env::temp_dir().join(format!("hania-bench-{name}.log"));
    let setup = setup(database_url, mock, extra, &log).await;
    let idle_rss = setup.server.rss_kib();
    // Warm up: connections, caches, the first pages of the file.
    let _ = turns(&setup, "warm", 8, 1.0).await;
    let mock_url = format!("{}/chat/completions", mock.base_url());
    let mut at_eight = 0.0;
    for clients in [1, 8, 32] {
        let (server, cpu_ms) = turns(&setup, &format!("c{clients}"), clients, seconds).await;
        let (c, u) = (setup.client.clone(), mock_url.clone());
        let bare = drive(clients, seconds, move |_, _| {
            let (c, u) = (c.clone(), u.clone());
            async move { timed_post(&c, &u, None, &mock_body(false)).await }
        })
        .await;
        if clients == 8 {
            at_eight = server.turns_per_second;
        }
        println!(
            "{name:<9} chat/send c={clients:<3} {:>6.0} turns/s  p50 {:>6.2} ms  p99 {:>6.2} ms  CPU {:>5.3} ms/turn  RSS {:>4} MB | mock {:>6.0}/s p50 {:>5.2} p99 {:>5.2}",
            server.turns_per_second,
            server.p50_ms,
            server.p99_ms,
            cpu_ms,
            setup.server.rss_kib() / 1024,
            bare.turns_per_second,
            bare.p50_ms,
            bare.p99_ms,
        );
        if clients == 8 {
            println!(
                "{name:<9}   target >= {target:.0} turns/s at c=8: {} ({:.0}); CPU <= {:.2} ms/turn: {} ({cpu_ms:.3})",
                verdict(server.turns_per_second >= target),
                server.turns_per_second,
                1000.0 / target,
                verdict(cpu_ms <= 1000.0 / target),
            );
        }
    }
    let rate = (at_eight / 2.0).max(1.0);
    let (c, u, k, b) = (
        setup.client.clone(),
        format!("{}/api/v1/chat/send", setup.server.base),
        setup.key.clone(),
        setup.bot.clone(),
    );
    let server = paced(rate, seconds, move |n| {
        let (c, u, k) = (c.clone(), u.clone(), k.clone());
        let body = json!({"bot_id": b, "message": "ping", "external_user_id": format!("paced-{}", n / 10)});
        async move { timed_post(&c, &u, Some(&k), &body).await }
    })
    .await;
    let (c, u) = (setup.client.clone(), mock_url.clone());
    let bare = paced(rate, seconds, move |_| {
        let (c, u) = (c.clone(), u.clone());
        async move { timed_post(&c, &u, None, &mock_body(false)).await }
    })
    .await;
    let overhead = server.p99_ms - bare.p99_ms;
    println!(
        "{name:<9} paced {rate:>6.0}/s       p50 {:>6.2} ms  p99 {:>6.2} ms | mock p50 {:>5.2} p99 {:>5.2} | p99 overhead {overhead:+.2} ms (target <= 2: {})",
        server.p50_ms,
        server.p99_ms,
        bare.p50_ms,
        bare.p99_ms,
        verdict(overhead <= 2.0),
    );
    let stream_url = format!("{}/api/v1/chat/send-stream", setup.server.base);
    let body = json!({"bot_id": setup.bot, "message": "ping"});
    let ours = streams(
        &setup.client,
        &stream_url,
        Some(&setup.key),
        &body,
        "event: delta",
        seconds,
    )
    .await;
    let bare = streams(
        &setup.client,
        &mock_url,
        None,
        &mock_body(true),
        "\"content\"",
        seconds,
    )
    .await;
    println!(
        "{name:<9} stream c=1  first byte p50 {:>5.2} ms p99 {:>5.2} | first token p50 {:>5.2} ms p99 {:>5.2} | mock {:>5.2} / {:>5.2} | overhead byte {:+.2} ms ({}), token {:+.2} ms ({})",
        ours[0],
        ours[1],
        ours[2],
        ours[3],
        bare[0],
        bare[2],
        ours[0] - bare[0],
        verdict(ours[0] - bare[0] <= 1.0),
        ours[2] - bare[2],
        verdict(ours[2] - bare[2] <= 1.0),
    );
    println!(
        "{name:<9} RSS idle {} MB, after load {} MB",
        idle_rss / 1024,
        setup.server.rss_kib() / 1024
    );
}

/// The pinned benchmark on SQLite and PostgreSQL.
pub async fn run(seconds: f64, only: Option<&str>) {
    let mock = MockLlm::start(MockConfig {
        reply: sixteen_tokens(),
        ..MockConfig::default()
    })
    .await
    .unwrap();
    println!(
        "hania pinned chat benchmark: server on core {SERVER_CORE}; load, mock (0 ms, 16 tokens) and PostgreSQL on core {LOAD_CORE}; {seconds} s per point; 10 turns per conversation"
    );
    if only.is_none_or(|o| o == "sqlite") {
        let dir = tempfile::tempdir().unwrap();
        let sqlite = format!("sqlite://{}", dir.path().join("bench.db").display());
        let limits = [("HANIA_RATE_LIMITS", "local")];
        bench_backend("sqlite", &sqlite, &mock, &limits, seconds, 2000.0).await;
    }
    if only.is_none_or(|o| o == "postgres") {
        let pg = hania_test_postgres::TempPostgres::start();
        let limits = [("HANIA_RATE_LIMITS", "shared")];
        bench_backend("postgres", &pg.url(), &mock, &limits, seconds, 1000.0).await;
    }
}
