//! Holds for turns in flight: concurrent turns cannot drive the balance
//! below zero by more than one turn, a released hold frees its money, and
//! a lapsed hold (a crashed instance's) no longer counts.

use std::sync::Arc;

use hania_domain::billing::period_start_of;
use hania_domain::conversation::Channel;
use hania_domain::ids::{ConversationId, WorkspaceId};
use hania_domain::message::Role;
use hania_domain::money::Money;
use hania_domain::ports::{Storage, StoreConflict, StoreError};
use hania_domain::turn::{OpenTurn, TurnCharge, TurnConversation, TurnHold, TurnRecord};
use time::Duration;

use crate::assert_conflict;
use crate::fixture::*;

fn open(ws: WorkspaceId, conv: ConversationId, amount: i64, offset: i64) -> OpenTurn {
    OpenTurn {
        workspace_id: ws,
        conversation: TurnConversation::Existing(conv),
        user_message: message(Role::User, "question", offset),
        history_limit: 1,
        hold: Some(TurnHold {
            id: id(),
            amount: Money(amount),
            expires_at: at(offset) + Duration::minutes(15),
        }),
    }
}

fn settle(turn: &OpenTurn, cost: i64) -> TurnRecord {
    TurnRecord {
        workspace_id: turn.workspace_id,
        conversation_id: turn.conversation_id(),
        new_conversation: None,
        messages: vec![message(Role::Assistant, "answer", 1)],
        trace_steps: Vec::new(),
        charge: Some(TurnCharge {
            entry_id: id(),
            cost: Money(cost),
            message_id: None,
            model: "m".into(),
            prompt_tokens: 1,
            completion_tokens: 1,
            period_start: period_start_of(at(1)),
        }),
        release_hold: turn.hold.map(|h| h.id),
        recorded_at: at(1),
    }
}

/// 64 turns at once on a balance of ten turns: holds admit at most as many
/// as the balance covers, so it never ends below zero by more than one
/// turn's cost, and the ledger still sums to the balance change.
pub async fn holds_bound_concurrent_overdraw(store: &Arc<dyn Storage>) {
    const TASKS: usize = 64;
    const COST: i64 = 1_000;
    let start = 10 * COST;
    let ws = workspace(store.as_ref(), start).await;
    let bot = stored_bot(store.as_ref(), ws, "rush").await;
    let conv = conversation(store.as_ref(), ws, bot, Channel::Api).await.id;
    let tasks = (0..TASKS).map(|_| {
        let store = store.clone();
        tokio::spawn(async move {
            let turn = open(ws, conv, COST, 0);
            match store.open_turn(&turn).await {
                Ok(_) => {
                    store.record_turn(&settle(&turn, COST)).await.unwrap();
                    true
                }
                Err(StoreError::Conflict(StoreConflict::BalanceExhausted)) => false,
                Err(other) => panic!("unexpected {other:?}"),
            }
        })
    });
    let admitted = futures::future::join_all(tasks)
        .await
        .into_iter()
        .filter(|r| *r.as_ref().expect("a turn task panicked"))
        .count();
    let balance = store.get_billing(ws).await.unwrap().balance.micros();
    assert!((1..=11).contains(&admitted), "{admitted} admitted");
    assert!(
        balance >= -COST,
        "balance {balance} overdrawn by more than one turn"
    );
    assert_eq!(balance, start - COST * admitted as i64);
}

/// A held turn blocks others only while it runs; settling it (or a failed
/// turn releasing it) frees the money, and a lapsed hold stops counting.
pub async fn holds_are_released_and_lapse(store: &dyn Storage) {
    let ws = workspace(store, 1_000).await;
    let bot = stored_bot(store, ws, "hold").await;
    let conv = conversation(store, ws, bot, Channel::Api).await.id;
    let first = open(ws, conv, 1_000, 0);
    store.open_turn(&first).await.unwrap();
    let second = open(ws, conv, 1, 0);
    assert_conflict!(store.open_turn(&second).await, BalanceExhausted);
    // The failed call releases its hold without a charge.
    let mut failed = settle(&first, 0);
    failed.charge = None;
    failed.messages.clear();
    store.record_turn(&failed).await.unwrap();
    store.open_turn(&second).await.unwrap();
    // Holds of turns whose instance died lapse: 1 + 999 held now refuse
    // another, but not once their lifetime is over.
    store.open_turn(&open(ws, conv, 999, 10)).await.unwrap();
    assert_conflict!(
        store.open_turn(&open(ws, conv, 1, 20)).await,
        BalanceExhausted
    );
    store.open_turn(&open(ws, conv, 1, 60 * 16)).await.unwrap();
    assert_eq!(store.get_billing(ws).await.unwrap().balance, Money(1_000));
}
