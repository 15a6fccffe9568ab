//! Recording streamed turns: whole, interrupted, broken off, failed.

use super::*;
use crate::billing::{BillingAccount, BillingStatus, Plan};
use crate::completion::{CompletionRequest, PromptMessage};
use crate::ids::{ConversationId, WorkspaceId};
use crate::message::Role;
use crate::money::{ModelPrice, Money};
use crate::ports::{
    MockBotStore, MockConversationStore, MockModelProvider, MockTurnStore, MockWorkspaceStore,
};
use crate::services::test_support::{NOW, random_ids, stopped_clock};
use crate::services::{ChatPorts, ChatSettings};
use crate::turn::RecordedTurn;
use std::collections::HashMap;
use std::sync::Arc;
use time::macros::date;
use uuid::Uuid;

fn service(turns: MockTurnStore) -> ChatService {
    let mut provider = MockModelProvider::new();
    provider.expect_name().return_const("mock".to_owned());
    let mut billing = MockWorkspaceStore::new();
    billing.expect_get_billing().returning(|_| {
        Ok(BillingAccount {
            workspace_id: WorkspaceId::from_uuid(Uuid::nil()),
            status: BillingStatus::Active,
            plan: Plan {
                name: "p".into(),
                monthly_turn_allowance: None,
            },
            balance: Money(1),
            period_start: date!(2026 - 11 - 01),
            period_turns_used: 0,
            updated_at: NOW,
        })
    });
    ChatService::new(
        ChatPorts {
            bots: Arc::new(MockBotStore::new()),
            conversations: Arc::new(MockConversationStore::new()),
            billing: Arc::new(billing),
            turns: Arc::new(turns),
            provider: Arc::new(provider),
            clock: stopped_clock(),
            ids: random_ids(),
        },
        ChatSettings {
            default_model: "m".into(),
            prices: HashMap::from([(
                "m".to_owned(),
                ModelPrice {
                    prompt_per_million: Money(0),
                    completion_per_million: Money(1_000_000),
                },
            )]),
            default_price: ModelPrice::default(),
            context_budget_tokens: 1_000,
            history_limit: 10,
            completion_hold_tokens: 100,
        },
    )
}

fn turn() -> ModelTurn {
    ModelTurn {
        workspace: WorkspaceId::from_uuid(Uuid::nil()),
        conversation_id: ConversationId::from_uuid(Uuid::from_u128(5)),
        request: CompletionRequest {
            model: "m".into(),
            messages: vec![PromptMessage::text(Role::User, "hello there")],
            temperature: None,
            max_tokens: None,
            tools: vec![],
            json_output: false,
        },
        agent_mode: false,
        hold: None,
    }
}

fn recorded() -> RecordedTurn {
    RecordedTurn {
        messages: vec![],
        trace_steps: vec![],
        ledger_entry: None,
    }
}

#[tokio::test]
async fn a_complete_stream_is_recorded_like_a_blocking_turn() {
    let mut turns = MockTurnStore::new();
    turns.expect_record_turn().times(1).returning(|t| {
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
        Ok(recorded())
    });
    let outcome = StreamOutcome {
        text: "Hello!".into(),
        usage: Some(TokenUsage {
            prompt_tokens: 5,
            completion_tokens: 3,
        }),
        finish_reason: Some("stop".into()),
        ..StreamOutcome::default()
    };
    let reply = service(turns)
        .finish_stream(turn(), NOW, outcome)
        .await
        .unwrap();
    assert_eq!(reply.response, "Hello!");
}

#[tokio::test]
async fn an_interrupted_stream_stores_the_partial_answer_and_charges_what_was_produced() {
    let mut turns = MockTurnStore::new();
    turns.expect_record_turn().times(1).returning(|t| {
        assert_eq!(t.messages[0].content, "Hel");
        assert_eq!(
            t.messages[0].metadata.as_ref().unwrap()["interrupted"],
            true
        );
        let charge = t.charge.as_ref().unwrap();
        // Two deltas arrived ("He", "l"): two tokens, not an estimate.
        assert_eq!(charge.completion_tokens, 2);
        Ok(recorded())
    });
    let outcome = StreamOutcome {
        text: "Hel".into(),
        interrupted: true,
        deltas: 2,
        ..StreamOutcome::default()
    };
    service(turns)
        .finish_stream(turn(), NOW, outcome)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_failed_stream_is_traced_uncharged_and_reported() {
    let mut turns = MockTurnStore::new();
    turns.expect_record_turn().times(1).returning(|t| {
        assert!(t.messages.is_empty() && t.charge.is_none());
        Ok(recorded())
    });
    let outcome = StreamOutcome {
        error: Some(ProviderError::Timeout),
        ..StreamOutcome::default()
    };
    let err = service(turns)
        .finish_stream(turn(), NOW, outcome)
        .await
        .unwrap_err();
    assert!(matches!(err, ChatError::Upstream(ProviderError::Timeout)));

    let mut turns = MockTurnStore::new();
    turns.expect_record_turn().times(1).returning(|t| {
        assert_eq!(
            t.messages[0].metadata.as_ref().unwrap()["interrupted"],
            true
        );
        assert!(t.charge.is_some());
        Ok(recorded())
    });
    let broken = StreamOutcome {
        text: "Part".into(),
        error: Some(ProviderError::Malformed("cut".into())),
        ..StreamOutcome::default()
    };
    assert!(matches!(
        service(turns).finish_stream(turn(), NOW, broken).await,
        Err(ChatError::Upstream(_))
    ));
}

#[test]
fn produced_tokens_are_counted_not_padded() {
    let request = turn().request;
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
