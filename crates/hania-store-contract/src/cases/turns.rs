use std::sync::Arc;

use hania_domain::billing::period_start_of;
use hania_domain::conversation::Channel;
use hania_domain::ids::{ConversationId, WorkspaceId};
use hania_domain::ledger::{LedgerKind, NewCredit};
use hania_domain::message::Role;
use hania_domain::money::Money;
use hania_domain::page::Page;
use hania_domain::ports::Storage;
use hania_domain::trace::{NewTraceStep, action_types};
use hania_domain::turn::{TurnCharge, TurnRecord};
use time::macros::{date, datetime, offset};
use time::{Date, OffsetDateTime};

use crate::assert_not_found;
use crate::fixture::*;

fn charged_turn(
    ws: WorkspaceId,
    conv: ConversationId,
    cost: i64,
    period: Date,
    when: OffsetDateTime,
) -> TurnRecord {
    let reply = message(Role::Assistant, "Here you go.", 1);
    TurnRecord {
        workspace_id: ws,
        conversation_id: conv,
        new_conversation: None,
        messages: vec![message(Role::User, "Question", 0), reply.clone()],
        trace_steps: vec![NewTraceStep::new(id(), action_types::MODEL_CALL, "m", when)],
        release_hold: None,
        charge: Some(TurnCharge {
            entry_id: id(),
            cost: Money(cost),
            message_id: Some(reply.id),
            model: "gpt-4o-mini".into(),
            prompt_tokens: 100,
            completion_tokens: 20,
            period_start: period,
        }),
        recorded_at: when,
    }
}

/// One call stores the messages, the trace, the ledger row, the balance
/// change and the period count.
pub async fn record_turn_writes_everything_at_once(store: &dyn Storage) {
    let ws = workspace(store, 1_000).await;
    let bot = stored_bot(store, ws, "turns").await;
    let conv = conversation(store, ws, bot, Channel::Api).await;
    let turn = charged_turn(ws, conv.id, 300, period_start_of(T0), at(5));
    let recorded = store.record_turn(&turn).await.unwrap();
    assert_eq!(
        recorded
            .messages
            .iter()
            .map(|m| m.position)
            .collect::<Vec<_>>(),
        vec![1, 2]
    );
    assert_eq!(recorded.trace_steps[0].step_number, 1);
    let entry = recorded.ledger_entry.unwrap();
    assert_eq!(
        (entry.kind, entry.amount, entry.balance_after),
        (LedgerKind::Charge, Money(-300), Money(700))
    );
    assert_eq!(
        (entry.conversation_id, entry.message_id),
        (Some(conv.id), Some(turn.messages[1].id))
    );
    assert_eq!(
        (
            entry.prompt_tokens,
            entry.completion_tokens,
            entry.model.as_deref()
        ),
        (100, 20, Some("gpt-4o-mini"))
    );

    let billing = store.get_billing(ws).await.unwrap();
    assert_eq!(
        (billing.balance, billing.period_turns_used),
        (Money(700), 1)
    );
    let loaded = store.get_conversation(ws, conv.id).await.unwrap();
    assert_eq!((loaded.message_count, loaded.trace_step_count), (2, 1));
    assert_eq!(loaded.last_message_preview.as_deref(), Some("Here you go."));
    assert_eq!(
        store.list_ledger(ws, Page::default()).await.unwrap(),
        vec![entry]
    );

    let mut free = charged_turn(ws, conv.id, 0, period_start_of(T0), at(6));
    free.charge = None;
    let recorded = store.record_turn(&free).await.unwrap();
    assert!(recorded.ledger_entry.is_none());
    assert_eq!(recorded.messages[0].position, 3);
    assert_eq!(store.get_billing(ws).await.unwrap().period_turns_used, 1);
}

/// A turn for a conversation outside the workspace stores nothing at all.
pub async fn record_turn_is_all_or_nothing(store: &dyn Storage) {
    let (ws, other) = (workspace(store, 1_000).await, workspace(store, 1_000).await);
    let bot = stored_bot(store, other, "theirs").await;
    let foreign = conversation(store, other, bot, Channel::Api).await;
    assert_not_found!(
        store
            .record_turn(&charged_turn(
                ws,
                foreign.id,
                300,
                period_start_of(T0),
                at(1)
            ))
            .await
    );
    assert_eq!(store.get_billing(ws).await.unwrap().balance, Money(1_000));
    assert_eq!(store.get_billing(ws).await.unwrap().period_turns_used, 0);
    assert!(
        store
            .list_ledger(ws, Page::default())
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .list_messages(other, foreign.id)
            .await
            .unwrap()
            .is_empty()
    );
}

/// The first charge of a new month restarts the period's turn count.
pub async fn a_new_period_restarts_the_turn_count(store: &dyn Storage) {
    let ws = workspace(store, 10_000).await;
    let bot = stored_bot(store, ws, "months").await;
    let conv = conversation(store, ws, bot, Channel::Api).await;
    for _ in 0..2 {
        store
            .record_turn(&charged_turn(ws, conv.id, 1, period_start_of(T0), at(1)))
            .await
            .unwrap();
    }
    assert_eq!(store.get_billing(ws).await.unwrap().period_turns_used, 2);
    let december = date!(2026 - 12 - 01);
    store
        .record_turn(&charged_turn(
            ws,
            conv.id,
            1,
            december,
            datetime!(2026-12-01 0:05 UTC),
        ))
        .await
        .unwrap();
    let billing = store.get_billing(ws).await.unwrap();
    assert_eq!(
        (billing.period_start, billing.period_turns_used),
        (december, 1)
    );
}

/// Many tasks charging at once lose no update: the balance moves by
/// exactly the sum of the ledger rows.
pub async fn concurrent_charges_are_exact(store: &Arc<dyn Storage>) {
    const TASKS: usize = 64;
    const TURNS: usize = 4;
    let start = 10_000_000;
    let ws = workspace(store.as_ref(), start).await;
    let bot = stored_bot(store.as_ref(), ws, "busy").await;
    let mut conversations = Vec::new();
    for _ in 0..8 {
        conversations.push(conversation(store.as_ref(), ws, bot, Channel::Api).await.id);
    }
    let conversations = Arc::new(conversations);
    let tasks = (0..TASKS).map(|task| {
        let (store, conversations) = (store.clone(), conversations.clone());
        tokio::spawn(async move {
            for turn in 0..TURNS {
                let conv = conversations[(task + turn) % conversations.len()];
                let cost = (task * TURNS + turn) as i64 + 1;
                store
                    .record_turn(&charged_turn(ws, conv, cost, period_start_of(T0), at(1)))
                    .await
                    .unwrap();
            }
        })
    });
    for result in futures::future::join_all(tasks).await {
        result.expect("a charging task panicked");
    }

    let expected: i64 = (1..=(TASKS * TURNS) as i64).sum();
    let billing = store.get_billing(ws).await.unwrap();
    assert_eq!(billing.balance, Money(start - expected));
    assert_eq!(billing.period_turns_used as usize, TASKS * TURNS);
    let mut ledger_sum = 0;
    let mut offset = 0;
    loop {
        let page = store
            .list_ledger(ws, Page::new(Some(500), Some(offset)).unwrap())
            .await
            .unwrap();
        if page.is_empty() {
            break;
        }
        offset += page.len() as u32;
        ledger_sum += page.iter().map(|e| e.amount.micros()).sum::<i64>();
    }
    assert_eq!(offset as usize, TASKS * TURNS);
    assert_eq!(ledger_sum, -expected);
    let mut messages = 0;
    for conv in conversations.iter() {
        let listed = store.list_messages(ws, *conv).await.unwrap();
        let positions: Vec<u32> = listed.iter().map(|m| m.position).collect();
        assert_eq!(
            positions,
            (1..=listed.len() as u32).collect::<Vec<_>>(),
            "no gaps or duplicates"
        );
        messages += listed.len();
    }
    assert_eq!(messages, TASKS * TURNS * 2);
}

/// Credits change the balance atomically with their ledger row.
pub async fn credits_move_the_balance_and_list_newest_first(store: &dyn Storage) {
    let ws = workspace(store, 0).await;
    let credit = |amount, offset, kind| NewCredit {
        id: id(),
        workspace_id: ws,
        kind,
        amount: Money(amount),
        description: "manual".into(),
        created_at: at(offset),
    };
    let first = store
        .add_credit(&credit(5_000_000, 1, LedgerKind::TopUp))
        .await
        .unwrap();
    let second = store
        .add_credit(&credit(-1_000, 2, LedgerKind::Adjustment))
        .await
        .unwrap();
    assert_eq!(
        (first.balance_after, second.balance_after),
        (Money(5_000_000), Money(4_999_000))
    );
    assert_eq!(
        store.get_billing(ws).await.unwrap().balance,
        Money(4_999_000)
    );
    let listed = store.list_ledger(ws, Page::default()).await.unwrap();
    assert_eq!(listed, vec![second, first]);
    let ghost = NewCredit {
        workspace_id: id(),
        ..credit(1, 3, LedgerKind::TopUp)
    };
    assert_not_found!(store.add_credit(&ghost).await);
}

/// Instants given in any offset come back as the same instant in UTC, to
/// the microsecond, and order correctly.
pub async fn timestamps_round_trip_in_utc(store: &dyn Storage) {
    let ws = workspace(store, 0).await;
    let bot = stored_bot(store, ws, "tz").await;
    let local = datetime!(2026-11-21 23:30:00.654321).assume_offset(offset!(+05:30));
    let mut new = new_conversation(ws, bot, Channel::Api, 0);
    new.started_at = local;
    let created = store.create_conversation(&new).await.unwrap();
    let loaded = store.get_conversation(ws, created.id).await.unwrap();
    assert_eq!(loaded.started_at, local);
    assert_eq!(loaded.started_at.offset(), time::UtcOffset::UTC);
    assert_eq!(loaded.started_at, datetime!(2026-11-21 18:00:00.654321 UTC));
    // 18:00 UTC is after 10:00 UTC even though the local text says 23:30.
    let filter = hania_domain::conversation::ConversationFilter {
        since: Some(at(3_600)),
        ..Default::default()
    };
    let page = store
        .list_conversations(ws, &filter, Page::default())
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1);
}
