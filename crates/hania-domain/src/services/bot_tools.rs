use std::sync::Arc;

use crate::bot_tool::BotTool;
use crate::ids::{BotId, ToolConfigId, WorkspaceId};
use crate::ports::{BotToolStore, Clock};
use crate::services::{Resource, ServiceError};

/// Attaches tools to bots, detaches them and lists a bot's tools (the
/// ones its agent turns offer the model).
pub struct BotToolService {
    store: Arc<dyn BotToolStore>,
    clock: Arc<dyn Clock>,
}

impl BotToolService {
    /// Builds the service over its ports.
    pub fn new(store: Arc<dyn BotToolStore>, clock: Arc<dyn Clock>) -> Self {
        Self { store, clock }
    }

    /// Attaches `tool` to `bot`; attaching it again is a no-op that
    /// returns the first attachment.
    pub async fn attach(
        &self,
        workspace: WorkspaceId,
        bot: BotId,
        tool: ToolConfigId,
    ) -> Result<BotTool, ServiceError> {
        self.store
            .attach_tool(workspace, bot, tool, self.clock.now())
            .await
            .map_err(ServiceError::from_store(Resource::BotOrTool))
    }

    /// Detaches `tool` from `bot`.
    pub async fn detach(
        &self,
        workspace: WorkspaceId,
        bot: BotId,
        tool: ToolConfigId,
    ) -> Result<(), ServiceError> {
        self.store
            .detach_tool(workspace, bot, tool)
            .await
            .map_err(ServiceError::from_store(Resource::AttachedTool))
    }

    /// The bot's tools, by name.
    pub async fn list(
        &self,
        workspace: WorkspaceId,
        bot: BotId,
    ) -> Result<Vec<BotTool>, ServiceError> {
        self.store
            .list_bot_tools(workspace, bot)
            .await
            .map_err(ServiceError::from_store(Resource::Bot))
    }
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;
    use crate::ports::{MockBotToolStore, StoreError};
    use crate::services::test_support::{NOW, stopped_clock};

    fn ids() -> (WorkspaceId, BotId, ToolConfigId) {
        (
            WorkspaceId::from_uuid(Uuid::new_v4()),
            BotId::from_uuid(Uuid::new_v4()),
            ToolConfigId::from_uuid(Uuid::new_v4()),
        )
    }

    #[tokio::test]
    async fn attaching_stamps_the_clock_and_names_both_when_missing() {
        let (ws, bot, tool) = ids();
        let mut store = MockBotToolStore::new();
        store
            .expect_attach_tool()
            .withf(move |w, b, t, at| (*w, *b, *t, *at) == (ws, bot, tool, NOW))
            .returning(|_, _, _, _| Err(StoreError::NotFound));
        let service = BotToolService::new(Arc::new(store), stopped_clock());
        let error = service.attach(ws, bot, tool).await.unwrap_err();
        assert_eq!(error.to_string(), "Bot or tool configuration not found");
    }

    #[tokio::test]
    async fn detaching_an_unattached_tool_is_not_found() {
        let (ws, bot, tool) = ids();
        let mut store = MockBotToolStore::new();
        store
            .expect_detach_tool()
            .returning(|_, _, _| Err(StoreError::NotFound));
        store
            .expect_list_bot_tools()
            .returning(|_, _| Err(StoreError::NotFound));
        let service = BotToolService::new(Arc::new(store), stopped_clock());
        let error = service.detach(ws, bot, tool).await.unwrap_err();
        assert_eq!(error.to_string(), "Tool attachment not found");
        let error = service.list(ws, bot).await.unwrap_err();
        assert_eq!(error.to_string(), "Bot not found");
    }
}
