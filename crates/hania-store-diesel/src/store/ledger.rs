//! [`LedgerStore`] and [`TurnStore`].

use async_trait::async_trait;
use diesel::prelude::*;
use diesel_async::{AsyncConnection, RunQueryDsl};
use hania_domain::ids::WorkspaceId;
use hania_domain::ledger::{LedgerEntry, LedgerKind, NewCredit};
use hania_domain::message::Message;
use hania_domain::money::Money;
use hania_domain::page::Page;
use hania_domain::ports::{LedgerStore, StoreError, TurnStore};
use hania_domain::trace::TraceStep;
use hania_domain::turn::{RecordedTurn, TurnRecord};
use time::OffsetDateTime;

use super::append::{append_messages_in, append_steps_in};
use crate::DieselStore;
use crate::conn::DbError;
use crate::on_conn;
use crate::rows::ledger::LedgerRow;
use crate::schema::{billing_accounts, ledger_entries};
use crate::sql_types::{SqlTime, sql_id};

/// Adds `$delta` micros to the balance in one atomic `UPDATE … RETURNING`
/// (never read-modify-write); evaluates to the new balance.
macro_rules! change_balance_in {
    ($c:expr, $ws:expr, $delta:expr, $at:expr) => {
        diesel::update(billing_accounts::table.find(sql_id($ws)))
            .set((
                billing_accounts::balance_micros.eq(billing_accounts::balance_micros + $delta),
                billing_accounts::updated_at.eq(SqlTime($at)),
            ))
            .returning(billing_accounts::balance_micros)
            .get_result::<i64>($c)
            .await
            .optional()?
            .ok_or(DbError(StoreError::NotFound))
    };
}

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
                    credit.created_at
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

#[async_trait]
impl TurnStore for DieselStore {
    async fn record_turn(&self, turn: &TurnRecord) -> Result<RecordedTurn, StoreError> {
        let (ws, conv, at): (WorkspaceId, _, OffsetDateTime) =
            (turn.workspace_id, turn.conversation_id, turn.recorded_at);
        let mut conn = self.conn().await?;
        let (messages, steps, ledger) = on_conn!(&mut conn, |c| {
            c.transaction(async |c| {
                // Writes only, and the billing row first: on SQLite the
                // first statement takes the write lock, so concurrent turns
                // queue instead of failing on a lock upgrade.
                let mut ledger = None;
                if let Some(charge) = &turn.charge {
                    diesel::update(
                        billing_accounts::table
                            .find(sql_id(ws))
                            .filter(billing_accounts::period_start.ne(charge.period_start)),
                    )
                    .set((
                        billing_accounts::period_start.eq(charge.period_start),
                        billing_accounts::period_turns_used.eq(0),
                    ))
                    .execute(c)
                    .await?;
                    diesel::update(billing_accounts::table.find(sql_id(ws)))
                        .set(
                            billing_accounts::period_turns_used
                                .eq(billing_accounts::period_turns_used + 1),
                        )
                        .execute(c)
                        .await?;
                    let balance = change_balance_in!(c, ws, -charge.cost.micros(), at)?;
                    ledger = Some(LedgerRow::from(&LedgerEntry {
                        id: charge.entry_id,
                        workspace_id: ws,
                        kind: LedgerKind::Charge,
                        amount: -charge.cost,
                        balance_after: Money::from_micros(balance),
                        conversation_id: Some(conv),
                        message_id: charge.message_id,
                        model: Some(charge.model.clone()),
                        prompt_tokens: charge.prompt_tokens,
                        completion_tokens: charge.completion_tokens,
                        description: format!("Model turn ({})", charge.model),
                        created_at: at,
                    }));
                }
                let messages = append_messages_in!(c, ws, conv, &turn.messages).await?;
                let steps = append_steps_in!(c, ws, conv, &turn.trace_steps).await?;
                if let Some(row) = &ledger {
                    diesel::insert_into(ledger_entries::table)
                        .values(row)
                        .execute(c)
                        .await?;
                }
                Ok::<_, DbError>((messages, steps, ledger))
            })
            .await
        })?;
        Ok(RecordedTurn {
            messages: messages
                .into_iter()
                .map(Message::try_from)
                .collect::<Result<_, _>>()?,
            trace_steps: steps
                .into_iter()
                .map(TraceStep::try_from)
                .collect::<Result<_, _>>()?,
            ledger_entry: ledger.map(LedgerEntry::try_from).transpose()?,
        })
    }
}
