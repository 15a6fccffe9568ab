use async_trait::async_trait;
use time::OffsetDateTime;

use super::StoreError;
use crate::bot::Bot;
use crate::ids::{BotId, WorkspaceId};

/// A scheduled run an instance claims before running it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunClaim {
    /// The bot's workspace.
    pub workspace: WorkspaceId,
    /// The bot.
    pub bot: BotId,
    /// The `next_run_at` the claimer saw (the slot being claimed).
    pub due_at: OffsetDateTime,
    /// The `next_run_at` after the run (`None`: no further run).
    pub next_run_at: Option<OffsetDateTime>,
    /// When the run starts (the new `last_run_at`).
    pub started_at: OffsetDateTime,
}

/// Scheduled agent runs, across every workspace (the scheduler's view).
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait AgentRunStore: Send + Sync {
    /// The bots of any workspace whose scheduled run is due at `now`:
    /// active, with a `schedule` and an `agent_goal`, and `next_run_at` at
    /// or before `now`; the longest overdue first, at most `limit`. MUST be
    /// index-backed (on `next_run_at`).
    ///
    /// # Errors
    /// Only on storage failure.
    async fn due_bots(&self, now: OffsetDateTime, limit: u32) -> Result<Vec<Bot>, StoreError>;

    /// Claims one slot: sets `next_run_at` to `claim.next_run_at` and
    /// `last_run_at` to `claim.started_at` only if the bot is still active
    /// and its `next_run_at` still equals `claim.due_at`, and answers
    /// whether this call did so. MUST be atomic in the database (one
    /// conditional `UPDATE`, or a row lock), so that of any number of
    /// concurrent claimers of a slot, on any number of instances, exactly
    /// one wins.
    ///
    /// # Errors
    /// Only on storage failure (a lost race is `Ok(false)`).
    async fn claim_run(&self, claim: &RunClaim) -> Result<bool, StoreError>;
}
