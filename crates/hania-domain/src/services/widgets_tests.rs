//! Widget keys: what a new key keeps, identity secret rotation, and what
//! the embed code may show.

use std::sync::{Arc, Mutex};

use uuid::Uuid;

use super::*;
use crate::api_key::KEY_SECRET_BYTES;
use crate::ports::{MockApiKeyStore, MockIdGenerator};
use crate::services::test_support::stopped_clock;

const WS: WorkspaceId = WorkspaceId::from_uuid(Uuid::from_u128(1));
const BOT: BotId = BotId::from_uuid(Uuid::from_u128(2));

fn ids() -> Arc<MockIdGenerator> {
    let mut ids = MockIdGenerator::new();
    ids.expect_new_id().returning(|| Uuid::from_u128(42));
    let mut next = 0u8;
    ids.expect_key_secret_bytes().returning(move || {
        next += 1;
        [next; KEY_SECRET_BYTES]
    });
    Arc::new(ids)
}

/// A store holding one key in memory.
fn store(held: Arc<Mutex<Option<ApiKey>>>) -> MockApiKeyStore {
    let mut store = MockApiKeyStore::new();
    let on_create = held.clone();
    store.expect_create_key().returning(move |key| {
        *on_create.lock().unwrap() = Some(key.clone());
        Ok(())
    });
    let on_get = held.clone();
    store.expect_get_key().returning(move |_, _| {
        on_get
            .lock()
            .unwrap()
            .clone()
            .ok_or(crate::ports::StoreError::NotFound)
    });
    store.expect_update_key().returning(move |key| {
        *held.lock().unwrap() = Some(key.clone());
        Ok(())
    });
    store
}

fn settings(key: &ApiKey) -> &WidgetKeySettings {
    match &key.kind {
        KeyKind::Widget(settings) => settings,
        KeyKind::Account => panic!("not a widget key"),
    }
}

#[tokio::test]
async fn a_new_key_keeps_its_text_and_an_identity_secret() {
    let held = Arc::new(Mutex::new(None));
    let service = WidgetKeyService::new(Arc::new(store(held.clone())), stopped_clock(), ids());
    let (key, secret) = service
        .create(WS, BOT, WidgetKeyChanges::default())
        .await
        .unwrap();
    let kept = settings(&key);
    assert_eq!(kept.key_text.as_deref(), Some(secret.expose()));
    let identity = kept.identity_secret.clone().unwrap();
    assert!(identity.starts_with(IDENTITY_SECRET_PREFIX));
    assert_eq!(
        identity.len(),
        IDENTITY_SECRET_PREFIX.len() + 2 * KEY_SECRET_BYTES
    );
    assert!(
        !identity.contains(&secret.expose()[9..]),
        "not derived from the key"
    );
    assert_eq!(held.lock().unwrap().as_ref(), Some(&key));

    let rotated = service.rotate_identity_secret(WS, key.id).await.unwrap();
    assert_ne!(rotated, identity);
    let stored = held.lock().unwrap().clone().unwrap();
    assert_eq!(
        settings(&stored).identity_secret.as_deref(),
        Some(rotated.as_str())
    );
    assert_eq!(
        settings(&stored).key_text,
        kept.key_text,
        "only the secret changes"
    );
}

#[tokio::test]
async fn the_embed_code_needs_the_keys_bot_and_its_kept_text() {
    let held = Arc::new(Mutex::new(None));
    let service = WidgetKeyService::new(Arc::new(store(held.clone())), stopped_clock(), ids());
    let (key, secret) = service
        .create(WS, BOT, WidgetKeyChanges::default())
        .await
        .unwrap();
    let (_, text) = service.embed_key(WS, key.id, Some(BOT)).await.unwrap();
    assert_eq!(text, secret.expose());
    assert_eq!(service.embed_key(WS, key.id, None).await.unwrap().1, text);
    let other_bot = BotId::from_uuid(Uuid::from_u128(3));
    assert!(matches!(
        service.embed_key(WS, key.id, Some(other_bot)).await,
        Err(ServiceError::NotFound(Resource::WidgetKey))
    ));

    let mut old = key.clone();
    if let KeyKind::Widget(settings) = &mut old.kind {
        settings.key_text = None;
    }
    *held.lock().unwrap() = Some(old);
    assert!(matches!(
        service.embed_key(WS, key.id, Some(BOT)).await,
        Err(ServiceError::Conflict(Conflict::KeyTextUnknown))
    ));
}
