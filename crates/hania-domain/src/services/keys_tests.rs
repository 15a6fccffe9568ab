use std::sync::Arc;

use mockall::predicate::eq;
use uuid::Uuid;

use super::*;
use crate::api_key::KEY_SECRET_BYTES;
use crate::ports::{MockApiKeyStore, MockClock, MockIdGenerator};
use crate::services::test_support::{NOW, stopped_clock, stored_key};

fn clock() -> Arc<MockClock> {
    stopped_clock()
}

fn ids() -> Arc<MockIdGenerator> {
    let mut ids = MockIdGenerator::new();
    ids.expect_new_id().returning(|| Uuid::from_u128(42));
    ids.expect_key_secret_bytes()
        .returning(|| [0x5a; KEY_SECRET_BYTES]);
    Arc::new(ids)
}

fn service_finding(found: Option<ApiKey>) -> KeyService {
    let mut store = MockApiKeyStore::new();
    store
        .expect_find_key_by_hash()
        .returning(move |_| Ok(found.clone()));
    KeyService::new(Arc::new(store), clock(), ids())
}

#[tokio::test]
async fn a_usable_key_authenticates_and_is_authorized_by_ability() {
    let secret = KeySecret::from_random(KeyFamily::Account, [1; KEY_SECRET_BYTES]);
    let service = service_finding(Some(stored_key(&secret)));
    let key = service
        .authenticate(secret.expose(), KeyFamily::Account)
        .await
        .unwrap();
    assert!(KeyService::authorize(&key, Ability::BotsRead).is_ok());
    let err = KeyService::authorize(&key, Ability::BotsWrite).unwrap_err();
    assert_eq!(err.to_string(), "Missing ability: bots:write");
}

#[tokio::test]
async fn every_bad_key_gets_the_same_generic_refusal() {
    let secret = KeySecret::from_random(KeyFamily::Account, [1; KEY_SECRET_BYTES]);
    let mut expired = stored_key(&secret);
    expired.expires_at = Some(NOW);
    let mut revoked = stored_key(&secret);
    revoked.revoked_at = Some(NOW);
    let cases = [
        (
            service_finding(None),
            secret.expose().to_owned(),
            KeyFamily::Account,
        ),
        (
            service_finding(Some(expired)),
            secret.expose().to_owned(),
            KeyFamily::Account,
        ),
        (
            service_finding(Some(revoked)),
            secret.expose().to_owned(),
            KeyFamily::Account,
        ),
        (
            service_finding(Some(stored_key(&secret))),
            secret.expose().to_owned(),
            KeyFamily::Widget,
        ),
        (
            service_finding(Some(stored_key(&secret))),
            "Bearer nonsense".into(),
            KeyFamily::Account,
        ),
    ];
    for (service, text, family) in cases {
        let err = service.authenticate(&text, family).await.unwrap_err();
        assert!(matches!(err, AuthError::Unauthorized), "{text}: {err:?}");
    }
}

#[tokio::test]
async fn issued_keys_store_only_the_hash_and_prefix() {
    let mut store = MockApiKeyStore::new();
    store.expect_create_key().times(1).returning(|key| {
        assert_eq!(key.display_prefix, "hania_sk_5a5a");
        assert_eq!(
            key.hash,
            KeySecret::from_random(KeyFamily::Account, [0x5a; 20]).hash()
        );
        Ok(())
    });
    let service = KeyService::new(Arc::new(store), clock(), ids());
    let ws = WorkspaceId::from_uuid(Uuid::from_u128(1));
    let request = NewAccountKey {
        name: "ci".into(),
        abilities: AbilitySet::all(),
        expires_at: None,
        rate_limit_per_hour: Some(60),
    };
    let (key, secret) = service
        .issue_account_key(ws, request.clone())
        .await
        .unwrap();
    assert_eq!(secret.expose(), format!("hania_sk_{}", "5a".repeat(20)));
    assert_eq!(key.workspace_id, ws);
    let huge = NewAccountKey {
        rate_limit_per_hour: Some(u32::MAX),
        ..request.clone()
    };
    let err = service.issue_account_key(ws, huge).await.unwrap_err();
    assert!(matches!(err, AuthError::Validation(v) if v.field == "rate_limit_per_hour"));
    let past = NewAccountKey {
        expires_at: Some(NOW),
        ..request
    };
    let err = service.issue_account_key(ws, past).await.unwrap_err();
    assert!(matches!(err, AuthError::Validation(v) if v.field == "expires_at"));
}

#[tokio::test]
async fn revoke_passes_the_workspace_and_maps_not_found() {
    let ws = WorkspaceId::from_uuid(Uuid::from_u128(1));
    let id = ApiKeyId::from_uuid(Uuid::from_u128(9));
    let mut store = MockApiKeyStore::new();
    store
        .expect_revoke_key()
        .with(eq(ws), eq(id), eq(NOW))
        .returning(|_, _, _| Err(StoreError::NotFound));
    let service = KeyService::new(Arc::new(store), clock(), ids());
    assert!(matches!(
        service.revoke(ws, id).await,
        Err(AuthError::Store(StoreError::NotFound))
    ));
}

#[tokio::test]
async fn a_key_cannot_grant_more_than_it_holds() {
    let mut store = MockApiKeyStore::new();
    store.expect_create_key().times(1).returning(|_| Ok(()));
    let service = KeyService::new(Arc::new(store), clock(), ids());
    let secret = KeySecret::from_random(KeyFamily::Account, [1; KEY_SECRET_BYTES]);
    let granter = stored_key(&secret); // holds bots:read only
    let request = |names: &[&str]| NewAccountKey {
        name: "child".into(),
        abilities: AbilitySet::parse(names).unwrap(),
        expires_at: None,
        rate_limit_per_hour: None,
    };
    let err = service
        .issue_account_key_as(&granter, request(&["*"]))
        .await
        .unwrap_err();
    assert!(matches!(err, AuthError::Escalation));
    let (child, _) = service
        .issue_account_key_as(&granter, request(&["bots:read"]))
        .await
        .unwrap();
    assert_eq!(child.workspace_id, granter.workspace_id);
}

#[tokio::test]
async fn only_account_keys_are_revoked_as_account_keys() {
    let secret = KeySecret::from_random(KeyFamily::Widget, [2; KEY_SECRET_BYTES]);
    let mut widget = stored_key(&secret);
    widget.kind = KeyKind::Widget(crate::api_key::WidgetKeySettings {
        bot_id: crate::ids::BotId::from_uuid(Uuid::nil()),
        allowed_domains: vec![],
        is_active: true,
        visitor_rate_limit_per_hour: 60,
        key_text: None,
        identity_secret: None,
    });
    let mut store = MockApiKeyStore::new();
    store
        .expect_get_key()
        .returning(move |_, _| Ok(widget.clone()));
    store.expect_revoke_key().never();
    let service = KeyService::new(Arc::new(store), clock(), ids());
    let err = service
        .revoke_account_key(
            WorkspaceId::from_uuid(Uuid::from_u128(1)),
            ApiKeyId::from_uuid(Uuid::nil()),
        )
        .await;
    assert!(matches!(err, Err(AuthError::Store(StoreError::NotFound))));
}
