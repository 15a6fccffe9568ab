//! Running background jobs: a worker claims due jobs for a lease, runs
//! each, and marks it done, or queues it again with backoff, or fails it
//! after its last attempt. A claim that outlives its lease (a crashed
//! instance) is claimed again by any worker.

use time::{Duration, OffsetDateTime};

use super::chat::ChatService;
use super::chat_types::ChatError;
use crate::job::{AfterFailure, Job, JobKind};
use crate::ports::StoreError;

/// Most jobs one worker claims per tick.
pub const JOBS_PER_TICK: u32 = 8;

/// How a job's attempt ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobRun {
    /// It is done.
    Done,
    /// It failed and runs again from this instant.
    Retry(OffsetDateTime, String),
    /// It failed its last attempt.
    Failed(String),
    /// Another worker took it over (this one's lease lapsed): nothing
    /// recorded.
    Lost,
}

impl ChatService {
    /// Claims up to [`JOBS_PER_TICK`] due jobs for `worker`, each for
    /// `lease`.
    ///
    /// # Errors
    /// Only on storage failure.
    pub async fn claim_jobs(&self, worker: &str, lease: Duration) -> Result<Vec<Job>, StoreError> {
        let now = self.ports.clock.now();
        self.ports
            .jobs
            .claim_jobs(worker, now, now + lease, JOBS_PER_TICK)
            .await
    }

    /// Runs a job `worker` claimed and records how it ended.
    ///
    /// # Errors
    /// Only when that record itself fails (the job's lease then lapses and
    /// it runs again).
    pub async fn run_job(&self, worker: &str, job: &Job) -> Result<JobRun, StoreError> {
        let outcome = match job.kind {
            JobKind::PostCall => self
                .run_post_call(job.workspace_id, job.conversation_id)
                .await
                .map(|_| ()),
        };
        let now = self.ports.clock.now();
        let jobs = &self.ports.jobs;
        let (recorded, run) = match outcome {
            Ok(()) => (jobs.finish_job(job.id, worker, now).await?, JobRun::Done),
            Err(error) => {
                // A call deleted meanwhile will not come back.
                let gone = matches!(
                    error,
                    ChatError::NotFound(_) | ChatError::Store(StoreError::NotFound)
                );
                let error = error.to_string();
                let next = if gone {
                    AfterFailure::GiveUp
                } else {
                    job.after_failure(now)
                };
                match next {
                    AfterFailure::RetryAt(at) => (
                        jobs.fail_job(job.id, worker, &error, Some(at), now).await?,
                        JobRun::Retry(at, error),
                    ),
                    AfterFailure::GiveUp => (
                        jobs.fail_job(job.id, worker, &error, None, now).await?,
                        JobRun::Failed(error),
                    ),
                }
            }
        };
        Ok(if recorded { run } else { JobRun::Lost })
    }
}
