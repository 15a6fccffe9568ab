use std::sync::Arc;

use crate::ability::AbilitySet;
use crate::api_key::KeySecret;
use crate::billing::{BillingAccount, BillingStatus, Plan, period_start_of};
use crate::ids::WorkspaceId;
use crate::money::Money;
use crate::ports::{ApiKeyStore, Clock, IdGenerator, WorkspaceStore};
use crate::services::keys::{AuthError, KeyService, NewAccountKey};
use crate::validation::check_required_text;
use crate::workspace::{DEFAULT_RATE_LIMIT_PER_HOUR, Workspace};

/// Name of the plan new workspaces start on.
pub const DEFAULT_PLAN: &str = "default";

/// What the first start of an empty store created.
#[derive(Debug)]
pub struct Bootstrap {
    /// The new workspace.
    pub workspace: Workspace,
    /// Its full-access key, to print once.
    pub secret: KeySecret,
}

/// Creates workspaces and the first-run bootstrap.
pub struct WorkspaceService {
    workspaces: Arc<dyn WorkspaceStore>,
    keys: Arc<dyn ApiKeyStore>,
    clock: Arc<dyn Clock>,
    ids: Arc<dyn IdGenerator>,
}

impl WorkspaceService {
    /// Builds the service over its ports.
    pub fn new(
        workspaces: Arc<dyn WorkspaceStore>,
        keys: Arc<dyn ApiKeyStore>,
        clock: Arc<dyn Clock>,
        ids: Arc<dyn IdGenerator>,
    ) -> Self {
        Self {
            workspaces,
            keys,
            clock,
            ids,
        }
    }

    /// Creates a workspace with an active billing account on the default
    /// plan (unlimited turns) and the given starting balance.
    pub async fn create(&self, name: &str, balance: Money) -> Result<Workspace, AuthError> {
        check_required_text("name", name, 200)?;
        let now = self.clock.now();
        let workspace = Workspace {
            id: WorkspaceId::from_uuid(self.ids.new_id()),
            name: name.to_owned(),
            default_rate_limit_per_hour: DEFAULT_RATE_LIMIT_PER_HOUR,
            created_at: now,
        };
        let billing = BillingAccount {
            workspace_id: workspace.id,
            status: BillingStatus::Active,
            plan: Plan {
                name: DEFAULT_PLAN.to_owned(),
                monthly_turn_allowance: None,
            },
            balance,
            period_start: period_start_of(now),
            period_turns_used: 0,
            updated_at: now,
        };
        self.workspaces
            .create_workspace(&workspace, &billing)
            .await?;
        Ok(workspace)
    }

    /// On a store with no workspace, creates one with `balance` and a
    /// full-access key (the operator's `bootstrap_key` if given, else a
    /// random one) and returns it; on any other store does nothing and
    /// returns `None`.
    pub async fn bootstrap(
        &self,
        bootstrap_key: Option<KeySecret>,
        balance: Money,
    ) -> Result<Option<Bootstrap>, AuthError> {
        if self.workspaces.count_workspaces().await? > 0 {
            return Ok(None);
        }
        let workspace = self.create("Default workspace", balance).await?;
        let keys = KeyService::new(self.keys.clone(), self.clock.clone(), self.ids.clone());
        let request = NewAccountKey {
            name: "bootstrap".to_owned(),
            abilities: AbilitySet::all(),
            expires_at: None,
            rate_limit_per_hour: None,
        };
        let (_, secret) = match bootstrap_key {
            Some(secret) => {
                keys.import_account_key(workspace.id, request, secret)
                    .await?
            }
            None => keys.issue_account_key(workspace.id, request).await?,
        };
        Ok(Some(Bootstrap { workspace, secret }))
    }
}

#[cfg(test)]
#[path = "workspaces_tests.rs"]
mod tests;
