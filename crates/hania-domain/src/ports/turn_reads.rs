use std::sync::Arc;

use async_trait::async_trait;

use super::{BotStore, ConversationStore, StoreError, WorkspaceStore};
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
    /// channel (the rule of [`ConversationStore::find_open_conversation`]).
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
/// store can (one blocking-pool hop on SQLite instead of three).
#[async_trait]
pub trait TurnReads: Send + Sync {
    /// Reads the bot, the workspace's billing account and the
    /// conversation the turn continues.
    ///
    /// Implementations MUST return exactly what [`BotStore::get_bot`] (or
    /// [`BotStore::get_bot_by_slug`]), [`WorkspaceStore::get_billing`],
    /// and [`ConversationStore::get_conversation`] (for `Id`, of any bot
    /// of the workspace: the caller checks the bot) or
    /// [`ConversationStore::find_open_conversation`] (for `Open`, of the
    /// bot found) would, with a missing row as `None`; and MUST NOT look
    /// for a conversation when the bot is missing.
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

/// [`TurnReads`] over the separate ports: the bot and the billing account
/// together, then the conversation. For stores without a combined read,
/// and for tests over mocks of those ports.
pub struct SeparateTurnReads {
    bots: Arc<dyn BotStore>,
    billing: Arc<dyn WorkspaceStore>,
    conversations: Arc<dyn ConversationStore>,
}

impl SeparateTurnReads {
    /// Reads through these ports.
    pub fn new(
        bots: Arc<dyn BotStore>,
        billing: Arc<dyn WorkspaceStore>,
        conversations: Arc<dyn ConversationStore>,
    ) -> Self {
        Self {
            bots,
            billing,
            conversations,
        }
    }
}

/// A missing row as `None`, any other failure as the error.
fn found<T>(result: Result<T, StoreError>) -> Result<Option<T>, StoreError> {
    match result {
        Ok(value) => Ok(Some(value)),
        Err(StoreError::NotFound) => Ok(None),
        Err(other) => Err(other),
    }
}

#[async_trait]
impl TurnReads for SeparateTurnReads {
    async fn read_turn_start(
        &self,
        workspace: WorkspaceId,
        bot: BotKey<'_>,
        conversation: ConversationKey<'_>,
    ) -> Result<TurnStart, StoreError> {
        let bot_read = async {
            match bot {
                BotKey::Id(id) => self.bots.get_bot(workspace, id).await,
                BotKey::Slug(slug) => self.bots.get_bot_by_slug(workspace, slug).await,
            }
        };
        let (bot, billing) =
            futures::future::join(bot_read, self.billing.get_billing(workspace)).await;
        let (bot, billing) = (found(bot)?, found(billing)?);
        let conversation = match (&bot, conversation) {
            (None, _) | (_, ConversationKey::New) => None,
            (Some(_), ConversationKey::Id(id)) => {
                found(self.conversations.get_conversation(workspace, id).await)?
            }
            (
                Some(bot),
                ConversationKey::Open {
                    channel,
                    customer_id,
                },
            ) => {
                self.conversations
                    .find_open_conversation(workspace, bot.id, channel, customer_id)
                    .await?
            }
        };
        Ok(TurnStart {
            bot,
            billing,
            conversation,
        })
    }
}
