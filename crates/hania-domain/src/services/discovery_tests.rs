use std::sync::Arc;

use time::macros::date;
use uuid::Uuid;

use super::*;
use crate::billing::{BillingAccount, BillingRefusal, BillingStatus, Plan};
use crate::completion::{AnswerFormat, Completion};
use crate::money::Money;
use crate::ports::{MockModelProvider, MockWorkspaceStore};
use crate::services::chat_prompt::estimate_usage;
use crate::services::test_support::{NOW, stopped_clock};

const WS: WorkspaceId = WorkspaceId(Uuid::from_u128(1));

fn billing(status: BillingStatus, balance: i64) -> BillingAccount {
    BillingAccount {
        workspace_id: WS,
        status,
        plan: Plan {
            name: "pro".into(),
            monthly_turn_allowance: None,
        },
        balance: Money(balance),
        period_start: date!(2026 - 11 - 01),
        period_turns_used: 0,
        updated_at: NOW,
    }
}

fn request() -> DiscoveryRequest {
    DiscoveryRequest {
        description: "Payroll questions for Acme staff".into(),
        sources: vec!["Slips are under Profile > Documents.".into()],
    }
}

fn service(billing_account: BillingAccount, provider: MockModelProvider) -> DiscoveryService {
    let mut store = MockWorkspaceStore::new();
    store
        .expect_get_billing()
        .returning(move |_| Ok(billing_account.clone()));
    DiscoveryService::new(
        Arc::new(provider),
        Arc::new(store),
        stopped_clock(),
        "gpt-test".into(),
    )
}

fn answering(content: &str) -> MockModelProvider {
    let content = content.to_owned();
    let mut provider = MockModelProvider::new();
    provider.expect_complete().times(1).returning(move |req| {
        assert!(req.format == AnswerFormat::JsonObject && req.model == "gpt-test");
        assert!(
            req.messages[1]
                .content
                .contains("Source 1:\nSlips are under")
        );
        Ok(Completion {
            model: "gpt-test-0613".into(),
            content: content.clone(),
            tool_calls: Vec::new(),
            usage: TokenUsage {
                prompt_tokens: 120,
                completion_tokens: 80,
            },
            finish_reason: Some("stop".into()),
        })
    });
    provider
}

#[tokio::test]
async fn a_draft_comes_from_the_model_in_json_mode() {
    let service = service(
        billing(BillingStatus::Active, 1_000),
        answering(r#"{"name": "Payroll", "system_prompt": "Answer payroll questions."}"#),
    );
    let found = service.discover(WS, &request()).await.unwrap();
    assert_eq!(found.draft.name, "Payroll");
    assert_eq!(found.model, "gpt-test-0613");
    assert_eq!(found.usage.total(), 200);
}

#[tokio::test]
async fn an_unusable_answer_is_an_upstream_failure() {
    let service = service(
        billing(BillingStatus::Active, 1_000),
        answering("Sorry, I can't."),
    );
    let error = service.discover(WS, &request()).await.unwrap_err();
    assert!(matches!(
        error,
        ChatError::Upstream(ProviderError::Malformed(_))
    ));
}

#[tokio::test]
async fn billing_policy_and_validation_come_before_any_model_call() {
    // A provider with no expectations fails the test if it is called.
    let suspended = service(
        billing(BillingStatus::Suspended, 1_000),
        MockModelProvider::new(),
    );
    let error = suspended.discover(WS, &request()).await.unwrap_err();
    assert!(matches!(
        error,
        ChatError::Billing(BillingRefusal::ServiceSuspended)
    ));
    let broke = service(billing(BillingStatus::Active, 0), MockModelProvider::new());
    let error = broke.discover(WS, &request()).await.unwrap_err();
    assert!(matches!(
        error,
        ChatError::Billing(BillingRefusal::InsufficientBalance)
    ));
    let empty = DiscoveryRequest {
        description: String::new(),
        sources: vec![],
    };
    let error = broke.discover(WS, &empty).await.unwrap_err();
    assert!(matches!(error, ChatError::Validation(v) if v.field == "description"));
}

#[test]
fn a_streamed_draft_estimates_missing_usage_and_passes_failures_on() {
    let asked = CompletionRequest {
        model: "gpt-test".into(),
        messages: request().prompt(),
        temperature: None,
        max_tokens: None,
        tools: Vec::new(),
        format: AnswerFormat::JsonObject,
    };
    let outcome = StreamOutcome {
        text: r#"{"name": "Payroll", "system_prompt": "Answer payroll questions."}"#.into(),
        ..StreamOutcome::default()
    };
    let found = DiscoveryService::finish_stream(&request(), &asked, outcome.clone()).unwrap();
    assert_eq!(
        found.model, "gpt-test",
        "the asked model when none was reported"
    );
    assert_eq!(found.usage, outcome.produced_usage(&asked));
    assert_eq!(
        found.usage.prompt_tokens,
        estimate_usage(&asked, &outcome.text).prompt_tokens
    );
    let failed = StreamOutcome {
        error: Some(ProviderError::Timeout),
        ..outcome
    };
    assert!(matches!(
        DiscoveryService::finish_stream(&request(), &asked, failed),
        Err(ChatError::Upstream(ProviderError::Timeout))
    ));
}
