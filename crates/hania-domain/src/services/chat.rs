use std::collections::BTreeSet;
use std::sync::Mutex;

use time::OffsetDateTime;

use super::chat_prompt::build_prompt;
pub use super::chat_types::*;
use crate::agent::{AgentPlan, answer_format};
use crate::billing::BillingRefusal;
use crate::bot::{Bot, BotType};
use crate::completion::CompletionRequest;
use crate::conversation::{Channel, NewConversation};
use crate::ids::{ConversationId, MessageId, WorkspaceId};
use crate::message::{NewMessage, Role};
use crate::ports::{BotKey, ConversationKey, StoreConflict, StoreError, Unobserved};
use crate::services::Resource;
use crate::slug::validate_slug;
use crate::trace::NewTraceStep;
use crate::turn::{OpenTurn, TurnConversation, TurnRecord};
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

    /// The agent plan of a turn of `bot`: its attached tools and bounds.
    async fn agent_plan(&self, ws: WorkspaceId, bot: &Bot) -> Result<AgentPlan, ChatError> {
        let tools = self
            .ports
            .bot_tools
            .list_bot_tools(ws, bot.id)
            .await
            .map_err(not_found(Resource::Bot))?;
        Ok(AgentPlan::new(
            tools.into_iter().map(|t| t.tool).collect(),
            bot.max_iterations,
            bot.timeout_seconds,
        ))
    }

    pub(super) fn id<T: From<uuid::Uuid>>(&self) -> T {
        T::from(self.ports.ids.new_id())
    }

    /// Which stored conversation the turn continues (nothing is created
    /// here).
    fn conversation_key<'r>(req: &'r ChatRequest) -> ConversationKey<'r> {
        match (
            req.conversation_id,
            req.new_conversation,
            &req.external_user_id,
        ) {
            (Some(id), _, _) => ConversationKey::Id(id),
            (None, true, _) | (None, false, None) => ConversationKey::New,
            (None, false, Some(user)) => ConversationKey::Open {
                channel: req.channel,
                customer_id: user,
            },
        }
    }

    pub(super) fn new_conversation(
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

    /// Starts conversation `new` with `messages` and `trace_steps` and no
    /// model call: created and written in one transaction, so it never
    /// exists without them.
    pub(super) async fn start_with(
        &self,
        new: NewConversation,
        messages: Vec<NewMessage>,
        trace_steps: Vec<NewTraceStep>,
        now: OffsetDateTime,
    ) -> Result<ConversationId, ChatError> {
        let id = new.id;
        let record = TurnRecord {
            workspace_id: new.workspace_id,
            conversation_id: id,
            new_conversation: Some(new),
            messages,
            trace_steps,
            charge: None,
            release_hold: None,
            recorded_at: now,
        };
        self.ports.turns.record_turn(&record).await?;
        Ok(id)
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
        match self.prepare(ws, req).await? {
            PreparedTurn::Answered(reply) => Ok(reply),
            PreparedTurn::Model(turn) => self.answer(turn, &Unobserved, Delivery::Whole).await,
        }
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
        // Slugs are stored lower-case; clients may not type them so. Text
        // that is no valid slug (a NUL byte, say) names no bot and never
        // reaches the store.
        let slug;
        let bot_key = match &req.bot {
            BotRef::Id(id) => BotKey::Id(*id),
            BotRef::Slug(typed) => {
                slug = typed.trim().to_ascii_lowercase();
                validate_slug(&slug).map_err(|_| ChatError::NotFound(Resource::Bot))?;
                BotKey::Slug(&slug)
            }
        };
        // The bot, the billing account (checked only if the turn goes to
        // the model) and the conversation, in one read.
        let start = self
            .ports
            .reads
            .read_turn_start(ws, bot_key, Self::conversation_key(&req))
            .await?;
        let bot = start.bot.ok_or(ChatError::NotFound(Resource::Bot))?;
        if !bot.is_active() {
            return Err(ChatError::BotInactive);
        }
        let mut existing = match (req.conversation_id, start.conversation) {
            (Some(_), Some(conversation)) if conversation.bot_id == bot.id => Some(conversation.id),
            (Some(_), _) => return Err(ChatError::NotFound(Resource::Conversation)),
            (None, found) => found.map(|conversation| conversation.id),
        };
        let billing = start.billing.ok_or(StoreError::NotFound);
        let now = self.ports.clock.now();
        // An agent run is work, not a chat: it is never greeted.
        let greeting = bot
            .chat_greeting
            .as_deref()
            .map(str::trim)
            .filter(|g| !g.is_empty() && req.channel != Channel::Agent);
        let opens_on_web = req.channel == Channel::Web;
        if let (None, Some(greeting), false) = (&existing, greeting, opens_on_web) {
            return self
                .greet(ws, &bot, &req, greeting, now)
                .await
                .map(PreparedTurn::Answered);
        }
        billing?.check_turn_allowed(now)?;
        if let (None, Some(greeting), true) = (&existing, greeting, opens_on_web) {
            let opened = self.open_with_greeting(ws, &bot, &req, greeting, now);
            existing = Some(opened.await?);
        }
        let agent = if req.agent_mode || bot.bot_type == BotType::Agent {
            Some(self.agent_plan(ws, &bot).await?)
        } else {
            None
        };
        // The user's message is stored before the model is called, so a
        // failing provider never loses it; a new conversation is created
        // in the same transaction.
        let conversation = match existing {
            Some(id) => TurnConversation::Existing(id),
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
                // Offered per call by the turn loop (agent turns only).
                tools: Vec::new(),
                // A stored config is valid (checked when the bot was
                // saved); one written before that rule reads as text.
                format: answer_format(bot.output_config.as_ref()).unwrap_or_default(),
            },
            bot: bot.id,
            agent,
            hold: open.hold.map(|hold| hold.id),
        }))
    }
}

#[cfg(test)]
#[path = "chat_tests.rs"]
mod tests;
