use hania_domain::conversation::{Channel, ConversationFilter, PostCallAnalysis};
use hania_domain::ids::ConversationId;
use hania_domain::page::Page;
use hania_domain::ports::Storage;

use crate::assert_not_found;
use crate::fixture::*;

/// Conversations are stored with every field, updated, and scoped.
pub async fn conversations_round_trip_and_are_scoped(store: &dyn Storage) {
    let (ws, other) = (workspace(store, 0).await, workspace(store, 0).await);
    let bot = stored_bot(store, ws, "voice").await;
    let foreign_bot = stored_bot(store, other, "x").await;
    let mut new = new_conversation(ws, bot, Channel::Voice, 0);
    new.customer_id = Some("user_8412".into());
    new.external_call_id = Some("CA123".into());
    new.external_linked_id = Some("ticket-9".into());
    let created = store.create_conversation(&new).await.unwrap();
    assert_eq!(created.message_count, 0);
    assert!(!created.has_trace() && created.is_open());
    assert_eq!(store.get_conversation(ws, new.id).await.unwrap(), created);
    assert_eq!(created.customer_id.as_deref(), Some("user_8412"));
    assert_not_found!(store.get_conversation(other, new.id).await);
    assert_not_found!(
        store
            .create_conversation(&new_conversation(ws, foreign_bot, Channel::Api, 0))
            .await
    );

    let mut follow_up = new_conversation(ws, bot, Channel::PostCall, 10);
    follow_up.source_conversation_id = Some(new.id);
    store.create_conversation(&follow_up).await.unwrap();
    let mut foreign_source = new_conversation(other, foreign_bot, Channel::PostCall, 10);
    foreign_source.source_conversation_id = Some(new.id);
    assert_not_found!(store.create_conversation(&foreign_source).await);

    let analysis = PostCallAnalysis {
        sentiment: Some("positive".into()),
        topic: Some("billing".into()),
        outcome: Some("resolved".into()),
        summary: Some("Customer found the invoice.".into()),
    };
    store
        .set_post_call_analysis(ws, new.id, &analysis)
        .await
        .unwrap();
    store.end_conversation(ws, new.id, at(120)).await.unwrap();
    let loaded = store.get_conversation(ws, new.id).await.unwrap();
    assert_eq!(loaded.post_call_analysis, Some(analysis.clone()));
    assert_eq!(loaded.ended_at, Some(at(120)));
    assert_not_found!(store.set_post_call_analysis(other, new.id, &analysis).await);
    assert_not_found!(store.end_conversation(other, new.id, at(1)).await);
    assert_not_found!(store.delete_conversation(other, new.id).await);
    assert!(store.get_conversation(ws, new.id).await.is_ok());
}

async fn ids_matching(
    store: &dyn Storage,
    ws: hania_domain::ids::WorkspaceId,
    filter: ConversationFilter,
) -> Vec<ConversationId> {
    let page = store
        .list_conversations(ws, &filter, Page::default())
        .await
        .unwrap();
    assert_eq!(page.total, page.items.len() as u64);
    page.items.into_iter().map(|s| s.conversation.id).collect()
}

/// Each seed filter narrows the list, and filters combine with AND.
pub async fn every_conversation_filter_applies(store: &dyn Storage) {
    let (ws, other) = (workspace(store, 0).await, workspace(store, 0).await);
    let (a, b) = (
        stored_bot(store, ws, "a").await,
        stored_bot(store, ws, "b").await,
    );
    let foreign_bot = stored_bot(store, other, "f").await;
    let mut make = Vec::new();
    for (i, (bot, channel)) in [
        (a, Channel::Api),
        (a, Channel::Voice),
        (b, Channel::Voice),
        (b, Channel::Sms),
    ]
    .into_iter()
    .enumerate()
    {
        let mut new = new_conversation(ws, bot, channel, i as i64 * 60);
        new.external_call_id = Some(format!("call-{i}"));
        new.external_linked_id = Some(format!("link-{}", i % 2));
        make.push(store.create_conversation(&new).await.unwrap().id);
    }
    let mut post_call = new_conversation(ws, a, Channel::PostCall, 300);
    post_call.source_conversation_id = Some(make[1]);
    let post_call = store.create_conversation(&post_call).await.unwrap().id;
    store
        .create_conversation(&new_conversation(other, foreign_bot, Channel::Voice, 0))
        .await
        .unwrap();
    let analysis = |s: &str, t: &str, o: &str| PostCallAnalysis {
        sentiment: Some(s.into()),
        topic: Some(t.into()),
        outcome: Some(o.into()),
        summary: None,
    };
    store
        .set_post_call_analysis(ws, make[1], &analysis("negative", "refund", "escalated"))
        .await
        .unwrap();
    store
        .set_post_call_analysis(ws, make[2], &analysis("positive", "refund", "resolved"))
        .await
        .unwrap();

    let f = ConversationFilter::default;
    assert_eq!(
        ids_matching(store, ws, f()).await,
        vec![post_call, make[3], make[2], make[1], make[0]]
    );
    assert_eq!(
        ids_matching(
            store,
            ws,
            ConversationFilter {
                bot_id: Some(a),
                ..f()
            }
        )
        .await,
        vec![post_call, make[1], make[0]]
    );
    let voice = ConversationFilter {
        channel: Some(Channel::Voice),
        ..f()
    };
    assert_eq!(
        ids_matching(store, ws, voice.clone()).await,
        vec![make[2], make[1]]
    );
    assert_eq!(
        ids_matching(
            store,
            ws,
            ConversationFilter {
                bot_id: Some(b),
                ..voice
            }
        )
        .await,
        vec![make[2]]
    );
    let call = ConversationFilter {
        external_call_id: Some("call-3".into()),
        ..f()
    };
    assert_eq!(ids_matching(store, ws, call).await, vec![make[3]]);
    let linked = ConversationFilter {
        external_linked_id: Some("link-0".into()),
        ..f()
    };
    assert_eq!(
        ids_matching(store, ws, linked).await,
        vec![make[2], make[0]]
    );
    let source = ConversationFilter {
        source_conversation_id: Some(make[1]),
        ..f()
    };
    assert_eq!(ids_matching(store, ws, source).await, vec![post_call]);
    let window = ConversationFilter {
        since: Some(at(60)),
        until: Some(at(120)),
        ..f()
    };
    assert_eq!(
        ids_matching(store, ws, window).await,
        vec![make[2], make[1]]
    );
    let refund = ConversationFilter {
        topic: Some("refund".into()),
        ..f()
    };
    assert_eq!(
        ids_matching(store, ws, refund.clone()).await,
        vec![make[2], make[1]]
    );
    let positive = ConversationFilter {
        sentiment: Some("positive".into()),
        ..refund
    };
    assert_eq!(ids_matching(store, ws, positive).await, vec![make[2]]);
    let escalated = ConversationFilter {
        outcome: Some("escalated".into()),
        ..f()
    };
    assert_eq!(ids_matching(store, ws, escalated).await, vec![make[1]]);
    assert!(
        ids_matching(
            store,
            ws,
            ConversationFilter {
                bot_id: Some(foreign_bot),
                ..f()
            }
        )
        .await
        .is_empty()
    );

    let page = store
        .list_conversations(ws, &f(), Page::default())
        .await
        .unwrap();
    assert!(
        page.items
            .iter()
            .all(|s| s.bot_name == "a" || s.bot_name == "b")
    );
}

/// Pages are newest first (ties by id), bounded by limit and offset, and
/// the total counts every match, not the page.
pub async fn pages_are_newest_first_with_total_count(store: &dyn Storage) {
    let ws = workspace(store, 0).await;
    let bot = stored_bot(store, ws, "pager").await;
    let mut expected = Vec::new();
    for i in 0..7 {
        // Two conversations share each start time but the last.
        let created = store
            .create_conversation(&new_conversation(ws, bot, Channel::Api, i / 2))
            .await
            .unwrap();
        expected.push((created.started_at, created.id));
    }
    expected.sort_by(|x, y| y.cmp(x));
    let expected: Vec<ConversationId> = expected.into_iter().map(|(_, id)| id).collect();
    let page = |limit, offset| Page::new(Some(limit), Some(offset)).unwrap();
    let filter = ConversationFilter::default();
    let first = store
        .list_conversations(ws, &filter, page(3, 0))
        .await
        .unwrap();
    assert_eq!(first.total, 7);
    assert_eq!(
        first
            .items
            .iter()
            .map(|s| s.conversation.id)
            .collect::<Vec<_>>(),
        expected[..3]
    );
    let second = store
        .list_conversations(ws, &filter, page(3, 3))
        .await
        .unwrap();
    assert_eq!(
        second
            .items
            .iter()
            .map(|s| s.conversation.id)
            .collect::<Vec<_>>(),
        expected[3..6]
    );
    let last = store
        .list_conversations(ws, &filter, page(3, 6))
        .await
        .unwrap();
    assert_eq!(last.items.len(), 1);
    let beyond = store
        .list_conversations(ws, &filter, page(3, 50))
        .await
        .unwrap();
    assert_eq!((beyond.items.len(), beyond.total), (0, 7));
}

/// The newest open conversation of a user with a bot on a channel.
pub async fn open_conversation_of_an_external_user(store: &dyn Storage) {
    let (ws, other) = (workspace(store, 0).await, workspace(store, 0).await);
    let bot = stored_bot(store, ws, "helper").await;
    let of = |customer: &str, channel, offset| {
        let mut new = new_conversation(ws, bot, channel, offset);
        new.customer_id = Some(customer.into());
        new
    };
    store
        .create_conversation(&of("u1", Channel::Api, 0))
        .await
        .unwrap();
    let newest = store
        .create_conversation(&of("u1", Channel::Api, 10))
        .await
        .unwrap();
    let ended = store
        .create_conversation(&of("u1", Channel::Api, 20))
        .await
        .unwrap();
    store.end_conversation(ws, ended.id, at(30)).await.unwrap();
    store
        .create_conversation(&of("u1", Channel::Sms, 40))
        .await
        .unwrap();
    store
        .create_conversation(&of("u2", Channel::Api, 50))
        .await
        .unwrap();

    let found = store
        .find_open_conversation(ws, bot, Channel::Api, "u1")
        .await
        .unwrap();
    assert_eq!(found.map(|c| c.id), Some(newest.id));
    assert!(
        store
            .find_open_conversation(ws, bot, Channel::Whatsapp, "u1")
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .find_open_conversation(ws, bot, Channel::Api, "u3")
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .find_open_conversation(other, bot, Channel::Api, "u1")
            .await
            .unwrap()
            .is_none()
    );
}
