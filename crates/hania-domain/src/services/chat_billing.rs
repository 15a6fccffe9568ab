//! What a chat turn holds and how it is priced: the hold taken before the
//! model call, and the models charged at the default price for want of a
//! configured one.

use time::OffsetDateTime;

use super::chat::{ChatService, HOLD_LIFETIME};
use super::chat_prompt::estimate_tokens;
use crate::pricing::price_of;
use crate::turn::TurnHold;

impl ChatService {
    /// The models this instance charged at the default price because no
    /// configured price applied (shown by billing, so no model is silently
    /// free).
    pub fn unpriced_models(&self) -> Vec<String> {
        self.unpriced
            .lock()
            .map(|models| models.iter().cloned().collect())
            .unwrap_or_default()
    }

    pub(super) fn note_unpriced(&self, model: &str) {
        if let Ok(mut models) = self.unpriced.lock()
            && !models.contains(model)
        {
            models.insert(model.to_owned());
        }
    }

    /// The most a turn of `model` answering `message` can cost, held
    /// against the balance while it runs: the whole prompt budget plus the
    /// message, and `completion_hold_tokens` of answer. `None` for a model
    /// without a price (nothing to hold).
    pub(super) fn hold_for(
        &self,
        model: &str,
        message: &str,
        now: OffsetDateTime,
    ) -> Option<TurnHold> {
        let price = price_of(&self.settings.prices, model, model)?;
        let prompt = self
            .settings
            .context_budget_tokens
            .saturating_add(estimate_tokens(message));
        let amount = price.cost(prompt, self.settings.completion_hold_tokens);
        (amount.micros() > 0).then(|| TurnHold {
            id: self.id(),
            amount,
            expires_at: now + HOLD_LIFETIME,
        })
    }
}
