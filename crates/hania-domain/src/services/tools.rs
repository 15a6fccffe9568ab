use std::sync::Arc;

use crate::ids::{ToolConfigId, WorkspaceId};
use crate::outbound::OutboundPolicy;
use crate::ports::{Clock, IdGenerator, StoreConflict, StoreError, ToolStore};
use crate::services::{Conflict, Resource, ServiceError};
use crate::tool::{ToolConfig, ToolKind};
use crate::validation::check_required_text;

/// A tool to create.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolDraft {
    /// Function name, unique per workspace.
    pub name: String,
    /// What the tool does, for the model.
    pub description: String,
    /// Kind and settings.
    pub kind: ToolKind,
    /// JSON Schema of the arguments (default: an empty object schema).
    pub parameters: Option<serde_json::Value>,
}

/// A partial tool update: `None` leaves a field unchanged.
#[derive(Debug, Clone, Default, PartialEq)]
#[allow(missing_docs)] // Each field is the tool field of the same name.
pub struct ToolChanges {
    pub name: Option<String>,
    pub description: Option<String>,
    pub kind: Option<ToolKind>,
    pub parameters: Option<serde_json::Value>,
}

/// A new `whsec_…` signing secret from random bytes.
fn signing_secret(random: [u8; crate::api_key::KEY_SECRET_BYTES]) -> String {
    format!("whsec_{}", crate::hex::encode(&random))
}

/// Manages tool configurations. URLs are checked against the outbound
/// policy when a tool is created or changed.
pub struct ToolService {
    tools: Arc<dyn ToolStore>,
    clock: Arc<dyn Clock>,
    ids: Arc<dyn IdGenerator>,
    policy: OutboundPolicy,
}

const KIND: Resource = Resource::Tool;

/// A store error of a write of the tool named `name`.
fn write_error(name: &str) -> impl Fn(StoreError) -> ServiceError + '_ {
    move |error| match error {
        StoreError::Conflict(StoreConflict::ToolNameTaken) => {
            ServiceError::Conflict(Conflict::ToolNameTaken(name.to_owned()))
        }
        other => ServiceError::from_store(KIND)(other),
    }
}

impl ToolService {
    /// Builds the service over its ports and the outbound policy.
    pub fn new(
        tools: Arc<dyn ToolStore>,
        clock: Arc<dyn Clock>,
        ids: Arc<dyn IdGenerator>,
        policy: OutboundPolicy,
    ) -> Self {
        Self {
            tools,
            clock,
            ids,
            policy,
        }
    }

    /// Validates and stores a new tool.
    pub async fn create(
        &self,
        workspace: WorkspaceId,
        draft: ToolDraft,
    ) -> Result<ToolConfig, ServiceError> {
        check_required_text("name", &draft.name, 64)?;
        let now = self.clock.now();
        let tool = ToolConfig {
            id: ToolConfigId::from_uuid(self.ids.new_id()),
            workspace_id: workspace,
            name: draft.name,
            description: draft.description,
            kind: draft
                .kind
                .with_signing_secret(Some(signing_secret(self.ids.key_secret_bytes()))),
            parameters: draft
                .parameters
                .unwrap_or_else(|| serde_json::json!({"type": "object", "properties": {}})),
            created_at: now,
            updated_at: now,
        };
        tool.validate(&self.policy)?;
        self.tools
            .create_tool(&tool)
            .await
            .map_err(write_error(&tool.name))?;
        Ok(tool)
    }

    /// Loads a tool.
    pub async fn get(
        &self,
        workspace: WorkspaceId,
        id: ToolConfigId,
    ) -> Result<ToolConfig, ServiceError> {
        self.tools
            .get_tool(workspace, id)
            .await
            .map_err(ServiceError::from_store(KIND))
    }

    /// Lists the workspace's tools.
    pub async fn list(&self, workspace: WorkspaceId) -> Result<Vec<ToolConfig>, ServiceError> {
        self.tools
            .list_tools(workspace)
            .await
            .map_err(ServiceError::from_store(KIND))
    }

    /// Applies a partial update.
    pub async fn update(
        &self,
        workspace: WorkspaceId,
        id: ToolConfigId,
        changes: ToolChanges,
    ) -> Result<ToolConfig, ServiceError> {
        let mut tool = self.get(workspace, id).await?;
        if let Some(name) = changes.name {
            tool.name = name;
        }
        if let Some(description) = changes.description {
            tool.description = description;
        }
        if let Some(kind) = changes.kind {
            let secret = tool.kind.signing_secret().map(str::to_owned);
            tool.kind = kind.with_signing_secret(secret);
        }
        if let Some(parameters) = changes.parameters {
            tool.parameters = parameters;
        }
        tool.updated_at = self.clock.now();
        tool.validate(&self.policy)?;
        self.tools
            .update_tool(&tool)
            .await
            .map_err(write_error(&tool.name))?;
        Ok(tool)
    }

    /// Deletes a tool no post-call hook uses.
    pub async fn delete(
        &self,
        workspace: WorkspaceId,
        id: ToolConfigId,
    ) -> Result<(), ServiceError> {
        self.tools
            .delete_tool(workspace, id)
            .await
            .map_err(ServiceError::from_store(KIND))
    }
}

#[cfg(test)]
mod tests {

    use uuid::Uuid;

    use super::*;
    use crate::ports::MockToolStore;
    use crate::services::test_support::{random_ids, stopped_clock};
    use crate::tool::WebhookTool;

    fn service(store: MockToolStore) -> ToolService {
        ToolService::new(
            Arc::new(store),
            stopped_clock(),
            random_ids(),
            OutboundPolicy::default(),
        )
    }

    fn draft(url: &str) -> ToolDraft {
        ToolDraft {
            name: "lookup_order".into(),
            description: "Finds an order".into(),
            kind: ToolKind::Webhook(WebhookTool {
                url: url.into(),
                secret_header: None,
                timeout_ms: 1_000,
                signing_secret: None,
            }),
            parameters: None,
        }
    }

    #[tokio::test]
    async fn valid_tools_are_stored_with_a_default_schema_and_duplicates_are_named() {
        let mut store = MockToolStore::new();
        store.expect_create_tool().times(1).returning(|tool| {
            assert_eq!(tool.parameters["type"], "object");
            Ok(())
        });
        store
            .expect_create_tool()
            .returning(|_| Err(StoreError::Conflict(StoreConflict::ToolNameTaken)));
        let service = service(store);
        let ws = WorkspaceId::from_uuid(Uuid::nil());
        service
            .create(ws, draft("https://example.com/hook"))
            .await
            .unwrap();
        let err = service
            .create(ws, draft("https://example.com/hook"))
            .await
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "a tool named 'lookup_order' already exists"
        );
        assert!(
            matches!(err, ServiceError::Conflict(Conflict::ToolNameTaken(n)) if n == "lookup_order")
        );
    }

    #[tokio::test]
    async fn invalid_tools_never_reach_the_store() {
        let mut store = MockToolStore::new();
        store.expect_create_tool().never();
        let service = service(store);
        for url in ["ftp://x", "https://169.254.169.254/", "https://127.0.0.2/"] {
            let err = service
                .create(WorkspaceId::from_uuid(Uuid::nil()), draft(url))
                .await
                .unwrap_err();
            assert!(
                matches!(&err, ServiceError::Validation(v) if v.field == "config.url"),
                "{url}: {err}"
            );
        }
    }

    #[tokio::test]
    async fn the_signing_secret_is_made_once_and_kept_across_changes() {
        use std::sync::Mutex;
        let stored: Arc<Mutex<Option<ToolConfig>>> = Arc::default();
        let mut store = MockToolStore::new();
        let keep = stored.clone();
        store.expect_create_tool().returning(move |tool| {
            *keep.lock().unwrap() = Some(tool.clone());
            Ok(())
        });
        let read = stored.clone();
        store
            .expect_get_tool()
            .returning(move |_, _| Ok(read.lock().unwrap().clone().unwrap()));
        store.expect_update_tool().returning(|_| Ok(()));
        let service = service(store);
        let ws = WorkspaceId::from_uuid(Uuid::nil());
        let tool = service
            .create(ws, draft("https://a.example/x"))
            .await
            .unwrap();
        let secret = tool.kind.signing_secret().unwrap().to_owned();
        assert!(
            secret.starts_with("whsec_") && secret.len() == 6 + 40,
            "{secret}"
        );
        let changes = ToolChanges {
            kind: Some(draft("https://b.example/y").kind),
            ..ToolChanges::default()
        };
        let changed = service.update(ws, tool.id, changes).await.unwrap();
        assert_eq!(changed.kind.signing_secret(), Some(secret.as_str()));
        let ToolKind::Webhook(webhook) = &changed.kind;
        assert_eq!(webhook.url, "https://b.example/y");
    }
}
