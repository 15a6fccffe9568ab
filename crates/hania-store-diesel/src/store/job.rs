//! [`JobStore`] and [`CallStore`]: background jobs claimed for a lease,
//! and an ended call written with its messages and its post-call job in
//! one transaction. A claim is a conditional `UPDATE` (the job must still
//! be claimable), so each job goes to one worker on both backends;
//! PostgreSQL also skips rows another claimer has locked (`FOR UPDATE
//! SKIP LOCKED`), so concurrent workers do not wait on each other.

use async_trait::async_trait;
use diesel::prelude::*;
use diesel_async::{AsyncConnection, RunQueryDsl};
use hania_domain::call::RecordedCall;
use hania_domain::conversation::{Conversation, preview_of};
use hania_domain::ids::JobId;
use hania_domain::job::{Job, JobState, NewJob};
use hania_domain::ports::{CallStore, JobStore, StoreError};
use time::OffsetDateTime;

use super::bot::bot_exists;
use crate::DieselStore;
use crate::conn::{DbError, PooledConn, to_i32};
use crate::on_conn;
use crate::rows::conversation::ConversationRow;
use crate::rows::job::JobRow;
use crate::rows::message::MessageRow;
use crate::schema::{conversations, jobs, messages};
use crate::sql_types::{SqlTime, SqlUuid, sql_id};

/// Jobs claimable at `now`: queued and due, or running on a lapsed claim.
macro_rules! claimable {
    ($now:expr) => {
        jobs::state
            .eq(JobState::Queued.as_str())
            .and(jobs::run_after.le(SqlTime($now)))
            .or(jobs::state
                .eq(JobState::Running.as_str())
                .and(jobs::claimed_until.lt(SqlTime($now))))
    };
}

/// Claims the jobs of `ids` that are still claimable; evaluates to the
/// claimed rows.
macro_rules! claim_each {
    ($c:ident, $ids:expr, $worker:expr, $now:expr, $until:expr) => {{
        let mut claimed: Vec<JobRow> = Vec::new();
        for id in $ids {
            let row: Option<JobRow> =
                diesel::update(jobs::table.filter(jobs::id.eq(id)).filter(claimable!($now)))
                    .set((
                        jobs::state.eq(JobState::Running.as_str()),
                        jobs::attempts.eq(jobs::attempts + 1),
                        jobs::claimed_by.eq(Some($worker)),
                        jobs::claimed_until.eq(Some(SqlTime($until))),
                        jobs::updated_at.eq(SqlTime($now)),
                    ))
                    .returning(JobRow::as_returning())
                    .get_result($c)
                    .await
                    .optional()?;
            claimed.extend(row);
        }
        Ok::<_, DbError>(claimed)
    }};
}

#[async_trait]
impl JobStore for DieselStore {
    async fn enqueue_job(&self, job: &NewJob) -> Result<(), StoreError> {
        let row = JobRow::from(job);
        let mut conn = self.conn().await?;
        on_conn!(&mut conn, |c| {
            diesel::insert_into(jobs::table)
                .values(&row)
                .execute(c)
                .await
                .map_err(DbError::from)
        })?;
        Ok(())
    }

    async fn claim_jobs(
        &self,
        worker: &str,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
        limit: u32,
    ) -> Result<Vec<Job>, StoreError> {
        let mut conn = self.conn().await?;
        let candidates = jobs::table
            .filter(claimable!(now))
            .order((jobs::run_after.asc(), jobs::id.asc()))
            .limit(i64::from(limit))
            .select(jobs::id);
        let rows: Vec<JobRow> = match &mut conn {
            PooledConn::Postgres(object) => {
                let c: &mut diesel_async::AsyncPgConnection = object;
                c.transaction(async |c| {
                    let ids: Vec<SqlUuid> = candidates.for_update().skip_locked().load(c).await?;
                    claim_each!(c, ids, worker, now, lease_until)
                })
                .await?
            }
            // No transaction: a deferred one that reads first cannot
            // upgrade to writing under a concurrent writer (SQLITE_BUSY);
            // each conditional UPDATE is atomic on its own.
            PooledConn::Sqlite(object) => {
                let c: &mut crate::conn::SqliteConn = object;
                async {
                    let ids: Vec<SqlUuid> = candidates.load(c).await?;
                    claim_each!(c, ids, worker, now, lease_until)
                }
                .await?
            }
        };
        rows.into_iter().map(Job::try_from).collect()
    }

    async fn finish_job(
        &self,
        id: JobId,
        worker: &str,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        self.end_attempt(id, worker, JobState::Done, None, None, now)
            .await
    }

    async fn fail_job(
        &self,
        id: JobId,
        worker: &str,
        error: &str,
        run_after: Option<OffsetDateTime>,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let state = match run_after {
            Some(_) => JobState::Queued,
            None => JobState::Failed,
        };
        self.end_attempt(id, worker, state, Some(error), run_after, now)
            .await
    }

    async fn list_jobs(&self, state: Option<JobState>, limit: u32) -> Result<Vec<Job>, StoreError> {
        let mut conn = self.conn().await?;
        let rows: Vec<JobRow> = on_conn!(&mut conn, |c| {
            let mut query = jobs::table
                .order((jobs::created_at.desc(), jobs::id.desc()))
                .limit(i64::from(limit))
                .select(JobRow::as_select())
                .into_boxed();
            if let Some(state) = state {
                query = query.filter(jobs::state.eq(state.as_str()));
            }
            query.load(c).await.map_err(DbError::from)
        })?;
        rows.into_iter().map(Job::try_from).collect()
    }
}

impl DieselStore {
    /// Ends the attempt `worker` holds: the new state, the error, when it
    /// may run again; the claim is dropped. Whether the worker still held it.
    async fn end_attempt(
        &self,
        id: JobId,
        worker: &str,
        state: JobState,
        error: Option<&str>,
        run_after: Option<OffsetDateTime>,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let mut conn = self.conn().await?;
        let changed = on_conn!(&mut conn, |c| {
            let target = jobs::table
                .filter(jobs::id.eq(sql_id(id)))
                .filter(jobs::state.eq(JobState::Running.as_str()))
                .filter(jobs::claimed_by.eq(worker));
            let set = (
                jobs::state.eq(state.as_str()),
                jobs::claimed_by.eq(None::<String>),
                jobs::claimed_until.eq(None::<SqlTime>),
                jobs::updated_at.eq(SqlTime(now)),
            );
            match (error, run_after) {
                (Some(error), Some(at)) => {
                    diesel::update(target)
                        .set((
                            set,
                            jobs::last_error.eq(error),
                            jobs::run_after.eq(SqlTime(at)),
                        ))
                        .execute(c)
                        .await
                }
                (Some(error), None) => {
                    diesel::update(target)
                        .set((set, jobs::last_error.eq(error)))
                        .execute(c)
                        .await
                }
                (None, _) => diesel::update(target).set(set).execute(c).await,
            }
            .map_err(DbError::from)
        })?;
        Ok(changed == 1)
    }
}

#[async_trait]
impl CallStore for DieselStore {
    async fn record_call(&self, call: &RecordedCall) -> Result<Conversation, StoreError> {
        let new = &call.conversation;
        if !bot_exists(self, new.workspace_id, new.bot_id).await? {
            return Err(StoreError::NotFound);
        }
        let mut row = ConversationRow::from(new);
        row.ended_at = Some(SqlTime(call.ended_at));
        row.message_count = to_i32(u32::try_from(call.messages.len()).unwrap_or(u32::MAX));
        if let Some(last) = call.messages.last() {
            row.last_message_at = Some(SqlTime(last.created_at));
            row.last_message_preview = Some(preview_of(&last.content));
        }
        let message_rows: Vec<MessageRow> = call
            .messages
            .iter()
            .enumerate()
            .map(|(i, m)| MessageRow::new(new.id, u32::try_from(i + 1).unwrap_or(u32::MAX), m))
            .collect();
        let job = JobRow::from(&call.job);
        let mut conn = self.conn().await?;
        on_conn!(&mut conn, |c| {
            c.transaction(async |c| {
                diesel::insert_into(conversations::table)
                    .values(&row)
                    .execute(c)
                    .await?;
                // One statement per message: SQLite cannot insert rows
                // with NULL defaults in one multi-row statement.
                for message in &message_rows {
                    diesel::insert_into(messages::table)
                        .values(message)
                        .execute(c)
                        .await?;
                }
                diesel::insert_into(jobs::table)
                    .values(&job)
                    .execute(c)
                    .await?;
                Ok::<_, DbError>(())
            })
            .await
        })?;
        row.try_into()
    }
}
