//! Which configured price a model turn is charged at.
//!
//! Providers often answer with a dated name for the model that was asked
//! for (`gpt-4o-mini-2024-07-18` for `gpt-4o-mini`), so a turn is priced by
//! the model it **requested** (the bot's or the default); only when that
//! has no price is the answered name tried, exactly and then by the
//! longest configured name it starts with (followed by `-`, `:`, `@` or
//! `.`), so `gpt-4o-mini-2024-07-18` finds `gpt-4o-mini`, not `gpt-4o`.

use std::collections::HashMap;

use crate::money::ModelPrice;

/// The price of a turn that requested `requested` and was answered by
/// `answered`, or `None` when no configured price applies.
pub fn price_of(
    prices: &HashMap<String, ModelPrice>,
    requested: &str,
    answered: &str,
) -> Option<ModelPrice> {
    if let Some(price) = prices.get(requested).or_else(|| prices.get(answered)) {
        return Some(*price);
    }
    prices
        .iter()
        .filter(|(name, _)| {
            answered
                .strip_prefix(name.as_str())
                .and_then(|rest| rest.chars().next())
                .is_some_and(|c| matches!(c, '-' | ':' | '@' | '.'))
        })
        .max_by_key(|(name, _)| name.len())
        .map(|(_, price)| *price)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Money;

    fn price(micros: i64) -> ModelPrice {
        ModelPrice {
            prompt_per_million: Money(micros),
            completion_per_million: Money(micros),
        }
    }

    #[test]
    fn the_requested_model_wins_then_the_longest_prefix_of_the_answer() {
        let prices = HashMap::from([
            ("gpt-4o".to_owned(), price(1)),
            ("gpt-4o-mini".to_owned(), price(2)),
            ("llama3".to_owned(), price(3)),
        ]);
        assert_eq!(
            price_of(&prices, "gpt-4o-mini", "gpt-4o-mini-2024-07-18"),
            Some(price(2))
        );
        assert_eq!(
            price_of(&prices, "my-alias", "gpt-4o-mini-2024-07-18"),
            Some(price(2))
        );
        assert_eq!(price_of(&prices, "x", "gpt-4o-2024-08-06"), Some(price(1)));
        assert_eq!(price_of(&prices, "x", "llama3:8b"), Some(price(3)));
        assert_eq!(price_of(&prices, "x", "gpt-4omni"), None);
        assert_eq!(price_of(&prices, "x", "claude"), None);
    }
}
