//! Chat turns that must fail, and what they must (not) store.

use super::*;

#[tokio::test]
async fn billing_refusals_come_before_anything_is_stored() {
    for (account, refusal) in [
        (
            billing(BillingStatus::Suspended, 100, 0),
            BillingRefusal::ServiceSuspended,
        ),
        (
            billing(BillingStatus::Active, 100, 10),
            BillingRefusal::PlanLimitReached,
        ),
        (
            billing(BillingStatus::Active, 0, 0),
            BillingRefusal::InsufficientBalance,
        ),
    ] {
        let mut m = Mocks::default();
        m.bots.expect_get_bot().returning(|_, _| Ok(bot(None)));
        m.conversations
            .expect_find_open_conversation()
            .returning(|_, _, _, _| Ok(None));
        m.billing
            .expect_get_billing()
            .returning(move |_| Ok(account.clone()));
        m.conversations.expect_create_conversation().never();
        m.turns.expect_open_turn().never();
        m.provider.expect_complete().never();
        let err = service(m).send(WS, request()).await.unwrap_err();
        assert!(matches!(err, ChatError::Billing(r) if r == refusal));
    }
}

#[tokio::test]
async fn upstream_failures_keep_the_message_trace_the_error_and_charge_nothing() {
    let mut m = Mocks::default();
    m.bots.expect_get_bot().returning(|_, _| Ok(bot(None)));
    m.conversations
        .expect_find_open_conversation()
        .returning(|_, _, _, _| Ok(None));
    m.conversations.expect_create_conversation().never();
    m.billing
        .expect_get_billing()
        .returning(|_| Ok(billing(BillingStatus::Active, 100, 0)));
    m.turns.expect_open_turn().times(1).returning(|open| {
        // A new conversation, created with the message in one go.
        let TurnConversation::New(new) = &open.conversation else {
            panic!("a new conversation");
        };
        assert_eq!((new.bot_id, new.workspace_id), (BOT, WS));
        Ok(vec![stored(&open.user_message, 1)])
    });
    m.provider
        .expect_complete()
        .returning(|_| Err(ProviderError::Timeout));
    m.turns.expect_record_turn().times(1).returning(|turn| {
        assert!(turn.messages.is_empty() && turn.charge.is_none());
        assert!(
            turn.trace_steps[0]
                .error_message
                .as_deref()
                .unwrap()
                .contains("did not answer")
        );
        Ok(recorded())
    });
    let err = service(m).send(WS, request()).await.unwrap_err();
    assert!(matches!(err, ChatError::Upstream(ProviderError::Timeout)));
}

#[tokio::test]
async fn foreign_conversations_inactive_bots_and_bad_input_are_refused() {
    let mut m = Mocks::default();
    active_billing(&mut m);
    m.bots.expect_get_bot().returning(|_, _| Ok(bot(None)));
    m.conversations
        .expect_get_conversation()
        .returning(|_, _| Ok(conversation(7, BotId::from_uuid(Uuid::from_u128(99)))));
    let other_bot = ChatRequest {
        conversation_id: Some(ConversationId::from_uuid(Uuid::from_u128(7))),
        ..request()
    };
    assert!(matches!(
        service(m).send(WS, other_bot).await,
        Err(ChatError::NotFound(Resource::Conversation))
    ));

    let mut m = Mocks::default();
    active_billing(&mut m);
    m.bots
        .expect_get_bot()
        .returning(|_, _| Err(StoreError::NotFound));
    assert!(matches!(
        service(m).send(WS, request()).await,
        Err(ChatError::NotFound(Resource::Bot))
    ));

    let mut m = Mocks::default();
    active_billing(&mut m);
    m.bots.expect_get_bot().returning(|_, _| {
        let mut b = bot(None);
        b.status = crate::bot::BotStatus::Inactive;
        Ok(b)
    });
    // Read with the bot, in the same trip to the store.
    m.conversations
        .expect_find_open_conversation()
        .returning(|_, _, _, _| Ok(None));
    assert!(matches!(
        service(m).send(WS, request()).await,
        Err(ChatError::BotInactive)
    ));

    let empty = ChatRequest {
        message: "  ".into(),
        ..request()
    };
    let err = service(Mocks::default()).send(WS, empty).await.unwrap_err();
    assert!(matches!(err, ChatError::InvalidMessage(v) if v.field == "message"));
}

#[tokio::test]
async fn bots_named_by_slug_are_looked_up_by_slug() {
    let by_slug = |slug: &str| ChatRequest {
        bot: BotRef::Slug(slug.into()),
        ..request()
    };
    let mut m = Mocks::default();
    active_billing(&mut m);
    m.bots.expect_get_bot().never();
    m.bots
        .expect_get_bot_by_slug()
        .returning(|_, slug| match slug {
            "support" => Ok(bot(Some("Hello!"))),
            _ => Err(StoreError::NotFound),
        });
    m.conversations
        .expect_find_open_conversation()
        .returning(|_, _, _, _| Ok(None));
    m.conversations
        .expect_create_conversation()
        .returning(|_| Ok(conversation(9, BOT)));
    m.turns.expect_record_turn().returning(|_| Ok(recorded()));
    let service = service(m);
    let reply = service.send(WS, by_slug(" Support ")).await.unwrap();
    assert_eq!(reply.response, "Hello!");
    assert!(matches!(
        service.send(WS, by_slug("nobody")).await,
        Err(ChatError::NotFound(Resource::Bot))
    ));
}

#[tokio::test]
async fn text_that_is_no_slug_is_not_found_without_a_store_lookup() {
    let request = |slug: &str| ChatRequest {
        bot: BotRef::Slug(slug.into()),
        ..request()
    };
    let mut m = Mocks::default();
    active_billing(&mut m);
    m.bots.expect_get_bot_by_slug().never();
    let service = service(m);
    for slug in ["a\0b", "", "a b", "-x"] {
        assert!(matches!(
            service.send(WS, request(slug)).await,
            Err(ChatError::NotFound(Resource::Bot))
        ));
    }
}

/// Billing that allows turns (it is read alongside the bot).
fn active_billing(m: &mut Mocks) {
    m.billing
        .expect_get_billing()
        .returning(|_| Ok(billing(BillingStatus::Active, 100, 0)));
}
