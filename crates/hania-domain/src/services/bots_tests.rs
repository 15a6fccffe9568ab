use std::sync::Arc;

use mockall::predicate::eq;
use serde_json::json;
use uuid::Uuid;

use super::*;
use crate::ports::{MockBotStore, MockIdGenerator, StoreConflict};
use crate::services::test_support::{NOW, stopped_clock};

const WS: WorkspaceId = WorkspaceId(Uuid::from_u128(1));

fn service(store: MockBotStore) -> BotService {
    let mut ids = MockIdGenerator::new();
    ids.expect_new_id().returning(|| Uuid::from_u128(99));
    BotService::new(Arc::new(store), stopped_clock(), Arc::new(ids))
}

fn changes(name: &str) -> BotChanges {
    BotChanges {
        name: FieldUpdate::Set(name.into()),
        system_prompt: FieldUpdate::Set("Be brief.".into()),
        ..BotChanges::default()
    }
}

#[tokio::test]
async fn create_picks_the_first_free_slug() {
    let mut store = MockBotStore::new();
    store
        .expect_slugs_like()
        .with(eq(WS), eq("sales-bot"))
        .returning(|_, _| Ok(vec!["sales-bot".into(), "sales-bot-2".into()]));
    store.expect_create_bot().times(1).returning(|bot| {
        assert_eq!(bot.slug, "sales-bot-3");
        assert_eq!(bot.workspace_id, WS);
        Ok(())
    });
    let id = service(store)
        .create(WS, changes("Sales Bot"))
        .await
        .unwrap();
    assert_eq!(id, BotId::from_uuid(Uuid::from_u128(99)));
}

#[tokio::test]
async fn create_retries_when_a_concurrent_create_took_the_slug() {
    let mut store = MockBotStore::new();
    let mut taken: Vec<String> = Vec::new();
    store.expect_slugs_like().times(2).returning(move |_, _| {
        let now = taken.clone();
        taken.push("sales-bot".into());
        Ok(now)
    });
    let mut seq = mockall::Sequence::new();
    store
        .expect_create_bot()
        .times(1)
        .in_sequence(&mut seq)
        .returning(|_| Err(StoreError::Conflict(StoreConflict::SlugTaken)));
    store
        .expect_create_bot()
        .times(1)
        .in_sequence(&mut seq)
        .returning(|bot| {
            assert_eq!(bot.slug, "sales-bot-2");
            Ok(())
        });
    service(store)
        .create(WS, changes("Sales Bot"))
        .await
        .unwrap();
}

#[tokio::test]
async fn an_explicit_taken_slug_is_a_conflict_and_bad_input_never_reaches_the_store() {
    let mut store = MockBotStore::new();
    store
        .expect_create_bot()
        .times(1)
        .returning(|_| Err(StoreError::Conflict(StoreConflict::SlugTaken)));
    let explicit = BotChanges {
        slug: FieldUpdate::Set("support".into()),
        ..changes("x")
    };
    let err = service(store).create(WS, explicit).await.unwrap_err();
    assert!(matches!(&err, BotError::Conflict(Conflict::SlugTaken(s)) if s == "support"));
    assert_eq!(
        err.to_string(),
        "slug 'support' is already used by another bot"
    );

    let mut store = MockBotStore::new();
    store.expect_slugs_like().returning(|_, _| Ok(vec![]));
    store.expect_create_bot().never();
    let bad = BotChanges {
        temperature: FieldUpdate::Set(3.0),
        ..changes("x")
    };
    let err = service(store).create(WS, bad).await.unwrap_err();
    assert!(matches!(err, BotError::Validation(v) if v.field == "temperature"));
}

fn stored_bot() -> Bot {
    Bot::create(
        BotId::from_uuid(Uuid::from_u128(5)),
        WS,
        changes("Support"),
        "support".into(),
        NOW,
    )
    .unwrap()
}

#[tokio::test]
async fn deactivate_and_metadata_go_through_update() {
    let mut store = MockBotStore::new();
    store.expect_get_bot().returning(|_, _| Ok(stored_bot()));
    store
        .expect_update_bot()
        .withf(|bot| bot.status == BotStatus::Inactive)
        .times(1)
        .returning(|_| Ok(()));
    let id = BotId::from_uuid(Uuid::from_u128(5));
    service(store).deactivate(WS, id).await.unwrap();

    let mut store = MockBotStore::new();
    store.expect_get_bot().returning(|_, _| Ok(stored_bot()));
    store
        .expect_update_bot()
        .withf(|bot| bot.metadata.as_map().get("team").map(String::as_str) == Some("support"))
        .times(1)
        .returning(|_| Ok(()));
    let service = service(store);
    service
        .set_metadata(WS, id, &json!({"team": "support"}))
        .await
        .unwrap();
    let err = service
        .set_metadata(WS, id, &json!({"team": 1}))
        .await
        .unwrap_err();
    assert!(matches!(err, BotError::Validation(v) if v.field == "metadata.team"));
}

#[tokio::test]
async fn a_foreign_bot_is_not_found() {
    let mut store = MockBotStore::new();
    store
        .expect_get_bot()
        .returning(|_, _| Err(StoreError::NotFound));
    let err = service(store)
        .update(WS, BotId::from_uuid(Uuid::nil()), BotChanges::default())
        .await;
    assert!(matches!(err, Err(BotError::NotFound)));
}

#[tokio::test]
async fn an_update_to_a_taken_slug_names_the_slug_not_the_store_rule() {
    let mut store = MockBotStore::new();
    store.expect_get_bot().returning(|_, _| Ok(stored_bot()));
    store
        .expect_update_bot()
        .returning(|_| Err(StoreError::Conflict(StoreConflict::SlugTaken)));
    let to_taken = BotChanges {
        slug: FieldUpdate::Set("sales".into()),
        ..BotChanges::default()
    };
    let err = service(store)
        .update(WS, BotId::from_uuid(Uuid::from_u128(5)), to_taken)
        .await
        .unwrap_err();
    assert!(matches!(&err, BotError::Conflict(Conflict::SlugTaken(s)) if s == "sales"));
}
