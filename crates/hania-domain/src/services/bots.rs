use std::sync::Arc;

use crate::bot::{Bot, BotStatus};
use crate::bot_changes::BotChanges;
use crate::field_update::FieldUpdate;
use crate::ids::{BotId, WorkspaceId};
use crate::metadata::{Metadata, MetadataFilter};
use crate::ports::{BotStore, Clock, IdGenerator, StoreConflict, StoreError};
use crate::services::Conflict;
use crate::slug::{first_free_slug, slugify};
use crate::validation::ValidationError;

/// How often a create retries when another request took the chosen slug
/// between the look-up and the insert.
const SLUG_ATTEMPTS: usize = 3;

/// Why a bot operation failed.
#[derive(Debug, thiserror::Error)]
pub enum BotError {
    /// Invalid input; names the field.
    #[error(transparent)]
    Validation(#[from] ValidationError),
    /// No such bot in the workspace.
    #[error("Bot not found")]
    NotFound,
    /// A uniqueness rule (e.g. the slug) refused the change.
    #[error(transparent)]
    Conflict(Conflict),
    /// The store failed.
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for BotError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound => BotError::NotFound,
            StoreError::Conflict(rule) => BotError::Conflict(rule.into()),
            other => BotError::Store(other),
        }
    }
}

/// A store error of a write of `bot`: a taken slug is named.
fn write_error(bot: &Bot) -> impl Fn(StoreError) -> BotError + '_ {
    move |error| match error {
        StoreError::Conflict(StoreConflict::SlugTaken) => {
            BotError::Conflict(Conflict::SlugTaken(bot.slug.clone()))
        }
        other => other.into(),
    }
}

/// Creates, reads, updates and soft-deletes bots.
pub struct BotService {
    bots: Arc<dyn BotStore>,
    clock: Arc<dyn Clock>,
    ids: Arc<dyn IdGenerator>,
}

impl BotService {
    /// Builds the service over its ports.
    pub fn new(bots: Arc<dyn BotStore>, clock: Arc<dyn Clock>, ids: Arc<dyn IdGenerator>) -> Self {
        Self { bots, clock, ids }
    }

    /// Creates a bot. Without an explicit `slug` the slug is derived from
    /// the name and made unique in the workspace with a numeric suffix; an
    /// explicit slug that is taken is a conflict.
    pub async fn create(
        &self,
        workspace: WorkspaceId,
        changes: BotChanges,
    ) -> Result<BotId, BotError> {
        let id = BotId::from_uuid(self.ids.new_id());
        let explicit_slug = matches!(changes.slug, FieldUpdate::Set(_));
        let base = match &changes.name {
            FieldUpdate::Set(name) => slugify(name),
            _ => return Err(ValidationError::new("name", "is required").into()),
        };
        let mut attempt = 0;
        loop {
            attempt += 1;
            let slug = if explicit_slug {
                String::new()
            } else {
                first_free_slug(&base, &self.bots.slugs_like(workspace, &base).await?)
            };
            let bot = Bot::create(id, workspace, changes.clone(), slug, self.clock.now())?;
            match self.bots.create_bot(&bot).await {
                Err(StoreError::Conflict(StoreConflict::SlugTaken))
                    if !explicit_slug && attempt < SLUG_ATTEMPTS =>
                {
                    continue;
                }
                other => return other.map(|()| id).map_err(write_error(&bot)),
            }
        }
    }

    /// Loads a bot of the workspace.
    pub async fn get(&self, workspace: WorkspaceId, id: BotId) -> Result<Bot, BotError> {
        Ok(self.bots.get_bot(workspace, id).await?)
    }

    /// Lists the workspace's bots matching every metadata pair.
    pub async fn list(
        &self,
        workspace: WorkspaceId,
        filter: &MetadataFilter,
    ) -> Result<Vec<Bot>, BotError> {
        Ok(self.bots.list_bots(workspace, filter).await?)
    }

    /// Applies a partial update (omitted fields unchanged, `null` clears).
    pub async fn update(
        &self,
        workspace: WorkspaceId,
        id: BotId,
        changes: BotChanges,
    ) -> Result<(), BotError> {
        let mut bot = self.bots.get_bot(workspace, id).await?;
        bot.apply(changes, self.clock.now())?;
        self.bots.update_bot(&bot).await.map_err(write_error(&bot))
    }

    /// Replaces the bot's metadata object.
    pub async fn set_metadata(
        &self,
        workspace: WorkspaceId,
        id: BotId,
        metadata: &serde_json::Value,
    ) -> Result<(), BotError> {
        let metadata = Metadata::from_json(metadata)?;
        let mut bot = self.bots.get_bot(workspace, id).await?;
        bot.metadata = metadata;
        bot.updated_at = self.clock.now();
        Ok(self.bots.update_bot(&bot).await?)
    }

    /// Soft-deletes: the bot becomes inactive and keeps its conversations.
    pub async fn deactivate(&self, workspace: WorkspaceId, id: BotId) -> Result<(), BotError> {
        let changes = BotChanges {
            status: FieldUpdate::Set(BotStatus::Inactive.as_str().to_owned()),
            ..BotChanges::default()
        };
        self.update(workspace, id, changes).await
    }
}

#[cfg(test)]
#[path = "bots_tests.rs"]
mod tests;
