//! The bot's `chat_greeting`. Through the API it is the instant greeting:
//! a brand-new conversation is answered with it, without the model and
//! without a charge. On the web (the widget, which shows the greeting
//! before the visitor writes) it opens the conversation instead, and the
//! visitor's first message is answered by the model.

use time::OffsetDateTime;

use super::chat::ChatService;
use super::chat_types::{ChatError, ChatReply, ChatRequest};
use crate::bot::Bot;
use crate::ids::{ConversationId, TraceStepId, WorkspaceId};
use crate::message::Role;
use crate::trace::{NewTraceStep, action_types};

impl ChatService {
    /// A web conversation opened by the greeting: created holding only the
    /// greeting (no model call, no charge), for the visitor's first
    /// message to continue.
    pub(super) async fn open_with_greeting(
        &self,
        ws: WorkspaceId,
        bot: &Bot,
        req: &ChatRequest,
        greeting: &str,
        now: OffsetDateTime,
    ) -> Result<ConversationId, ChatError> {
        let greeting = self.message(Role::Assistant, greeting, now);
        let step = self.greeting_step("greeting shown before the first message", now);
        let new = self.new_conversation(ws, bot, req, now);
        self.start_with(new, vec![greeting], vec![step], now).await
    }

    fn greeting_step(&self, summary: &str, now: OffsetDateTime) -> NewTraceStep {
        let mut step = NewTraceStep::new(
            self.id::<TraceStepId>(),
            action_types::GREETING,
            "chat_greeting",
            now,
        );
        step.completed_at = Some(now);
        step.duration_ms = Some(0);
        step.result_summary = Some(summary.into());
        step
    }

    /// A brand-new conversation of a bot with a greeting: the greeting is
    /// the answer, with no model call and no charge; the user's message is
    /// still stored.
    pub(super) async fn greet(
        &self,
        ws: WorkspaceId,
        bot: &Bot,
        req: &ChatRequest,
        greeting: &str,
        now: OffsetDateTime,
    ) -> Result<ChatReply, ChatError> {
        let answer = self.message(Role::Assistant, greeting, now);
        let message_id = answer.id;
        let step = self.greeting_step("instant greeting, no model call", now);
        let messages = vec![self.message(Role::User, &req.message, now), answer];
        let new = self.new_conversation(ws, bot, req, now);
        let conversation_id = self.start_with(new, messages, vec![step], now).await?;
        Ok(ChatReply {
            conversation_id,
            message_id,
            response: greeting.to_owned(),
            timestamp: now,
            model: None,
            usage: None,
            provider_ms: 0,
        })
    }
}
