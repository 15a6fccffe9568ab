//! The list's total (`X-Total-Count`) is exact whether the store counts
//! the matching rows or adds up totals it keeps per bot and channel.

use hania_domain::conversation::{Channel, ConversationFilter};
use hania_domain::ids::{BotId, WorkspaceId};
use hania_domain::page::Page;
use hania_domain::ports::Storage;
use time::Duration;

use crate::fixture::*;

async fn total(store: &dyn Storage, ws: WorkspaceId, filter: ConversationFilter) -> u64 {
    store
        .list_conversations(ws, &filter, Page::new(Some(1), None).unwrap())
        .await
        .unwrap()
        .total
}

fn of(bot: Option<BotId>, channel: Option<Channel>) -> ConversationFilter {
    ConversationFilter {
        bot_id: bot,
        channel,
        ..Default::default()
    }
}

/// Totals by nothing, a bot, a channel and both follow every creation and
/// deletion, stay within their workspace, and agree with a counted total
/// (a filter the store cannot answer from kept totals).
pub async fn totals_follow_creations_and_deletions(store: &dyn Storage) {
    let (ws, other) = (workspace(store, 0).await, workspace(store, 0).await);
    let (a, b) = (
        stored_bot(store, ws, "a").await,
        stored_bot(store, ws, "b").await,
    );
    let foreign = stored_bot(store, other, "a").await;
    let plan = [
        (a, Channel::Web, 3),
        (a, Channel::Voice, 2),
        (b, Channel::Web, 1),
        (b, Channel::Api, 4),
    ];
    let mut created = Vec::new();
    for (bot, channel, n) in plan {
        for i in 0..n {
            let new = new_conversation(ws, bot, channel, i);
            created.push(store.create_conversation(&new).await.unwrap());
        }
    }
    store
        .create_conversation(&new_conversation(other, foreign, Channel::Web, 0))
        .await
        .unwrap();
    assert_eq!(total(store, ws, of(None, None)).await, 10);
    assert_eq!(total(store, ws, of(Some(a), None)).await, 5);
    assert_eq!(total(store, ws, of(None, Some(Channel::Web))).await, 4);
    assert_eq!(total(store, ws, of(Some(b), Some(Channel::Api))).await, 4);
    assert_eq!(total(store, ws, of(Some(b), Some(Channel::Voice))).await, 0);
    assert_eq!(total(store, ws, of(Some(foreign), None)).await, 0);
    assert_eq!(total(store, other, of(None, None)).await, 1);

    let counted = |bot, channel| ConversationFilter {
        since: Some(T0 - Duration::days(365)),
        ..of(bot, channel)
    };
    for (bot, channel) in [(None, None), (Some(a), None), (Some(b), Some(Channel::Api))] {
        assert_eq!(
            total(store, ws, counted(bot, channel)).await,
            total(store, ws, of(bot, channel)).await
        );
    }

    let gone = created
        .iter()
        .find(|c| c.channel == Channel::Voice)
        .unwrap();
    store.delete_conversation(ws, gone.id).await.unwrap();
    assert_eq!(total(store, ws, of(None, None)).await, 9);
    assert_eq!(total(store, ws, of(Some(a), Some(Channel::Voice))).await, 1);
    assert_eq!(total(store, ws, counted(Some(a), None)).await, 4);
    assert_eq!(total(store, ws, of(Some(a), None)).await, 4);
}
