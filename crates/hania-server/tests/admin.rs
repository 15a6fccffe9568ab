//! The admin commands against a real SQLite store.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a failure should panic.

use hania_domain::api_key::{KeyFamily, KeySecret};
use hania_domain::billing::BillingStatus;
use hania_domain::money::Money;
use hania_server::admin::{AdminCommand, run};
use hania_server::store::open_store;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn operators_manage_workspaces_keys_and_billing() {
    let dir = tempfile::tempdir().unwrap();
    let store = open_store(&format!("sqlite://{}", dir.path().join("h.db").display()))
        .await
        .unwrap();
    let out = run(
        store.clone(),
        AdminCommand::CreateWorkspace {
            name: "Acme".into(),
            balance: "2.5".into(),
        },
    )
    .await
    .unwrap();
    let workspace = out.strip_prefix("workspace ").unwrap().parse().unwrap();
    assert_eq!(
        store.get_billing(workspace).await.unwrap().balance,
        Money(2_500_000)
    );

    let out = run(
        store.clone(),
        AdminCommand::CreateKey {
            workspace,
            name: "ci".into(),
            abilities: "bots:*, chat:send".into(),
            expires_at: Some("2099-01-01T00:00:00Z".into()),
            rate_limit: Some(60),
        },
    )
    .await
    .unwrap();
    let secret = KeySecret::parse(out.rsplit(' ').next().unwrap()).unwrap();
    assert_eq!(secret.family(), KeyFamily::Account);
    let key = store
        .find_key_by_hash(&secret.hash())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (key.abilities.to_strings(), key.rate_limit_per_hour),
        (vec!["bots:*".to_owned(), "chat:send".to_owned()], Some(60))
    );

    run(
        store.clone(),
        AdminCommand::TopUp {
            workspace,
            amount: "10".into(),
        },
    )
    .await
    .unwrap();
    run(store.clone(), AdminCommand::Suspend { workspace })
        .await
        .unwrap();
    run(
        store.clone(),
        AdminCommand::SetPlan {
            workspace,
            name: "pro".into(),
            allowance: Some(500),
        },
    )
    .await
    .unwrap();
    let billing = store.get_billing(workspace).await.unwrap();
    assert_eq!(
        (billing.balance, billing.status),
        (Money(12_500_000), BillingStatus::Suspended)
    );
    assert_eq!(
        (
            billing.plan.name.as_str(),
            billing.plan.monthly_turn_allowance
        ),
        ("pro", Some(500))
    );
    let shown = run(store.clone(), AdminCommand::ShowBilling { workspace })
        .await
        .unwrap();
    assert!(
        shown.contains("suspended") && shown.contains("12.500000") && shown.contains("500 turns"),
        "{shown}"
    );
    run(store.clone(), AdminCommand::Resume { workspace })
        .await
        .unwrap();

    run(
        store.clone(),
        AdminCommand::RevokeKey {
            workspace,
            key: key.id,
        },
    )
    .await
    .unwrap();
    assert!(
        store
            .find_key_by_hash(&secret.hash())
            .await
            .unwrap()
            .unwrap()
            .revoked_at
            .is_some()
    );
    let bad = AdminCommand::CreateKey {
        workspace,
        name: "x".into(),
        abilities: "fly:high".into(),
        expires_at: None,
        rate_limit: None,
    };
    assert!(run(store.clone(), bad).await.is_err());

    // A lost workspace id is found again, and its keys (no secrets).
    let listed = run(store.clone(), AdminCommand::ListWorkspaces { limit: 10 })
        .await
        .unwrap();
    let line = listed.lines().nth(1).unwrap();
    assert!(
        line.starts_with(&workspace.to_string())
            && line.contains("Acme")
            && line.contains("active"),
        "{listed}"
    );
    let keys = run(store.clone(), AdminCommand::ListKeys { workspace })
        .await
        .unwrap();
    let line = keys.lines().nth(1).unwrap();
    assert!(
        line.starts_with(&key.id.to_string())
            && line.contains("revoked")
            && line.contains("bots:*,chat:send"),
        "{keys}"
    );
    assert!(!keys.contains(secret.expose()), "{keys}");
}

/// Admin commands open only a store that exists, and say which.
#[test]
fn admin_commands_refuse_a_store_that_does_not_exist() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nowhere").join("h.db");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_hania"))
        .args(["admin", "list-workspaces"])
        .env_clear()
        .env("DATABASE_URL", format!("sqlite://{}", missing.display()))
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("no store at sqlite://"), "{stderr}");
    assert!(!missing.exists() && !missing.parent().unwrap().exists());

    let existing = dir.path().join("h.db");
    let migrate = std::process::Command::new(env!("CARGO_BIN_EXE_hania"))
        .arg("migrate")
        .env_clear()
        .env("DATABASE_URL", format!("sqlite://{}", existing.display()))
        .output()
        .unwrap();
    assert!(migrate.status.success(), "{migrate:?}");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_hania"))
        .args(["admin", "list-workspaces"])
        .env_clear()
        .env("DATABASE_URL", format!("sqlite://{}", existing.display()))
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!("store: sqlite://{}", existing.display())),
        "{stderr}"
    );
    assert_eq!(
        String::from_utf8_lossy(&output.stdout).trim(),
        "no workspaces"
    );
}
