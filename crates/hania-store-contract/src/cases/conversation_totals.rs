//! The list's total (`X-Total-Count`) is exact whether the store counts
//! the matching rows or adds up totals it keeps per bot and channel, or
//! per bot, channel and post-call analysis values.

use hania_domain::conversation::{Channel, ConversationFilter, PostCallAnalysis};
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

fn analysis(
    sentiment: Option<&str>,
    topic: Option<&str>,
    outcome: Option<&str>,
) -> PostCallAnalysis {
    PostCallAnalysis {
        sentiment: sentiment.map(Into::into),
        topic: topic.map(Into::into),
        outcome: outcome.map(Into::into),
        summary: Some("A summary is not a filter.".into()),
    }
}

/// A filter of analysis values (`sentiment`, `topic`, `outcome`, with or
/// without a bot and a channel).
fn by(
    bot: Option<BotId>,
    channel: Option<Channel>,
    [sentiment, topic, outcome]: [Option<&str>; 3],
) -> ConversationFilter {
    ConversationFilter {
        sentiment: sentiment.map(Into::into),
        topic: topic.map(Into::into),
        outcome: outcome.map(Into::into),
        ..of(bot, channel)
    }
}

/// The total of `filter`, asserted equal to the same filter's counted
/// total (a `since` the store cannot answer from kept totals).
async fn checked_total(store: &dyn Storage, ws: WorkspaceId, filter: ConversationFilter) -> u64 {
    let counted = ConversationFilter {
        since: Some(T0 - Duration::days(365)),
        ..filter.clone()
    };
    let (kept, counted) = (
        total(store, ws, filter.clone()).await,
        total(store, ws, counted).await,
    );
    assert_eq!(kept, counted, "kept and counted totals of {filter:?}");
    kept
}

/// Totals by post-call analysis values follow every analysis set, changed
/// or cleared and every deletion, combine with a bot and a channel, stay
/// within their workspace, and agree with counted totals; a value that is
/// the empty string is told apart from an absent one.
pub async fn analysis_totals_follow_every_change(store: &dyn Storage) {
    let (ws, other) = (workspace(store, 0).await, workspace(store, 0).await);
    let (a, b) = (
        stored_bot(store, ws, "a").await,
        stored_bot(store, ws, "b").await,
    );
    let foreign = stored_bot(store, other, "a").await;
    let mut voice = Vec::new();
    for i in 0..4 {
        let new = new_conversation(ws, a, Channel::Voice, i);
        voice.push(store.create_conversation(&new).await.unwrap().id);
    }
    let mut web = Vec::new();
    for i in 0..3 {
        let new = new_conversation(ws, b, Channel::Web, i);
        web.push(store.create_conversation(&new).await.unwrap().id);
    }
    let elsewhere = store
        .create_conversation(&new_conversation(other, foreign, Channel::Voice, 0))
        .await
        .unwrap()
        .id;
    let negative = [Some("negative"), None, None];
    let refund = [None, Some("refund"), None];
    let refund_resolved = [None, Some("refund"), Some("resolved")];
    assert_eq!(checked_total(store, ws, by(None, None, negative)).await, 0);

    let set = [
        (
            voice[0],
            analysis(Some("negative"), Some("refund"), Some("escalated")),
        ),
        (
            voice[1],
            analysis(Some("negative"), Some("refund"), Some("resolved")),
        ),
        (
            voice[2],
            analysis(Some("positive"), Some("billing"), Some("resolved")),
        ),
        (web[0], analysis(Some("negative"), None, None)),
        (web[1], analysis(None, Some("refund"), None)),
        (web[2], analysis(Some(""), None, None)),
    ];
    for (id, analysis) in &set {
        store
            .set_post_call_analysis(ws, *id, analysis)
            .await
            .unwrap();
    }
    store
        .set_post_call_analysis(other, elsewhere, &set[0].1)
        .await
        .unwrap();
    assert_eq!(checked_total(store, ws, by(None, None, negative)).await, 3);
    assert_eq!(checked_total(store, ws, by(None, None, refund)).await, 3);
    assert_eq!(
        checked_total(store, ws, by(None, None, refund_resolved)).await,
        1
    );
    assert_eq!(
        checked_total(store, ws, by(Some(a), None, negative)).await,
        2
    );
    assert_eq!(
        checked_total(store, ws, by(None, Some(Channel::Web), negative)).await,
        1
    );
    assert_eq!(
        checked_total(store, ws, by(Some(b), Some(Channel::Web), refund)).await,
        1
    );
    assert_eq!(
        checked_total(store, ws, by(Some(foreign), None, negative)).await,
        0
    );
    assert_eq!(
        checked_total(store, other, by(None, None, negative)).await,
        1
    );
    // The empty string is a value of its own, not the absent one.
    assert_eq!(
        checked_total(store, ws, by(None, None, [Some(""), None, None])).await,
        1
    );
    assert_eq!(
        checked_total(store, ws, by(None, None, [None, Some(""), None])).await,
        0
    );

    // An analysis run again moves the conversation to its new values.
    store
        .set_post_call_analysis(
            ws,
            voice[0],
            &analysis(Some("positive"), Some("refund"), Some("resolved")),
        )
        .await
        .unwrap();
    assert_eq!(checked_total(store, ws, by(None, None, negative)).await, 2);
    assert_eq!(
        checked_total(store, ws, by(None, None, refund_resolved)).await,
        2
    );
    // Cleared values leave every analysis total.
    store
        .set_post_call_analysis(ws, web[1], &analysis(None, None, None))
        .await
        .unwrap();
    assert_eq!(checked_total(store, ws, by(None, None, refund)).await, 2);
    // A deleted conversation leaves its totals.
    store.delete_conversation(ws, voice[1]).await.unwrap();
    assert_eq!(checked_total(store, ws, by(None, None, negative)).await, 1);
    assert_eq!(
        checked_total(store, ws, by(Some(a), None, refund_resolved)).await,
        1
    );
    assert_eq!(
        checked_total(
            store,
            ws,
            by(
                Some(a),
                Some(Channel::Voice),
                [Some("positive"), None, None]
            )
        )
        .await,
        2
    );
    // The page agrees with its total.
    let page = store
        .list_conversations(ws, &by(Some(a), None, refund_resolved), Page::default())
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.items[0].conversation.id, voice[0]);
}
