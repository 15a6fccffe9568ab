//! Load generation shared by both modes: closed loops of clients, an
//! open-loop paced load, and timed requests (whole answers, and streams
//! timed to their first byte and first token).

use std::time::{Duration, Instant};

use futures::StreamExt;
use serde_json::{Value, json};

/// What one load point measured.
pub struct Figures {
    /// Completed calls per second.
    pub turns_per_second: f64,
    /// Median latency.
    pub p50_ms: f64,
    /// 99th percentile latency.
    pub p99_ms: f64,
    /// Calls completed.
    pub count: usize,
}

/// The `q` quantile of sorted durations, in milliseconds.
pub fn quantile_ms(sorted: &[Duration], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() as f64 * q) as usize).min(sorted.len() - 1)].as_secs_f64() * 1e3
}

/// Figures of `latencies` completed in `elapsed`.
pub fn figures(mut latencies: Vec<Duration>, elapsed: Duration) -> Figures {
    latencies.sort();
    Figures {
        turns_per_second: latencies.len() as f64 / elapsed.as_secs_f64(),
        p50_ms: quantile_ms(&latencies, 0.5),
        p99_ms: quantile_ms(&latencies, 0.99),
        count: latencies.len(),
    }
}

/// Runs `clients` loops of `request` for `seconds`; `request` gets the
/// client's number and its call's number.
pub async fn drive<F, Fut>(clients: usize, seconds: f64, request: F) -> Figures
where
    F: Fn(usize, usize) -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = Duration> + Send,
{
    let deadline = Instant::now() + Duration::from_secs_f64(seconds);
    let started = Instant::now();
    let tasks = (0..clients).map(|client| {
        let request = request.clone();
        tokio::spawn(async move {
            let mut latencies = Vec::new();
            while Instant::now() < deadline {
                latencies.push(request(client, latencies.len()).await);
            }
            latencies
        })
    });
    let latencies: Vec<Duration> = futures::future::join_all(tasks)
        .await
        .into_iter()
        .flat_map(|r| r.unwrap())
        .collect();
    figures(latencies, started.elapsed())
}

/// Starts `request` `rate` times a second for `seconds` whatever the
/// answers take (an open loop: latency is not hidden by waiting).
pub async fn paced<F, Fut>(rate: f64, seconds: f64, request: F) -> Figures
where
    F: Fn(usize) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = Duration> + Send + 'static,
{
    let interval = Duration::from_secs_f64(1.0 / rate);
    let total = (rate * seconds) as usize;
    let started = Instant::now();
    let mut tasks = Vec::with_capacity(total);
    for n in 0..total {
        tokio::time::sleep_until((started + interval * n as u32).into()).await;
        tasks.push(tokio::spawn(request(n)));
    }
    let latencies: Vec<Duration> = futures::future::join_all(tasks)
        .await
        .into_iter()
        .map(|r| r.unwrap())
        .collect();
    figures(latencies, started.elapsed())
}

/// POSTs `body` with `key` (if any) and checks the answer is a success.
pub async fn post(
    client: &reqwest::Client,
    url: &str,
    key: Option<&str>,
    body: &Value,
) -> reqwest::Response {
    let mut request = client.post(url).json(body);
    if let Some(key) = key {
        request = request.bearer_auth(key);
    }
    let response = request.send().await.unwrap();
    assert!(response.status().is_success(), "{}", response.status());
    response
}

/// POSTs `body` and returns the JSON answer's `data.<field>` as text.
pub async fn created(
    client: &reqwest::Client,
    url: &str,
    key: &str,
    body: Value,
    field: &str,
) -> String {
    let answer: Value = post(client, url, Some(key), &body)
        .await
        .json()
        .await
        .unwrap();
    answer["data"][field].as_str().unwrap().to_owned()
}

/// With the server's first key, a key of the bench's own with the highest
/// hourly limit (so the limiter never refuses) and a bot without a
/// greeting (so every turn calls the model and is metered).
pub async fn bench_key_and_bot(
    client: &reqwest::Client,
    base: &str,
    first_key: &str,
) -> (String, String) {
    let key = created(
        client,
        &format!("{base}/api/v1/keys"),
        first_key,
        json!({"name": "bench", "abilities": ["*"], "rate_limit_per_hour": 100_000_000}),
        "api_key",
    )
    .await;
    let bot = created(
        client,
        &format!("{base}/api/v1/bots"),
        &key,
        json!({"name": "Bench", "system_prompt": "You are a benchmark.", "model": "bench-model"}),
        "id",
    )
    .await;
    (key, bot)
}

/// POSTs `body` and reads the whole answer; returns how long it took.
pub async fn timed_post(
    client: &reqwest::Client,
    url: &str,
    key: Option<&str>,
    body: &Value,
) -> Duration {
    let started = Instant::now();
    let response = post(client, url, key, body).await;
    response.bytes().await.unwrap();
    started.elapsed()
}

/// When a stream's response head arrived and when the first token did.
pub struct StreamTimes {
    /// The response head (status and headers).
    pub first_byte: Duration,
    /// The first chunk holding `marker`.
    pub first_token: Duration,
}

/// POSTs `body`, reads the stream to its end, and times its head and its
/// first token (the first chunk containing `marker`).
pub async fn timed_stream(
    client: &reqwest::Client,
    url: &str,
    key: Option<&str>,
    body: &Value,
    marker: &str,
) -> StreamTimes {
    let started = Instant::now();
    let response = post(client, url, key, body).await;
    let first_byte = started.elapsed();
    let mut stream = response.bytes_stream();
    let mut seen = String::new();
    let mut first_token = None;
    while let Some(chunk) = stream.next().await {
        if first_token.is_none() {
            seen.push_str(&String::from_utf8_lossy(&chunk.unwrap()));
            if seen.contains(marker) {
                first_token = Some(started.elapsed());
            }
        }
    }
    StreamTimes {
        first_byte,
        first_token: first_token.unwrap_or_else(|| started.elapsed()),
    }
}
