//! Everything one chat turn writes, recorded in one transaction.

use time::{Date, OffsetDateTime};

use crate::conversation::NewConversation;
use crate::ids::{ConversationId, HoldId, LedgerEntryId, MessageId, WorkspaceId};
use crate::ledger::LedgerEntry;
use crate::message::{Message, NewMessage};
use crate::money::Money;
use crate::trace::{NewTraceStep, TraceStep};

/// The charge of a metered model turn.
#[derive(Debug, Clone, PartialEq)]
pub struct TurnCharge {
    /// Ledger entry id.
    pub entry_id: LedgerEntryId,
    /// Cost (positive; stored as a negative ledger amount).
    pub cost: Money,
    /// The reply being charged, if it is among the turn's messages.
    pub message_id: Option<MessageId>,
    /// Model used.
    pub model: String,
    /// Prompt tokens.
    pub prompt_tokens: u32,
    /// Completion tokens.
    pub completion_tokens: u32,
    /// Billing period the turn counts towards (first day of the month).
    pub period_start: Date,
}

/// The start of a model turn: the user's message, stored before the model
/// is called, in a new or an existing conversation.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenTurn {
    /// Workspace (the conversation must belong to it).
    pub workspace_id: WorkspaceId,
    /// The conversation to continue, or the one to create first.
    pub conversation: TurnConversation,
    /// The user's message.
    pub user_message: NewMessage,
    /// How many of the conversation's last messages to return as history.
    pub history_limit: u32,
    /// Money to hold for the model call, admitted against the balance in
    /// the same transaction (none for an unpriced model).
    pub hold: Option<TurnHold>,
}

/// Money held for a model turn in flight: the most it can cost.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TurnHold {
    /// The hold's id (released by [`TurnRecord::release_hold`]).
    pub id: HoldId,
    /// The most the turn can cost.
    pub amount: Money,
    /// When it stops counting (a crashed instance's hold lapses).
    pub expires_at: OffsetDateTime,
}

/// Where an opened turn goes.
#[derive(Debug, Clone, PartialEq)]
pub enum TurnConversation {
    /// An existing conversation.
    Existing(ConversationId),
    /// A conversation to create in the same transaction.
    New(NewConversation),
}

impl OpenTurn {
    /// The conversation's id.
    pub fn conversation_id(&self) -> ConversationId {
        match &self.conversation {
            TurnConversation::Existing(id) => *id,
            TurnConversation::New(new) => new.id,
        }
    }
}

/// The writes of one turn: messages, trace steps, an optional charge.
#[derive(Debug, Clone, PartialEq)]
pub struct TurnRecord {
    /// Workspace (the conversation must belong to it).
    pub workspace_id: WorkspaceId,
    /// Conversation the turn belongs to.
    pub conversation_id: ConversationId,
    /// The conversation to create first, in the same transaction (its
    /// `id` is `conversation_id`): a turn that starts a conversation
    /// without calling the model (a greeting, a refused scheduled run),
    /// so the conversation never exists without what it was created for.
    pub new_conversation: Option<NewConversation>,
    /// Messages to append, in order.
    pub messages: Vec<NewMessage>,
    /// Trace steps to append, in order.
    pub trace_steps: Vec<NewTraceStep>,
    /// The charge, for metered turns.
    pub charge: Option<TurnCharge>,
    /// The hold the turn took at its start, released in the same
    /// transaction.
    pub release_hold: Option<HoldId>,
    /// When the turn was recorded.
    pub recorded_at: OffsetDateTime,
}

/// What recording a turn stored.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedTurn {
    /// The stored messages, with positions.
    pub messages: Vec<Message>,
    /// The stored steps, with numbers.
    pub trace_steps: Vec<TraceStep>,
    /// The ledger row of the charge.
    pub ledger_entry: Option<LedgerEntry>,
}
