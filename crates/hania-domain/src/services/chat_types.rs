//! The data a chat turn takes and gives, its errors, settings and ports.

use std::collections::HashMap;
use std::sync::Arc;

use time::OffsetDateTime;

use crate::billing::BillingRefusal;
use crate::completion::{ProviderError, TokenUsage};
use crate::conversation::Channel;
use crate::ids::{BotId, ConversationId, MessageId};
use crate::money::ModelPrice;
use crate::ports::{
    AgentRunStore, BotStore, BotToolStore, CallStore, Clock, ConversationStore, HookStore,
    IdGenerator, JobStore, MessageStore, ModelProvider, StoreError, Timer, ToolExecutor, ToolStore,
    TraceStore, TurnReads, TurnStore, WorkspaceStore,
};
use crate::services::Resource;
use crate::validation::ValidationError;

/// Longest chat message.
pub const MAX_MESSAGE_CHARS: usize = 32_000;

/// How a client names the bot it talks to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BotRef {
    /// By id (the native API).
    Id(BotId),
    /// By slug, unique per workspace, matched case-insensitively (the slug
    /// dialect; the Hansei dialect accepts either).
    Slug(String),
}

/// A chat turn as asked by a client (any dialect).
#[derive(Debug, Clone, PartialEq)]
pub struct ChatRequest {
    /// The bot to talk to.
    pub bot: BotRef,
    /// The end user's message.
    pub message: String,
    /// The end user's id on the client's side.
    pub external_user_id: Option<String>,
    /// Continue this conversation.
    pub conversation_id: Option<ConversationId>,
    /// Start a fresh conversation.
    pub new_conversation: bool,
    /// Run as an agent: offer the bot's tools and run the calls the model
    /// asks for (always so for a bot of type `agent`).
    pub agent_mode: bool,
    /// Where the conversation happens.
    pub channel: Channel,
}

/// The answer to a chat turn.
#[derive(Debug, Clone, PartialEq)]
pub struct ChatReply {
    /// The conversation continued or started.
    pub conversation_id: ConversationId,
    /// The stored answer message.
    pub message_id: MessageId,
    /// The bot's answer.
    pub response: String,
    /// When the answer was stored.
    pub timestamp: OffsetDateTime,
    /// The model that answered (`None` for an instant greeting).
    pub model: Option<String>,
    /// Tokens used (`None` for an instant greeting).
    pub usage: Option<TokenUsage>,
    /// Milliseconds spent waiting for the model provider (every call of
    /// the turn).
    pub provider_ms: i64,
}

/// Why a chat turn failed.
#[derive(Debug, thiserror::Error)]
pub enum ChatError {
    /// Invalid input; names the field.
    #[error(transparent)]
    Validation(#[from] ValidationError),
    /// The user's message is missing, empty or too long (the error names
    /// the engine's field, `message`; dialects rename it).
    #[error(transparent)]
    InvalidMessage(ValidationError),
    /// The bot or conversation is not in the workspace.
    #[error("{0} not found")]
    NotFound(Resource),
    /// The bot is inactive (soft-deleted).
    #[error("The bot is inactive")]
    BotInactive,
    /// The workspace cannot be billed.
    #[error(transparent)]
    Billing(#[from] BillingRefusal),
    /// The model provider failed; the user message is kept.
    #[error(transparent)]
    Upstream(ProviderError),
    /// An agent turn ran out of its `timeout_seconds`; what it did is kept
    /// and charged.
    #[error("The agent turn did not finish within its timeout_seconds ({seconds} s)")]
    TurnTimeout {
        /// The bound that was reached.
        seconds: u32,
    },
    /// The model's final answer is not the JSON its `output_config` asks
    /// for (the call is charged, the answer not stored).
    #[error("The model's answer is not valid JSON, as the bot's output_config requires")]
    NotJson,
    /// The client hung up mid-turn; what was done is kept and charged.
    #[error("The client disconnected before the end of the turn")]
    ClientGone,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Engine settings.
#[derive(Debug, Clone)]
pub struct ChatSettings {
    /// Model of bots without one.
    pub default_model: String,
    /// Prices per model id.
    pub prices: HashMap<String, ModelPrice>,
    /// Price of models no configured price applies to (see
    /// [`crate::pricing`]).
    pub default_price: ModelPrice,
    /// Prompt budget in (estimated) tokens.
    pub context_budget_tokens: u32,
    /// Most history messages read per turn.
    pub history_limit: u32,
    /// Answer tokens held against the balance while a turn runs (with
    /// the whole prompt budget), so concurrent turns cannot overdraw it by
    /// more than one turn.
    pub completion_hold_tokens: u32,
}

/// The ports a chat turn uses.
#[allow(missing_docs)] // Each is the port of the same name.
pub struct ChatPorts {
    pub bots: Arc<dyn BotStore>,
    pub conversations: Arc<dyn ConversationStore>,
    pub billing: Arc<dyn WorkspaceStore>,
    pub turns: Arc<dyn TurnStore>,
    /// The bot, billing account and conversation a turn starts with.
    pub reads: Arc<dyn TurnReads>,
    pub provider: Arc<dyn ModelProvider>,
    pub clock: Arc<dyn Clock>,
    pub ids: Arc<dyn IdGenerator>,
    pub bot_tools: Arc<dyn BotToolStore>,
    pub runs: Arc<dyn AgentRunStore>,
    pub executor: Arc<dyn ToolExecutor>,
    pub timer: Arc<dyn Timer>,
    pub messages: Arc<dyn MessageStore>,
    pub traces: Arc<dyn TraceStore>,
    pub hooks: Arc<dyn HookStore>,
    pub tools: Arc<dyn ToolStore>,
    pub jobs: Arc<dyn JobStore>,
    pub calls: Arc<dyn CallStore>,
}

/// A chat turn after [`super::ChatService::prepare`].
#[derive(Debug)]
pub enum PreparedTurn {
    /// Already answered (the instant greeting).
    Answered(ChatReply),
    /// Ready for the model.
    Model(ModelTurn),
}

/// A turn waiting for the model: the user's message is stored.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelTurn {
    /// The workspace.
    pub workspace: crate::ids::WorkspaceId,
    /// The bot answering.
    pub bot: BotId,
    /// The conversation it belongs to.
    pub conversation_id: ConversationId,
    /// What to ask the model.
    pub request: crate::completion::CompletionRequest,
    /// How the turn runs as an agent (`None`: one model call, no tools).
    pub agent: Option<crate::agent::AgentPlan>,
    /// The money held for this turn, released when it is recorded.
    pub hold: Option<crate::ids::HoldId>,
}

/// How a turn's answers reach its client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// Whole answers (the model is asked without streaming).
    Whole,
    /// Streamed: text deltas are emitted as they arrive.
    Streamed,
}
