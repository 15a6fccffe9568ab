//! Background jobs kept in the database (post-call processing): what one
//! is, its states, and the retry schedule. A job is claimed for a lease;
//! a claim that outlives its lease (a crashed instance) is claimed again.

use time::{Duration, OffsetDateTime};

use crate::ids::{ConversationId, JobId, WorkspaceId};
use crate::wire_enum::wire_enum;

wire_enum!(
    /// What a job does.
    JobKind, "kind", {
        /// Analysis and post-call hooks of an ended voice conversation.
        PostCall = "post_call",
    }
);

wire_enum!(
    /// Where a job is in its life.
    JobState, "state", {
        /// Waiting for `run_after`.
        Queued = "queued",
        /// Claimed by a worker until `claimed_until`.
        Running = "running",
        /// Finished.
        Done = "done",
        /// Gave up after its last attempt.
        Failed = "failed",
    }
);

/// Most attempts of one job before it is failed.
pub const MAX_JOB_ATTEMPTS: u32 = 5;

/// How long a claim lasts before another worker may take the job over.
pub const JOB_LEASE: Duration = Duration::seconds(120);

/// The wait before attempt `attempts + 1` after a failed attempt: 5 s,
/// 25 s, 125 s, … at most 10 minutes.
pub fn retry_delay(attempts: u32) -> Duration {
    let seconds = 5_i64.saturating_mul(5_i64.saturating_pow(attempts.saturating_sub(1)));
    Duration::seconds(seconds.min(600))
}

/// A job to store.
#[derive(Debug, Clone, PartialEq)]
pub struct NewJob {
    /// Job id.
    pub id: JobId,
    /// What it does.
    pub kind: JobKind,
    /// The workspace it works for.
    pub workspace_id: WorkspaceId,
    /// The conversation it is about.
    pub conversation_id: ConversationId,
    /// Not before.
    pub run_after: OffsetDateTime,
    /// When it was made.
    pub created_at: OffsetDateTime,
}

impl NewJob {
    /// The post-call job of a voice conversation, due at once.
    pub fn post_call(
        id: JobId,
        workspace_id: WorkspaceId,
        conversation_id: ConversationId,
        now: OffsetDateTime,
    ) -> Self {
        Self {
            id,
            kind: JobKind::PostCall,
            workspace_id,
            conversation_id,
            run_after: now,
            created_at: now,
        }
    }
}

/// A stored job.
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    /// Job id.
    pub id: JobId,
    /// What it does.
    pub kind: JobKind,
    /// The workspace it works for.
    pub workspace_id: WorkspaceId,
    /// The conversation it is about.
    pub conversation_id: ConversationId,
    /// Its state.
    pub state: JobState,
    /// Attempts started so far (a claim starts one).
    pub attempts: u32,
    /// Not before.
    pub run_after: OffsetDateTime,
    /// The worker holding the claim.
    pub claimed_by: Option<String>,
    /// When the claim lapses.
    pub claimed_until: Option<OffsetDateTime>,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    /// When it was made.
    pub created_at: OffsetDateTime,
    /// Last change.
    pub updated_at: OffsetDateTime,
}

/// What a worker does with a job after an attempt that failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterFailure {
    /// Run it again, not before this instant.
    RetryAt(OffsetDateTime),
    /// Give up: that was the last attempt.
    GiveUp,
}

impl Job {
    /// What follows a failed attempt at `now`: a retry with backoff, or,
    /// after [`MAX_JOB_ATTEMPTS`], giving up.
    pub fn after_failure(&self, now: OffsetDateTime) -> AfterFailure {
        if self.attempts >= MAX_JOB_ATTEMPTS {
            AfterFailure::GiveUp
        } else {
            AfterFailure::RetryAt(now + retry_delay(self.attempts))
        }
    }

    /// Whether a worker may claim it at `now`: queued and due, or running
    /// on a lapsed claim.
    pub fn claimable_at(&self, now: OffsetDateTime) -> bool {
        match self.state {
            JobState::Queued => self.run_after <= now,
            JobState::Running => self.claimed_until.is_none_or(|until| until < now),
            JobState::Done | JobState::Failed => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;
    use uuid::Uuid;

    use super::*;

    const NOW: OffsetDateTime = datetime!(2026-12-02 10:00 UTC);

    fn job(state: JobState, attempts: u32) -> Job {
        Job {
            id: JobId::from_uuid(Uuid::nil()),
            kind: JobKind::PostCall,
            workspace_id: WorkspaceId::from_uuid(Uuid::nil()),
            conversation_id: ConversationId::from_uuid(Uuid::nil()),
            state,
            attempts,
            run_after: NOW,
            claimed_by: None,
            claimed_until: None,
            last_error: None,
            created_at: NOW,
            updated_at: NOW,
        }
    }

    #[test]
    fn failures_back_off_then_give_up() {
        let delays: Vec<i64> = (1..=5).map(|a| retry_delay(a).whole_seconds()).collect();
        assert_eq!(delays, [5, 25, 125, 600, 600]);
        assert_eq!(
            job(JobState::Running, 1).after_failure(NOW),
            AfterFailure::RetryAt(NOW + Duration::seconds(5))
        );
        assert_eq!(
            job(JobState::Running, 3).after_failure(NOW),
            AfterFailure::RetryAt(NOW + Duration::seconds(125))
        );
        assert_eq!(
            job(JobState::Running, MAX_JOB_ATTEMPTS).after_failure(NOW),
            AfterFailure::GiveUp
        );
    }

    #[test]
    fn due_jobs_and_lapsed_claims_are_claimable() {
        let mut queued = job(JobState::Queued, 0);
        assert!(queued.claimable_at(NOW));
        queued.run_after = NOW + Duration::seconds(1);
        assert!(!queued.claimable_at(NOW), "not yet due");
        let mut running = job(JobState::Running, 1);
        running.claimed_until = Some(NOW + JOB_LEASE);
        assert!(!running.claimable_at(NOW), "claimed");
        running.claimed_until = Some(NOW - Duration::seconds(1));
        assert!(running.claimable_at(NOW), "a crashed worker's claim lapsed");
        assert!(!job(JobState::Done, 1).claimable_at(NOW));
        assert!(!job(JobState::Failed, 5).claimable_at(NOW));
    }
}
