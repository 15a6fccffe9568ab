use async_trait::async_trait;
use time::OffsetDateTime;

use super::StoreError;
use crate::call::RecordedCall;
use crate::conversation::Conversation;
use crate::ids::JobId;
use crate::job::{Job, JobState, NewJob};

/// Background jobs, claimed by workers for a lease.
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait JobStore: Send + Sync {
    /// Stores a queued job.
    ///
    /// # Errors
    /// MUST return `Conflict(IdExists)` for a known id.
    async fn enqueue_job(&self, job: &NewJob) -> Result<(), StoreError>;

    /// Claims up to `limit` jobs claimable at `now` (queued with
    /// `run_after` ≤ now, or running on a claim that lapsed before now),
    /// oldest `run_after` first: each becomes `running`, claimed by
    /// `worker` until `lease_until`, with one more attempt. Implementations
    /// MUST hand each claimable job to exactly one of any number of
    /// concurrent callers (on every instance sharing the store).
    ///
    /// # Errors
    /// Only on storage failure.
    async fn claim_jobs(
        &self,
        worker: &str,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
        limit: u32,
    ) -> Result<Vec<Job>, StoreError>;

    /// Marks a job `done`, if `worker` still holds its claim; returns
    /// whether it did (a worker whose claim lapsed and was taken over
    /// changes nothing).
    ///
    /// # Errors
    /// Only on storage failure.
    async fn finish_job(
        &self,
        id: JobId,
        worker: &str,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError>;

    /// After a failed attempt: `queued` again from `run_after` with
    /// `error` kept as `last_error`, or, with `run_after` `None`, `failed`
    /// for good; only if `worker` still holds the claim (returns whether).
    ///
    /// # Errors
    /// Only on storage failure.
    async fn fail_job(
        &self,
        id: JobId,
        worker: &str,
        error: &str,
        run_after: Option<OffsetDateTime>,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError>;

    /// Jobs (of one state, when given), newest first, at most `limit`.
    ///
    /// # Errors
    /// Only on storage failure.
    async fn list_jobs(&self, state: Option<JobState>, limit: u32) -> Result<Vec<Job>, StoreError>;
}

/// Calls recorded from an operator's voice stack.
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait CallStore: Send + Sync {
    /// Stores an ended call in one transaction: its `voice` conversation
    /// with `ended_at` set, its messages in order (positions from 1), and
    /// its post-call job; returns the conversation as stored.
    ///
    /// # Errors
    /// MUST return `NotFound` if the bot is not in the workspace,
    /// `Conflict(CallExists)` if the bot already has a voice conversation
    /// with this `external_call_id` (nothing is stored then).
    async fn record_call(&self, call: &RecordedCall) -> Result<Conversation, StoreError>;
}
