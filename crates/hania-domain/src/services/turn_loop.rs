//! The turn loop, written once for every dialect and both deliveries:
//! model call → tool calls → model call … until an answer without tool
//! calls, within the agent's bounds. Each model call with the tool calls
//! it asked for is recorded (and charged) as soon as it is done, so a
//! timeout, a hang-up or a crash later in the turn keeps it.

use std::time::Duration;

use super::chat::ChatService;
use super::chat_stream::StreamOutcome;
use super::chat_types::{ChatError, ChatReply, Delivery, ModelTurn};
use super::turn_race::{Raced, Stops};
use super::turn_work::{Work, add};
use crate::completion::{PromptMessage, TokenUsage};
use crate::message::Role;
use crate::ports::TurnObserver;

/// How a model call ended.
enum CallEnd {
    /// The whole answer arrived.
    Complete,
    /// The provider failed.
    Failed(crate::completion::ProviderError),
    /// The turn's deadline passed.
    TimedOut,
    /// The client hung up.
    HungUp,
}

/// What the turn has used so far, for the reply.
#[derive(Default)]
pub(super) struct Spent {
    pub usage: TokenUsage,
    pub provider_ms: i64,
}

impl ChatService {
    /// Answers a prepared model turn: one model call for a chat turn; the
    /// agent loop for an agent turn. `observer` hears text deltas (when
    /// streamed), tool calls and tool results as they happen; a hang-up
    /// cancels what is in flight and keeps what was done.
    pub async fn answer(
        &self,
        mut turn: ModelTurn,
        observer: &dyn TurnObserver,
        delivery: Delivery,
    ) -> Result<ChatReply, ChatError> {
        let deadline = turn
            .agent
            .as_ref()
            .map(|plan| Duration::from_secs(u64::from(plan.timeout_seconds)));
        let mut stops = Stops::new(self.ports.timer.as_ref(), deadline, observer);
        let mut spent = Spent::default();
        // The request grows by each answer that asked for tools and its
        // results; it is never copied.
        let mut request = std::mem::take(&mut turn.request);
        let mut calls = 0;
        // Each phase's future is boxed: inline, the largest of them would
        // size this future for the whole turn, and a streamed turn keeps
        // it for as long as its stream is open.
        loop {
            calls += 1;
            let mut work = Work::default();
            if calls > 1
                && let Err(error) = Box::pin(self.check_billing(&turn, &mut work)).await
            {
                Box::pin(self.record(&turn, work, true)).await?;
                return Err(error);
            }
            request.tools = self.offer_tools(&turn, calls, &mut work);
            let started = self.ports.clock.now();
            let mut outcome = StreamOutcome::default();
            let raced = stops
                .race(Box::pin(self.call_model(
                    &request,
                    observer,
                    delivery,
                    &mut outcome,
                )))
                .await;
            // Estimated once (when the provider reported no usage), then
            // read by the step, the charge and the message alike.
            outcome.usage = Some(outcome.produced_usage(&request));
            let finished = self.ports.clock.now();
            spent.provider_ms += (finished - started).whole_milliseconds() as i64;
            let end = match raced {
                Raced::Expired => CallEnd::TimedOut,
                Raced::HungUp => CallEnd::HungUp,
                Raced::Done(()) if outcome.interrupted => CallEnd::HungUp,
                Raced::Done(()) => match outcome.error.take() {
                    Some(error) => CallEnd::Failed(error),
                    None => CallEnd::Complete,
                },
            };
            let error = match end {
                CallEnd::Complete => None,
                CallEnd::Failed(error) => Some(ChatError::Upstream(error)),
                CallEnd::TimedOut => Some(self.timed_out(&turn)),
                CallEnd::HungUp => Some(ChatError::ClientGone),
            };
            if let Some(error) = error {
                Box::pin(self.stopped_call(&turn, &request, started, outcome, &error, work))
                    .await?;
                return Err(error);
            }
            let asks_for_tools = !request.tools.is_empty() && !outcome.tool_calls.is_empty();
            if !asks_for_tools {
                return Box::pin(self.final_answer(&turn, &request, started, outcome, work, spent))
                    .await;
            }
            add(&mut spent.usage, outcome.produced_usage(&request));
            let (asked, answered, stopped) = Box::pin(self.run_tools(
                &turn, &request, started, outcome, &mut work, observer, &mut stops,
            ))
            .await;
            Box::pin(self.record(&turn, work, stopped.is_some())).await?;
            if let Some(error) = stopped {
                return Err(error);
            }
            request.messages.push(asked);
            request.messages.extend(answered);
        }
    }

    /// The tools offered to call number `calls`: none for a chat turn,
    /// and none for an agent's last allowed call (an `agent_limit` step
    /// says so).
    fn offer_tools(
        &self,
        turn: &ModelTurn,
        calls: u32,
        work: &mut Work,
    ) -> Vec<crate::completion::ToolSpec> {
        let Some(plan) = &turn.agent else {
            return Vec::new();
        };
        if plan.tools.is_empty() {
            return Vec::new();
        }
        if calls >= plan.max_iterations {
            work.steps.push(self.limit_step(plan.max_iterations));
            return Vec::new();
        }
        plan.specs()
    }

    /// The error of a turn past its deadline.
    pub(super) fn timed_out(&self, turn: &ModelTurn) -> ChatError {
        ChatError::TurnTimeout {
            seconds: turn.agent.as_ref().map_or(0, |plan| plan.timeout_seconds),
        }
    }

    /// The prompt message of an assistant answer that asked for tools.
    pub(super) fn asking_message(outcome: &StreamOutcome) -> PromptMessage {
        PromptMessage {
            role: Role::Assistant,
            content: outcome.text.clone(),
            tool_calls: outcome.tool_calls.clone(),
            tool_call_id: None,
        }
    }
}

#[cfg(test)]
#[path = "turn_loop_tests.rs"]
mod tests;
