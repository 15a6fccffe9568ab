//! Money in integer micro-units (1 currency unit = 1 000 000 micros), so
//! sums are exact, and model prices per million tokens.

use std::fmt;
use std::ops::{Add, Neg, Sub};

use serde::{Deserialize, Serialize};

/// An amount in micro-units of the billing currency. Signed: ledger charges
/// are negative, credits positive.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Money(pub i64);

impl Money {
    /// Zero.
    pub const ZERO: Money = Money(0);
    /// Micros in one currency unit.
    pub const MICROS_PER_UNIT: i64 = 1_000_000;

    /// From micro-units.
    pub const fn from_micros(micros: i64) -> Self {
        Self(micros)
    }

    /// The amount in micro-units.
    pub const fn micros(self) -> i64 {
        self.0
    }

    /// Whether the amount is above zero.
    pub const fn is_positive(self) -> bool {
        self.0 > 0
    }
}

impl Add for Money {
    type Output = Money;
    fn add(self, rhs: Money) -> Money {
        Money(self.0.saturating_add(rhs.0))
    }
}

impl Sub for Money {
    type Output = Money;
    fn sub(self, rhs: Money) -> Money {
        Money(self.0.saturating_sub(rhs.0))
    }
}

impl Neg for Money {
    type Output = Money;
    fn neg(self) -> Money {
        Money(self.0.saturating_neg())
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let unit = Money::MICROS_PER_UNIT.unsigned_abs();
        write!(f, "{sign}{}.{:06}", abs / unit, abs % unit)
    }
}

/// What a model costs per million tokens, prompt and completion priced apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ModelPrice {
    /// Price of one million prompt tokens.
    pub prompt_per_million: Money,
    /// Price of one million completion tokens.
    pub completion_per_million: Money,
}

impl ModelPrice {
    /// The cost of a turn, rounded up to the next micro so that no used
    /// token is free.
    pub fn cost(&self, prompt_tokens: u32, completion_tokens: u32) -> Money {
        let part = |tokens: u32, per_million: Money| -> i128 {
            i128::from(tokens) * i128::from(per_million.micros())
        };
        let total = part(prompt_tokens, self.prompt_per_million)
            + part(completion_tokens, self.completion_per_million);
        let micros = (total + 999_999).div_euclid(1_000_000);
        Money(i64::try_from(micros).unwrap_or(i64::MAX))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cost_rounds_up_and_prices_parts_apart() {
        let price = ModelPrice {
            prompt_per_million: Money(150_000),
            completion_per_million: Money(600_000),
        };
        assert_eq!(price.cost(1_000_000, 0), Money(150_000));
        assert_eq!(price.cost(0, 1_000_000), Money(600_000));
        assert_eq!(price.cost(1, 0), Money(1));
        assert_eq!(price.cost(0, 0), Money::ZERO);
        assert_eq!(ModelPrice::default().cost(500, 500), Money::ZERO);
    }

    #[test]
    fn money_displays_in_units() {
        assert_eq!(Money(1_500_000).to_string(), "1.500000");
        assert_eq!(Money(-25).to_string(), "-0.000025");
    }
}
