use hania_domain::api_key::{KeyFamily, KeyKind, WidgetKeySettings};
use hania_domain::ports::Storage;

use crate::fixture::*;
use crate::{assert_conflict, assert_not_found};

/// Keys are found by hash across workspaces, but read and listed only in
/// their own.
pub async fn api_keys_are_found_by_hash_and_scoped(store: &dyn Storage) {
    let (ws, other) = (workspace(store, 0).await, workspace(store, 0).await);
    let (key, secret) = account_key(ws, 1);
    store.create_key(&key).await.unwrap();
    assert_eq!(
        store.find_key_by_hash(&secret.hash()).await.unwrap(),
        Some(key.clone())
    );
    let (_, unknown) = account_key(ws, 2);
    assert_eq!(store.find_key_by_hash(&unknown.hash()).await.unwrap(), None);
    assert_eq!(store.get_key(ws, key.id).await.unwrap(), key);
    assert_not_found!(store.get_key(other, key.id).await);
    assert_eq!(
        store.list_keys(ws, KeyFamily::Account).await.unwrap(),
        vec![key.clone()]
    );
    assert!(
        store
            .list_keys(ws, KeyFamily::Widget)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .list_keys(other, KeyFamily::Account)
            .await
            .unwrap()
            .is_empty()
    );

    let mut same_hash = account_key(ws, 1).0;
    same_hash.id = id();
    assert_conflict!(store.create_key(&same_hash).await, IdExists);

    let mut renamed = key.clone();
    renamed.name = "renamed".into();
    renamed.rate_limit_per_hour = None;
    renamed.expires_at = None;
    store.update_key(&renamed).await.unwrap();
    assert_eq!(store.get_key(ws, key.id).await.unwrap(), renamed);
    let mut foreign = renamed.clone();
    foreign.workspace_id = other;
    assert_not_found!(store.update_key(&foreign).await);
}

/// Revoking twice keeps the first time; revoking a foreign key fails.
pub async fn revoking_keeps_the_first_time(store: &dyn Storage) {
    let (ws, other) = (workspace(store, 0).await, workspace(store, 0).await);
    let (key, secret) = account_key(ws, 3);
    store.create_key(&key).await.unwrap();
    assert_not_found!(store.revoke_key(other, key.id, at(1)).await);
    store.revoke_key(ws, key.id, at(10)).await.unwrap();
    store.revoke_key(ws, key.id, at(20)).await.unwrap();
    let found = store
        .find_key_by_hash(&secret.hash())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.revoked_at, Some(at(10)));
    assert_not_found!(store.revoke_key(ws, id(), at(1)).await);
}

/// Widget keys are bound to a bot of their own workspace.
pub async fn widget_keys_need_a_bot_of_the_workspace(store: &dyn Storage) {
    let (ws, other) = (workspace(store, 0).await, workspace(store, 0).await);
    let bot = stored_bot(store, ws, "widget-bot").await;
    let foreign_bot = stored_bot(store, other, "foreign").await;
    let widget = |bot_id, seed| {
        let (mut key, _) = account_key(ws, seed);
        key.kind = KeyKind::Widget(WidgetKeySettings {
            bot_id,
            allowed_domains: vec!["shop.example.com".into(), "localhost:3000".into()],
            is_active: true,
            visitor_rate_limit_per_hour: 17,
            key_text: Some(format!("hania_pk_{seed:040}")),
            identity_secret: Some("hania_is_first".into()),
        });
        key.abilities = Default::default();
        key
    };
    let key = widget(bot, 4);
    store.create_key(&key).await.unwrap();
    assert_eq!(
        store.list_keys(ws, KeyFamily::Widget).await.unwrap(),
        vec![key.clone()]
    );
    assert_not_found!(store.create_key(&widget(foreign_bot, 5)).await);

    let mut inactive = key.clone();
    if let KeyKind::Widget(settings) = &mut inactive.kind {
        settings.is_active = false;
        settings.allowed_domains = vec![];
        settings.visitor_rate_limit_per_hour = 3;
        settings.identity_secret = Some("hania_is_rotated".into());
    }
    store.update_key(&inactive).await.unwrap();
    assert_eq!(store.get_key(ws, key.id).await.unwrap(), inactive);
}

/// A server secret is created once: later candidates get the first one.
pub async fn server_secrets_are_created_once(store: &dyn Storage) {
    let first = store.server_secret("visitor", "aaaa", at(0)).await.unwrap();
    assert_eq!(first, "aaaa");
    let again = store.server_secret("visitor", "bbbb", at(1)).await.unwrap();
    assert_eq!(again, "aaaa");
    assert_eq!(
        store.server_secret("other", "cccc", at(2)).await.unwrap(),
        "cccc"
    );
}
