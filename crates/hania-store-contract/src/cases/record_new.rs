//! A turn recorded in a conversation it creates (a greeting, a refused
//! scheduled run): one transaction, so the conversation never exists
//! without what it was created for.

use hania_domain::conversation::{Channel, NewConversation};
use hania_domain::ids::WorkspaceId;
use hania_domain::message::{NewMessage, Role};
use hania_domain::ports::Storage;
use hania_domain::trace::{NewTraceStep, action_types};
use hania_domain::turn::TurnRecord;

use crate::fixture::*;
use crate::{assert_conflict, assert_not_found};

fn starting(ws: WorkspaceId, new: &NewConversation, messages: Vec<NewMessage>) -> TurnRecord {
    TurnRecord {
        workspace_id: ws,
        conversation_id: new.id,
        new_conversation: Some(new.clone()),
        messages,
        trace_steps: vec![NewTraceStep::new(
            id(),
            action_types::GREETING,
            "chat_greeting",
            at(1),
        )],
        charge: None,
        release_hold: None,
        recorded_at: at(1),
    }
}

/// The conversation is created with the turn's messages and steps, its
/// counters counting them; the same id again, a bot of another workspace,
/// or a row that fails after the conversation's insert store nothing.
pub async fn record_turn_can_start_its_conversation(store: &dyn Storage) {
    let ws = workspace(store, 1_000).await;
    let bot = stored_bot(store, ws, "greets").await;
    let new = new_conversation(ws, bot, Channel::Web, 0);
    let messages = vec![
        message(Role::User, "Hello?", 1),
        message(Role::Assistant, "Hi! How can I help?", 1),
    ];
    let turn = starting(ws, &new, messages.clone());
    let recorded = store.record_turn(&turn).await.unwrap();
    let positions: Vec<u32> = recorded.messages.iter().map(|m| m.position).collect();
    assert_eq!(positions, vec![1, 2]);
    assert_eq!(recorded.trace_steps[0].step_number, 1);
    let loaded = store.get_conversation(ws, new.id).await.unwrap();
    assert_eq!(
        (
            loaded.message_count,
            loaded.trace_step_count,
            loaded.channel,
            loaded.bot_id
        ),
        (2, 1, Channel::Web, bot)
    );
    assert_eq!(
        (
            loaded.last_message_at,
            loaded.last_message_preview.as_deref()
        ),
        (Some(messages[1].created_at), Some("Hi! How can I help?"))
    );
    assert_eq!(store.list_messages(ws, new.id).await.unwrap().len(), 2);

    // The same id again is a conflict, and stores nothing more.
    let again = starting(ws, &new, vec![message(Role::User, "again", 2)]);
    assert_conflict!(store.record_turn(&again).await, IdExists);
    assert_eq!(store.list_messages(ws, new.id).await.unwrap().len(), 2);

    // A bot of another workspace: nothing is created.
    let other_ws = workspace(store, 1_000).await;
    let other_bot = stored_bot(store, other_ws, "elsewhere").await;
    let foreign = new_conversation(ws, other_bot, Channel::Web, 0);
    let refused = starting(ws, &foreign, vec![message(Role::User, "Hi", 1)]);
    assert_not_found!(store.record_turn(&refused).await);
    assert_not_found!(store.get_conversation(ws, foreign.id).await);

    // A message that cannot be stored (its id twice) takes the
    // conversation's insert back with it.
    let fresh = new_conversation(ws, bot, Channel::Web, 0);
    let twice = message(Role::User, "Hi", 1);
    let broken = starting(ws, &fresh, vec![twice.clone(), twice]);
    assert!(store.record_turn(&broken).await.is_err());
    assert_not_found!(store.get_conversation(ws, fresh.id).await);
}
