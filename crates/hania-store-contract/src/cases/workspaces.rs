use hania_domain::billing::{BillingStatus, Plan, period_start_of};
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

/// Operators list workspaces oldest first, at most `limit`.
pub async fn workspaces_are_listed_oldest_first(store: &dyn Storage) {
    assert!(store.list_workspaces(10).await.unwrap().is_empty());
    let mut made = Vec::new();
    for (name, seconds) in [("Second", 20), ("First", 10), ("Third", 30)] {
        let ws = Workspace {
            id: id(),
            name: name.into(),
            default_rate_limit_per_hour: 60,
            created_at: at(seconds),
        };
        let billing = hania_domain::billing::BillingAccount {
            workspace_id: ws.id,
            status: BillingStatus::Active,
            plan: Plan {
                name: "pro".into(),
                monthly_turn_allowance: None,
            },
            balance: Money(0),
            period_start: period_start_of(T0),
            period_turns_used: 0,
            updated_at: at(seconds),
        };
        store.create_workspace(&ws, &billing).await.unwrap();
        made.push(ws);
    }
    let names: Vec<String> = store
        .list_workspaces(10)
        .await
        .unwrap()
        .into_iter()
        .map(|w| w.name)
        .collect();
    assert_eq!(names, ["First", "Second", "Third"]);
    let first_two = store.list_workspaces(2).await.unwrap();
    assert_eq!(first_two.len(), 2);
    assert_eq!(first_two[0], made[1]);
}
