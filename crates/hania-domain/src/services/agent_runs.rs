//! Agent runs: one agent turn on an input or the bot's `agent_goal`, in a
//! new conversation on channel `agent` — run now, or on the bot's
//! schedule. Scheduled slots are claimed in the store before they run, so
//! each runs once however many instances share it.

use time::OffsetDateTime;

use super::chat::ChatService;
use super::chat_types::{BotRef, ChatError, ChatReply, ChatRequest};
use crate::bot::Bot;
use crate::conversation::Channel;
use crate::ids::{BotId, WorkspaceId};
use crate::message::Role;
use crate::ports::{RunClaim, StoreError};
use crate::services::Resource;
use crate::validation::{ValidationError, check_text};

/// Most due runs claimed per scheduler tick.
pub const RUNS_PER_TICK: u32 = 32;

/// A scheduled run this instance claimed: it runs once, here.
#[derive(Debug, Clone, PartialEq)]
pub struct ScheduledRun {
    /// The bot, as it was when the run was claimed.
    pub bot: Bot,
    /// What the run asks (the bot's `agent_goal`).
    pub goal: String,
    /// When the run started (the bot's new `last_run_at`).
    pub started_at: OffsetDateTime,
}

fn agent_request(bot: BotId, message: String) -> ChatRequest {
    ChatRequest {
        bot: BotRef::Id(bot),
        message,
        external_user_id: None,
        conversation_id: None,
        new_conversation: true,
        agent_mode: true,
        channel: Channel::Agent,
    }
}

impl ChatService {
    /// Runs the bot once now, on `input` or else its `agent_goal`.
    ///
    /// # Errors
    /// `Validation` naming `input` when there is neither; otherwise as a
    /// chat turn (inactive bot, billing, upstream, timeout).
    pub async fn run_now(
        &self,
        ws: WorkspaceId,
        bot: BotId,
        input: Option<String>,
    ) -> Result<ChatReply, ChatError> {
        let message = match input.filter(|i| !i.trim().is_empty()) {
            Some(input) => {
                check_text("input", &input, super::MAX_MESSAGE_CHARS)?;
                input
            }
            // Only the goal needs the bot read here (the turn reads it too).
            None => {
                let found = self
                    .ports
                    .bots
                    .get_bot(ws, bot)
                    .await
                    .map_err(|e| match e {
                        StoreError::NotFound => ChatError::NotFound(Resource::Bot),
                        other => other.into(),
                    })?;
                found.agent_goal.ok_or_else(|| {
                    ValidationError::new("input", "is required: the bot has no agent_goal to run")
                })?
            }
        };
        self.send(ws, agent_request(bot, message)).await
    }

    /// Claims the scheduled runs due now (at most [`RUNS_PER_TICK`]): for
    /// each due bot, its slot moves to the next cron time after now, and
    /// only the runs this call won are returned. A slot missed while no
    /// instance ran is due once, not once per missed time.
    ///
    /// # Errors
    /// Only on storage failure.
    pub async fn claim_due_runs(&self) -> Result<Vec<ScheduledRun>, StoreError> {
        let now = self.ports.clock.now();
        let mut claimed = Vec::new();
        for bot in self.ports.runs.due_bots(now, RUNS_PER_TICK).await? {
            let (Some(due_at), Some(schedule), Some(goal)) =
                (bot.next_run_at, &bot.schedule, bot.agent_goal.clone())
            else {
                continue;
            };
            // The store lists active bots only; a bot deactivated since is
            // not run either way (the claim re-checks it).
            if !bot.is_active() {
                continue;
            }
            let claim = RunClaim {
                workspace: bot.workspace_id,
                bot: bot.id,
                due_at,
                next_run_at: schedule.next_after(now),
                started_at: now,
            };
            if self.ports.runs.claim_run(&claim).await? {
                claimed.push(ScheduledRun {
                    bot,
                    goal,
                    started_at: now,
                });
            }
        }
        Ok(claimed)
    }

    /// Runs a claimed scheduled run. A run refused by billing leaves an
    /// `agent` conversation whose trace says why (and nothing charged);
    /// a failed run is traced like any turn.
    ///
    /// # Errors
    /// As a chat turn.
    pub async fn run_scheduled(&self, run: &ScheduledRun) -> Result<ChatReply, ChatError> {
        let ws = run.bot.workspace_id;
        let request = agent_request(run.bot.id, run.goal.clone());
        match self.send(ws, request.clone()).await {
            Err(ChatError::Billing(refusal)) => {
                let now = self.ports.clock.now();
                let mut step = self.refusal_step(refusal, now);
                step.result_summary =
                    Some("scheduled run refused: no model call, no charge".into());
                let goal = self.message(Role::User, &run.goal, now);
                let new = self.new_conversation(ws, &run.bot, &request, now);
                self.start_with(new, vec![goal], vec![step], now).await?;
                Err(ChatError::Billing(refusal))
            }
            other => other,
        }
    }
}

#[cfg(test)]
#[path = "agent_runs_tests.rs"]
mod tests;
