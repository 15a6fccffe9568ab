use std::collections::BTreeSet;
use std::sync::Mutex;

use futures::future::join;
use time::OffsetDateTime;

use super::chat_prompt::build_prompt;
pub use super::chat_types::*;
use crate::billing::{BillingRefusal, period_start_of};
use crate::bot::Bot;
use crate::completion::{Completion, CompletionRequest, ProviderError};
use crate::conversation::{Conversation, NewConversation};
use crate::ids::{LedgerEntryId, MessageId, WorkspaceId};
use crate::message::{NewMessage, Role};
use crate::ports::{StoreConflict, StoreError};
use crate::pricing::price_of;
use crate::services::Resource;
use crate::slug::validate_slug;
use crate::trace::{NewTraceStep, action_types};
use crate::turn::{OpenTurn, TurnCharge, TurnConversation, TurnRecord};
use crate::validation::{check_required_text, check_text};

/// How long a turn's hold counts against the balance if its instance dies
/// before recording the turn (longer than any turn may run).
pub(super) const HOLD_LIFETIME: time::Duration = time::Duration::minutes(15);

/// Runs chat turns: conversation resolution, the instant greeting,
/// billing, prompt assembly, the model call, and recording the turn.
pub struct ChatService {
    pub(super) ports: ChatPorts,
    pub(super) settings: ChatSettings,
    /// Models charged at the default price for want of a configured one.
    pub(super) unpriced: Mutex<BTreeSet<String>>,
}

fn not_found(kind: Resource) -> impl Fn(StoreError) -> ChatError {
    move |error| match error {
        StoreError::NotFound => ChatError::NotFound(kind),
        other => ChatError::Store(other),
    }
}

impl ChatService {
    /// Builds the service.
    pub fn new(ports: ChatPorts, settings: ChatSettings) -> Self {
        Self {
            ports,
            settings,
            unpriced: Mutex::default(),
        }
    }

    pub(super) fn provider(&self) -> &dyn crate::ports::ModelProvider {
        self.ports.provider.as_ref()
    }

    pub(super) fn id<T: From<uuid::Uuid>>(&self) -> T {
        T::from(self.ports.ids.new_id())
    }

    /// The existing conversation the turn continues, if any (nothing is
    /// created here).
    async fn resolve(
        &self,
        ws: WorkspaceId,
        bot: &Bot,
        req: &ChatRequest,
    ) -> Result<Option<Conversation>, ChatError> {
        if let Some(id) = req.conversation_id {
            let conversation = self
                .ports
                .conversations
                .get_conversation(ws, id)
                .await
                .map_err(not_found(Resource::Conversation))?;
            if conversation.bot_id != bot.id {
                return Err(ChatError::NotFound(Resource::Conversation));
            }
            return Ok(Some(conversation));
        }
        if req.new_conversation {
            return Ok(None);
        }
        match &req.external_user_id {
            Some(user) => Ok(self
                .ports
                .conversations
                .find_open_conversation(ws, bot.id, req.channel, user)
                .await?),
            None => Ok(None),
        }
    }

    fn new_conversation(
        &self,
        ws: WorkspaceId,
        bot: &Bot,
        req: &ChatRequest,
        now: OffsetDateTime,
    ) -> NewConversation {
        NewConversation {
            id: self.id(),
            workspace_id: ws,
            bot_id: bot.id,
            channel: req.channel,
            customer_id: req.external_user_id.clone(),
            external_call_id: None,
            external_linked_id: None,
            source_conversation_id: None,
            started_at: now,
        }
    }

    pub(super) async fn start(
        &self,
        ws: WorkspaceId,
        bot: &Bot,
        req: &ChatRequest,
        now: OffsetDateTime,
    ) -> Result<Conversation, ChatError> {
        let new = self.new_conversation(ws, bot, req, now);
        Ok(self.ports.conversations.create_conversation(&new).await?)
    }

    pub(super) fn message(&self, role: Role, content: &str, at: OffsetDateTime) -> NewMessage {
        NewMessage {
            id: self.id::<MessageId>(),
            role,
            content: content.to_owned(),
            metadata: None,
            created_at: at,
        }
    }

    /// Answers one chat message (blocking: the whole reply at once).
    pub async fn send(&self, ws: WorkspaceId, req: ChatRequest) -> Result<ChatReply, ChatError> {
        let turn = match self.prepare(ws, req).await? {
            PreparedTurn::Answered(reply) => return Ok(reply),
            PreparedTurn::Model(turn) => turn,
        };
        let started = self.ports.clock.now();
        let result = self.ports.provider.complete(&turn.request).await;
        self.finish(turn, started, result, false).await
    }

    /// Everything before the model call: validation, the bot, conversation
    /// resolution, the instant greeting (answered here), billing, storing
    /// the user's message, and the prompt.
    pub async fn prepare(
        &self,
        ws: WorkspaceId,
        req: ChatRequest,
    ) -> Result<PreparedTurn, ChatError> {
        check_required_text("message", &req.message, MAX_MESSAGE_CHARS)
            .map_err(ChatError::InvalidMessage)?;
        if let Some(user) = &req.external_user_id {
            check_text("external_user_id", user, 256)?;
        }
        let bot = async {
            match &req.bot {
                BotRef::Id(id) => self.ports.bots.get_bot(ws, *id).await,
                // Slugs are stored lower-case; clients may not type them so.
                // Text that is no valid slug (a NUL byte, say) names no
                // bot and never reaches the store.
                BotRef::Slug(slug) => {
                    let slug = slug.trim().to_ascii_lowercase();
                    match validate_slug(&slug) {
                        Ok(()) => self.ports.bots.get_bot_by_slug(ws, &slug).await,
                        Err(_) => Err(StoreError::NotFound),
                    }
                }
            }
        };
        // The billing account is read alongside the bot (one round trip
        // less); it is checked only if the turn goes to the model.
        let (bot, billing) = join(bot, self.ports.billing.get_billing(ws)).await;
        let bot = bot.map_err(not_found(Resource::Bot))?;
        if !bot.is_active() {
            return Err(ChatError::BotInactive);
        }
        let existing = self.resolve(ws, &bot, &req).await?;
        let now = self.ports.clock.now();
        let greeting = bot
            .chat_greeting
            .as_deref()
            .map(str::trim)
            .filter(|g| !g.is_empty());
        if let (None, Some(greeting)) = (&existing, greeting) {
            return self
                .greet(ws, &bot, &req, greeting, now)
                .await
                .map(PreparedTurn::Answered);
        }
        billing?.check_turn_allowed(now)?;
        // The user's message is stored before the model is called, so a
        // failing provider never loses it; a new conversation is created
        // in the same transaction.
        let conversation = match existing {
            Some(conversation) => TurnConversation::Existing(conversation.id),
            None => TurnConversation::New(self.new_conversation(ws, &bot, &req, now)),
        };
        let model = bot
            .model
            .clone()
            .unwrap_or_else(|| self.settings.default_model.clone());
        let open = OpenTurn {
            workspace_id: ws,
            conversation,
            user_message: self.message(Role::User, &req.message, now),
            history_limit: self.settings.history_limit,
            hold: self.hold_for(&model, &req.message, now),
        };
        let history = self
            .ports
            .turns
            .open_turn(&open)
            .await
            .map_err(|error| match error {
                StoreError::Conflict(StoreConflict::BalanceExhausted) => {
                    ChatError::Billing(BillingRefusal::InsufficientBalance)
                }
                other => other.into(),
            })?;
        let conversation_id = open.conversation_id();
        Ok(PreparedTurn::Model(ModelTurn {
            workspace: ws,
            conversation_id,
            request: CompletionRequest {
                model,
                messages: build_prompt(
                    &bot.system_prompt,
                    &history,
                    self.settings.context_budget_tokens,
                ),
                temperature: bot.temperature,
                max_tokens: None,
                tools: Vec::new(),
                json_output: false,
            },
            agent_mode: req.agent_mode,
            hold: open.hold.map(|hold| hold.id),
        }))
    }

    /// Records the outcome of a model call started at `started`: the
    /// failure in the trace (nothing charged), or the answer with its trace
    /// step and charge. `interrupted` marks a partial answer.
    pub async fn finish(
        &self,
        turn: ModelTurn,
        started: OffsetDateTime,
        result: Result<Completion, ProviderError>,
        interrupted: bool,
    ) -> Result<ChatReply, ChatError> {
        let finished = self.ports.clock.now();
        let provider_ms = (finished - started).whole_milliseconds() as i64;
        let mut step = NewTraceStep::new(
            self.id(),
            action_types::MODEL_CALL,
            &self.ports.provider.name(),
            started,
        );
        step.completed_at = Some(finished);
        step.duration_ms = Some(provider_ms);
        step.model = Some(turn.request.model.clone());
        if turn.agent_mode {
            step.result_summary =
                Some("agent mode requested: tools are not available yet, answered as chat".into());
        }
        match result {
            Err(error) => {
                step.error_message = Some(error.to_string());
                let record = TurnRecord {
                    workspace_id: turn.workspace,
                    conversation_id: turn.conversation_id,
                    messages: Vec::new(),
                    trace_steps: vec![step],
                    charge: None,
                    release_hold: turn.hold,
                    recorded_at: finished,
                };
                // The failure is what the caller must hear about; a store
                // error while tracing it must not mask it.
                let _ = self.ports.turns.record_turn(&record).await;
                Err(ChatError::Upstream(error))
            }
            Ok(completion) => {
                let answer = Answer {
                    hold: turn.hold,
                    requested_model: turn.request.model,
                    conversation: turn.conversation_id,
                    at: finished,
                    provider_ms,
                    interrupted,
                };
                self.record_answer(turn.workspace, completion, step, answer)
                    .await
            }
        }
    }

    async fn record_answer(
        &self,
        ws: WorkspaceId,
        completion: Completion,
        mut step: NewTraceStep,
        answer: Answer,
    ) -> Result<ChatReply, ChatError> {
        let Answer {
            hold,
            requested_model,
            conversation,
            at,
            provider_ms,
            interrupted,
        } = answer;
        let usage = completion.usage;
        step.model = Some(completion.model.clone());
        step.prompt_tokens = Some(usage.prompt_tokens);
        step.completion_tokens = Some(usage.completion_tokens);
        step.total_tokens = Some(usage.total());
        if step.result_summary.is_none() {
            step.result_summary = completion
                .finish_reason
                .clone()
                .map(|r| format!("finished: {r}"));
        }
        let mut reply = self.message(Role::Assistant, &completion.content, at);
        let mut metadata = serde_json::json!({
            "model": completion.model,
            "prompt_tokens": usage.prompt_tokens,
            "completion_tokens": usage.completion_tokens,
        });
        if interrupted {
            metadata["interrupted"] = serde_json::json!(true);
            step.result_summary = Some("interrupted: partial answer stored".into());
        }
        reply.metadata = Some(metadata);
        let message_id = reply.id;
        let price = match price_of(&self.settings.prices, &requested_model, &completion.model) {
            Some(price) => price,
            None => {
                self.note_unpriced(&requested_model);
                self.settings.default_price
            }
        };
        let charge = TurnCharge {
            entry_id: self.id::<LedgerEntryId>(),
            cost: price.cost(usage.prompt_tokens, usage.completion_tokens),
            message_id: Some(reply.id),
            model: completion.model.clone(),
            prompt_tokens: usage.prompt_tokens,
            completion_tokens: usage.completion_tokens,
            period_start: period_start_of(at),
        };
        let record = TurnRecord {
            workspace_id: ws,
            conversation_id: conversation,
            messages: vec![reply],
            trace_steps: vec![step],
            charge: Some(charge),
            release_hold: hold,
            recorded_at: at,
        };
        self.ports.turns.record_turn(&record).await?;
        Ok(ChatReply {
            conversation_id: conversation,
            message_id,
            response: completion.content,
            timestamp: at,
            model: Some(completion.model),
            usage: Some(usage),
            provider_ms,
        })
    }
}

#[cfg(test)]
#[path = "chat_tests.rs"]
mod tests;
