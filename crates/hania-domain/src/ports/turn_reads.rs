use async_trait::async_trait;

use super::StoreError;
use crate::billing::BillingAccount;
use crate::bot::Bot;
use crate::conversation::{Channel, Conversation};
use crate::ids::{BotId, ConversationId, WorkspaceId};

/// Which bot a turn is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BotKey<'a> {
    /// By id.
    Id(BotId),
    /// By slug, already lower-case and valid.
    Slug(&'a str),
}

/// Which stored conversation a turn continues, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConversationKey<'a> {
    /// None: the turn starts a conversation.
    New,
    /// By id.
    Id(ConversationId),
    /// The newest open conversation of the bot with this customer on this
    /// channel (the rule of
    /// [`find_open_conversation`](super::ConversationStore::find_open_conversation)).
    Open {
        /// The channel.
        channel: Channel,
        /// The customer (`external_user_id`).
        customer_id: &'a str,
    },
}

/// What a turn reads before it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct TurnStart {
    /// The bot, if the workspace has it.
    pub bot: Option<Bot>,
    /// The workspace's billing account, if it has one.
    pub billing: Option<BillingAccount>,
    /// The conversation asked for, if it exists (always `None` when the
    /// bot was not found).
    pub conversation: Option<Conversation>,
}

/// The reads a chat turn starts with, in one trip to the store where the
/// store can (one blocking-pool hop on SQLite instead of three, one
/// batch of statements on PostgreSQL).
#[async_trait]
pub trait TurnReads: Send + Sync {
    /// Reads the bot, the workspace's billing account and the
    /// conversation the turn continues.
    ///
    /// Implementations MUST return exactly what
    /// [`get_bot`](super::BotStore::get_bot) (or
    /// [`get_bot_by_slug`](super::BotStore::get_bot_by_slug)),
    /// [`get_billing`](super::WorkspaceStore::get_billing), and
    /// [`get_conversation`](super::ConversationStore::get_conversation)
    /// (for `Id`, of any bot of the workspace: the caller checks the bot)
    /// or [`find_open_conversation`](super::ConversationStore::find_open_conversation)
    /// (for `Open`, of the bot found) would, with a missing row as `None`;
    /// and MUST return no conversation when the bot is missing (whether
    /// or not it read one in the same trip).
    ///
    /// # Errors
    /// Only for a store that fails, never for a missing row.
    async fn read_turn_start(
        &self,
        workspace: WorkspaceId,
        bot: BotKey<'_>,
        conversation: ConversationKey<'_>,
    ) -> Result<TurnStart, StoreError>;
}
