use std::sync::Arc;

use crate::hook::{NewPostCallHook, PostCallHook, validate_params_template};
use crate::ids::{BotId, HookId, ToolConfigId, WorkspaceId};
use crate::ports::{Clock, HookStore, IdGenerator};
use crate::services::{Resource, ServiceError};

/// A partial hook update (or, on create, the optional fields): `None`
/// leaves a field unchanged (on create: `run_order` 0, `enabled` true,
/// `params_template` `{}`).
#[derive(Debug, Clone, Default, PartialEq)]
#[allow(missing_docs)] // Each field is the hook field of the same name.
pub struct HookChanges {
    pub run_order: Option<i32>,
    pub enabled: Option<bool>,
    pub params_template: Option<serde_json::Value>,
}

/// Manages bots' post-call hooks.
pub struct HookService {
    hooks: Arc<dyn HookStore>,
    clock: Arc<dyn Clock>,
    ids: Arc<dyn IdGenerator>,
}

const KIND: Resource = Resource::Hook;

impl HookService {
    /// Builds the service over its ports.
    pub fn new(
        hooks: Arc<dyn HookStore>,
        clock: Arc<dyn Clock>,
        ids: Arc<dyn IdGenerator>,
    ) -> Self {
        Self { hooks, clock, ids }
    }

    /// Adds a hook running `tool` after the bot's calls. A bot has at most
    /// one hook per tool.
    pub async fn create(
        &self,
        workspace: WorkspaceId,
        bot: BotId,
        tool: ToolConfigId,
        changes: HookChanges,
    ) -> Result<PostCallHook, ServiceError> {
        let params_template = changes
            .params_template
            .unwrap_or_else(|| serde_json::json!({}));
        validate_params_template(&params_template)?;
        let hook = NewPostCallHook {
            id: HookId::from_uuid(self.ids.new_id()),
            workspace_id: workspace,
            bot_id: bot,
            tool_configuration_id: tool,
            run_order: changes.run_order.unwrap_or(0),
            enabled: changes.enabled.unwrap_or(true),
            params_template,
            created_at: self.clock.now(),
        };
        self.hooks
            .create_hook(&hook)
            .await
            .map_err(ServiceError::from_store(Resource::BotOrTool))
    }

    /// The bot's hooks in run order.
    pub async fn list(
        &self,
        workspace: WorkspaceId,
        bot: BotId,
    ) -> Result<Vec<PostCallHook>, ServiceError> {
        self.hooks
            .list_hooks(workspace, bot)
            .await
            .map_err(ServiceError::from_store(Resource::Bot))
    }

    /// Applies a partial update.
    pub async fn update(
        &self,
        workspace: WorkspaceId,
        bot: BotId,
        id: HookId,
        changes: HookChanges,
    ) -> Result<PostCallHook, ServiceError> {
        let mut hook = self
            .hooks
            .get_hook(workspace, bot, id)
            .await
            .map_err(ServiceError::from_store(KIND))?;
        if let Some(template) = changes.params_template {
            validate_params_template(&template)?;
            hook.params_template = template;
        }
        hook.run_order = changes.run_order.unwrap_or(hook.run_order);
        hook.enabled = changes.enabled.unwrap_or(hook.enabled);
        hook.updated_at = self.clock.now();
        self.hooks
            .update_hook(&hook)
            .await
            .map_err(ServiceError::from_store(KIND))?;
        Ok(hook)
    }

    /// Deletes a hook.
    pub async fn delete(
        &self,
        workspace: WorkspaceId,
        bot: BotId,
        id: HookId,
    ) -> Result<(), ServiceError> {
        self.hooks
            .delete_hook(workspace, bot, id)
            .await
            .map_err(ServiceError::from_store(KIND))
    }
}

#[cfg(test)]
mod tests {

    use uuid::Uuid;

    use super::*;
    use crate::ports::{MockHookStore, StoreConflict, StoreError};
    use crate::services::Conflict;
    use crate::services::test_support::{random_ids, stopped_clock};

    fn service(store: MockHookStore) -> HookService {
        HookService::new(Arc::new(store), stopped_clock(), random_ids())
    }

    #[tokio::test]
    async fn defaults_apply_and_duplicates_or_bad_templates_are_refused() {
        let ids = (
            WorkspaceId::from_uuid(Uuid::nil()),
            BotId::from_uuid(Uuid::nil()),
            ToolConfigId::from_uuid(Uuid::nil()),
        );
        let mut store = MockHookStore::new();
        store.expect_create_hook().times(1).returning(|new| {
            assert!(
                new.enabled && new.run_order == 0 && new.params_template == serde_json::json!({})
            );
            Err(StoreError::Conflict(StoreConflict::HookExists))
        });
        let service = service(store);
        let err = service
            .create(ids.0, ids.1, ids.2, HookChanges::default())
            .await
            .unwrap_err();
        assert!(matches!(err, ServiceError::Conflict(Conflict::HookExists)));
        assert_eq!(err.to_string(), "the bot already has a hook for this tool");
        let bad = HookChanges {
            params_template: Some(serde_json::json!([1])),
            ..Default::default()
        };
        let err = service.create(ids.0, ids.1, ids.2, bad).await.unwrap_err();
        assert!(matches!(err, ServiceError::Validation(v) if v.field == "params_template"));
    }
}
