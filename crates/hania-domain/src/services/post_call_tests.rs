//! Post-call processing over mocks: the analysis (a malformed answer
//! retried once, each call metered), the hooks in order with rendered
//! params (transient failures retried, a failing hook not stopping the
//! next), and a job run again skipping what is done.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use serde_json::json;
use time::Duration;
use uuid::Uuid;

use crate::bot::Bot;
use crate::bot_changes::BotChanges;
use crate::completion::{Completion, TokenUsage};
use crate::conversation::{Channel, ConversationPage, PostCallAnalysis};
use crate::field_update::FieldUpdate;
use crate::hook::PostCallHook;
use crate::ids::{ConversationId, HookId, MessageId, ToolConfigId};
use crate::message::{Message, Role};
use crate::ports::{Timer, ToolExecutor, ToolInvocation, ToolResult};
use crate::services::test_support::NOW;
use crate::services::turn_test_support::{BOT, Harness, WS, conversation, recorded, tool};
use crate::trace::{TraceStep, action_types};
use crate::turn::TurnRecord;

pub(super) const CALL: ConversationId = ConversationId(Uuid::from_u128(10));
const RUN: ConversationId = ConversationId(Uuid::from_u128(11));

pub(super) struct Instant;

#[async_trait]
impl Timer for Instant {
    async fn sleep(&self, _: std::time::Duration) {}
}

/// Answers each hook's calls from a script (by tool name), recording the
/// invocations.
pub(super) struct Scripted {
    pub(super) script: Mutex<VecDeque<(&'static str, bool, bool)>>,
    pub(super) seen: Mutex<Vec<ToolInvocation>>,
}

#[async_trait]
impl ToolExecutor for Scripted {
    async fn execute(&self, invocation: &ToolInvocation) -> ToolResult {
        self.seen.lock().unwrap().push(invocation.clone());
        let (name, ok, transient) = self.script.lock().unwrap().pop_front().unwrap();
        assert_eq!(invocation.tool.name, name, "hooks run in run_order");
        if ok {
            ToolResult {
                ok: true,
                content: "{}".into(),
                error: None,
                duration_ms: 3,
                transient: false,
            }
        } else {
            ToolResult {
                transient,
                ..ToolResult::failed("answered 500 Internal Server Error", 3)
            }
        }
    }
}

fn bot() -> Bot {
    let changes = BotChanges {
        name: FieldUpdate::Set("Support".into()),
        system_prompt: FieldUpdate::Set("Help.".into()),
        ..BotChanges::default()
    };
    Bot::create(BOT, WS, changes, "support".into(), NOW).unwrap()
}

fn hook(n: u128, tool_name: &str, run_order: i32, enabled: bool) -> PostCallHook {
    PostCallHook {
        id: HookId::from_uuid(Uuid::from_u128(n)),
        workspace_id: WS,
        bot_id: BOT,
        tool_configuration_id: ToolConfigId::from_uuid(Uuid::from_u128(100 + n)),
        tool_type: "webhook".into(),
        tool_name: tool_name.into(),
        run_order,
        enabled,
        params_template: json!({"text": "{{call.summary}} ({{analysis.sentiment}}) #{{call.external_call_id}}", "n": 1}),
        created_at: NOW,
        updated_at: NOW,
    }
}

fn said(position: u32, role: Role, content: &str) -> Message {
    Message {
        id: MessageId::from_uuid(Uuid::new_v4()),
        conversation_id: CALL,
        position,
        role,
        content: content.into(),
        metadata: None,
        created_at: NOW,
    }
}

fn answer(content: &str) -> Completion {
    Completion {
        model: "m".into(),
        content: content.into(),
        tool_calls: vec![],
        usage: TokenUsage {
            prompt_tokens: 40,
            completion_tokens: 10,
        },
        finish_reason: Some("stop".into()),
    }
}

/// A harness for one call, its run conversation (`earlier`: made by an
/// earlier attempt, with that trace) and the bot's hooks.
pub(super) fn harness(earlier: Option<Vec<TraceStep>>, analysed: bool) -> Harness {
    let mut h = Harness::default();
    h.bots.expect_get_bot().returning(|_, _| Ok(bot()));
    h.conversations
        .expect_get_conversation()
        .returning(move |_, _| {
            let mut call = conversation(CALL);
            call.channel = Channel::Voice;
            call.external_call_id = Some("CA-7".into());
            call.ended_at = Some(NOW + Duration::seconds(90));
            if analysed {
                call.post_call_analysis = Some(PostCallAnalysis {
                    sentiment: Some("positive".into()),
                    summary: Some("Stored before".into()),
                    ..PostCallAnalysis::default()
                });
            }
            Ok(call)
        });
    h.messages.expect_list_messages().returning(|_, _| {
        Ok(vec![
            said(1, Role::User, "My parcel is late"),
            said(2, Role::Assistant, "It arrives tomorrow"),
        ])
    });
    let found = earlier.is_some();
    h.conversations
        .expect_list_conversations()
        .returning(move |_, filter, _| {
            assert_eq!(filter.source_conversation_id, Some(CALL));
            assert_eq!(filter.channel, Some(Channel::PostCall));
            let items = if found {
                vec![crate::conversation::ConversationSummary {
                    conversation: conversation(RUN),
                    bot_name: "Support".into(),
                }]
            } else {
                vec![]
            };
            Ok(ConversationPage {
                total: items.len() as u64,
                items,
            })
        });
    if !found {
        h.conversations
            .expect_create_conversation()
            .times(1)
            .returning(|new| {
                assert_eq!(
                    (new.channel, new.source_conversation_id),
                    (Channel::PostCall, Some(CALL))
                );
                Ok(conversation(RUN))
            });
    }
    let trace = earlier.unwrap_or_default();
    h.traces
        .expect_list_trace()
        .returning(move |_, _| Ok(trace.clone()));
    h.hooks.expect_list_hooks().returning(|_, _| {
        Ok(vec![
            hook(1, "crm", 1, true),
            hook(2, "disabled", 2, false),
            hook(3, "slack", 3, true),
        ])
    });
    h.tools.expect_get_tool().returning(|_, id| {
        let name = if id.as_uuid() == Uuid::from_u128(101) {
            "crm"
        } else {
            "slack"
        };
        Ok(tool(name))
    });
    h.timer = Arc::new(Instant);
    h
}

pub(super) fn steps_kept(h: &mut Harness) -> Arc<Mutex<Vec<crate::trace::NewTraceStep>>> {
    let steps = Arc::new(Mutex::new(Vec::new()));
    let kept = steps.clone();
    h.traces
        .expect_append_trace_steps()
        .returning(move |_, conv, new| {
            assert_eq!(conv, RUN);
            kept.lock().unwrap().extend(new.iter().cloned());
            Ok(vec![])
        });
    steps
}

#[tokio::test]
async fn the_analysis_is_retried_once_and_the_hooks_run_in_order() {
    let mut h = harness(None, false);
    let answers = Mutex::new(VecDeque::from([
        answer("Sure! The caller was upset."),
        answer(
            r#"{"sentiment": "negative", "topic": "late parcel", "outcome": "resolved", "summary": "Parcel late, arrives tomorrow"}"#,
        ),
    ]));
    h.provider
        .expect_complete()
        .times(2)
        .returning(move |request| {
            assert_eq!(request.format, crate::completion::AnswerFormat::JsonObject);
            assert!(
                request.messages[1]
                    .content
                    .contains("user: My parcel is late")
            );
            Ok(answers.lock().unwrap().pop_front().unwrap())
        });
    let records: Arc<Mutex<Vec<TurnRecord>>> = Arc::new(Mutex::new(Vec::new()));
    let kept = records.clone();
    h.turns.expect_record_turn().returning(move |t| {
        kept.lock().unwrap().push(t.clone());
        Ok(recorded())
    });
    h.conversations
        .expect_set_post_call_analysis()
        .times(1)
        .returning(|_, id, analysis| {
            assert_eq!(
                (id, analysis.sentiment.as_deref()),
                (CALL, Some("negative"))
            );
            Ok(())
        });
    let steps = steps_kept(&mut h);
    let executor = Arc::new(Scripted {
        script: Mutex::new(VecDeque::from([
            ("crm", false, true),
            ("crm", false, true),
            ("crm", true, false),
            ("slack", false, false),
        ])),
        seen: Mutex::new(Vec::new()),
    });
    h.executor = executor.clone();
    let report = h.service().run_post_call(WS, CALL).await.unwrap();
    assert_eq!(report.run, RUN);
    assert_eq!(report.hooks_failed, 1, "slack's 4xx is not retried");

    let records = records.lock().unwrap();
    assert_eq!(records.len(), 2, "each analysis call is recorded");
    assert!(
        records
            .iter()
            .all(|r| r.charge.is_some() && r.conversation_id == RUN)
    );
    assert!(
        records[0].trace_steps[0]
            .error_message
            .as_deref()
            .unwrap()
            .contains("malformed")
    );
    assert_eq!(records[1].trace_steps[0].prompt_tokens, Some(40));
    assert!(records[1].trace_steps[0].error_message.is_none());

    let seen = executor.seen.lock().unwrap();
    let arguments: serde_json::Value = serde_json::from_str(&seen[0].call.arguments).unwrap();
    assert_eq!(
        arguments,
        json!({"text": "Parcel late, arrives tomorrow (negative) #CA-7", "n": 1})
    );
    assert_eq!(
        seen[0].call.id, seen[1].call.id,
        "one idempotency key per hook"
    );
    let steps = steps.lock().unwrap();
    let attempts: Vec<(&str, bool)> = steps
        .iter()
        .map(|s| {
            (
                s.tool_function.as_deref().unwrap(),
                s.error_message.is_none(),
            )
        })
        .collect();
    assert_eq!(
        attempts,
        [
            ("crm", false),
            ("crm", false),
            ("crm", true),
            ("slack", false)
        ]
    );
    assert!(
        steps
            .iter()
            .all(|s| s.action_type == action_types::POST_CALL_HOOK)
    );
    assert!(
        steps[2]
            .result_summary
            .as_deref()
            .unwrap()
            .ends_with("attempt 3 of 3: ok")
    );
}

#[tokio::test]
async fn a_job_run_again_keeps_the_analysis_and_skips_hooks_that_succeeded() {
    let crm_done = TraceStep {
        id: crate::ids::TraceStepId::from_uuid(Uuid::new_v4()),
        conversation_id: RUN,
        step_number: 2,
        action_type: action_types::POST_CALL_HOOK.into(),
        action_name: "crm".into(),
        result_summary: Some(format!(
            "hook {}: attempt 1 of 3: ok",
            HookId::from_uuid(Uuid::from_u128(1))
        )),
        items_count: None,
        started_at: NOW,
        completed_at: Some(NOW),
        duration_ms: Some(3),
        error_message: None,
        model: None,
        prompt_tokens: None,
        completion_tokens: None,
        total_tokens: None,
        tool_function: Some("crm".into()),
        tool_execution_ms: Some(3),
    };
    let mut h = harness(Some(vec![crm_done]), true);
    h.provider.expect_complete().never();
    h.conversations.expect_set_post_call_analysis().never();
    let steps = steps_kept(&mut h);
    let executor = Arc::new(Scripted {
        script: Mutex::new(VecDeque::from([("slack", true, false)])),
        seen: Mutex::new(Vec::new()),
    });
    h.executor = executor.clone();
    let report = h.service().run_post_call(WS, CALL).await.unwrap();
    assert_eq!((report.run, report.hooks_failed), (RUN, 0));
    assert_eq!(
        report.analysis.unwrap().summary.as_deref(),
        Some("Stored before")
    );
    let seen = executor.seen.lock().unwrap();
    let arguments: serde_json::Value = serde_json::from_str(&seen[0].call.arguments).unwrap();
    assert_eq!(arguments["text"], "Stored before (positive) #CA-7");
    assert_eq!(steps.lock().unwrap().len(), 1);
}
