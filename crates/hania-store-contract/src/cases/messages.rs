use hania_domain::billing::period_start_of;
use hania_domain::conversation::{Channel, ConversationFilter};
use hania_domain::message::Role;
use hania_domain::money::Money;
use hania_domain::page::Page;
use hania_domain::ports::Storage;
use hania_domain::trace::{NewTraceStep, action_types};
use hania_domain::turn::{TurnCharge, TurnRecord};
use serde_json::json;

use crate::assert_not_found;
use crate::fixture::*;

/// Messages get consecutive positions, update the conversation's counters
/// and preview, and read back in order; the recent window is the tail.
pub async fn messages_are_appended_in_order(store: &dyn Storage) {
    let (ws, other) = (workspace(store, 0).await, workspace(store, 0).await);
    let bot = stored_bot(store, ws, "chat").await;
    let conv = conversation(store, ws, bot, Channel::Api).await;
    let mut first = message(Role::User, "Where is my October invoice?", 1);
    first.metadata = Some(json!({"ip": "203.0.113.5"}));
    let stored = store
        .append_messages(ws, conv.id, &[first.clone()])
        .await
        .unwrap();
    assert_eq!(
        (stored[0].position, stored[0].metadata.clone()),
        (1, first.metadata.clone())
    );
    let long = "x".repeat(150);
    let more = store
        .append_messages(
            ws,
            conv.id,
            &[
                message(Role::Assistant, "It was emailed on Oct 3.", 2),
                message(Role::User, &long, 3),
            ],
        )
        .await
        .unwrap();
    assert_eq!(
        more.iter().map(|m| m.position).collect::<Vec<_>>(),
        vec![2, 3]
    );

    let all = store.list_messages(ws, conv.id).await.unwrap();
    assert_eq!(
        all.iter().map(|m| m.role).collect::<Vec<_>>(),
        vec![Role::User, Role::Assistant, Role::User]
    );
    assert_eq!(all[0].content, "Where is my October invoice?");

    let loaded = store.get_conversation(ws, conv.id).await.unwrap();
    assert_eq!(loaded.message_count, 3);
    assert_eq!(loaded.last_message_at, Some(at(3)));
    assert_eq!(loaded.last_message_preview.as_deref(), Some(&long[..100]));

    assert_not_found!(
        store
            .append_messages(other, conv.id, &[message(Role::User, "hi", 4)])
            .await
    );
    assert_not_found!(store.list_messages(other, conv.id).await);
    assert_eq!(store.list_messages(ws, conv.id).await.unwrap().len(), 3);
}

fn full_step(offset: i64) -> NewTraceStep {
    let mut step = NewTraceStep::new(id(), action_types::MODEL_CALL, "gpt-4o-mini", at(offset));
    step.result_summary = Some("Answered".into());
    step.items_count = Some(1);
    step.completed_at = Some(at(offset + 1));
    step.duration_ms = Some(1_000);
    step.error_message = Some("none".into());
    step.model = Some("gpt-4o-mini".into());
    step.prompt_tokens = Some(120);
    step.completion_tokens = Some(30);
    step.total_tokens = Some(150);
    step.tool_function = Some("lookup_order".into());
    step.tool_execution_ms = Some(42);
    step
}

/// Every trace field survives, steps are numbered in order, and
/// `has_trace` follows.
pub async fn trace_steps_round_trip_every_field(store: &dyn Storage) {
    let (ws, other) = (workspace(store, 0).await, workspace(store, 0).await);
    let bot = stored_bot(store, ws, "trace").await;
    let conv = conversation(store, ws, bot, Channel::Api).await;
    let (a, b) = (
        full_step(0),
        NewTraceStep::new(id(), action_types::GREETING, "greeting", at(5)),
    );
    let stored = store
        .append_trace_steps(ws, conv.id, &[a.clone(), b.clone()])
        .await
        .unwrap();
    let listed = store.list_trace(ws, conv.id).await.unwrap();
    assert_eq!(stored, listed);
    assert_eq!(
        listed.iter().map(|s| s.step_number).collect::<Vec<_>>(),
        vec![1, 2]
    );
    let s = &listed[0];
    assert_eq!(
        (s.id, s.action_type.as_str(), s.action_name.as_str()),
        (a.id, "model_call", "gpt-4o-mini")
    );
    assert_eq!(
        (s.prompt_tokens, s.completion_tokens, s.total_tokens),
        (Some(120), Some(30), Some(150))
    );
    assert_eq!(
        (s.completed_at, s.duration_ms, s.tool_execution_ms),
        (Some(at(1)), Some(1_000), Some(42))
    );
    assert_eq!(
        (
            s.result_summary.as_deref(),
            s.items_count,
            s.error_message.as_deref()
        ),
        (Some("Answered"), Some(1), Some("none"))
    );
    assert_eq!(
        (s.model.as_deref(), s.tool_function.as_deref()),
        (Some("gpt-4o-mini"), Some("lookup_order"))
    );
    assert_eq!(listed[1].model, None);
    assert!(
        store
            .get_conversation(ws, conv.id)
            .await
            .unwrap()
            .has_trace()
    );
    assert_not_found!(store.list_trace(other, conv.id).await);
    assert_not_found!(
        store
            .append_trace_steps(other, conv.id, &[full_step(9)])
            .await
    );
}

/// Deleting a conversation removes its messages and trace, keeps ledger
/// amounts (reference cleared) and keeps post-call follow-ups.
pub async fn delete_cascades_but_keeps_ledger_amounts(store: &dyn Storage) {
    let ws = workspace(store, 1_000_000).await;
    let bot = stored_bot(store, ws, "del").await;
    let conv = conversation(store, ws, bot, Channel::Voice).await;
    let reply = message(Role::Assistant, "Bye", 2);
    store
        .record_turn(&TurnRecord {
            workspace_id: ws,
            conversation_id: conv.id,
            new_conversation: None,
            messages: vec![message(Role::User, "Hi", 1), reply.clone()],
            trace_steps: vec![full_step(1)],
            release_hold: None,
            charge: Some(TurnCharge {
                entry_id: id(),
                cost: Money(250),
                message_id: Some(reply.id),
                model: "m".into(),
                prompt_tokens: 10,
                completion_tokens: 5,
                period_start: period_start_of(T0),
            }),
            recorded_at: at(2),
        })
        .await
        .unwrap();
    let mut follow = new_conversation(ws, bot, Channel::PostCall, 5);
    follow.source_conversation_id = Some(conv.id);
    let follow = store.create_conversation(&follow).await.unwrap();

    store.delete_conversation(ws, conv.id).await.unwrap();
    assert_not_found!(store.get_conversation(ws, conv.id).await);
    assert_not_found!(store.list_messages(ws, conv.id).await);
    assert_not_found!(store.list_trace(ws, conv.id).await);
    assert_not_found!(store.delete_conversation(ws, conv.id).await);
    let ledger = store.list_ledger(ws, Page::default()).await.unwrap();
    assert_eq!(ledger.len(), 1);
    assert_eq!(
        (
            ledger[0].amount,
            ledger[0].conversation_id,
            ledger[0].message_id
        ),
        (Money(-250), None, None)
    );
    let kept = store.get_conversation(ws, follow.id).await.unwrap();
    assert_eq!(kept.source_conversation_id, None);
    assert_eq!(store.get_billing(ws).await.unwrap().balance, Money(999_750));
    let remaining = store
        .list_conversations(ws, &ConversationFilter::default(), Page::default())
        .await
        .unwrap();
    assert_eq!(remaining.total, 1);
}
