//! [`TurnReads`](hania_domain::ports::TurnReads): the one read a turn
//! starts with returns what the separate reads would.

use hania_domain::conversation::Channel;
use hania_domain::ids::WorkspaceId;
use hania_domain::ports::{BotKey, ConversationKey, Storage, TurnStart};

use crate::fixture::*;

async fn read(
    store: &dyn Storage,
    ws: WorkspaceId,
    bot: BotKey<'_>,
    conversation: ConversationKey<'_>,
) -> TurnStart {
    store.read_turn_start(ws, bot, conversation).await.unwrap()
}

/// By bot id or slug, with a conversation by id, by open customer or none:
/// the same bot, billing account and conversation as `get_bot`,
/// `get_bot_by_slug`, `get_billing`, `get_conversation` and
/// `find_open_conversation`; another workspace's rows are missing; no bot,
/// no conversation.
pub async fn turn_start_reads_agree_with_the_separate_reads(store: &dyn Storage) {
    let (ws, other) = (workspace(store, 7).await, workspace(store, 0).await);
    let bot = stored_bot(store, ws, "helper").await;
    let foreign_bot = stored_bot(store, other, "helper").await;
    let of = |customer: &str, offset| {
        let mut new = new_conversation(ws, bot, Channel::Api, offset);
        new.customer_id = Some(customer.into());
        new
    };
    store.create_conversation(&of("u1", 0)).await.unwrap();
    let open = store.create_conversation(&of("u1", 10)).await.unwrap();
    let ended = store.create_conversation(&of("u1", 20)).await.unwrap();
    store.end_conversation(ws, ended.id, at(30)).await.unwrap();
    let foreign = store
        .create_conversation(&new_conversation(other, foreign_bot, Channel::Api, 0))
        .await
        .unwrap();

    let expected_bot = store.get_bot(ws, bot).await.unwrap();
    let expected_billing = store.get_billing(ws).await.unwrap();
    let by_id = read(store, ws, BotKey::Id(bot), ConversationKey::Id(open.id)).await;
    assert_eq!(by_id.bot.as_ref(), Some(&expected_bot));
    assert_eq!(by_id.billing.as_ref(), Some(&expected_billing));
    assert_eq!(
        by_id.conversation,
        Some(store.get_conversation(ws, open.id).await.unwrap())
    );

    let customer = ConversationKey::Open {
        channel: Channel::Api,
        customer_id: "u1",
    };
    let by_slug = read(store, ws, BotKey::Slug("helper"), customer).await;
    assert_eq!(by_slug.bot.as_ref(), Some(&expected_bot));
    assert_eq!(
        by_slug.conversation,
        store
            .find_open_conversation(ws, bot, Channel::Api, "u1")
            .await
            .unwrap()
    );
    assert_eq!(by_slug.conversation.map(|c| c.id), Some(open.id));
    // By id too: the newest open one, not the older nor the ended one.
    let by_id_open = read(store, ws, BotKey::Id(bot), customer).await;
    assert_eq!(by_id_open.conversation.map(|c| c.id), Some(open.id));

    let sms = ConversationKey::Open {
        channel: Channel::Sms,
        customer_id: "u1",
    };
    assert_eq!(
        read(store, ws, BotKey::Id(bot), sms).await.conversation,
        None
    );
    let new = read(store, ws, BotKey::Id(bot), ConversationKey::New).await;
    assert_eq!(new.bot.as_ref(), Some(&expected_bot));
    assert_eq!(new.conversation, None);

    // Another workspace's conversation and bot are missing.
    let theirs = read(store, ws, BotKey::Id(bot), ConversationKey::Id(foreign.id)).await;
    assert_eq!(theirs.conversation, None);
    let their_bot = read(store, ws, BotKey::Id(foreign_bot), ConversationKey::New).await;
    assert_eq!(their_bot.bot, None);
    assert_eq!(their_bot.billing.as_ref(), Some(&expected_billing));

    // No bot: no conversation, even one that exists.
    let no_bot = read(store, ws, BotKey::Slug("nobody"), customer).await;
    assert_eq!((no_bot.bot, no_bot.conversation), (None, None));
    let no_bot = read(
        store,
        ws,
        BotKey::Slug("nobody"),
        ConversationKey::Id(open.id),
    )
    .await;
    assert_eq!(no_bot.conversation, None);

    // An unknown workspace has neither bot nor billing account.
    let nowhere = read(store, id(), BotKey::Id(bot), ConversationKey::Id(open.id)).await;
    assert_eq!(
        nowhere,
        TurnStart {
            bot: None,
            billing: None,
            conversation: None,
        }
    );
}
