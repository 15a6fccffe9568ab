//! [`AgentRunStore`]: due scheduled runs, and claiming a slot with one
//! conditional `UPDATE` (the compare-and-set that makes a slot run once
//! across instances).

use async_trait::async_trait;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use hania_domain::bot::{Bot, BotStatus};
use hania_domain::ports::{AgentRunStore, RunClaim, StoreError};
use time::OffsetDateTime;

use crate::DieselStore;
use crate::conn::DbError;
use crate::on_conn;
use crate::rows::bot::BotRow;
use crate::schema::bots;
use crate::sql_types::{SqlTime, sql_id};

#[async_trait]
impl AgentRunStore for DieselStore {
    async fn due_bots(&self, now: OffsetDateTime, limit: u32) -> Result<Vec<Bot>, StoreError> {
        let mut conn = self.conn().await?;
        let rows: Vec<BotRow> = on_conn!(&mut conn, |c| {
            bots::table
                .filter(bots::next_run_at.le(SqlTime(now)))
                .filter(bots::status.eq(BotStatus::Active.as_str()))
                .filter(bots::schedule.is_not_null())
                .filter(bots::agent_goal.is_not_null())
                .order((bots::next_run_at.asc(), bots::id.asc()))
                .limit(i64::from(limit))
                .select(BotRow::as_select())
                .load(c)
                .await
                .map_err(DbError::from)
        })?;
        rows.into_iter().map(Bot::try_from).collect()
    }

    async fn claim_run(&self, claim: &RunClaim) -> Result<bool, StoreError> {
        let mut conn = self.conn().await?;
        let changed = on_conn!(&mut conn, |c| {
            diesel::update(
                bots::table
                    .filter(bots::id.eq(sql_id(claim.bot)))
                    .filter(bots::workspace_id.eq(sql_id(claim.workspace)))
                    .filter(bots::status.eq(BotStatus::Active.as_str()))
                    .filter(bots::next_run_at.eq(SqlTime(claim.due_at))),
            )
            .set((
                bots::next_run_at.eq(claim.next_run_at.map(SqlTime)),
                bots::last_run_at.eq(Some(SqlTime(claim.started_at))),
            ))
            .execute(c)
            .await
            .map_err(DbError::from)
        })?;
        Ok(changed == 1)
    }
}
