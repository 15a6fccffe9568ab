use hania_domain::billing::{BillingStatus, Plan};
use hania_domain::ids::WorkspaceId;
use hania_domain::money::Money;
use hania_domain::ports::Storage;
use hania_domain::workspace::Workspace;

use crate::fixture::*;
use crate::{assert_conflict, assert_not_found};

/// Workspaces and billing accounts are stored together and read back.
pub async fn workspace_and_billing_round_trip(store: &dyn Storage) {
    assert_eq!(store.count_workspaces().await.unwrap(), 0);
    let ws = workspace(store, 5_000_000).await;
    assert_eq!(store.count_workspaces().await.unwrap(), 1);
    let loaded = store.get_workspace(ws).await.unwrap();
    assert_eq!(
        (
            loaded.name.as_str(),
            loaded.default_rate_limit_per_hour,
            loaded.created_at
        ),
        ("Acme", 600, T0)
    );
    let billing = store.get_billing(ws).await.unwrap();
    assert_eq!(billing.balance, Money(5_000_000));
    assert_eq!(billing.status, BillingStatus::Active);
    assert_eq!(billing.plan.monthly_turn_allowance, Some(1_000));

    store
        .set_billing_status(ws, BillingStatus::Suspended, at(5))
        .await
        .unwrap();
    let plan = Plan {
        name: "enterprise".into(),
        monthly_turn_allowance: None,
    };
    store.set_plan(ws, &plan, at(6)).await.unwrap();
    let billing = store.get_billing(ws).await.unwrap();
    assert_eq!(
        (billing.status, billing.plan.clone(), billing.updated_at),
        (BillingStatus::Suspended, plan, at(6))
    );

    let again = Workspace {
        id: ws,
        name: "dup".into(),
        default_rate_limit_per_hour: 1,
        created_at: T0,
    };
    assert_conflict!(store.create_workspace(&again, &billing).await, IdExists);
    assert_eq!(store.count_workspaces().await.unwrap(), 1);
}

/// Unknown workspaces are `NotFound` everywhere.
pub async fn unknown_workspace_is_not_found(store: &dyn Storage) {
    let ghost: WorkspaceId = id();
    assert_not_found!(store.get_workspace(ghost).await);
    assert_not_found!(store.get_billing(ghost).await);
    assert_not_found!(
        store
            .set_billing_status(ghost, BillingStatus::Active, T0)
            .await
    );
    let plan = Plan {
        name: "x".into(),
        monthly_turn_allowance: None,
    };
    assert_not_found!(store.set_plan(ghost, &plan, T0).await);
}

/// The store answers a health check.
pub async fn ping_answers(store: &dyn Storage) {
    store.ping().await.unwrap();
}
