//! Turns are priced by the model they requested, never silently free.

use super::*;

/// Mocks of a turn continuing an open conversation of a bot of
/// `bot_model`, on an active, funded workspace.
fn continuing_turn(bot_model: &'static str) -> Mocks {
    let mut m = Mocks::default();
    m.bots.expect_get_bot().returning(move |_, _| {
        let mut bot = bot(None);
        bot.model = Some(bot_model.into());
        Ok(bot)
    });
    let existing = conversation(9, BOT);
    m.conversations
        .expect_find_open_conversation()
        .returning(move |_, _, _, _| Ok(Some(existing.clone())));
    m.billing
        .expect_get_billing()
        .returning(|_| Ok(billing(BillingStatus::Active, 100, 0)));
    m
}

/// A turn of the `gpt-test` bot whose provider answers as `answered`;
/// returns the charge's cost.
async fn cost_when_answered_as(
    answered: &'static str,
    bot_model: &'static str,
) -> (Money, Vec<String>) {
    let mut m = continuing_turn(bot_model);
    m.turns
        .expect_open_turn()
        .returning(|open| Ok(vec![stored(&open.user_message, 1)]));
    m.provider.expect_complete().returning(move |_| {
        Ok(Completion {
            model: answered.into(),
            content: "ok".into(),
            tool_calls: vec![],
            usage: TokenUsage {
                prompt_tokens: 1_000,
                completion_tokens: 500,
            },
            finish_reason: None,
        })
    });
    let cost = Arc::new(std::sync::Mutex::new(Money(-1)));
    let seen = cost.clone();
    m.turns.expect_record_turn().returning(move |turn| {
        *seen.lock().unwrap() = turn.charge.as_ref().unwrap().cost;
        Ok(recorded())
    });
    let service = service(m);
    service.send(WS, request()).await.unwrap();
    let cost = *cost.lock().unwrap();
    (cost, service.unpriced_models())
}

#[tokio::test]
async fn a_dated_answer_is_priced_as_the_requested_model() {
    // 1000 prompt tokens at 1.0/M + 500 completion tokens at 2.0/M.
    let (cost, unpriced) = cost_when_answered_as("gpt-test-2024-07-18", "gpt-test").await;
    assert_eq!((cost, unpriced), (Money(2_000), vec![]));
    // A bot model with no price of its own: the answer's longest prefix.
    let (cost, _) = cost_when_answered_as("gpt-test-2024-07-18", "alias").await;
    assert_eq!(cost, Money(2_000));
}

#[tokio::test]
async fn a_model_without_a_price_is_listed_as_unpriced() {
    let (cost, unpriced) = cost_when_answered_as("other-model", "other-model").await;
    assert_eq!((cost, unpriced), (Money(0), vec!["other-model".to_owned()]));
}

#[tokio::test]
async fn a_priced_turn_holds_its_most_and_releases_it_when_recorded() {
    let mut m = continuing_turn("gpt-test");
    let held = Arc::new(std::sync::Mutex::new(None));
    let seen = held.clone();
    m.turns.expect_open_turn().returning(move |open| {
        let hold = open.hold.expect("a priced model is held");
        // The prompt budget (4000) plus the message, at 1.0/M, and 100
        // answer tokens at 2.0/M.
        assert!(hold.amount.micros() >= 4_000 + 200, "{hold:?}");
        *seen.lock().unwrap() = Some(hold.id);
        Ok(vec![stored(&open.user_message, 1)])
    });
    m.provider
        .expect_complete()
        .returning(|_| Err(ProviderError::Unavailable("down".into())));
    let released = held.clone();
    m.turns
        .expect_record_turn()
        .times(1)
        .returning(move |turn| {
            assert_eq!(turn.release_hold, *released.lock().unwrap());
            assert!(turn.charge.is_none());
            Ok(recorded())
        });
    assert!(service(m).send(WS, request()).await.is_err());
}

#[tokio::test]
async fn a_refused_hold_is_insufficient_balance() {
    let mut m = continuing_turn("gpt-test");
    m.turns.expect_open_turn().returning(|_| {
        Err(StoreError::Conflict(
            crate::ports::StoreConflict::BalanceExhausted,
        ))
    });
    m.provider.expect_complete().never();
    assert!(matches!(
        service(m).send(WS, request()).await,
        Err(ChatError::Billing(BillingRefusal::InsufficientBalance))
    ));
}
