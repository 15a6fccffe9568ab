//! [`LedgerStore`].

use async_trait::async_trait;
use diesel::prelude::*;
use diesel_async::{AsyncConnection, RunQueryDsl};
use hania_domain::ids::WorkspaceId;
use hania_domain::ledger::{LedgerEntry, NewCredit};
use hania_domain::money::Money;
use hania_domain::page::Page;
use hania_domain::ports::{LedgerStore, StoreError};

use crate::DieselStore;
use crate::conn::DbError;
use crate::on_conn;
use crate::rows::ledger::LedgerRow;
use crate::schema::{billing_accounts, ledger_entries};
use crate::sql_types::{SqlTime, sql_id};
use crate::store::balance::change_balance_in;

#[async_trait]
impl LedgerStore for DieselStore {
    async fn add_credit(&self, credit: &NewCredit) -> Result<LedgerEntry, StoreError> {
        let mut conn = self.conn().await?;
        let row: LedgerRow = on_conn!(&mut conn, |c| {
            c.transaction(async |c| {
                let balance = change_balance_in!(
                    c,
                    credit.workspace_id,
                    credit.amount.micros(),
                    credit.created_at;
                    .await
                )?;
                let row = LedgerRow::from(&LedgerEntry {
                    id: credit.id,
                    workspace_id: credit.workspace_id,
                    kind: credit.kind,
                    amount: credit.amount,
                    balance_after: Money::from_micros(balance),
                    conversation_id: None,
                    message_id: None,
                    model: None,
                    prompt_tokens: 0,
                    completion_tokens: 0,
                    description: credit.description.clone(),
                    created_at: credit.created_at,
                });
                diesel::insert_into(ledger_entries::table)
                    .values(&row)
                    .execute(c)
                    .await?;
                Ok::<_, DbError>(row)
            })
            .await
        })?;
        row.try_into()
    }

    async fn list_ledger(
        &self,
        workspace: WorkspaceId,
        page: Page,
    ) -> Result<Vec<LedgerEntry>, StoreError> {
        let mut conn = self.conn().await?;
        let rows: Vec<LedgerRow> = on_conn!(&mut conn, |c| {
            ledger_entries::table
                .filter(ledger_entries::workspace_id.eq(sql_id(workspace)))
                .order((ledger_entries::created_at.desc(), ledger_entries::id.desc()))
                .limit(i64::from(page.limit()))
                .offset(i64::from(page.offset()))
                .select(LedgerRow::as_select())
                .load(c)
                .await
                .map_err(DbError::from)
        })?;
        rows.into_iter().map(LedgerEntry::try_from).collect()
    }
}
