//! The agent loop: the order of its events and records, its bounds,
//! billing per call, timeouts, hang-ups and concurrent tool calls.

use std::sync::Arc;

use super::*;
use crate::billing::{BillingRefusal, BillingStatus};
use crate::completion::{AnswerFormat, StreamChunk};
use crate::ports::{MockToolExecutor, ToolResult, TurnEvent, Unobserved};
use crate::services::turn_test_support::{
    Harness, PastTimer, Recorder, StuckTools, TogetherTools, account, agent_turn, answer, call,
    stream_of,
};
use crate::trace::action_types;

fn ok(content: &str) -> ToolResult {
    ToolResult {
        ok: true,
        content: content.into(),
        error: None,
        duration_ms: 12,
        transient: false,
    }
}

#[tokio::test]
async fn a_tool_call_is_run_and_answered_with_every_call_recorded_and_charged() {
    let mut h = Harness::default();
    let mut seq = mockall::Sequence::new();
    h.provider
        .expect_complete()
        .times(1)
        .in_sequence(&mut seq)
        .returning(|req| {
            assert_eq!(req.tools.len(), 1, "the attached tool is offered");
            assert_eq!(req.tools[0].name, "order_status");
            Ok(answer(
                "",
                vec![call("c1", "order_status", r#"{"order":42}"#)],
                6,
            ))
        });
    h.provider
        .expect_complete()
        .times(1)
        .in_sequence(&mut seq)
        .returning(|req| {
            // The history the model sees: the question, the call, its result.
            let last = &req.messages[req.messages.len() - 2..];
            assert_eq!(last[0].tool_calls[0].id, "c1");
            assert_eq!(last[1].tool_call_id.as_deref(), Some("c1"));
            assert_eq!(last[1].content, r#"{"status":"shipped"}"#);
            Ok(answer("Order 42 has shipped.", vec![], 5))
        });
    let mut executor = MockToolExecutor::new();
    executor.expect_execute().times(1).returning(|inv| {
        assert_eq!(inv.call.arguments, r#"{"order":42}"#);
        ok(r#"{"status":"shipped"}"#)
    });
    h.executor = Arc::new(executor);
    let records = h.keep_records();
    let turn = agent_turn(&["order_status"], 5, 60);
    let hold = turn.hold;
    let reply = h
        .service()
        .answer(turn, &Unobserved, Delivery::Whole)
        .await
        .unwrap();
    assert_eq!(reply.response, "Order 42 has shipped.");
    assert_eq!(reply.usage.unwrap().completion_tokens, 11);

    let records = records.lock().unwrap();
    assert_eq!(records.len(), 2, "one record per model call");
    let first = &records[0];
    assert_eq!(first.release_hold, None, "the turn goes on: the hold stays");
    assert_eq!(first.messages.len(), 2);
    assert_eq!(
        first.messages[0].metadata.as_ref().unwrap()["tool_calls"][0]["name"],
        "order_status"
    );
    assert_eq!(first.messages[1].role, crate::message::Role::Tool);
    assert_eq!(
        first.messages[1].metadata.as_ref().unwrap()["tool_call_id"],
        "c1"
    );
    let kinds: Vec<&str> = first
        .trace_steps
        .iter()
        .map(|s| s.action_type.as_str())
        .collect();
    assert_eq!(kinds, [action_types::MODEL_CALL, action_types::TOOL_CALL]);
    let tool_step = &first.trace_steps[1];
    assert_eq!(tool_step.tool_function.as_deref(), Some("order_status"));
    assert_eq!(tool_step.tool_execution_ms, Some(12));
    assert_eq!(
        tool_step.result_summary.as_deref(),
        Some(r#"{"status":"shipped"}"#)
    );
    assert_eq!(first.charge.as_ref().unwrap().completion_tokens, 6);
    let last = &records[1];
    assert_eq!(last.release_hold, hold);
    assert_eq!(last.messages[0].content, "Order 42 has shipped.");
    assert_eq!(last.charge.as_ref().unwrap().completion_tokens, 5);
}

#[tokio::test]
async fn a_streamed_agent_turn_emits_calls_results_then_the_answer() {
    let mut h = Harness::default();
    let mut seq = mockall::Sequence::new();
    h.provider
        .expect_stream()
        .times(1)
        .in_sequence(&mut seq)
        .returning(|_| {
            Ok(stream_of(
                vec![StreamChunk::ToolCall(call("c1", "lookup", "{}"))],
                false,
            ))
        });
    h.provider
        .expect_stream()
        .times(1)
        .in_sequence(&mut seq)
        .returning(|_| Ok(stream_of(vec![StreamChunk::Delta("Done.".into())], false)));
    let mut executor = MockToolExecutor::new();
    executor.expect_execute().returning(|_| ok("[1,2,3]"));
    h.executor = Arc::new(executor);
    let records = h.keep_records();
    let observer = Recorder::default();
    h.service()
        .answer(
            agent_turn(&["lookup"], 5, 60),
            &observer,
            Delivery::Streamed,
        )
        .await
        .unwrap();
    assert_eq!(
        observer.events(),
        vec![
            TurnEvent::ToolCall(call("c1", "lookup", "{}")),
            TurnEvent::ToolResult {
                id: "c1".into(),
                name: "lookup".into(),
                ok: true,
                duration_ms: 12
            },
            TurnEvent::Delta("Done.".into()),
        ]
    );
    let records = records.lock().unwrap();
    assert_eq!(records[0].trace_steps[1].items_count, Some(3));
}

#[tokio::test]
async fn the_last_allowed_call_is_made_without_tools_and_says_so() {
    let mut h = Harness::default();
    let asked = Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = asked.clone();
    h.provider.expect_complete().times(3).returning(move |req| {
        seen.lock().unwrap().push(req.tools.len());
        if req.tools.is_empty() {
            Ok(answer("Best I can do.", vec![], 1))
        } else {
            Ok(answer("", vec![call("", "lookup", "{}")], 1))
        }
    });
    let mut executor = MockToolExecutor::new();
    executor.expect_execute().times(2).returning(|_| ok("{}"));
    h.executor = Arc::new(executor);
    let records = h.keep_records();
    let reply = h
        .service()
        .answer(agent_turn(&["lookup"], 3, 60), &Unobserved, Delivery::Whole)
        .await
        .unwrap();
    assert_eq!(reply.response, "Best I can do.");
    assert_eq!(*asked.lock().unwrap(), [1, 1, 0]);
    let records = records.lock().unwrap();
    assert_eq!(records.len(), 3);
    assert!(
        records.iter().all(|r| r.charge.is_some()),
        "every call is metered"
    );
    assert_eq!(
        records[2].trace_steps[0].action_type,
        action_types::AGENT_LIMIT
    );
    // A call without an id gets one, and its result answers that id.
    let asking = records[0].messages[0].metadata.clone().unwrap();
    let id = asking["tool_calls"][0]["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("call_"));
    assert_eq!(
        records[0].messages[1].metadata.as_ref().unwrap()["tool_call_id"],
        id
    );
}

#[tokio::test]
async fn billing_is_checked_before_every_further_call() {
    let mut h = Harness::default();
    let mut billing = crate::ports::MockWorkspaceStore::new();
    billing
        .expect_get_billing()
        .returning(|_| Ok(account(BillingStatus::Suspended)));
    h.billing = billing;
    h.provider
        .expect_complete()
        .times(1)
        .returning(|_| Ok(answer("", vec![call("c1", "lookup", "{}")], 1)));
    let mut executor = MockToolExecutor::new();
    executor.expect_execute().returning(|_| ok("{}"));
    h.executor = Arc::new(executor);
    let records = h.keep_records();
    let err = h
        .service()
        .answer(agent_turn(&["lookup"], 5, 60), &Unobserved, Delivery::Whole)
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        ChatError::Billing(BillingRefusal::ServiceSuspended)
    ));
    let records = records.lock().unwrap();
    assert_eq!(records.len(), 2);
    assert!(records[0].charge.is_some(), "the call made is charged");
    assert_eq!(records[1].trace_steps[0].action_type, action_types::BILLING);
    assert!(records[1].charge.is_none());
    assert!(records[1].release_hold.is_some());
}

#[tokio::test]
async fn a_timeout_cancels_running_tools_and_keeps_what_was_done() {
    let mut h = Harness::default();
    h.provider
        .expect_complete()
        .times(1)
        .returning(|_| Ok(answer("", vec![call("c1", "slow", "{}")], 4)));
    h.executor = Arc::new(StuckTools);
    h.timer = Arc::new(PastTimer);
    let records = h.keep_records();
    let err = h
        .service()
        .answer(agent_turn(&["slow"], 5, 7), &Unobserved, Delivery::Whole)
        .await
        .unwrap_err();
    assert!(
        matches!(err, ChatError::TurnTimeout { seconds: 7 }),
        "{err:?}"
    );
    let records = records.lock().unwrap();
    assert_eq!(records.len(), 1);
    let record = &records[0];
    assert!(record.charge.is_some() && record.release_hold.is_some());
    let tool = &record.trace_steps[1];
    assert!(
        tool.error_message
            .as_deref()
            .unwrap()
            .starts_with("cancelled: ")
    );
    // The history stays valid: the call has its (failed) result.
    assert_eq!(record.messages[1].metadata.as_ref().unwrap()["ok"], false);
}

#[tokio::test]
async fn a_hang_up_while_tools_run_cancels_them() {
    let mut h = Harness::default();
    h.provider.expect_stream().returning(|_| {
        Ok(stream_of(
            vec![StreamChunk::ToolCall(call("c1", "slow", "{}"))],
            false,
        ))
    });
    h.executor = Arc::new(StuckTools);
    let records = h.keep_records();
    let observer = Recorder::hanging_up_after(1);
    let err = h
        .service()
        .answer(agent_turn(&["slow"], 5, 60), &observer, Delivery::Streamed)
        .await
        .unwrap_err();
    assert!(matches!(err, ChatError::ClientGone));
    let record = &records.lock().unwrap()[0];
    assert_eq!(record.messages.len(), 2);
    assert!(record.release_hold.is_some());
}

#[tokio::test]
async fn the_calls_of_one_answer_run_concurrently() {
    let mut h = Harness::default();
    let mut seq = mockall::Sequence::new();
    h.provider
        .expect_complete()
        .times(1)
        .in_sequence(&mut seq)
        .returning(|_| {
            Ok(answer(
                "",
                vec![call("a", "lookup", "{}"), call("b", "lookup", "{}")],
                1,
            ))
        });
    h.provider
        .expect_complete()
        .times(1)
        .in_sequence(&mut seq)
        .returning(|_| Ok(answer("Both done.", vec![], 1)));
    // Each call ends only when both run at once.
    h.executor = Arc::new(TogetherTools(tokio::sync::Barrier::new(2)));
    let records = h.keep_records();
    let service = h.service();
    let turn = service.answer(agent_turn(&["lookup"], 5, 60), &Unobserved, Delivery::Whole);
    let reply = tokio::time::timeout(std::time::Duration::from_secs(5), turn)
        .await
        .expect("calls run one after another would never end")
        .unwrap();
    assert_eq!(reply.response, "Both done.");
    let records = records.lock().unwrap();
    // Results in the order asked, whatever order they ended in.
    let ids: Vec<_> = records[0].messages[1..]
        .iter()
        .map(|m| m.metadata.as_ref().unwrap()["tool_call_id"].clone())
        .collect();
    assert_eq!(ids, ["a", "b"]);
}

#[tokio::test]
async fn an_unknown_tool_is_an_error_result_and_nothing_runs() {
    let mut h = Harness::default();
    let mut seq = mockall::Sequence::new();
    h.provider
        .expect_complete()
        .times(1)
        .in_sequence(&mut seq)
        .returning(|_| Ok(answer("", vec![call("c1", "rm_rf", "{}")], 1)));
    h.provider
        .expect_complete()
        .times(1)
        .in_sequence(&mut seq)
        .returning(|req| {
            let result = &req.messages.last().unwrap().content;
            assert!(result.contains("no tool named"), "{result}");
            Ok(answer("Sorry.", vec![], 1))
        });
    h.executor = Arc::new(MockToolExecutor::new()); // any call would panic
    let _records = h.keep_records();
    h.service()
        .answer(agent_turn(&["lookup"], 5, 60), &Unobserved, Delivery::Whole)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_final_answer_that_must_be_json_and_is_not_is_charged_and_refused() {
    let mut h = Harness::default();
    h.provider
        .expect_complete()
        .returning(|_| Ok(answer("not json", vec![], 3)));
    let records = h.keep_records();
    let mut turn = agent_turn(&[], 5, 60);
    turn.request.format = AnswerFormat::JsonSchema {
        name: "answer".into(),
        schema: serde_json::json!({"type": "object"}),
    };
    let err = h
        .service()
        .answer(turn, &Unobserved, Delivery::Whole)
        .await
        .unwrap_err();
    assert!(matches!(err, ChatError::NotJson));
    let record = &records.lock().unwrap()[0];
    assert!(record.messages.is_empty());
    assert_eq!(record.charge.as_ref().unwrap().completion_tokens, 3);
}
