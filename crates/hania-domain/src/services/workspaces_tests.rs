use std::sync::Arc;

use time::macros::date;
use uuid::Uuid;

use super::*;
use crate::ability::Ability;
use crate::api_key::{KEY_SECRET_BYTES, KeyFamily};
use crate::ports::{MockApiKeyStore, MockIdGenerator, MockWorkspaceStore, StoreError};
use crate::services::test_support::stopped_clock;

fn service(workspaces: MockWorkspaceStore, keys: MockApiKeyStore) -> WorkspaceService {
    let mut ids = MockIdGenerator::new();
    ids.expect_new_id().returning(Uuid::new_v4);
    ids.expect_key_secret_bytes()
        .returning(|| [0x11; KEY_SECRET_BYTES]);
    WorkspaceService::new(
        Arc::new(workspaces),
        Arc::new(keys),
        stopped_clock(),
        Arc::new(ids),
    )
}

#[tokio::test]
async fn an_empty_store_gets_a_workspace_and_a_full_access_key() {
    let mut workspaces = MockWorkspaceStore::new();
    workspaces.expect_count_workspaces().returning(|| Ok(0));
    workspaces
        .expect_create_workspace()
        .times(1)
        .returning(|ws, billing| {
            assert_eq!(billing.workspace_id, ws.id);
            assert_eq!(billing.period_start, date!(2026 - 11 - 01));
            assert_eq!(billing.status, crate::billing::BillingStatus::Active);
            Ok(())
        });
    let mut keys = MockApiKeyStore::new();
    keys.expect_create_key().times(1).returning(|key| {
        assert!(Ability::ALL.iter().all(|a| key.abilities.allows(*a)));
        Ok(())
    });
    let boot = service(workspaces, keys)
        .bootstrap(None, Money::ZERO)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(boot.secret.family(), KeyFamily::Account);
    assert_eq!(
        boot.secret.expose(),
        format!("hania_sk_{}", "11".repeat(20))
    );
}

#[tokio::test]
async fn the_operators_bootstrap_key_is_used_verbatim() {
    let chosen = KeySecret::parse(&format!("hania_sk_{}", "ab".repeat(20))).unwrap();
    let expected_hash = chosen.hash();
    let mut workspaces = MockWorkspaceStore::new();
    workspaces.expect_count_workspaces().returning(|| Ok(0));
    workspaces
        .expect_create_workspace()
        .returning(|_, _| Ok(()));
    let mut keys = MockApiKeyStore::new();
    keys.expect_create_key().times(1).returning(move |key| {
        assert_eq!(key.hash, expected_hash);
        Ok(())
    });
    let boot = service(workspaces, keys)
        .bootstrap(Some(chosen.clone()), Money::ZERO)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(boot.secret, chosen);
}

#[tokio::test]
async fn a_store_with_workspaces_is_left_alone() {
    let mut workspaces = MockWorkspaceStore::new();
    workspaces.expect_count_workspaces().returning(|| Ok(3));
    workspaces.expect_create_workspace().never();
    let mut keys = MockApiKeyStore::new();
    keys.expect_create_key().never();
    assert!(
        service(workspaces, keys)
            .bootstrap(None, Money::ZERO)
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn store_failures_and_bad_names_surface() {
    let mut workspaces = MockWorkspaceStore::new();
    workspaces
        .expect_count_workspaces()
        .returning(|| Err(StoreError::Unavailable("down".into())));
    let err = service(workspaces, MockApiKeyStore::new())
        .bootstrap(None, Money::ZERO)
        .await
        .unwrap_err();
    assert!(matches!(err, AuthError::Store(StoreError::Unavailable(_))));
    let err = service(MockWorkspaceStore::new(), MockApiKeyStore::new())
        .create(" ", Money::ZERO)
        .await;
    assert!(matches!(err, Err(AuthError::Validation(v)) if v.field == "name"));
}
