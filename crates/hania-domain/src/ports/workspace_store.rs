use async_trait::async_trait;
use time::OffsetDateTime;

use super::StoreError;
use crate::billing::{BillingAccount, BillingStatus, Plan};
use crate::ids::WorkspaceId;
use crate::workspace::Workspace;

/// Workspaces and their billing accounts.
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait WorkspaceStore: Send + Sync {
    /// Stores a workspace and its billing account together.
    ///
    /// # Errors
    /// MUST return `Conflict` if the id exists; MUST store neither row then.
    async fn create_workspace(
        &self,
        workspace: &Workspace,
        billing: &BillingAccount,
    ) -> Result<(), StoreError>;

    /// Loads a workspace.
    ///
    /// # Errors
    /// MUST return `NotFound` for an unknown id.
    async fn get_workspace(&self, id: WorkspaceId) -> Result<Workspace, StoreError>;

    /// The first `limit` workspaces, oldest first (for operators).
    ///
    /// # Errors
    /// Only on storage failure.
    async fn list_workspaces(&self, limit: u32) -> Result<Vec<Workspace>, StoreError>;

    /// How many workspaces exist (zero on a fresh store).
    ///
    /// # Errors
    /// Only on storage failure.
    async fn count_workspaces(&self) -> Result<u64, StoreError>;

    /// Loads a workspace's billing account, with the exact current balance.
    ///
    /// # Errors
    /// MUST return `NotFound` for an unknown workspace.
    async fn get_billing(&self, id: WorkspaceId) -> Result<BillingAccount, StoreError>;

    /// Suspends or reactivates a workspace.
    ///
    /// # Errors
    /// MUST return `NotFound` for an unknown workspace.
    async fn set_billing_status(
        &self,
        id: WorkspaceId,
        status: BillingStatus,
        at: OffsetDateTime,
    ) -> Result<(), StoreError>;

    /// Changes a workspace's plan; usage of the period is kept.
    ///
    /// # Errors
    /// MUST return `NotFound` for an unknown workspace.
    async fn set_plan(
        &self,
        id: WorkspaceId,
        plan: &Plan,
        at: OffsetDateTime,
    ) -> Result<(), StoreError>;
}
