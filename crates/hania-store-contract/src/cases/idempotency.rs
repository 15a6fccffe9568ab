use std::sync::Arc;

use hania_domain::ports::{IdempotencyClaim, Storage};

use crate::assert_not_found;
use crate::fixture::*;

/// A key is claimed once, replays its answer, refuses another request,
/// is per workspace, expires, and concurrent claims have one winner.
pub async fn idempotency_keys_are_claimed_once(store: &Arc<dyn Storage>) {
    let (ws, other) = (
        workspace(store.as_ref(), 0).await,
        workspace(store.as_ref(), 0).await,
    );
    let claim = |ws, fp: &'static str, now| {
        let store = store.clone();
        async move {
            store
                .claim_idempotency_key(ws, "key-1", fp, now, at(-86_400))
                .await
                .unwrap()
        }
    };
    assert_eq!(claim(ws, "fp-a", at(0)).await, IdempotencyClaim::Claimed);
    assert_eq!(claim(ws, "fp-a", at(1)).await, IdempotencyClaim::InProgress);
    assert_eq!(claim(ws, "fp-b", at(1)).await, IdempotencyClaim::Mismatch);
    assert_eq!(
        claim(other, "fp-b", at(1)).await,
        IdempotencyClaim::Claimed,
        "keys are per workspace"
    );
    store
        .complete_idempotency_key(ws, "key-1", 200, "application/json", "{\"ok\":true}")
        .await
        .unwrap();
    assert_eq!(
        claim(ws, "fp-a", at(2)).await,
        IdempotencyClaim::Replay {
            status: 200,
            content_type: "application/json".into(),
            body: "{\"ok\":true}".into()
        }
    );
    assert_not_found!(
        store
            .complete_idempotency_key(ws, "never-claimed", 200, "x", "y")
            .await
    );
    // A day later the key is free again.
    let later = at(2 * 86_400);
    let fresh = store
        .claim_idempotency_key(ws, "key-1", "fp-c", later, at(86_400))
        .await
        .unwrap();
    assert_eq!(fresh, IdempotencyClaim::Claimed);

    let racers = (0..16).map(|_| {
        let store = store.clone();
        tokio::spawn(async move {
            store
                .claim_idempotency_key(ws, "race", "fp", at(5), at(-86_400))
                .await
                .unwrap()
        })
    });
    let outcomes = futures::future::join_all(racers).await;
    let winners = outcomes
        .into_iter()
        .filter(|o| matches!(o, Ok(IdempotencyClaim::Claimed)))
        .count();
    assert_eq!(winners, 1);
}
