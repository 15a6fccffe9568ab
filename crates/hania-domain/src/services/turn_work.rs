//! What a turn writes as it goes: the work of one model call (its
//! messages, trace steps and charge), recorded in one transaction, and
//! the steps and records of the ways a call ends.

use serde_json::json;
use time::OffsetDateTime;

use super::chat::ChatService;
use super::chat_stream::StreamOutcome;
use super::chat_types::{ChatError, ChatReply, ModelTurn};
use super::turn_loop::Spent;
use crate::billing::{BillingRefusal, period_start_of};
use crate::completion::{CompletionRequest, TokenUsage};
use crate::ids::{LedgerEntryId, MessageId};
use crate::message::{NewMessage, Role};
use crate::pricing::price_of;
use crate::trace::{NewTraceStep, action_types};
use crate::turn::{TurnCharge, TurnRecord};

/// The writes of one model call of a turn, recorded together.
#[derive(Debug, Default)]
pub(super) struct Work {
    pub messages: Vec<NewMessage>,
    pub steps: Vec<NewTraceStep>,
    pub charge: Option<TurnCharge>,
}

impl ChatService {
    /// Records `work` in one transaction; `last` also releases the turn's
    /// hold (the turn is over).
    pub(super) async fn record(
        &self,
        turn: &ModelTurn,
        work: Work,
        last: bool,
    ) -> Result<(), ChatError> {
        let record = TurnRecord {
            workspace_id: turn.workspace,
            conversation_id: turn.conversation_id,
            new_conversation: None,
            messages: work.messages,
            trace_steps: work.steps,
            charge: work.charge,
            release_hold: if last { turn.hold } else { None },
            recorded_at: self.ports.clock.now(),
        };
        self.ports.turns.record_turn(&record).await?;
        Ok(())
    }

    /// The `model_call` step of a call of `model` from `started` to
    /// `finished`.
    pub(super) fn model_step(
        &self,
        model: &str,
        started: OffsetDateTime,
        finished: OffsetDateTime,
    ) -> NewTraceStep {
        let mut step = NewTraceStep::new(
            self.id(),
            action_types::MODEL_CALL,
            &self.ports.provider.name(),
            started,
        );
        step.completed_at = Some(finished);
        step.duration_ms = Some((finished - started).whole_milliseconds() as i64);
        step.model = Some(model.to_owned());
        step
    }

    /// Meters a call: its tokens go on `step`, and its charge (at the
    /// requested model's price, else the answering model's, else the
    /// default price) is returned.
    pub(super) fn meter(
        &self,
        step: &mut NewTraceStep,
        request: &CompletionRequest,
        outcome: &StreamOutcome,
        message_id: Option<MessageId>,
        at: OffsetDateTime,
    ) -> TurnCharge {
        let usage = outcome.produced_usage(request);
        let model = answered_model(request, outcome);
        step.model = Some(model.clone());
        step.prompt_tokens = Some(usage.prompt_tokens);
        step.completion_tokens = Some(usage.completion_tokens);
        step.total_tokens = Some(usage.total());
        let price = match price_of(&self.settings.prices, &request.model, &model) {
            Some(price) => price,
            None => {
                self.note_unpriced(&request.model);
                self.settings.default_price
            }
        };
        TurnCharge {
            entry_id: self.id::<LedgerEntryId>(),
            cost: price.cost(usage.prompt_tokens, usage.completion_tokens),
            message_id,
            model,
            prompt_tokens: usage.prompt_tokens,
            completion_tokens: usage.completion_tokens,
            period_start: period_start_of(at),
        }
    }

    /// The metadata of an assistant message: model and tokens.
    pub(super) fn answer_metadata(
        request: &CompletionRequest,
        outcome: &StreamOutcome,
    ) -> serde_json::Value {
        let usage = outcome.produced_usage(request);
        json!({
            "model": answered_model(request, outcome),
            "prompt_tokens": usage.prompt_tokens,
            "completion_tokens": usage.completion_tokens,
        })
    }

    /// Checks the billing policy again before a further model call of a
    /// turn; a refusal is traced as a `billing` step.
    pub(super) async fn check_billing(
        &self,
        turn: &ModelTurn,
        work: &mut Work,
    ) -> Result<(), ChatError> {
        let account = self.ports.billing.get_billing(turn.workspace).await?;
        let now = self.ports.clock.now();
        account.check_turn_allowed(now).map_err(|refusal| {
            work.steps.push(self.refusal_step(refusal, now));
            ChatError::Billing(refusal)
        })
    }

    /// The `billing` step of a model call the billing policy refused.
    pub(super) fn refusal_step(
        &self,
        refusal: BillingRefusal,
        now: OffsetDateTime,
    ) -> NewTraceStep {
        let mut step = NewTraceStep::new(self.id(), action_types::BILLING, refusal.code(), now);
        step.completed_at = Some(now);
        step.duration_ms = Some(0);
        step.error_message = Some(refusal.to_string());
        step
    }

    /// The `agent_limit` step of a last allowed call, made without tools.
    pub(super) fn limit_step(&self, max_iterations: u32) -> NewTraceStep {
        let now = self.ports.clock.now();
        let mut step =
            NewTraceStep::new(self.id(), action_types::AGENT_LIMIT, "max_iterations", now);
        step.completed_at = Some(now);
        step.duration_ms = Some(0);
        step.result_summary = Some(format!(
            "model call {max_iterations} of at most {max_iterations}: made without tools, so the model must answer"
        ));
        step
    }

    /// Records a call that did not complete (`error` says why): a partial
    /// answer is stored marked interrupted and charged for what was
    /// produced; with no text, only the failure is traced and nothing is
    /// charged. A store failure here is not reported: `error` is what the
    /// caller must hear about.
    pub(super) async fn stopped_call(
        &self,
        turn: &ModelTurn,
        request: &CompletionRequest,
        started: OffsetDateTime,
        outcome: StreamOutcome,
        error: &ChatError,
        mut work: Work,
    ) -> Result<(), ChatError> {
        let finished = self.ports.clock.now();
        let mut step = self.model_step(&request.model, started, finished);
        let gone = matches!(error, ChatError::ClientGone);
        if outcome.text.is_empty() {
            step.error_message = Some(if gone {
                "the client disconnected before the first token".to_owned()
            } else {
                error.to_string()
            });
        } else {
            let mut partial = self.message(Role::Assistant, &outcome.text, finished);
            let mut metadata = Self::answer_metadata(request, &outcome);
            metadata["interrupted"] = json!(true);
            partial.metadata = Some(metadata);
            step.result_summary = Some("interrupted: partial answer stored".into());
            if !gone {
                step.error_message = Some(error.to_string());
            }
            work.charge =
                Some(self.meter(&mut step, request, &outcome, Some(partial.id), finished));
            work.messages.push(partial);
        }
        work.steps.push(step);
        let _ = self.record(turn, work, true).await;
        Ok(())
    }

    /// Records the final answer of a turn and replies with it. An answer
    /// that must be JSON and is not is charged, traced and refused
    /// ([`ChatError::NotJson`]).
    pub(super) async fn final_answer(
        &self,
        turn: &ModelTurn,
        request: &CompletionRequest,
        started: OffsetDateTime,
        outcome: StreamOutcome,
        mut work: Work,
        mut spent: Spent,
    ) -> Result<ChatReply, ChatError> {
        let finished = self.ports.clock.now();
        let mut step = self.model_step(&request.model, started, finished);
        step.result_summary = outcome
            .finish_reason
            .clone()
            .map(|r| format!("finished: {r}"));
        if request.format.is_json()
            && serde_json::from_str::<serde_json::Value>(&outcome.text).is_err()
        {
            step.error_message = Some(ChatError::NotJson.to_string());
            work.charge = Some(self.meter(&mut step, request, &outcome, None, finished));
            work.steps.push(step);
            self.record(turn, work, true).await?;
            return Err(ChatError::NotJson);
        }
        let mut reply = self.message(Role::Assistant, &outcome.text, finished);
        reply.metadata = Some(Self::answer_metadata(request, &outcome));
        let message_id = reply.id;
        let charge = self.meter(&mut step, request, &outcome, Some(message_id), finished);
        let model = charge.model.clone();
        add(&mut spent.usage, outcome.produced_usage(request));
        work.charge = Some(charge);
        work.steps.push(step);
        work.messages.push(reply);
        self.record(turn, work, true).await?;
        Ok(ChatReply {
            conversation_id: turn.conversation_id,
            message_id,
            response: outcome.text,
            timestamp: finished,
            model: Some(model),
            usage: Some(spent.usage),
            provider_ms: spent.provider_ms,
        })
    }
}

/// Adds `more` to `total`.
pub(super) fn add(total: &mut TokenUsage, more: TokenUsage) {
    total.prompt_tokens = total.prompt_tokens.saturating_add(more.prompt_tokens);
    total.completion_tokens = total
        .completion_tokens
        .saturating_add(more.completion_tokens);
}

/// The model that answered, as the provider named it (else the one asked).
fn answered_model(request: &CompletionRequest, outcome: &StreamOutcome) -> String {
    outcome
        .model
        .clone()
        .unwrap_or_else(|| request.model.clone())
}
