//! Chat turns counted by dialect and outcome (`hania_chat_turns_total`).

use hania_domain::completion::ProviderError;
use hania_domain::ports::StoreError;
use hania_domain::services::ChatError;
use hania_metrics::Outcome;

use super::AppState;

/// The outcome label of a turn that failed with `error`.
pub(crate) fn outcome_of(error: &ChatError) -> Outcome {
    match error {
        ChatError::Validation(_)
        | ChatError::InvalidMessage(_)
        | ChatError::NotFound(_)
        | ChatError::BotInactive => Outcome::Rejected,
        ChatError::Billing(_) => Outcome::Billing,
        ChatError::Upstream(ProviderError::Timeout) | ChatError::TurnTimeout { .. } => {
            Outcome::Timeout
        }
        ChatError::Upstream(_) | ChatError::NotJson => Outcome::UpstreamError,
        ChatError::ClientGone => Outcome::Interrupted,
        ChatError::Store(StoreError::Unavailable(_)) => Outcome::Unavailable,
        ChatError::Store(_) => Outcome::Error,
    }
}

impl AppState {
    /// Counts a turn of `dialect` that ended with `error` (`None`: it
    /// answered).
    pub(crate) fn count_turn(&self, dialect: &'static str, error: Option<&ChatError>) {
        let outcome = error.map_or(Outcome::Ok, outcome_of);
        self.metrics.series().chat_turn(dialect, outcome);
    }

    /// Counts a scheduled agent run that ended with `error` (`None`: it
    /// answered), as a run of the scheduler and as a chat turn.
    pub fn count_scheduled_run(&self, error: Option<&ChatError>) {
        let outcome = error.map_or(Outcome::Ok, outcome_of);
        self.metrics.series().scheduler_run(outcome);
        self.metrics.series().chat_turn("scheduled", outcome);
    }

    /// Counts a whole turn of `dialect` by its result, and returns it.
    pub(crate) fn counted<T>(
        &self,
        dialect: &'static str,
        result: Result<T, ChatError>,
    ) -> Result<T, ChatError> {
        self.count_turn(dialect, result.as_ref().err());
        result
    }
}
