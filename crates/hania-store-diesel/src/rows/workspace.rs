//! Rows of `workspaces` and `billing_accounts`.

use diesel::prelude::*;
use hania_domain::billing::{BillingAccount, BillingStatus, Plan};
use hania_domain::ids::WorkspaceId;
use hania_domain::money::Money;
use hania_domain::ports::StoreError;
use hania_domain::workspace::Workspace;
use time::Date;

use crate::conn::{to_i32, to_u32};
use crate::schema::{billing_accounts, workspaces};
use crate::sql_types::{SqlTime, SqlUuid, sql_id};

/// A `workspaces` row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = workspaces)]
pub struct WorkspaceRow {
    pub id: SqlUuid,
    pub name: String,
    pub default_rate_limit_per_hour: i32,
    pub created_at: SqlTime,
}

impl From<&Workspace> for WorkspaceRow {
    fn from(w: &Workspace) -> Self {
        Self {
            id: sql_id(w.id),
            name: w.name.clone(),
            default_rate_limit_per_hour: to_i32(w.default_rate_limit_per_hour),
            created_at: SqlTime(w.created_at),
        }
    }
}

impl TryFrom<WorkspaceRow> for Workspace {
    type Error = StoreError;

    fn try_from(row: WorkspaceRow) -> Result<Self, StoreError> {
        Ok(Workspace {
            id: WorkspaceId::from_uuid(row.id.0),
            name: row.name,
            default_rate_limit_per_hour: to_u32(row.default_rate_limit_per_hour, "rate limit")?,
            created_at: row.created_at.0,
        })
    }
}

/// A `billing_accounts` row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = billing_accounts)]
pub struct BillingRow {
    pub workspace_id: SqlUuid,
    pub status: String,
    pub plan_name: String,
    pub monthly_turn_allowance: Option<i32>,
    pub balance_micros: i64,
    pub period_start: Date,
    pub period_turns_used: i32,
    pub updated_at: SqlTime,
}

impl From<&BillingAccount> for BillingRow {
    fn from(b: &BillingAccount) -> Self {
        Self {
            workspace_id: sql_id(b.workspace_id),
            status: b.status.as_str().to_owned(),
            plan_name: b.plan.name.clone(),
            monthly_turn_allowance: b.plan.monthly_turn_allowance.map(to_i32),
            balance_micros: b.balance.micros(),
            period_start: b.period_start,
            period_turns_used: to_i32(b.period_turns_used),
            updated_at: SqlTime(b.updated_at),
        }
    }
}

impl TryFrom<BillingRow> for BillingAccount {
    type Error = StoreError;

    fn try_from(row: BillingRow) -> Result<Self, StoreError> {
        Ok(BillingAccount {
            workspace_id: WorkspaceId::from_uuid(row.workspace_id.0),
            status: BillingStatus::parse(&row.status).ok_or_else(|| {
                StoreError::unexpected(format!("billing status '{}'", row.status))
            })?,
            plan: Plan {
                name: row.plan_name,
                monthly_turn_allowance: row
                    .monthly_turn_allowance
                    .map(|a| to_u32(a, "allowance"))
                    .transpose()?,
            },
            balance: Money::from_micros(row.balance_micros),
            period_start: row.period_start,
            period_turns_used: to_u32(row.period_turns_used, "turns used")?,
            updated_at: row.updated_at.0,
        })
    }
}
