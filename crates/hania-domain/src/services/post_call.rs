//! Post-call processing of an ended voice conversation, run from its job:
//! the analysis (one metered model call in JSON mode, a malformed answer
//! retried once) stored as the call's `post_call_analysis`, then the
//! bot's enabled hooks in `run_order` (`post_call_hooks.rs`). Everything
//! is recorded in one `post_call` conversation whose
//! `source_conversation_id` is the call. A job run again (a crashed
//! worker) reuses that conversation, keeps a stored analysis and skips
//! the hooks that already succeeded.

use serde_json::Value;

use super::chat::ChatService;
use super::chat_stream::StreamOutcome;
use super::chat_types::ChatError;
use crate::completion::{AnswerFormat, CompletionRequest, PromptMessage};
use crate::conversation::{
    Channel, Conversation, ConversationFilter, NewConversation, PostCallAnalysis,
};
use crate::ids::{ConversationId, WorkspaceId};
use crate::message::{Message, Role};
use crate::page::Page;
use crate::turn::TurnRecord;

/// What the analysis asks the model for.
const ANALYSIS_PROMPT: &str = "You analyse a finished phone call between a caller (user) and an \
assistant. Answer with one JSON object and nothing else, with exactly these string fields: \
\"sentiment\" (one of \"positive\", \"neutral\", \"negative\": the caller's mood at the end), \
\"topic\" (what the call was about, a few words), \"outcome\" (how it ended, a few words such \
as \"resolved\" or \"callback needed\") and \"summary\" (one to three sentences).";

/// How many model calls one analysis may take (a malformed answer is
/// retried once).
const ANALYSIS_ATTEMPTS: u32 = 2;

/// What post-call processing of one call did.
#[derive(Debug, Clone, PartialEq)]
pub struct PostCallReport {
    /// The `post_call` conversation holding the trace.
    pub run: ConversationId,
    /// The call's analysis, unless it could not be made.
    pub analysis: Option<PostCallAnalysis>,
    /// Hooks that failed after their last attempt.
    pub hooks_failed: usize,
}

/// The analysis in a model's answer, if it is the object asked for.
pub(crate) fn parse_analysis(text: &str) -> Result<PostCallAnalysis, String> {
    let value: Value =
        serde_json::from_str(text.trim()).map_err(|e| format!("the answer is not JSON ({e})"))?;
    let field = |name: &str| -> Result<String, String> {
        match value.get(name) {
            Some(Value::String(text)) if !text.trim().is_empty() => Ok(text.trim().to_owned()),
            _ => Err(format!("`{name}` is missing or not a non-empty string")),
        }
    };
    let sentiment = field("sentiment")?.to_ascii_lowercase();
    if !matches!(sentiment.as_str(), "positive" | "neutral" | "negative") {
        return Err(format!(
            "`sentiment` is {sentiment:?}, not positive, neutral or negative"
        ));
    }
    Ok(PostCallAnalysis {
        sentiment: Some(sentiment),
        topic: Some(field("topic")?),
        outcome: Some(field("outcome")?),
        summary: Some(field("summary")?),
    })
}

/// The call as text: one `role: content` line per message.
pub(crate) fn transcript_text(messages: &[Message]) -> String {
    messages
        .iter()
        .filter(|m| matches!(m.role, Role::User | Role::Assistant))
        .map(|m| format!("{}: {}", m.role.as_str(), m.content))
        .collect::<Vec<_>>()
        .join("\n")
}

impl ChatService {
    /// Runs the post-call processing of voice conversation `call`.
    ///
    /// # Errors
    /// A store failure, a missing call, or a provider failure during the
    /// analysis (the job is then retried).
    pub async fn run_post_call(
        &self,
        ws: WorkspaceId,
        call: ConversationId,
    ) -> Result<PostCallReport, ChatError> {
        let call = self.ports.conversations.get_conversation(ws, call).await?;
        let bot = self.ports.bots.get_bot(ws, call.bot_id).await?;
        let messages = self.ports.messages.list_messages(ws, call.id).await?;
        let run = self.post_call_run(ws, &call).await?;
        let analysis = match &call.post_call_analysis {
            Some(done) => Some(done.clone()),
            None => self.analyse(ws, &bot, &call, &messages, run).await?,
        };
        let values = super::post_call_hooks::values(&bot, &call, &messages, analysis.as_ref());
        let hooks_failed = self.run_hooks(ws, &bot, run, &values).await?;
        Ok(PostCallReport {
            run,
            analysis,
            hooks_failed,
        })
    }

    /// The call's `post_call` conversation: the one an earlier attempt
    /// made, else a new one.
    async fn post_call_run(
        &self,
        ws: WorkspaceId,
        call: &Conversation,
    ) -> Result<ConversationId, ChatError> {
        let filter = ConversationFilter {
            channel: Some(Channel::PostCall),
            source_conversation_id: Some(call.id),
            ..ConversationFilter::default()
        };
        let page = Page::new(Some(1), Some(0)).unwrap_or_default();
        let found = self
            .ports
            .conversations
            .list_conversations(ws, &filter, page)
            .await?;
        if let Some(earlier) = found.items.first() {
            return Ok(earlier.conversation.id);
        }
        let new = NewConversation {
            id: self.id(),
            workspace_id: ws,
            bot_id: call.bot_id,
            channel: Channel::PostCall,
            customer_id: call.customer_id.clone(),
            external_call_id: None,
            external_linked_id: call.external_linked_id.clone(),
            source_conversation_id: Some(call.id),
            started_at: self.ports.clock.now(),
        };
        Ok(self.ports.conversations.create_conversation(&new).await?.id)
    }

    /// The analysis: billing checked, then up to [`ANALYSIS_ATTEMPTS`]
    /// metered calls until one answers the object asked for; each call is
    /// a `model_call` step of `run`. `None` when billing refuses or every
    /// answer was malformed (recorded as failed steps).
    async fn analyse(
        &self,
        ws: WorkspaceId,
        bot: &crate::bot::Bot,
        call: &Conversation,
        messages: &[Message],
        run: ConversationId,
    ) -> Result<Option<PostCallAnalysis>, ChatError> {
        let now = self.ports.clock.now();
        let account = self.ports.billing.get_billing(ws).await?;
        if let Err(refusal) = account.check_turn_allowed(now) {
            let step = self.refusal_step(refusal, now);
            self.ports
                .traces
                .append_trace_steps(ws, run, &[step])
                .await?;
            return Ok(None);
        }
        let request = CompletionRequest {
            model: bot
                .model
                .clone()
                .unwrap_or_else(|| self.settings.default_model.clone()),
            messages: vec![
                PromptMessage::text(Role::System, ANALYSIS_PROMPT),
                PromptMessage::text(Role::User, transcript_text(messages)),
            ],
            temperature: Some(0.0),
            max_tokens: None,
            tools: Vec::new(),
            format: AnswerFormat::JsonObject,
        };
        for attempt in 1..=ANALYSIS_ATTEMPTS {
            let started = self.ports.clock.now();
            let answer = self.ports.provider.complete(&request).await;
            let finished = self.ports.clock.now();
            let mut step = self.model_step(&request.model, started, finished);
            let completion = match answer {
                Ok(completion) => completion,
                Err(error) => {
                    step.error_message = Some(error.to_string());
                    self.ports
                        .traces
                        .append_trace_steps(ws, run, &[step])
                        .await?;
                    return Err(ChatError::Upstream(error));
                }
            };
            let outcome = StreamOutcome {
                text: completion.content.clone(),
                model: Some(completion.model.clone()),
                usage: Some(completion.usage),
                finish_reason: completion.finish_reason.clone(),
                ..StreamOutcome::default()
            };
            let charge = self.meter(&mut step, &request, &outcome, None, finished);
            let parsed = parse_analysis(&completion.content);
            match &parsed {
                Ok(_) => step.result_summary = Some(format!("analysis of call {}", call.id)),
                Err(why) => {
                    step.error_message = Some(format!(
                        "malformed analysis (attempt {attempt} of {ANALYSIS_ATTEMPTS}): {why}"
                    ));
                }
            }
            let record = TurnRecord {
                workspace_id: ws,
                conversation_id: run,
                new_conversation: None,
                messages: Vec::new(),
                trace_steps: vec![step],
                charge: Some(charge),
                release_hold: None,
                recorded_at: finished,
            };
            self.ports.turns.record_turn(&record).await?;
            if let Ok(analysis) = parsed {
                self.ports
                    .conversations
                    .set_post_call_analysis(ws, call.id, &analysis)
                    .await?;
                return Ok(Some(analysis));
            }
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_analysis_is_the_four_fields_with_a_known_sentiment() {
        let good = r#"{"sentiment": "Negative", "topic": "refund", "outcome": "resolved", "summary": "Wanted a refund."}"#;
        let analysis = parse_analysis(good).unwrap();
        assert_eq!(analysis.sentiment.as_deref(), Some("negative"));
        assert_eq!(analysis.summary.as_deref(), Some("Wanted a refund."));
        for bad in [
            "not json",
            "[]",
            r#"{"sentiment": "angry", "topic": "t", "outcome": "o", "summary": "s"}"#,
            r#"{"sentiment": "neutral", "topic": "t", "outcome": "o"}"#,
            r#"{"sentiment": "neutral", "topic": 3, "outcome": "o", "summary": "s"}"#,
            r#"{"sentiment": "neutral", "topic": " ", "outcome": "o", "summary": "s"}"#,
        ] {
            assert!(parse_analysis(bad).is_err(), "{bad}");
        }
    }
}
