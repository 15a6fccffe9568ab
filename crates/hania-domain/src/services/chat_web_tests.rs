//! On channel `web` the greeting opens the conversation (after the
//! billing check) and the model answers the first message.

use super::*;

#[tokio::test]
async fn on_the_web_the_greeting_opens_the_conversation_and_the_model_answers() {
    let mut m = Mocks::default();
    let mut seq = Sequence::new();
    m.bots
        .expect_get_bot()
        .returning(|_, _| Ok(bot(Some("Hi! How can I help?"))));
    m.conversations.expect_find_open_conversation().never();
    m.billing
        .expect_get_billing()
        .returning(|_| Ok(billing(BillingStatus::Active, 100, 0)));
    // Created in the transaction that stores the greeting.
    m.conversations.expect_create_conversation().never();
    let created = Created::default();
    let seen = created.clone();
    m.turns
        .expect_record_turn()
        .times(1)
        .in_sequence(&mut seq)
        .returning(move |turn| {
            assert_eq!(seen.note(turn).channel, Channel::Web);
            let shown: Vec<(Role, &str)> = turn
                .messages
                .iter()
                .map(|m| (m.role, m.content.as_str()))
                .collect();
            assert_eq!(shown, vec![(Role::Assistant, "Hi! How can I help?")]);
            assert_eq!(turn.trace_steps[0].action_type, action_types::GREETING);
            assert!(turn.charge.is_none());
            Ok(recorded())
        });
    m.turns
        .expect_open_turn()
        .times(1)
        .in_sequence(&mut seq)
        .returning(move |open| {
            let opened = created.id().expect("the greeting's conversation");
            assert_eq!(open.conversation, TurnConversation::Existing(opened));
            Ok(vec![stored(&open.user_message, 2)])
        });
    m.provider
        .expect_complete()
        .times(1)
        .in_sequence(&mut seq)
        .returning(|_| {
            Ok(Completion {
                model: "gpt-test".into(),
                content: "Invoices are under Billing.".into(),
                tool_calls: vec![],
                usage: TokenUsage::default(),
                finish_reason: Some("stop".into()),
            })
        });
    m.turns
        .expect_record_turn()
        .times(1)
        .in_sequence(&mut seq)
        .returning(|_| Ok(recorded()));
    let web = ChatRequest {
        new_conversation: true,
        channel: Channel::Web,
        ..request()
    };
    let reply = service(m).send(WS, web).await.unwrap();
    assert_eq!(reply.response, "Invoices are under Billing.");
}

#[tokio::test]
async fn a_refused_web_turn_opens_no_conversation() {
    let mut m = Mocks::default();
    m.bots
        .expect_get_bot()
        .returning(|_, _| Ok(bot(Some("Hi!"))));
    m.billing
        .expect_get_billing()
        .returning(|_| Ok(billing(BillingStatus::Suspended, 100, 0)));
    m.conversations.expect_create_conversation().never();
    m.turns.expect_record_turn().never();
    let web = ChatRequest {
        new_conversation: true,
        channel: Channel::Web,
        ..request()
    };
    let refused = service(m).send(WS, web).await.unwrap_err();
    assert!(matches!(refused, ChatError::Billing(_)), "{refused:?}");
}
