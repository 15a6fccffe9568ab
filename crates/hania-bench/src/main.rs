//! `hania-bench chat [--seconds N]` (run as `cargo xtask bench chat`):
//! starts the mock provider at 0 ms and the real server on SQLite and on a
//! throwaway PostgreSQL, drives `chat/send` and `chat/send-stream` at
//! several concurrencies, and prints turns/s, p50/p99 latency and
//! time-to-first-delta next to the same figures straight against the
//! mock, measured in the same run on the same machine; and a keyed read
//! (`GET /api/v1/bots/{id}`), where authentication and the rate limiter
//! are most of the work. PostgreSQL runs twice: with the shared
//! (database) rate limiter and with local ones, so the difference is the
//! shared limiter's cost per request.

#![allow(clippy::unwrap_used, clippy::expect_used)] // A benchmark tool: failures should stop it loudly.

use std::time::Instant;

use hania_mock_llm::{MockConfig, MockLlm};
use hania_server::Config;
use serde_json::json;

mod load;
mod pinned;

use load::{Figures, drive, timed_post, timed_stream};

const CONCURRENCY: [usize; 3] = [1, 8, 32];

fn row(label: &str, clients: usize, server: &Figures, mock: &Figures) {
    println!(
        "{label:<22} c={clients:<3} {:>9.0} turns/s  p50 {:>7.2} ms  p99 {:>7.2} ms | mock {:>9.0}/s p50 {:>6.2} p99 {:>6.2} | throughput x{:.2}, p99 overhead {:+.2} ms",
        server.turns_per_second,
        server.p50_ms,
        server.p99_ms,
        mock.turns_per_second,
        mock.p50_ms,
        mock.p99_ms,
        server.turns_per_second / mock.turns_per_second,
        server.p99_ms - mock.p99_ms,
    );
}

async fn bench_backend(
    name: &str,
    database_url: String,
    mock: &MockLlm,
    seconds: f64,
    rate_limits: &str,
) {
    let config = Config {
        bind: Some("127.0.0.1:0".into()),
        database_url: Some(database_url),
        llm_base_url: Some(mock.base_url()),
        bootstrap_balance: Some("1000000".into()),
        rate_limits: Some(rate_limits.into()),
        ..Config::default()
    };
    let running = hania_server::start(&config, None).await.unwrap();
    let key = running
        .bootstrap
        .as_ref()
        .unwrap()
        .secret
        .expose()
        .to_owned();
    let base = format!("http://{}", running.addr);
    tokio::spawn(running.server);
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(256)
        .build()
        .unwrap();
    let (key, bot) = load::bench_key_and_bot(&client, &base, &key).await;
    let mock_url = format!("{}/chat/completions", mock.base_url());
    let mock_body = json!({"model": "bench-model", "messages": [{"role": "system", "content": "You are a benchmark."}, {"role": "user", "content": "ping"}]});
    for clients in CONCURRENCY {
        let (c, u, k, b) = (
            client.clone(),
            format!("{base}/api/v1/chat/send"),
            key.clone(),
            bot.clone(),
        );
        let server = drive(clients, seconds, move |i, _| {
            let (c, u, k) = (c.clone(), u.clone(), k.clone());
            let body = json!({"bot_id": b, "message": "ping", "external_user_id": format!("bench-{i}"), "new_conversation": true});
            async move { timed_post(&c, &u, Some(&k), &body).await }
        })
        .await;
        let (c, u, body) = (client.clone(), mock_url.clone(), mock_body.clone());
        let bare = drive(clients, seconds, move |_, _| {
            let (c, u, body) = (c.clone(), u.clone(), body.clone());
            async move { timed_post(&c, &u, None, &body).await }
        })
        .await;
        row(&format!("{name} chat/send"), clients, &server, &bare);

        let (c, u, k, b) = (
            client.clone(),
            format!("{base}/api/v1/chat/send-stream"),
            key.clone(),
            bot.clone(),
        );
        let server = drive(clients, seconds, move |_, _| {
            let (c, u, k) = (c.clone(), u.clone(), k.clone());
            let body = json!({"bot_id": b, "message": "ping", "new_conversation": true});
            async move {
                timed_stream(&c, &u, Some(&k), &body, "event: delta")
                    .await
                    .first_token
            }
        })
        .await;
        let (c, u) = (client.clone(), mock_url.clone());
        let mut stream_body = mock_body.clone();
        stream_body["stream"] = json!(true);
        let bare = drive(clients, seconds, move |_, _| {
            let (c, u, body) = (c.clone(), u.clone(), stream_body.clone());
            async move {
                timed_stream(&c, &u, None, &body, "\"content\"")
                    .await
                    .first_token
            }
        })
        .await;
        row(&format!("{name} stream TTFD"), clients, &server, &bare);

        let (c, u, k) = (
            client.clone(),
            format!("{base}/api/v1/bots/{bot}"),
            key.clone(),
        );
        let read = drive(clients, seconds, move |_, _| {
            let (c, u, k) = (c.clone(), u.clone(), k.clone());
            async move {
                let started = Instant::now();
                let response = c.get(&u).bearer_auth(&k).send().await.unwrap();
                assert!(response.status().is_success(), "{}", response.status());
                response.bytes().await.unwrap();
                started.elapsed()
            }
        })
        .await;
        println!(
            "{:<22} c={clients:<3} {:>9.0} req/s    p50 {:>7.2} ms  p99 {:>7.2} ms",
            format!("{name} GET bot"),
            read.turns_per_second,
            read.p50_ms,
            read.p99_ms,
        );
    }
}

#[tokio::main]
async fn main() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let number = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .and_then(|s| s.parse::<f64>().ok())
    };
    match args.first().map(String::as_str) {
        Some("chat") => {}
        Some("streams") => {
            pinned::ensure_pinned();
            let count = number("--count").unwrap_or(10_000.0) as usize;
            let upstream = if args.iter().any(|a| a == "--h2c") {
                pinned::open_streams::Upstream::H2c
            } else {
                pinned::open_streams::Upstream::Http1
            };
            pinned::open_streams::run(count, upstream).await;
            return;
        }
        Some("conversations") => {
            pinned::ensure_pinned();
            let count = number("--count").unwrap_or(1_000_000.0) as usize;
            let file = args
                .iter()
                .position(|a| a == "--data")
                .and_then(|i| args.get(i + 1))
                .map(std::path::PathBuf::from);
            let seconds = number("--seconds").unwrap_or(3.0);
            pinned::conversation_list::run(count, file, seconds).await;
            return;
        }
        _ => {
            eprintln!(
                "usage: hania-bench chat [--pin [--only sqlite|postgres]] [--seconds N] | streams [--count N] [--h2c] | conversations [--count N] [--data FILE] [--seconds N]"
            );
            std::process::exit(2);
        }
    }
    let seconds = number("--seconds").unwrap_or(3.0);
    if args.iter().any(|a| a == "--pin") {
        pinned::ensure_pinned();
        let only = args
            .iter()
            .position(|a| a == "--only")
            .and_then(|i| args.get(i + 1));
        pinned::run(seconds, only.map(String::as_str)).await;
        return;
    }
    let mock = MockLlm::start(MockConfig::default()).await.unwrap();
    println!(
        "hania chat benchmark: mock provider at 0 ms, {seconds} s per point, {} cores",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    let dir = tempfile::tempdir().unwrap();
    bench_backend(
        "sqlite",
        format!("sqlite://{}", dir.path().join("bench.db").display()),
        &mock,
        seconds,
        "local",
    )
    .await;
    let pg = hania_test_postgres::TempPostgres::start();
    bench_backend("postgres", pg.url(), &mock, seconds, "shared").await;
    // The same with each instance counting limits in memory: the
    // difference is what the shared limiter costs per request.
    let pg = hania_test_postgres::TempPostgres::start();
    bench_backend("pg local-limits", pg.url(), &mock, seconds, "local").await;
}
