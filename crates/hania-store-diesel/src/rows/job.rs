//! Rows of `jobs`.

use diesel::prelude::*;
use hania_domain::ids::{ConversationId, JobId, WorkspaceId};
use hania_domain::job::{Job, JobKind, JobState, NewJob};
use hania_domain::ports::StoreError;

use crate::conn::to_u32;
use crate::schema::jobs;
use crate::sql_types::{SqlTime, SqlUuid, sql_id};

/// A `jobs` row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = jobs)]
pub struct JobRow {
    pub id: SqlUuid,
    pub kind: String,
    pub workspace_id: SqlUuid,
    pub conversation_id: SqlUuid,
    pub state: String,
    pub attempts: i32,
    pub run_after: SqlTime,
    pub claimed_by: Option<String>,
    pub claimed_until: Option<SqlTime>,
    pub last_error: Option<String>,
    pub created_at: SqlTime,
    pub updated_at: SqlTime,
}

impl From<&NewJob> for JobRow {
    fn from(job: &NewJob) -> Self {
        Self {
            id: sql_id(job.id),
            kind: job.kind.as_str().to_owned(),
            workspace_id: sql_id(job.workspace_id),
            conversation_id: sql_id(job.conversation_id),
            state: JobState::Queued.as_str().to_owned(),
            attempts: 0,
            run_after: SqlTime(job.run_after),
            claimed_by: None,
            claimed_until: None,
            last_error: None,
            created_at: SqlTime(job.created_at),
            updated_at: SqlTime(job.created_at),
        }
    }
}

impl TryFrom<JobRow> for Job {
    type Error = StoreError;

    fn try_from(row: JobRow) -> Result<Self, StoreError> {
        let corrupt = |what: &str| StoreError::unexpected(format!("job {}: bad {what}", row.id.0));
        Ok(Job {
            id: JobId::from_uuid(row.id.0),
            kind: JobKind::parse(&row.kind).map_err(|_| corrupt("kind"))?,
            workspace_id: WorkspaceId::from_uuid(row.workspace_id.0),
            conversation_id: ConversationId::from_uuid(row.conversation_id.0),
            state: JobState::parse(&row.state).map_err(|_| corrupt("state"))?,
            attempts: to_u32(row.attempts, "attempts")?,
            run_after: row.run_after.0,
            claimed_by: row.claimed_by,
            claimed_until: row.claimed_until.map(|t| t.0),
            last_error: row.last_error,
            created_at: row.created_at.0,
            updated_at: row.updated_at.0,
        })
    }
}
