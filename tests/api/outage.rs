//! A PostgreSQL outage under load (issue 15): two instances on one
//! database; while it is down every request that needs it gets 503
//! `UNAVAILABLE` in its dialect's envelope within the pool timeout,
//! `/readyz` is 503 and `/healthz` 200, an open stream ends with an error
//! event; once it is back both instances answer 200 again by themselves.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hania_blackbox::{TestApp, spawn_on, sse_events};
use hania_mock_llm::{MockConfig, MockLlm};
use hania_server::Config;
use hania_test_postgres::TempPostgres;
use serde_json::{Value, json};

/// `HANIA_DB_TIMEOUT_MS` of both instances.
const DB_TIMEOUT_MS: u64 = 1_000;
/// The longest any answer may take during the outage: the pool timeout
/// plus scheduling slack on a loaded 2-core machine.
const BOUND: Duration = Duration::from_millis(DB_TIMEOUT_MS * 3);

/// One answer of the load.
struct Sample {
    started: Instant,
    at: Instant,
    status: u16,
    elapsed: Duration,
    body: Value,
}

/// Where the load goes: an instance's address and key.
#[derive(Clone)]
struct Target {
    base: String,
    key: String,
    client: reqwest::Client,
}

impl Target {
    fn of(app: &TestApp) -> Self {
        Self {
            base: app.base.clone(),
            key: app.key.clone(),
            client: app.client.clone(),
        }
    }
}

async fn turn(app: &Target, bot: &str, n: usize) -> Sample {
    let started = Instant::now();
    let body = json!({"bot_id": bot, "message": format!("load {n}"), "external_user_id": format!("u{}", n % 4)});
    let response = app
        .client
        .post(format!("{}/api/v1/chat/send", app.base))
        .bearer_auth(&app.key)
        .json(&body)
        .timeout(Duration::from_secs(30))
        .send()
        .await
        .expect("the server answers (no dropped connection)");
    let status = response.status().as_u16();
    let body = response.json().await.unwrap_or(Value::Null);
    Sample {
        started,
        at: Instant::now(),
        status,
        elapsed: started.elapsed(),
        body,
    }
}

/// Runs turns on both instances until `stop`, recording every answer.
fn load(
    apps: [Target; 2],
    bot: String,
    stop: Arc<AtomicBool>,
    samples: Arc<Mutex<Vec<Sample>>>,
) -> Vec<tokio::task::JoinHandle<()>> {
    (0..4)
        .map(|worker| {
            let (apps, bot, stop, samples) =
                (apps.clone(), bot.clone(), stop.clone(), samples.clone());
            tokio::spawn(async move {
                let mut n = worker;
                while !stop.load(Ordering::Relaxed) {
                    let sample = turn(&apps[n % 2], &bot, n).await;
                    samples.lock().unwrap().push(sample);
                    n += 4;
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            })
        })
        .collect()
}

async fn status(app: &TestApp, path: &str) -> u16 {
    app.client
        .get(format!("{}{path}", app.base))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// Each dialect answers 503 in its own envelope, within the bound.
async fn every_dialect_says_unavailable(app: &TestApp, bot: &str) {
    let started = Instant::now();
    let (code, native) = app
        .json(
            reqwest::Method::POST,
            "/api/v1/chat/send",
            Some(&json!({"bot_id": bot, "message": "down?"})),
        )
        .await;
    assert_eq!(
        (code, native["code"].as_str()),
        (503, Some("UNAVAILABLE")),
        "{native}"
    );
    let hansei = app
        .client
        .post(format!("{}/public/v1/messages", app.base))
        .header("X-API-KEY", &app.key)
        .json(&json!({"value": {"bot_id": bot, "content": "down?"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(hansei.status().as_u16(), 503);
    let hansei: Value = hansei.json().await.unwrap();
    assert_eq!(hansei["code"], "UNAVAILABLE", "{hansei}");
    let slug = app
        .client
        .post(format!("{}/v1/api/chat/support-agent", app.base))
        .bearer_auth(&app.key)
        .json(&json!({"message": "down?", "stream": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(slug.status().as_u16(), 503);
    let slug: Value = slug.json().await.unwrap();
    assert_eq!(slug["error"]["name"], "ServiceUnavailableError", "{slug}");
    assert!(started.elapsed() < BOUND * 3, "{:?}", started.elapsed());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_postgres_restart_under_load_costs_503s_and_nothing_after() {
    let pg = Arc::new(TempPostgres::start());
    let mock = MockLlm::start(MockConfig {
        reply: "Fine.".into(),
        ..MockConfig::default()
    })
    .await
    .unwrap();
    let config = Config {
        llm_base_url: Some(mock.base_url()),
        db_timeout_ms: Some(DB_TIMEOUT_MS.to_string()),
        ..Config::default()
    };
    let one = spawn_on(pg.url(), Box::new(pg.clone()), config.clone()).await;
    let two = one.another_instance(config).await;
    let bot = one
        .create_bot(
            &one.key,
            json!({"name": "Support Agent", "system_prompt": "s"}),
        )
        .await;

    // A stream that is open when the database goes away.
    mock.set_config(MockConfig {
        reply: "one two three four five six".into(),
        inter_token_delay: Duration::from_millis(150),
        ..MockConfig::default()
    });
    let stream = one
        .client
        .post(format!("{}/api/v1/chat/send-stream", one.base))
        .bearer_auth(&one.key)
        .json(&json!({"bot_id": bot, "message": "stream through it"}))
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), 200);
    let apps = [Target::of(&one), Target::of(&two)];

    pg.stop();
    let stopped_at = Instant::now();
    let events = sse_events(&stream.text().await.unwrap());
    let (last, data) = events.last().unwrap();
    assert_eq!(last, "error", "{events:?}");
    assert_eq!(data["code"], "UNAVAILABLE", "{data}");
    mock.set_config(MockConfig {
        reply: "Fine.".into(),
        ..MockConfig::default()
    });

    // Load through the outage and after it.
    let stop = Arc::new(AtomicBool::new(false));
    let samples = Arc::new(Mutex::new(Vec::new()));
    let workers = load(apps.clone(), bot.clone(), stop.clone(), samples.clone());
    for app in [&one, &two] {
        assert_eq!(status(app, "/readyz").await, 503);
        assert_eq!(status(app, "/healthz").await, 200);
        every_dialect_says_unavailable(app, &bot).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let restarted_at = Instant::now();
    pg.restart();
    // Both instances recover by themselves.
    for app in [&one, &two] {
        let deadline = Instant::now() + Duration::from_secs(15);
        while status(app, "/readyz").await != 200 {
            assert!(Instant::now() < deadline, "{} never became ready", app.base);
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    let recovered_at = Instant::now();
    tokio::time::sleep(Duration::from_secs(2)).await;
    stop.store(true, Ordering::Relaxed);
    for worker in workers {
        worker.await.unwrap();
    }

    let samples = samples.lock().unwrap();
    let during: Vec<&Sample> = samples
        .iter()
        .filter(|s| s.at > stopped_at && s.at < restarted_at)
        .collect();
    // Requests sent once both instances were ready again; one sent
    // before may still be finishing its 503.
    let after: Vec<&Sample> = samples
        .iter()
        .filter(|s| s.started > recovered_at)
        .collect();
    assert!(
        !during.is_empty() && after.len() >= 8,
        "{} / {}",
        during.len(),
        after.len()
    );
    for sample in &during {
        assert_eq!(sample.status, 503, "{}", sample.body);
        assert_eq!(sample.body["code"], "UNAVAILABLE", "{}", sample.body);
        assert!(sample.elapsed < BOUND, "a 503 took {:?}", sample.elapsed);
    }
    for sample in &after {
        assert_eq!(sample.status, 200, "after recovery: {}", sample.body);
    }
    for sample in samples.iter() {
        assert!([200, 503].contains(&sample.status), "{}", sample.body);
    }
}
