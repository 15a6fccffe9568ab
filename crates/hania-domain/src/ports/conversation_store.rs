use async_trait::async_trait;
use time::OffsetDateTime;

use super::StoreError;
use crate::conversation::{
    Channel, Conversation, ConversationFilter, ConversationPage, NewConversation, PostCallAnalysis,
};
use crate::ids::{BotId, ConversationId, WorkspaceId};
use crate::message::{Message, NewMessage};
use crate::page::Page;
use crate::trace::{NewTraceStep, TraceStep};

/// Conversations.
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait ConversationStore: Send + Sync {
    /// Stores a new, empty conversation and returns it.
    ///
    /// # Errors
    /// MUST return `NotFound` if the bot (or the source conversation) is not
    /// in the workspace, `Conflict` if the id exists.
    async fn create_conversation(&self, new: &NewConversation) -> Result<Conversation, StoreError>;

    /// Loads a conversation.
    ///
    /// # Errors
    /// MUST return `NotFound` for an unknown id or another workspace's.
    async fn get_conversation(
        &self,
        workspace: WorkspaceId,
        id: ConversationId,
    ) -> Result<Conversation, StoreError>;

    /// The most recently active open (not ended) conversation of an end
    /// user with a bot on a channel, if any. MUST be index-backed.
    ///
    /// # Errors
    /// Only on storage failure.
    async fn find_open_conversation(
        &self,
        workspace: WorkspaceId,
        bot: BotId,
        channel: Channel,
        customer_id: &str,
    ) -> Result<Option<Conversation>, StoreError>;

    /// One page of the workspace's conversations matching every filter,
    /// newest `started_at` first (ties by id), and the total count of
    /// matches. MUST be index-backed for every filter.
    ///
    /// # Errors
    /// Only on storage failure.
    async fn list_conversations(
        &self,
        workspace: WorkspaceId,
        filter: &ConversationFilter,
        page: Page,
    ) -> Result<ConversationPage, StoreError>;

    /// Marks a conversation ended; it is no longer resumed by external user.
    ///
    /// # Errors
    /// MUST return `NotFound` for an unknown id or another workspace's.
    async fn end_conversation(
        &self,
        workspace: WorkspaceId,
        id: ConversationId,
        at: OffsetDateTime,
    ) -> Result<(), StoreError>;

    /// Stores the post-call analysis of a conversation.
    ///
    /// # Errors
    /// MUST return `NotFound` for an unknown id or another workspace's.
    async fn set_post_call_analysis(
        &self,
        workspace: WorkspaceId,
        id: ConversationId,
        analysis: &PostCallAnalysis,
    ) -> Result<(), StoreError>;

    /// Deletes a conversation with its messages and trace. Ledger entries
    /// keep their amounts with the conversation reference cleared; post-call
    /// conversations that pointed at it keep existing with the reference
    /// cleared.
    ///
    /// # Errors
    /// MUST return `NotFound` for an unknown id or another workspace's.
    async fn delete_conversation(
        &self,
        workspace: WorkspaceId,
        id: ConversationId,
    ) -> Result<(), StoreError>;
}

/// Messages.
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait MessageStore: Send + Sync {
    /// Appends messages in order, in one transaction, numbering them after
    /// the conversation's last one and updating its `message_count`,
    /// `last_message_at` and `last_message_preview`.
    ///
    /// # Errors
    /// MUST return `NotFound` if the conversation is not in the workspace
    /// (nothing stored).
    async fn append_messages(
        &self,
        workspace: WorkspaceId,
        conversation: ConversationId,
        messages: &[NewMessage],
    ) -> Result<Vec<Message>, StoreError>;

    /// Every message of a conversation, by position ascending.
    ///
    /// # Errors
    /// MUST return `NotFound` if the conversation is not in the workspace.
    async fn list_messages(
        &self,
        workspace: WorkspaceId,
        conversation: ConversationId,
    ) -> Result<Vec<Message>, StoreError>;
}

/// Trace steps.
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait TraceStore: Send + Sync {
    /// Appends steps in order, in one transaction, numbering them after the
    /// conversation's last one.
    ///
    /// # Errors
    /// MUST return `NotFound` if the conversation is not in the workspace.
    async fn append_trace_steps(
        &self,
        workspace: WorkspaceId,
        conversation: ConversationId,
        steps: &[NewTraceStep],
    ) -> Result<Vec<TraceStep>, StoreError>;

    /// Every step of a conversation, by step number ascending.
    ///
    /// # Errors
    /// MUST return `NotFound` if the conversation is not in the workspace.
    async fn list_trace(
        &self,
        workspace: WorkspaceId,
        conversation: ConversationId,
    ) -> Result<Vec<TraceStep>, StoreError>;
}
