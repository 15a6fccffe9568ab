use hania_domain::hook::NewPostCallHook;
use hania_domain::ports::Storage;
use hania_domain::tool::{SecretHeader, ToolKind, WebhookTool};
use serde_json::json;

use crate::fixture::*;
use crate::{assert_conflict, assert_not_found};

/// Tools are created, listed, updated and deleted; names are unique per
/// workspace.
pub async fn tools_crud_with_unique_names(store: &dyn Storage) {
    let (ws, other) = (workspace(store, 0).await, workspace(store, 0).await);
    let mut lookup = tool(ws, "lookup_order");
    lookup.kind = ToolKind::Webhook(WebhookTool {
        url: "https://api.example.com/orders".into(),
        secret_header: Some(SecretHeader {
            name: "X-Secret".into(),
            value: "s3cr3t".into(),
        }),
        timeout_ms: 2_500,
        signing_secret: None,
    });
    store.create_tool(&lookup).await.unwrap();
    let mut refund = tool(ws, "refund");
    refund.created_at = at(1);
    store.create_tool(&refund).await.unwrap();
    assert_conflict!(store.create_tool(&tool(ws, "refund")).await, ToolNameTaken);
    store.create_tool(&tool(other, "refund")).await.unwrap();

    assert_eq!(store.get_tool(ws, lookup.id).await.unwrap(), lookup);
    assert_eq!(
        store.list_tools(ws).await.unwrap(),
        vec![lookup.clone(), refund.clone()]
    );
    assert_not_found!(store.get_tool(other, lookup.id).await);

    let mut changed = lookup.clone();
    changed.description = "Finds orders".into();
    changed.parameters = json!({"type": "object", "properties": {"id": {"type": "string"}}});
    changed.updated_at = at(30);
    store.update_tool(&changed).await.unwrap();
    assert_eq!(store.get_tool(ws, lookup.id).await.unwrap(), changed);
    changed.name = "refund".into();
    assert_conflict!(store.update_tool(&changed).await, ToolNameTaken);
    changed.workspace_id = other;
    assert_not_found!(store.update_tool(&changed).await);

    assert_not_found!(store.delete_tool(other, refund.id).await);
    store.delete_tool(ws, refund.id).await.unwrap();
    assert_not_found!(store.get_tool(ws, refund.id).await);
}

fn hook(
    ws: hania_domain::ids::WorkspaceId,
    bot: hania_domain::ids::BotId,
    tool: hania_domain::ids::ToolConfigId,
    order: i32,
) -> NewPostCallHook {
    NewPostCallHook {
        id: id(),
        workspace_id: ws,
        bot_id: bot,
        tool_configuration_id: tool,
        run_order: order,
        enabled: true,
        params_template: json!({"summary": "{{analysis.summary}}"}),
        created_at: at(i64::from(order)),
    }
}

/// A tool a hook still uses cannot be deleted.
pub async fn tools_used_by_hooks_cannot_be_deleted(store: &dyn Storage) {
    let ws = workspace(store, 0).await;
    let bot = stored_bot(store, ws, "caller").await;
    let crm = tool(ws, "crm");
    store.create_tool(&crm).await.unwrap();
    let created = store.create_hook(&hook(ws, bot, crm.id, 1)).await.unwrap();
    assert_conflict!(store.delete_tool(ws, crm.id).await, ToolInUse);
    assert!(store.get_tool(ws, crm.id).await.is_ok());
    store.delete_hook(ws, bot, created.id).await.unwrap();
    store.delete_tool(ws, crm.id).await.unwrap();
}

/// Hooks are unique per (bot, tool), listed by run order, and carry their
/// tool's type and name.
pub async fn hooks_are_unique_per_bot_and_tool(store: &dyn Storage) {
    let ws = workspace(store, 0).await;
    let (bot, second_bot) = (
        stored_bot(store, ws, "a").await,
        stored_bot(store, ws, "b").await,
    );
    let (crm, slack) = (tool(ws, "crm"), tool(ws, "slack"));
    store.create_tool(&crm).await.unwrap();
    store.create_tool(&slack).await.unwrap();

    let late = store.create_hook(&hook(ws, bot, crm.id, 5)).await.unwrap();
    let early = store
        .create_hook(&hook(ws, bot, slack.id, 1))
        .await
        .unwrap();
    assert_eq!(
        (late.tool_type.as_str(), late.tool_name.as_str()),
        ("webhook", "crm")
    );
    assert_conflict!(
        store.create_hook(&hook(ws, bot, crm.id, 9)).await,
        HookExists
    );
    store
        .create_hook(&hook(ws, second_bot, crm.id, 1))
        .await
        .unwrap();

    let listed = store.list_hooks(ws, bot).await.unwrap();
    assert_eq!(listed, vec![early.clone(), late.clone()]);
    assert_eq!(store.get_hook(ws, bot, late.id).await.unwrap(), late);
    assert_not_found!(store.get_hook(ws, second_bot, late.id).await);

    let mut changed = late.clone();
    changed.run_order = 0;
    changed.enabled = false;
    changed.params_template = json!({"to": "ops"});
    changed.updated_at = at(99);
    store.update_hook(&changed).await.unwrap();
    assert_eq!(
        store.list_hooks(ws, bot).await.unwrap(),
        vec![changed.clone(), early.clone()]
    );
    store.delete_hook(ws, bot, changed.id).await.unwrap();
    assert_not_found!(store.delete_hook(ws, bot, changed.id).await);
    assert_eq!(store.list_hooks(ws, bot).await.unwrap(), vec![early]);
}

/// Hooks never cross workspaces: not their bots, tools or rows.
pub async fn hooks_of_other_workspaces_are_not_found(store: &dyn Storage) {
    let (ws, other) = (workspace(store, 0).await, workspace(store, 0).await);
    let bot = stored_bot(store, ws, "mine").await;
    let foreign_bot = stored_bot(store, other, "theirs").await;
    let (mine, theirs) = (tool(ws, "crm"), tool(other, "crm"));
    store.create_tool(&mine).await.unwrap();
    store.create_tool(&theirs).await.unwrap();
    assert_not_found!(store.create_hook(&hook(ws, bot, theirs.id, 1)).await);
    assert_not_found!(store.create_hook(&hook(ws, foreign_bot, mine.id, 1)).await);
    let created = store.create_hook(&hook(ws, bot, mine.id, 1)).await.unwrap();
    assert_not_found!(store.list_hooks(other, bot).await);
    assert_not_found!(store.get_hook(other, bot, created.id).await);
    let mut hijack = created.clone();
    hijack.workspace_id = other;
    assert_not_found!(store.update_hook(&hijack).await);
    assert_not_found!(store.delete_hook(other, bot, created.id).await);
    assert_eq!(store.list_hooks(ws, bot).await.unwrap(), vec![created]);
}
