use hania_domain::ports::Storage;

use crate::assert_not_found;
use crate::fixture::*;

/// Tools are attached once (a second attach keeps the first time), listed
/// by name with their current configuration, and detached.
pub async fn bot_tools_attach_once_list_by_name_and_detach(store: &dyn Storage) {
    let ws = workspace(store, 0).await;
    let bot = stored_bot(store, ws, "agent").await;
    let (zeta, alpha) = (tool(ws, "zeta"), tool(ws, "alpha"));
    store.create_tool(&zeta).await.unwrap();
    store.create_tool(&alpha).await.unwrap();

    let first = store.attach_tool(ws, bot, zeta.id, at(10)).await.unwrap();
    assert_eq!(
        (first.tool.clone(), first.attached_at),
        (zeta.clone(), at(10))
    );
    let again = store.attach_tool(ws, bot, zeta.id, at(20)).await.unwrap();
    assert_eq!(again, first);
    store.attach_tool(ws, bot, alpha.id, at(30)).await.unwrap();

    let mut renamed = zeta.clone();
    renamed.description = "changed after attaching".into();
    renamed.updated_at = at(40);
    store.update_tool(&renamed).await.unwrap();
    let listed = store.list_bot_tools(ws, bot).await.unwrap();
    let names: Vec<&str> = listed.iter().map(|t| t.tool.name.as_str()).collect();
    assert_eq!(names, ["alpha", "zeta"]);
    assert_eq!(listed[1].tool, renamed);
    assert_eq!(listed[1].attached_at, at(10));

    store.detach_tool(ws, bot, zeta.id).await.unwrap();
    assert_not_found!(store.detach_tool(ws, bot, zeta.id).await);
    let names: Vec<String> = store
        .list_bot_tools(ws, bot)
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.tool.name)
        .collect();
    assert_eq!(names, ["alpha"]);
    // Deleting a tool detaches it.
    store.delete_tool(ws, alpha.id).await.unwrap();
    assert!(store.list_bot_tools(ws, bot).await.unwrap().is_empty());
}

/// Another workspace's bot or tool is never attached, listed or detached.
pub async fn bot_tools_of_other_workspaces_are_not_found(store: &dyn Storage) {
    let (ws, other) = (workspace(store, 0).await, workspace(store, 0).await);
    let bot = stored_bot(store, ws, "agent").await;
    let foreign_bot = stored_bot(store, other, "agent").await;
    let mine = tool(ws, "lookup");
    let theirs = tool(other, "lookup");
    store.create_tool(&mine).await.unwrap();
    store.create_tool(&theirs).await.unwrap();

    assert_not_found!(store.attach_tool(ws, bot, theirs.id, at(1)).await);
    assert_not_found!(store.attach_tool(ws, foreign_bot, mine.id, at(1)).await);
    assert_not_found!(store.attach_tool(other, bot, mine.id, at(1)).await);
    assert_not_found!(store.attach_tool(ws, id(), mine.id, at(1)).await);
    assert!(store.list_bot_tools(ws, bot).await.unwrap().is_empty());

    store.attach_tool(ws, bot, mine.id, at(1)).await.unwrap();
    assert_not_found!(store.list_bot_tools(other, bot).await);
    assert_not_found!(store.detach_tool(other, bot, mine.id).await);
    assert_eq!(store.list_bot_tools(ws, bot).await.unwrap().len(), 1);
}
