//! Agent runs (SPEC "Agents"): run now, and scheduled runs that happen
//! once per slot — on one instance, and on two instances sharing one
//! PostgreSQL.

use std::time::{Duration, Instant};

use hania_blackbox::{Backend, Method, TestApp, on_both_backends};
use hania_domain::billing::BillingStatus;
use hania_domain::ids::BotId;
use hania_mock_llm::{MockConfig, MockLlm};
use hania_server::config::Config;
use serde_json::{Value, json};
use time::OffsetDateTime;

/// Once a year: a slot comes due only when a test makes it so.
const YEARLY: &str = "0 0 1 1 *";
const GOAL: &str = "Report the overnight refunds";

async fn mock() -> MockLlm {
    MockLlm::start(MockConfig {
        reply: "Two refunds overnight.".into(),
        ..MockConfig::default()
    })
    .await
    .unwrap()
}

fn config(mock: &MockLlm, scheduler: bool) -> Config {
    Config {
        llm_base_url: Some(mock.base_url()),
        scheduler: Some(if scheduler { "on" } else { "off" }.into()),
        scheduler_tick_ms: Some("50".into()),
        ..Config::default()
    }
}

async fn scheduled_agent(app: &TestApp, schedule: &str) -> String {
    app.create_bot(
        &app.key,
        json!({"name": "Nightly", "system_prompt": "Check the orders.", "bot_type": "agent",
            "chat_greeting": "Hello!", "schedule": schedule, "agent_goal": GOAL}),
    )
    .await
}

fn bot_id(id: &str) -> BotId {
    BotId::from_uuid(id.parse().unwrap())
}

/// Makes the bot's next slot due a second ago (as if its time had come).
async fn make_due(app: &TestApp, bot: &str) -> OffsetDateTime {
    let mut stored = app.store.get_bot(app.workspace, bot_id(bot)).await.unwrap();
    let due = OffsetDateTime::now_utc() - time::Duration::seconds(1);
    stored.next_run_at = Some(due);
    app.store.update_bot(&stored).await.unwrap();
    due
}

async fn agent_conversations(app: &TestApp, bot: &str) -> Vec<Value> {
    let (status, list) = app
        .json(
            Method::GET,
            &format!("/api/v1/conversations?bot_id={bot}&channel=agent"),
            None,
        )
        .await;
    assert_eq!(status, 200, "{list}");
    list["data"].as_array().unwrap().clone()
}

/// Waits until the bot has `count` agent conversations (at most `within`).
async fn wait_for_runs(app: &TestApp, bot: &str, count: usize, within: Duration) -> Vec<Value> {
    let started = Instant::now();
    loop {
        let found = agent_conversations(app, bot).await;
        if found.len() >= count || started.elapsed() > within {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

async fn run_now_runs_the_goal_or_the_input(backend: Backend) {
    let mock = mock().await;
    let app = hania_blackbox::spawn_with(backend, config(&mock, false)).await;
    let bot = scheduled_agent(&app, YEARLY).await;
    let path = format!("/api/v1/bots/{bot}/run");
    let (status, reply) = app.json(Method::POST, &path, None).await;
    assert_eq!(status, 200, "{reply}");
    let keys: Vec<&String> = reply["data"].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["conversation_id", "response", "timestamp"]);
    assert_eq!(
        reply["data"]["response"], "Two refunds overnight.",
        "no greeting"
    );
    let asked = mock.requests().last().unwrap()["messages"].clone();
    assert_eq!(asked.as_array().unwrap().last().unwrap()["content"], GOAL);
    let runs = agent_conversations(&app, &bot).await;
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0]["id"], reply["data"]["conversation_id"]);

    let input = json!({"input": "Only count refunds over 100 EUR"});
    let (status, reply) = app.json(Method::POST, &path, Some(&input)).await;
    assert_eq!(status, 200, "{reply}");
    let asked = mock.requests().last().unwrap()["messages"].clone();
    assert_eq!(
        asked.as_array().unwrap().last().unwrap()["content"],
        "Only count refunds over 100 EUR"
    );
    assert_ne!(
        runs[0]["id"], reply["data"]["conversation_id"],
        "a new conversation"
    );

    let goalless = app
        .create_bot(&app.key, json!({"name": "G", "system_prompt": "s"}))
        .await;
    let (status, refused) = app
        .json(Method::POST, &format!("/api/v1/bots/{goalless}/run"), None)
        .await;
    assert_eq!(status, 400, "{refused}");
    assert!(
        refused["message"].as_str().unwrap().starts_with("input: "),
        "{refused}"
    );

    app.set_billing(BillingStatus::Suspended).await;
    let (status, refused) = app.json(Method::POST, &path, None).await;
    assert_eq!(
        (status, refused["code"].clone()),
        (402, json!("SERVICE_SUSPENDED"))
    );
    app.set_billing(BillingStatus::Active).await;
    app.json(Method::DELETE, &format!("/api/v1/bots/{bot}"), None)
        .await;
    let (status, refused) = app.json(Method::POST, &path, None).await;
    assert_eq!(status, 409, "an inactive bot: {refused}");
}

async fn a_due_slot_runs_once_and_moves_the_schedule(backend: Backend) {
    let mock = mock().await;
    let app = hania_blackbox::spawn_with(backend, config(&mock, true)).await;
    let bot = scheduled_agent(&app, YEARLY).await;
    let due = make_due(&app, &bot).await;
    let runs = wait_for_runs(&app, &bot, 1, Duration::from_secs(5)).await;
    assert_eq!(runs.len(), 1, "the due slot ran within 5 s");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(agent_conversations(&app, &bot).await.len(), 1, "once");
    let stored = app
        .store
        .get_bot(app.workspace, bot_id(&bot))
        .await
        .unwrap();
    let (last, next) = (stored.last_run_at.unwrap(), stored.next_run_at.unwrap());
    assert!(
        last > due && last <= OffsetDateTime::now_utc(),
        "last_run_at: {last}"
    );
    assert_eq!(
        (next.month(), next.day(), next.hour()),
        (time::Month::January, 1, 0)
    );
    assert!(
        next > last,
        "next_run_at moved to the next cron time: {next}"
    );

    // A run refused by billing leaves an agent conversation saying why.
    app.set_billing(BillingStatus::Suspended).await;
    make_due(&app, &bot).await;
    let runs = wait_for_runs(&app, &bot, 2, Duration::from_secs(5)).await;
    assert_eq!(runs.len(), 2, "the refused run is recorded");
    let refused = runs[0]["id"].as_str().unwrap();
    // Created in the transaction that records why: listed means traced.
    let steps = crate::agent::trace(&app, refused).await;
    assert_eq!(steps[0]["action_type"], "billing", "{steps:?}");
    assert_eq!(steps[0]["action_name"], "SERVICE_SUSPENDED");

    // A changed goal is what the next run asks.
    app.set_billing(BillingStatus::Active).await;
    let goal = json!({"agent_goal": "Count the chargebacks"});
    app.json(Method::PUT, &format!("/api/v1/bots/{bot}"), Some(&goal))
        .await;
    make_due(&app, &bot).await;
    let asking = Instant::now();
    while mock.requests().len() < 2 && asking.elapsed() < Duration::from_secs(5) {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let asked = mock.requests().last().unwrap()["messages"].clone();
    assert_eq!(
        asked.as_array().unwrap().last().unwrap()["content"],
        "Count the chargebacks"
    );

    // An inactive bot's slot never runs, even when its time has come.
    app.json(Method::DELETE, &format!("/api/v1/bots/{bot}"), None)
        .await;
    make_due(&app, &bot).await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(agent_conversations(&app, &bot).await.len(), 3);
}

/// Two servers on one PostgreSQL, both ticking every 50 ms: each slot
/// made due runs exactly once.
async fn two_instances_run_each_slot_once(backend: Backend) {
    let mock = mock().await;
    let first = hania_blackbox::spawn_with(backend, config(&mock, true)).await;
    let second = first.another_instance(config(&mock, true)).await;
    let (status, _) = second.json(Method::GET, "/api/v1/bots", None).await;
    assert_eq!(status, 200, "the second instance serves the same store");
    let bots = [
        scheduled_agent(&first, YEARLY).await,
        scheduled_agent(&first, YEARLY).await,
    ];
    const SLOTS: usize = 5;
    for slot in 1..=SLOTS {
        for bot in &bots {
            make_due(&first, bot).await;
        }
        for bot in &bots {
            let runs = wait_for_runs(&first, bot, slot, Duration::from_secs(5)).await;
            assert_eq!(runs.len(), slot, "slot {slot} ran");
        }
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    for bot in &bots {
        assert_eq!(
            agent_conversations(&first, bot).await.len(),
            SLOTS,
            "once per slot"
        );
    }
    assert_eq!(mock.requests().len(), 2 * SLOTS, "one model call per run");
}

/// A real every-minute schedule: the next minute's slot runs once, and
/// `next_run_at` moves to the minute after (two instances on PostgreSQL).
async fn an_every_minute_schedule_runs_at_the_minute(backend: Backend) {
    let mock = mock().await;
    let first = hania_blackbox::spawn_with(backend, config(&mock, true)).await;
    let second = match backend {
        Backend::Postgres => Some(first.another_instance(config(&mock, true)).await),
        Backend::Sqlite => None,
    };
    let bot = scheduled_agent(&first, "* * * * *").await;
    let stored = first
        .store
        .get_bot(first.workspace, bot_id(&bot))
        .await
        .unwrap();
    let slot = stored
        .next_run_at
        .expect("an active scheduled bot has a next run");
    assert_eq!(slot.second(), 0, "{slot}");
    let wait = slot - OffsetDateTime::now_utc() + time::Duration::seconds(5);
    let runs = wait_for_runs(&first, &bot, 1, wait.try_into().unwrap_or_default()).await;
    assert_eq!(runs.len(), 1, "the slot at {slot} ran within 5 s");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(agent_conversations(&first, &bot).await.len(), 1, "once");
    let after = first
        .store
        .get_bot(first.workspace, bot_id(&bot))
        .await
        .unwrap();
    let last = after.last_run_at.unwrap();
    assert!(
        last >= slot && last < slot + time::Duration::seconds(5),
        "{last}"
    );
    assert_eq!(after.next_run_at, Some(slot + time::Duration::minutes(1)));
    drop(second);
}

/// Stopping the scheduler lets the run in flight finish and starts no
/// other.
async fn stopping_lets_the_running_run_finish_and_starts_none(backend: Backend) {
    let slow = MockLlm::start(MockConfig {
        reply: "Done at last.".into(),
        first_token_latency: Duration::from_millis(600),
        ..MockConfig::default()
    })
    .await
    .unwrap();
    let app = hania_blackbox::spawn_with(backend, config(&slow, false)).await;
    let server = hania_server::start(
        &Config {
            bind: Some("127.0.0.1:0".into()),
            database_url: Some(app.database_url.clone()),
            ..config(&slow, true)
        },
        Some(1),
    )
    .await
    .unwrap();
    let scheduler = server.scheduler.expect("the scheduler is on");
    let bot = scheduled_agent(&app, YEARLY).await;
    make_due(&app, &bot).await;
    let started = Instant::now();
    while slow.requests().is_empty() && started.elapsed() < Duration::from_secs(5) {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(slow.requests().len(), 1, "the run started");
    scheduler.stop(Duration::from_secs(10)).await;
    let runs = agent_conversations(&app, &bot).await;
    let id = runs[0]["id"].as_str().unwrap();
    let (_, detail) = app.conversation(id).await;
    let messages = detail["data"]["messages"].as_array().unwrap();
    assert_eq!(
        messages.last().unwrap()["content"],
        "Done at last.",
        "it finished"
    );
    make_due(&app, &bot).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(slow.requests().len(), 1, "no run after the stop");
}

/// A run that fails (the provider is down) is traced, and the next slot
/// still runs.
async fn a_failed_run_is_traced_and_later_runs_go_on(backend: Backend) {
    let mock = mock().await;
    let app = hania_blackbox::spawn_with(backend, config(&mock, true)).await;
    let bot = scheduled_agent(&app, YEARLY).await;
    mock.set_config(MockConfig {
        fault: hania_mock_llm::Fault::Status {
            status: 400,
            every: 1,
        },
        ..MockConfig::default()
    });
    make_due(&app, &bot).await;
    let runs = wait_for_runs(&app, &bot, 1, Duration::from_secs(5)).await;
    assert_eq!(runs.len(), 1);
    let failed = runs[0]["id"].as_str().unwrap().to_owned();
    let mut steps = Vec::new();
    let started = Instant::now();
    while steps.is_empty() && started.elapsed() < Duration::from_secs(5) {
        tokio::time::sleep(Duration::from_millis(20)).await;
        steps = crate::agent::trace(&app, &failed).await;
    }
    assert_eq!(steps[0]["action_type"], "model_call", "{steps:?}");
    assert!(
        steps[0]["error_message"]
            .as_str()
            .unwrap()
            .contains("refused"),
        "{steps:?}"
    );
    mock.set_config(MockConfig {
        reply: "Back up.".into(),
        ..MockConfig::default()
    });
    make_due(&app, &bot).await;
    let runs = wait_for_runs(&app, &bot, 2, Duration::from_secs(5)).await;
    assert_eq!(runs.len(), 2, "the next slot ran");
}

on_both_backends!(
    backend: run_now_runs_the_goal_or_the_input,
    a_due_slot_runs_once_and_moves_the_schedule,
    an_every_minute_schedule_runs_at_the_minute,
    stopping_lets_the_running_run_finish_and_starts_none,
    a_failed_run_is_traced_and_later_runs_go_on
);

mod two_instances {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn on_postgres() {
        super::two_instances_run_each_slot_once(hania_blackbox::Backend::Postgres).await;
    }
}
