//! Two real server instances on one throwaway PostgreSQL, as behind a load
//! balancer (issue 15): one rate limit shared exactly, and an
//! `Idempotency-Key` retried on the other instance replays.

use hania_blackbox::{Backend, Method, read, spawn_with, spawn_with_mock};
use hania_server::Config;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_hold_one_limit_exactly() {
    let one = spawn_with(Backend::Postgres, Config::default()).await;
    let two = one.another_instance(Config::default()).await;
    let key = one.key(one.workspace, &["bots:read"], Some(7)).await;
    let hit = |i: usize| {
        let (app, key) = (if i.is_multiple_of(2) { &one } else { &two }, key.clone());
        async move {
            let response = app.call(Method::GET, "/api/v1/bots", &key, None).await;
            assert_eq!(response.headers()["x-ratelimit-limit"], "7");
            let remaining: u32 = response.headers()["x-ratelimit-remaining"]
                .to_str()
                .unwrap()
                .parse()
                .unwrap();
            (response.status().as_u16(), remaining)
        }
    };
    // One after another, alternating: each instance sees the other's hits.
    for (i, remaining) in (0..4).zip([6, 5, 4, 3]) {
        assert_eq!(hit(i).await, (200, remaining), "request {i}");
    }
    // Then a burst on both at once: exactly the 3 left are admitted.
    let answers = futures::future::join_all((0..20).map(hit)).await;
    assert!(
        answers.iter().all(|(s, _)| [200, 429].contains(s)),
        "{answers:?}"
    );
    let mut remaining: Vec<u32> = answers
        .iter()
        .filter(|(s, _)| *s == 200)
        .map(|(_, r)| *r)
        .collect();
    remaining.sort_unstable();
    assert_eq!(remaining, vec![0, 1, 2], "{answers:?}");
    // Later requests are refused on either instance.
    for app in [&one, &two] {
        let response = app.call(Method::GET, "/api/v1/bots", &key, None).await;
        assert_eq!(response.status().as_u16(), 429);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_idempotency_key_retried_on_the_other_instance_replays() {
    let (one, mock) = spawn_with_mock(Backend::Postgres, "Answered once").await;
    let two = one
        .another_instance(Config {
            llm_base_url: Some(mock.base_url()),
            ..Config::default()
        })
        .await;
    let bot = one
        .create_bot(
            &one.key,
            json!({"name": "Once", "system_prompt": "s", "welcome_message": null}),
        )
        .await;
    let body = json!({"bot_id": bot, "message": "charge me once", "external_user_id": "u"});
    let send = |app: &hania_blackbox::TestApp| {
        app.client
            .post(format!("{}/api/v1/chat/send", app.base))
            .bearer_auth(&app.key)
            .header("idempotency-key", "across-instances-1")
            .json(&body)
            .send()
    };
    let first = send(&one).await.unwrap();
    assert!(first.headers().get("idempotent-replayed").is_none());
    let (status, first) = read(first).await;
    assert_eq!(status, 200, "{first}");
    let again = send(&two).await.unwrap();
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    let (status, again) = read(again).await;
    assert_eq!((status, &again), (200, &first));
    assert_eq!(mock.requests().len(), 1, "the model was called once");
}
