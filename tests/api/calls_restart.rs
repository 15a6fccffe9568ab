//! Post-call jobs are durable: a job queued while no worker runs, and a
//! job whose worker died holding its claim, both finish once a server
//! with a worker is up.

use std::time::Duration;

use hania_blackbox::{Backend, Method, on_both_backends};
use hania_server::config::Config;
use hania_test_receiver::{Answer, Receiver};

use crate::calls::{bot_with_hook, config, mock, transcript, until};

async fn a_job_left_by_a_stopped_server_runs_when_one_is_back(backend: Backend) {
    let mock = mock().await;
    let receiver = Receiver::start(Answer::ok("{}")).await;
    // No worker here: the job waits in the database.
    let first = hania_blackbox::spawn_with(
        backend,
        Config {
            jobs: Some("off".into()),
            ..config(&mock)
        },
    )
    .await;
    let bot = bot_with_hook(&first, &receiver).await;
    let (_, recorded) = first
        .json(
            Method::POST,
            "/api/v1/calls/transcripts",
            Some(&transcript(&bot, "CA-400")),
        )
        .await;
    let call = recorded["data"]["conversation_id"]
        .as_str()
        .unwrap()
        .to_owned();
    // A worker that claimed one of the jobs and died: its lease lapses.
    let (_, other) = first
        .json(
            Method::POST,
            "/api/v1/calls/transcripts",
            Some(&transcript(&bot, "CA-401")),
        )
        .await;
    let other = other["data"]["conversation_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let now = time::OffsetDateTime::now_utc();
    let claimed = first
        .store
        .claim_jobs(
            "crashed-worker",
            now + time::Duration::seconds(1),
            now + time::Duration::seconds(2),
            1,
        )
        .await
        .unwrap();
    assert_eq!(claimed.len(), 1);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(first.conversation(&call).await.1["data"]["post_call_analysis"].is_null());
    assert!(
        receiver.requests().is_empty(),
        "nothing ran without a worker"
    );

    let second = first.another_instance(config(&mock)).await;
    until(&second, &call, |c| !c["post_call_analysis"].is_null()).await;
    until(&second, &other, |c| !c["post_call_analysis"].is_null()).await;
    for _ in 0..100 {
        if receiver.requests().len() >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(receiver.requests().len(), 2, "each hook once");
    // The last hook delivery lands just before its job is marked done.
    let done = |jobs: &[hania_domain::job::Job]| {
        jobs.iter()
            .all(|j| j.state == hania_domain::job::JobState::Done)
    };
    let mut jobs = second.store.list_jobs(None, 10).await.unwrap();
    for _ in 0..100 {
        if done(&jobs) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        jobs = second.store.list_jobs(None, 10).await.unwrap();
    }
    assert!(done(&jobs), "{jobs:?}");
    // What an operator sees: `hania admin jobs`.
    let listed = hania_server::admin::run(
        second.store.clone(),
        hania_server::admin::AdminCommand::Jobs {
            state: Some("done".into()),
            limit: 10,
        },
    )
    .await
    .unwrap();
    let lines: Vec<&str> = listed.lines().collect();
    assert_eq!(lines.len(), 3, "a header and two jobs: {listed}");
    assert!(lines[0].starts_with("id\tkind\tstate\tattempts"));
    assert!(
        lines[1..].iter().all(|l| l.contains("\tpost_call\tdone\t")),
        "{listed}"
    );
    let retried = jobs.iter().find(|j| j.id == claimed[0].id).unwrap();
    assert_eq!(
        retried.attempts, 2,
        "the crashed attempt and the one that finished"
    );
}

on_both_backends!(backend: a_job_left_by_a_stopped_server_runs_when_one_is_back);
