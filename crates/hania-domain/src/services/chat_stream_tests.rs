//! Streamed turns: whole, interrupted, broken off, failed; and the usage
//! charged for what a call produced.

use super::*;
use crate::completion::{ProviderError, StreamChunk, TokenUsage};
use crate::ports::TurnEvent;
use crate::services::turn_test_support::{Harness, Recorder, chat_turn, stream_of};
use crate::services::{ChatError, Delivery};

fn delta(text: &str) -> StreamChunk {
    StreamChunk::Delta(text.into())
}

fn finished(completion_tokens: u32) -> StreamChunk {
    StreamChunk::Finished {
        model: "m".into(),
        usage: Some(TokenUsage {
            prompt_tokens: 5,
            completion_tokens,
        }),
        finish_reason: Some("stop".into()),
    }
}

#[tokio::test]
async fn a_complete_stream_is_emitted_and_recorded_like_a_blocking_turn() {
    let mut h = Harness::default();
    h.provider.expect_stream().returning(|_| {
        Ok(stream_of(
            vec![delta("Hel"), delta("lo!"), finished(3)],
            false,
        ))
    });
    let records = h.keep_records();
    let observer = Recorder::default();
    let reply = h
        .service()
        .answer(chat_turn(), &observer, Delivery::Streamed)
        .await
        .unwrap();
    assert_eq!(reply.response, "Hello!");
    assert_eq!(
        observer.events(),
        vec![
            TurnEvent::Delta("Hel".into()),
            TurnEvent::Delta("lo!".into())
        ]
    );
    let records = records.lock().unwrap();
    assert_eq!(records.len(), 1);
    let t = &records[0];
    assert_eq!(t.messages[0].content, "Hello!");
    assert!(
        t.messages[0]
            .metadata
            .as_ref()
            .unwrap()
            .get("interrupted")
            .is_none()
    );
    assert_eq!(t.charge.as_ref().unwrap().completion_tokens, 3);
    assert_eq!(t.release_hold, chat_turn().hold);
}

#[tokio::test]
async fn a_hang_up_stores_the_partial_answer_and_charges_what_was_produced() {
    let mut h = Harness::default();
    h.provider
        .expect_stream()
        .returning(|_| Ok(stream_of(vec![delta("He"), delta("l")], true)));
    let records = h.keep_records();
    // The client hears two deltas, then goes while the model is silent.
    let observer = Recorder::hanging_up_after(2);
    let err = h
        .service()
        .answer(chat_turn(), &observer, Delivery::Streamed)
        .await
        .unwrap_err();
    assert!(matches!(err, ChatError::ClientGone), "{err:?}");
    let records = records.lock().unwrap();
    let t = &records[0];
    assert_eq!(t.messages[0].content, "Hel");
    assert_eq!(
        t.messages[0].metadata.as_ref().unwrap()["interrupted"],
        true
    );
    // Two deltas arrived ("He", "l"): two tokens, not an estimate.
    assert_eq!(t.charge.as_ref().unwrap().completion_tokens, 2);
    assert_eq!(t.release_hold, chat_turn().hold);
}

#[tokio::test]
async fn a_hang_up_before_the_first_token_is_traced_and_not_charged() {
    let mut h = Harness::default();
    h.provider
        .expect_stream()
        .returning(|_| Ok(stream_of(vec![], true)));
    let records = h.keep_records();
    let observer = Recorder::hanging_up_after(0);
    let err = h
        .service()
        .answer(chat_turn(), &observer, Delivery::Streamed)
        .await
        .unwrap_err();
    assert!(matches!(err, ChatError::ClientGone));
    let t = &records.lock().unwrap()[0];
    assert!(t.messages.is_empty() && t.charge.is_none());
    assert_eq!(
        t.trace_steps[0].error_message.as_deref(),
        Some("the client disconnected before the first token")
    );
}

#[tokio::test]
async fn a_failed_stream_is_traced_uncharged_and_reported() {
    let mut h = Harness::default();
    h.provider
        .expect_stream()
        .returning(|_| Err(ProviderError::Timeout));
    let records = h.keep_records();
    let err = h
        .service()
        .answer(chat_turn(), &Recorder::default(), Delivery::Streamed)
        .await
        .unwrap_err();
    assert!(matches!(err, ChatError::Upstream(ProviderError::Timeout)));
    {
        let t = &records.lock().unwrap()[0];
        assert!(t.messages.is_empty() && t.charge.is_none());
    }

    let mut h = Harness::default();
    h.provider.expect_stream().returning(|_| {
        let items = vec![
            Ok(delta("Part")),
            Err(ProviderError::Malformed("cut".into())),
        ];
        Ok(Box::pin(futures::stream::iter(items)))
    });
    let records = h.keep_records();
    assert!(matches!(
        h.service()
            .answer(chat_turn(), &Recorder::default(), Delivery::Streamed)
            .await,
        Err(ChatError::Upstream(_))
    ));
    let t = &records.lock().unwrap()[0];
    assert_eq!(
        t.messages[0].metadata.as_ref().unwrap()["interrupted"],
        true
    );
    assert!(t.charge.is_some());
    assert!(
        t.trace_steps[0]
            .error_message
            .as_deref()
            .unwrap()
            .contains("cut")
    );
}

#[test]
fn produced_tokens_are_counted_not_padded() {
    let request = chat_turn().request;
    let counted = StreamOutcome {
        text: "Hello".into(),
        deltas: 5,
        ..StreamOutcome::default()
    };
    assert_eq!(counted.produced_usage(&request).completion_tokens, 5);
    let uncounted = StreamOutcome {
        text: "Hello".into(),
        ..StreamOutcome::default()
    };
    // A quarter of the characters, rounded up; no framing constant.
    assert_eq!(uncounted.produced_usage(&request).completion_tokens, 2);
    let reported = StreamOutcome {
        usage: Some(TokenUsage {
            prompt_tokens: 7,
            completion_tokens: 9,
        }),
        deltas: 3,
        ..counted
    };
    assert_eq!(reported.produced_usage(&request).completion_tokens, 9);
}
