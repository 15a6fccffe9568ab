//! [`SeparateTurnReads`]: the turn-start read composed from the separate
//! ports, for tests over mocks of those ports (the stores read all three
//! in one trip).

use std::sync::Arc;

use async_trait::async_trait;

use super::{
    BotKey, BotStore, ConversationKey, ConversationStore, StoreError, TurnReads, TurnStart,
    WorkspaceStore,
};
use crate::ids::WorkspaceId;

/// [`TurnReads`] over the separate ports: the bot and the billing account
/// together, then the conversation.
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
