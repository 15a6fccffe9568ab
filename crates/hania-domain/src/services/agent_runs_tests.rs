//! Agent runs with a fixed clock: run now, what is due, catch-up once,
//! a changed schedule, a lost claim, and a run refused by billing.

use time::macros::datetime;

use super::*;
use crate::billing::BillingStatus;
use crate::bot_changes::BotChanges;
use crate::field_update::FieldUpdate;
use crate::message::Message;
use crate::services::test_support::NOW;
use crate::services::turn_test_support::{BOT, Harness, WS, account, answer, recorded};
use crate::trace::action_types;
use crate::turn::TurnConversation;

fn agent(schedule: &str, due: OffsetDateTime) -> Bot {
    let changes = BotChanges {
        name: FieldUpdate::Set("Nightly".into()),
        system_prompt: FieldUpdate::Set("Check the orders.".into()),
        chat_greeting: FieldUpdate::Set("Hello!".into()),
        schedule: FieldUpdate::Set(schedule.into()),
        agent_goal: FieldUpdate::Set("Report overnight refunds".into()),
        ..BotChanges::default()
    };
    let mut bot = Bot::create(BOT, WS, changes, "nightly".into(), NOW).unwrap();
    bot.next_run_at = Some(due);
    bot
}

fn stored(open: &crate::turn::OpenTurn) -> Message {
    let m = &open.user_message;
    Message {
        id: m.id,
        conversation_id: open.conversation_id(),
        position: 1,
        role: m.role,
        content: m.content.clone(),
        metadata: None,
        created_at: m.created_at,
    }
}

/// A harness whose bot store has `bot` and whose model answers "Done.".
fn running(bot: Bot) -> Harness {
    let mut h = Harness::default();
    h.bots
        .expect_get_bot()
        .returning(move |_, _| Ok(bot.clone()));
    h.bot_tools
        .expect_list_bot_tools()
        .returning(|_, _| Ok(vec![]));
    h
}

#[tokio::test]
async fn run_now_runs_the_goal_in_a_new_agent_conversation_without_a_greeting() {
    let mut h = running(agent("0 * * * *", NOW));
    h.turns.expect_open_turn().times(1).returning(|open| {
        let TurnConversation::New(new) = &open.conversation else {
            panic!("a run starts a new conversation");
        };
        assert_eq!(new.channel, Channel::Agent);
        assert_eq!(open.user_message.content, "Report overnight refunds");
        Ok(vec![stored(open)])
    });
    h.provider
        .expect_complete()
        .returning(|_| Ok(answer("Two refunds.", vec![], 3)));
    h.turns.expect_record_turn().returning(|_| Ok(recorded()));
    let service = h.service();
    let reply = service.run_now(WS, BOT, None).await.unwrap();
    assert_eq!(
        reply.response, "Two refunds.",
        "the model, not the greeting"
    );
}

#[tokio::test]
async fn run_now_needs_an_input_or_a_goal() {
    let mut bot = agent("0 * * * *", NOW);
    bot.agent_goal = None;
    let service = running(bot).service();
    match service.run_now(WS, BOT, Some("  ".into())).await {
        Err(ChatError::Validation(v)) => assert_eq!(v.field, "input"),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_missed_slot_is_claimed_once_for_the_next_time_after_now() {
    let mut h = Harness::default();
    // Due three hours ago: one run now, then the next quarter hour.
    let overdue = agent("*/15 * * * *", datetime!(2026-11-21 07:00 UTC));
    let listed = overdue.clone();
    h.runs
        .expect_due_bots()
        .withf(|now, limit| *now == NOW && *limit == RUNS_PER_TICK)
        .returning(move |_, _| Ok(vec![listed.clone()]));
    h.runs.expect_claim_run().times(1).returning(|claim| {
        assert_eq!(claim.due_at, datetime!(2026-11-21 07:00 UTC));
        assert_eq!(claim.next_run_at, Some(datetime!(2026-11-21 10:15 UTC)));
        assert_eq!(claim.started_at, NOW);
        Ok(true)
    });
    let runs = h.service().claim_due_runs().await.unwrap();
    assert_eq!(runs.len(), 1);
    assert_eq!(
        (runs[0].goal.as_str(), runs[0].started_at),
        ("Report overnight refunds", NOW)
    );
}

#[tokio::test]
async fn a_changed_schedule_sets_the_next_slot_and_a_lost_claim_does_not_run() {
    let mut h = Harness::default();
    let hourly = agent("0 * * * *", NOW);
    h.runs
        .expect_due_bots()
        .returning(move |_, _| Ok(vec![hourly.clone()]));
    h.runs.expect_claim_run().times(1).returning(|claim| {
        assert_eq!(claim.next_run_at, Some(datetime!(2026-11-21 11:00 UTC)));
        Ok(false)
    });
    assert!(h.service().claim_due_runs().await.unwrap().is_empty());
}

#[tokio::test]
async fn an_inactive_bot_is_not_claimed() {
    let mut h = Harness::default();
    let mut gone = agent("0 * * * *", NOW);
    gone.status = crate::bot::BotStatus::Inactive;
    h.runs
        .expect_due_bots()
        .returning(move |_, _| Ok(vec![gone.clone()]));
    h.runs.expect_claim_run().never();
    assert!(h.service().claim_due_runs().await.unwrap().is_empty());
}

#[tokio::test]
async fn nothing_due_claims_nothing() {
    let mut h = Harness::default();
    h.runs.expect_due_bots().returning(|_, _| Ok(vec![]));
    h.runs.expect_claim_run().never();
    assert!(h.service().claim_due_runs().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_run_refused_by_billing_leaves_an_agent_conversation_saying_why() {
    let bot = agent("0 * * * *", NOW);
    let mut h = running(bot.clone());
    let mut billing = crate::ports::MockWorkspaceStore::new();
    billing
        .expect_get_billing()
        .returning(|_| Ok(account(BillingStatus::Suspended)));
    h.billing = billing;
    h.turns.expect_open_turn().never();
    h.provider.expect_complete().never();
    // The conversation is created in the transaction that writes why.
    h.conversations.expect_create_conversation().never();
    h.turns.expect_record_turn().times(1).returning(|record| {
        let new = record
            .new_conversation
            .as_ref()
            .expect("created with the record");
        assert_eq!(new.channel, Channel::Agent);
        assert_eq!(new.id, record.conversation_id);
        assert!(record.charge.is_none());
        assert_eq!(record.messages[0].content, "Report overnight refunds");
        let step = &record.trace_steps[0];
        assert_eq!(step.action_type, action_types::BILLING);
        assert_eq!(step.action_name, "SERVICE_SUSPENDED");
        Ok(recorded())
    });
    let run = ScheduledRun {
        bot,
        goal: "Report overnight refunds".into(),
        started_at: NOW,
    };
    let service = h.service();
    assert!(matches!(
        service.run_scheduled(&run).await,
        Err(ChatError::Billing(_))
    ));
}
