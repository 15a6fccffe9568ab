//! A call's post-call hooks: the bot's enabled hooks in `run_order`, each
//! calling its tool with its `params_template` rendered for the call,
//! transient failures (5xx, timeouts, lost connections) tried up to
//! [`HOOK_ATTEMPTS`] times with backoff. One step per attempt; a failing
//! hook does not stop the next.

use std::collections::HashSet;
use std::time::Duration;

use super::chat::ChatService;
use super::chat_types::ChatError;
use crate::bot::Bot;
use crate::completion::ToolCall;
use crate::conversation::{Conversation, PostCallAnalysis};
use crate::ids::{ConversationId, HookId, WorkspaceId};
use crate::message::Message;
use crate::ports::{ToolInvocation, ToolResult};
use crate::post_call_template::{TemplateValues, render};
use crate::trace::{NewTraceStep, action_types};

/// Most attempts of one hook.
pub const HOOK_ATTEMPTS: u32 = 3;

/// The wait after failed attempt `attempt`: 1 s, then 2 s.
fn hook_backoff(attempt: u32) -> Duration {
    Duration::from_secs(u64::from(attempt))
}

/// The `result_summary` of a hook attempt starts with this and the hook id
/// (how a job run again knows which hooks already succeeded).
fn summary_prefix(hook: HookId) -> String {
    format!("hook {hook}:")
}

/// The names a hook's template may use, for this call.
pub(crate) fn values(
    bot: &Bot,
    call: &Conversation,
    messages: &[Message],
    analysis: Option<&PostCallAnalysis>,
) -> TemplateValues {
    let mut values = TemplateValues::default();
    let time = |t: time::OffsetDateTime| {
        t.format(&time::format_description::well_known::Rfc3339)
            .ok()
    };
    let duration = call
        .ended_at
        .map(|end| (end - call.started_at).whole_seconds().to_string());
    let analysis = analysis.cloned().unwrap_or_default();
    values
        .set("call.id", Some(&call.id.to_string()))
        .set("call.external_call_id", call.external_call_id.as_deref())
        .set(
            "call.external_linked_id",
            call.external_linked_id.as_deref(),
        )
        .set("call.customer_id", call.customer_id.as_deref())
        .set("call.started_at", time(call.started_at).as_deref())
        .set("call.ended_at", call.ended_at.and_then(time).as_deref())
        .set("call.duration_seconds", duration.as_deref())
        .set(
            "call.transcript",
            Some(&super::post_call::transcript_text(messages)),
        )
        .set("call.summary", analysis.summary.as_deref())
        .set("analysis.summary", analysis.summary.as_deref())
        .set("analysis.sentiment", analysis.sentiment.as_deref())
        .set("analysis.topic", analysis.topic.as_deref())
        .set("analysis.outcome", analysis.outcome.as_deref())
        .set("bot.id", Some(&bot.id.to_string()))
        .set("bot.name", Some(&bot.name));
    values
}

impl ChatService {
    /// Runs the bot's enabled hooks that have not succeeded yet for this
    /// run; returns how many failed after their last attempt.
    pub(super) async fn run_hooks(
        &self,
        ws: WorkspaceId,
        bot: &Bot,
        run: ConversationId,
        values: &TemplateValues,
    ) -> Result<usize, ChatError> {
        let done: HashSet<String> = self
            .ports
            .traces
            .list_trace(ws, run)
            .await?
            .into_iter()
            .filter(|s| s.action_type == action_types::POST_CALL_HOOK && s.error_message.is_none())
            .filter_map(|s| s.result_summary)
            .collect();
        let mut failed = 0;
        for hook in self.ports.hooks.list_hooks(ws, bot.id).await? {
            let prefix = summary_prefix(hook.id);
            if !hook.enabled || done.iter().any(|s| s.starts_with(&prefix)) {
                continue;
            }
            let tool = self
                .ports
                .tools
                .get_tool(ws, hook.tool_configuration_id)
                .await?;
            let invocation = ToolInvocation {
                call: ToolCall {
                    id: format!("hook-{}", hook.id),
                    name: tool.name.clone(),
                    arguments: render(&hook.params_template, values).to_string(),
                },
                tool,
                bot: bot.id,
                conversation: run,
            };
            for attempt in 1..=HOOK_ATTEMPTS {
                let started = self.ports.clock.now();
                let result = self.ports.executor.execute(&invocation).await;
                let step = self.hook_step(&invocation, &prefix, attempt, &result, started);
                self.ports
                    .traces
                    .append_trace_steps(ws, run, &[step])
                    .await?;
                if result.ok {
                    break;
                }
                if !result.transient || attempt == HOOK_ATTEMPTS {
                    failed += 1;
                    break;
                }
                self.ports.timer.sleep(hook_backoff(attempt)).await;
            }
        }
        Ok(failed)
    }

    /// The `post_call_hook` step of one attempt.
    fn hook_step(
        &self,
        invocation: &ToolInvocation,
        prefix: &str,
        attempt: u32,
        result: &ToolResult,
        started: time::OffsetDateTime,
    ) -> NewTraceStep {
        let name = &invocation.tool.name;
        let mut step = NewTraceStep::new(self.id(), action_types::POST_CALL_HOOK, name, started);
        let ms = i64::try_from(result.duration_ms).unwrap_or(i64::MAX);
        step.completed_at = Some(started + time::Duration::milliseconds(ms));
        step.duration_ms = Some(ms);
        step.tool_function = Some(name.clone());
        step.tool_execution_ms = Some(ms);
        step.error_message = result.error.clone();
        let outcome = if result.ok { "ok" } else { "failed" };
        step.result_summary = Some(format!(
            "{prefix} attempt {attempt} of {HOOK_ATTEMPTS}: {outcome}"
        ));
        step
    }
}

#[cfg(test)]
#[path = "post_call_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "post_call_jobs_tests.rs"]
mod job_tests;
