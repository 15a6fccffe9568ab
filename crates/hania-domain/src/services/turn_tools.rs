//! The tool calls of one model answer: announced, run concurrently
//! through the [`crate::ports::ToolExecutor`], traced one `tool_call`
//! step each, and stored as the assistant message that asked and one
//! `tool` message per result (in the order asked, so the history is the
//! form OpenAI's API accepts).

use futures::StreamExt;
use futures::stream::FuturesUnordered;
use serde_json::json;
use time::OffsetDateTime;

use super::chat::ChatService;
use super::chat_stream::StreamOutcome;
use super::chat_types::{ChatError, ModelTurn};
use super::turn_race::{Raced, Stops};
use super::turn_work::Work;
use crate::completion::{CompletionRequest, PromptMessage, ToolCall};
use crate::message::Role;
use crate::ports::{ToolInvocation, ToolResult, TurnEvent, TurnObserver};
use crate::trace::{NewTraceStep, action_types};

/// Longest `result_summary` of a tool step, in characters.
const SUMMARY_CHARS: usize = 200;

impl ChatService {
    /// Stores the answer that asked for tools (charged) into `work`, runs
    /// its calls, and adds their results. Returns the prompt messages of
    /// the answer and of its results, and the error that stopped the
    /// turn while the tools ran (a deadline or a hang-up: calls still
    /// running are cancelled and stored as failed).
    #[allow(clippy::too_many_arguments)] // One call's whole context.
    pub(super) async fn run_tools(
        &self,
        turn: &ModelTurn,
        request: &CompletionRequest,
        started: OffsetDateTime,
        mut outcome: StreamOutcome,
        work: &mut Work,
        observer: &dyn TurnObserver,
        stops: &mut Stops<'_>,
    ) -> (PromptMessage, Vec<PromptMessage>, Option<ChatError>) {
        for call in &mut outcome.tool_calls {
            if call.id.trim().is_empty() {
                call.id = format!("call_{}", self.ports.ids.new_id().simple());
            }
        }
        let finished = self.ports.clock.now();
        let calls = outcome.tool_calls.clone();
        let mut step = self.model_step(&request.model, started, finished);
        let names: Vec<&str> = calls.iter().map(|c| c.name.as_str()).collect();
        step.result_summary = Some(format!("asked for tools: {}", names.join(", ")));
        let mut asking = self.message(Role::Assistant, &outcome.text, finished);
        let mut metadata = Self::answer_metadata(request, &outcome);
        metadata["tool_calls"] = calls
            .iter()
            .map(|c| json!({"id": c.id, "name": c.name, "arguments": c.arguments}))
            .collect();
        asking.metadata = Some(metadata);
        work.charge = Some(self.meter(&mut step, request, &outcome, Some(asking.id), finished));
        work.steps.push(step);
        work.messages.push(asking);
        let asked = Self::asking_message(&outcome);

        let mut stopped = None;
        for call in &calls {
            if observer
                .emit(TurnEvent::ToolCall(call.clone()))
                .await
                .is_err()
            {
                stopped = Some(ChatError::ClientGone);
                break;
            }
        }
        let tools_started = self.ports.clock.now();
        let mut results: Vec<Option<ToolResult>> = vec![None; calls.len()];
        if stopped.is_none() {
            match stops
                .race(self.execute_all(turn, &calls, observer, &mut results))
                .await
            {
                Raced::Done(()) => {}
                Raced::Expired => stopped = Some(self.timed_out(turn)),
                Raced::HungUp => stopped = Some(ChatError::ClientGone),
            }
        }
        let now = self.ports.clock.now();
        let mut answered = Vec::with_capacity(calls.len());
        for (call, result) in calls.iter().zip(results) {
            let result = result.unwrap_or_else(|| {
                let why = stopped
                    .as_ref()
                    .map_or_else(String::new, ToString::to_string);
                let elapsed = (now - tools_started).whole_milliseconds().max(0) as u64;
                ToolResult::failed(format!("cancelled: {why}"), elapsed)
            });
            work.steps
                .push(self.tool_step(call, &result, tools_started));
            let mut message = self.message(Role::Tool, &result.content, now);
            message.metadata =
                Some(json!({"tool_call_id": call.id, "name": call.name, "ok": result.ok}));
            work.messages.push(message);
            answered.push(PromptMessage {
                role: Role::Tool,
                content: result.content,
                tool_calls: Vec::new(),
                tool_call_id: Some(call.id.clone()),
            });
        }
        (asked, answered, stopped)
    }

    /// Runs every call at once, filling `results` (in the order asked) as
    /// they end and telling `observer` each result.
    async fn execute_all(
        &self,
        turn: &ModelTurn,
        calls: &[ToolCall],
        observer: &dyn TurnObserver,
        results: &mut [Option<ToolResult>],
    ) {
        let mut running: FuturesUnordered<_> = calls
            .iter()
            .enumerate()
            .map(|(i, call)| async move { (i, self.execute(turn, call).await) })
            .collect();
        while let Some((i, result)) = running.next().await {
            let call = &calls[i];
            // A hang-up is noticed by the turn's stops; the results so far
            // are kept either way.
            let _ = observer
                .emit(TurnEvent::ToolResult {
                    id: call.id.clone(),
                    name: call.name.clone(),
                    ok: result.ok,
                    duration_ms: result.duration_ms,
                })
                .await;
            results[i] = Some(result);
        }
    }

    /// Runs one call of an attached tool; a name the bot has no tool of is
    /// an error result, and nothing is run.
    async fn execute(&self, turn: &ModelTurn, call: &ToolCall) -> ToolResult {
        let Some(tool) = turn.agent.as_ref().and_then(|plan| plan.tool(&call.name)) else {
            return ToolResult::failed(format!("the bot has no tool named {:?}", call.name), 0);
        };
        let invocation = ToolInvocation {
            tool: tool.clone(),
            bot: turn.bot,
            conversation: turn.conversation_id,
            call: call.clone(),
        };
        self.ports.executor.execute(&invocation).await
    }

    /// The `tool_call` step of one call started at `started`.
    fn tool_step(
        &self,
        call: &ToolCall,
        result: &ToolResult,
        started: OffsetDateTime,
    ) -> NewTraceStep {
        let ms = i64::try_from(result.duration_ms).unwrap_or(i64::MAX);
        let mut step = NewTraceStep::new(self.id(), action_types::TOOL_CALL, &call.name, started);
        step.completed_at = Some(started + time::Duration::milliseconds(ms));
        step.duration_ms = Some(ms);
        step.tool_function = Some(call.name.clone());
        step.tool_execution_ms = Some(ms);
        step.result_summary = Some(result.content.chars().take(SUMMARY_CHARS).collect());
        step.items_count = result
            .ok
            .then(|| serde_json::from_str::<serde_json::Value>(&result.content).ok())
            .flatten()
            .and_then(|v| {
                v.as_array()
                    .map(|a| u32::try_from(a.len()).unwrap_or(u32::MAX))
            });
        step.error_message = result.error.clone();
        step
    }
}
