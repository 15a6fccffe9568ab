use hania_domain::conversation::Channel;
use hania_domain::ids::{BotId, ConversationId};
use hania_domain::message::Role;
use hania_domain::ports::Storage;
use hania_domain::turn::{OpenTurn, TurnConversation};

use crate::fixture::*;
use crate::{assert_conflict, assert_not_found};

/// Opening a turn in a new conversation creates it already holding the
/// user's message, which is the whole history.
pub async fn open_turn_starts_a_conversation_with_the_message(store: &dyn Storage) {
    let ws = workspace(store, 1_000).await;
    let bot = stored_bot(store, ws, "open").await;
    let new = new_conversation(ws, bot, Channel::Sms, 0);
    let user = message(Role::User, "Where is my invoice?", 1);
    let turn = OpenTurn {
        workspace_id: ws,
        conversation: TurnConversation::New(new.clone()),
        user_message: user.clone(),
        history_limit: 20,
        hold: None,
    };
    let history = store.open_turn(&turn).await.unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(
        (
            history[0].id,
            history[0].position,
            history[0].content.as_str()
        ),
        (user.id, 1, "Where is my invoice?")
    );
    let loaded = store.get_conversation(ws, new.id).await.unwrap();
    assert_eq!(
        (loaded.message_count, loaded.channel, loaded.bot_id),
        (1, Channel::Sms, bot)
    );
    assert_eq!(loaded.last_message_at, Some(user.created_at));
    assert_eq!(
        loaded.last_message_preview.as_deref(),
        Some("Where is my invoice?")
    );
    assert_eq!(store.list_messages(ws, new.id).await.unwrap(), history);

    // The same id again is a conflict, and stores nothing more.
    let again = OpenTurn {
        user_message: message(Role::User, "again", 2),
        ..turn
    };
    assert_conflict!(store.open_turn(&again).await, IdExists);
    assert_eq!(store.list_messages(ws, new.id).await.unwrap().len(), 1);

    // A follow-up names its source conversation of the workspace.
    let mut follow_up = new_conversation(ws, bot, Channel::Sms, 5);
    follow_up.source_conversation_id = Some(new.id);
    let turn = OpenTurn {
        conversation: TurnConversation::New(follow_up.clone()),
        user_message: message(Role::User, "And the receipt?", 6),
        ..again
    };
    assert_eq!(store.open_turn(&turn).await.unwrap().len(), 1);
    assert_eq!(
        store
            .get_conversation(ws, follow_up.id)
            .await
            .unwrap()
            .source_conversation_id,
        Some(new.id)
    );
}

/// Opening a turn in an existing conversation appends the message and
/// returns the last messages, oldest first.
pub async fn open_turn_continues_with_recent_history(store: &dyn Storage) {
    let ws = workspace(store, 1_000).await;
    let bot = stored_bot(store, ws, "open").await;
    let conv = conversation(store, ws, bot, Channel::Api).await;
    let earlier: Vec<_> = (0..4)
        .map(|i| message(Role::User, &format!("m{i}"), i))
        .collect();
    store.append_messages(ws, conv.id, &earlier).await.unwrap();
    let turn = OpenTurn {
        workspace_id: ws,
        conversation: TurnConversation::Existing(conv.id),
        user_message: message(Role::User, "latest", 9),
        history_limit: 3,
        hold: None,
    };
    let history = store.open_turn(&turn).await.unwrap();
    let texts: Vec<&str> = history.iter().map(|m| m.content.as_str()).collect();
    assert_eq!(texts, vec!["m2", "m3", "latest"]);
    assert_eq!(history[2].position, 5);
    let loaded = store.get_conversation(ws, conv.id).await.unwrap();
    assert_eq!(
        (loaded.message_count, loaded.last_message_preview.as_deref()),
        (5, Some("latest"))
    );
}

/// Another workspace's bot or conversation, or no bot at all: nothing is
/// stored.
pub async fn open_turn_outside_the_workspace_stores_nothing(store: &dyn Storage) {
    let (ws, other) = (workspace(store, 1_000).await, workspace(store, 1_000).await);
    let theirs = stored_bot(store, other, "theirs").await;
    let foreign = conversation(store, other, theirs, Channel::Api).await;
    let ours = stored_bot(store, ws, "ours").await;
    let mut foreign_source = new_conversation(ws, ours, Channel::Api, 0);
    foreign_source.source_conversation_id = Some(foreign.id);
    let attempts = [
        TurnConversation::New(foreign_source),
        TurnConversation::New(new_conversation(ws, theirs, Channel::Api, 0)),
        TurnConversation::New(new_conversation(ws, id::<BotId>(), Channel::Api, 0)),
        TurnConversation::Existing(foreign.id),
        TurnConversation::Existing(id::<ConversationId>()),
    ];
    for conversation in attempts {
        let turn = OpenTurn {
            workspace_id: ws,
            conversation: conversation.clone(),
            user_message: message(Role::User, "hi", 1),
            history_limit: 10,
            hold: None,
        };
        assert_not_found!(store.open_turn(&turn).await);
        if let TurnConversation::New(new) = conversation {
            assert_not_found!(store.get_conversation(ws, new.id).await);
        }
    }
    assert!(
        store
            .list_messages(other, foreign.id)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        store
            .get_conversation(other, foreign.id)
            .await
            .unwrap()
            .message_count,
        0
    );
}
