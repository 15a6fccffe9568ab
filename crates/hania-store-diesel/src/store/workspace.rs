//! [`WorkspaceStore`] and [`StoreHealth`].

use async_trait::async_trait;
use diesel::prelude::*;
use diesel_async::{AsyncConnection, RunQueryDsl};
use hania_domain::billing::{BillingAccount, BillingStatus, Plan};
use hania_domain::ids::WorkspaceId;
use hania_domain::ports::{StoreError, StoreHealth, WorkspaceStore};
use hania_domain::workspace::Workspace;
use time::OffsetDateTime;

use super::lookups::billing_of;
use crate::DieselStore;
use crate::conn::{DbError, to_i32};
use crate::on_conn;
use crate::rows::workspace::{BillingRow, WorkspaceRow};
use crate::schema::{billing_accounts, workspaces};
use crate::sql_types::{SqlTime, sql_id};

/// Turns "no row changed" into `NotFound`.
pub(crate) fn one_row(changed: usize) -> Result<(), StoreError> {
    if changed == 0 {
        Err(StoreError::NotFound)
    } else {
        Ok(())
    }
}

#[async_trait]
impl WorkspaceStore for DieselStore {
    async fn create_workspace(
        &self,
        workspace: &Workspace,
        billing: &BillingAccount,
    ) -> Result<(), StoreError> {
        let (w, b) = (WorkspaceRow::from(workspace), BillingRow::from(billing));
        let mut conn = self.conn().await?;
        on_conn!(&mut conn, |c| {
            c.transaction(async |c| {
                diesel::insert_into(workspaces::table)
                    .values(&w)
                    .execute(c)
                    .await?;
                diesel::insert_into(billing_accounts::table)
                    .values(&b)
                    .execute(c)
                    .await?;
                Ok::<_, DbError>(())
            })
            .await
        })?;
        Ok(())
    }

    async fn get_workspace(&self, id: WorkspaceId) -> Result<Workspace, StoreError> {
        let mut conn = self.conn().await?;
        let row: WorkspaceRow = on_conn!(&mut conn, |c| {
            workspaces::table
                .find(sql_id(id))
                .select(WorkspaceRow::as_select())
                .first(c)
                .await
                .map_err(DbError::from)
        })?;
        row.try_into()
    }

    async fn list_workspaces(&self, limit: u32) -> Result<Vec<Workspace>, StoreError> {
        let mut conn = self.conn().await?;
        let rows: Vec<WorkspaceRow> = on_conn!(&mut conn, |c| {
            workspaces::table
                .order((workspaces::created_at.asc(), workspaces::id.asc()))
                .limit(i64::from(limit))
                .select(WorkspaceRow::as_select())
                .load(c)
                .await
                .map_err(DbError::from)
        })?;
        rows.into_iter().map(TryInto::try_into).collect()
    }

    async fn count_workspaces(&self) -> Result<u64, StoreError> {
        let mut conn = self.conn().await?;
        let count: i64 = on_conn!(&mut conn, |c| {
            workspaces::table
                .count()
                .get_result(c)
                .await
                .map_err(DbError::from)
        })?;
        Ok(u64::try_from(count).unwrap_or(0))
    }

    async fn get_billing(&self, id: WorkspaceId) -> Result<BillingAccount, StoreError> {
        let mut conn = self.conn().await?;
        let row: BillingRow = on_conn!(&mut conn, |c| {
            billing_of!(id).first(c).await.map_err(DbError::from)
        })?;
        row.try_into()
    }

    async fn set_billing_status(
        &self,
        id: WorkspaceId,
        status: BillingStatus,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let mut conn = self.conn().await?;
        let changed = on_conn!(&mut conn, |c| {
            diesel::update(billing_accounts::table.find(sql_id(id)))
                .set((
                    billing_accounts::status.eq(status.as_str()),
                    billing_accounts::updated_at.eq(SqlTime(at)),
                ))
                .execute(c)
                .await
                .map_err(DbError::from)
        })?;
        one_row(changed)
    }

    async fn set_plan(
        &self,
        id: WorkspaceId,
        plan: &Plan,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let allowance = plan.monthly_turn_allowance.map(to_i32);
        let mut conn = self.conn().await?;
        let changed = on_conn!(&mut conn, |c| {
            diesel::update(billing_accounts::table.find(sql_id(id)))
                .set((
                    billing_accounts::plan_name.eq(&plan.name),
                    billing_accounts::monthly_turn_allowance.eq(allowance),
                    billing_accounts::updated_at.eq(SqlTime(at)),
                ))
                .execute(c)
                .await
                .map_err(DbError::from)
        })?;
        one_row(changed)
    }
}

#[async_trait]
impl StoreHealth for DieselStore {
    async fn ping(&self) -> Result<(), StoreError> {
        let mut conn = self.conn().await?;
        on_conn!(&mut conn, |c| {
            diesel::select(diesel::dsl::sql::<diesel::sql_types::Integer>("1"))
                .execute(c)
                .await
                .map_err(DbError::from)
        })
        .map_err(|e| StoreError::Unavailable(e.0.to_string()))?;
        Ok(())
    }
}
