use async_trait::async_trait;

use super::StoreError;
use crate::bot::Bot;
use crate::ids::{BotId, WorkspaceId};
use crate::metadata::MetadataFilter;

/// Bots.
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait BotStore: Send + Sync {
    /// Stores a new bot.
    ///
    /// # Errors
    /// MUST return `Conflict` if the id exists or the slug is taken in the
    /// workspace (the message then says `slug`).
    async fn create_bot(&self, bot: &Bot) -> Result<(), StoreError>;

    /// Loads a bot of the workspace, active or not.
    ///
    /// # Errors
    /// MUST return `NotFound` for an unknown id or another workspace's bot.
    async fn get_bot(&self, workspace: WorkspaceId, id: BotId) -> Result<Bot, StoreError>;

    /// Loads a bot by its slug.
    ///
    /// # Errors
    /// MUST return `NotFound` when no bot of the workspace has the slug.
    async fn get_bot_by_slug(&self, workspace: WorkspaceId, slug: &str) -> Result<Bot, StoreError>;

    /// Lists the workspace's bots whose metadata has every pair of the
    /// filter, oldest first. MUST be index-backed for the metadata filter.
    ///
    /// # Errors
    /// Only on storage failure.
    async fn list_bots(
        &self,
        workspace: WorkspaceId,
        filter: &MetadataFilter,
    ) -> Result<Vec<Bot>, StoreError>;

    /// The workspace's slugs equal to `base` or starting with `base-`, so a
    /// free one can be chosen.
    ///
    /// # Errors
    /// Only on storage failure.
    async fn slugs_like(
        &self,
        workspace: WorkspaceId,
        base: &str,
    ) -> Result<Vec<String>, StoreError>;

    /// Replaces every mutable field of a stored bot (all but id, workspace
    /// and creation time), metadata included, atomically.
    ///
    /// # Errors
    /// MUST return `NotFound` if the bot is not in `bot.workspace_id`, and
    /// `Conflict` if the new slug is taken.
    async fn update_bot(&self, bot: &Bot) -> Result<(), StoreError>;
}
