//! Billing accounts and the policy checked before every model call.

use time::{Date, OffsetDateTime};

use crate::ids::WorkspaceId;
use crate::money::Money;

/// Whether a workspace may use metered features.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BillingStatus {
    /// Normal operation.
    Active,
    /// Refused with `SERVICE_SUSPENDED`.
    Suspended,
}

impl BillingStatus {
    /// Stored and wire name.
    pub const fn as_str(self) -> &'static str {
        match self {
            BillingStatus::Active => "active",
            BillingStatus::Suspended => "suspended",
        }
    }

    /// Parses a stored or wire name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "active" => Some(BillingStatus::Active),
            "suspended" => Some(BillingStatus::Suspended),
            _ => None,
        }
    }
}

/// A workspace's plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// Plan name, e.g. `free`, `pro`.
    pub name: String,
    /// Model turns included per calendar month (UTC); `None` is unlimited.
    pub monthly_turn_allowance: Option<u32>,
}

/// The billing state of one workspace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillingAccount {
    /// Owning workspace.
    pub workspace_id: WorkspaceId,
    /// Active or suspended.
    pub status: BillingStatus,
    /// Current plan.
    pub plan: Plan,
    /// Prepaid balance; charges are taken from it.
    pub balance: Money,
    /// First day of the month `period_turns_used` counts.
    pub period_start: Date,
    /// Metered model turns in the period starting at `period_start`.
    pub period_turns_used: u32,
    /// Last change.
    pub updated_at: OffsetDateTime,
}

/// Why a metered call is refused; each maps to a 402 code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BillingRefusal {
    /// `SERVICE_SUSPENDED`.
    #[error("The workspace's service is suspended")]
    ServiceSuspended,
    /// `PLAN_LIMIT_REACHED`.
    #[error("The plan's monthly allowance of model turns is used up")]
    PlanLimitReached,
    /// `INSUFFICIENT_BALANCE`.
    #[error("The workspace's balance is not positive")]
    InsufficientBalance,
}

impl BillingRefusal {
    /// The native error code.
    pub const fn code(self) -> &'static str {
        match self {
            BillingRefusal::ServiceSuspended => "SERVICE_SUSPENDED",
            BillingRefusal::PlanLimitReached => "PLAN_LIMIT_REACHED",
            BillingRefusal::InsufficientBalance => "INSUFFICIENT_BALANCE",
        }
    }
}

/// The first day of the billing period (calendar month, UTC) holding `at`.
pub fn period_start_of(at: OffsetDateTime) -> Date {
    at.date().replace_day(1).unwrap_or(at.date())
}

impl BillingAccount {
    /// Turns used in the period holding `now` (zero once a new month began).
    pub fn turns_used_at(&self, now: OffsetDateTime) -> u32 {
        if self.period_start == period_start_of(now) {
            self.period_turns_used
        } else {
            0
        }
    }

    /// The policy checked before any model call, in this order: suspended,
    /// allowance used up, balance not positive.
    pub fn check_turn_allowed(&self, now: OffsetDateTime) -> Result<(), BillingRefusal> {
        if self.status == BillingStatus::Suspended {
            return Err(BillingRefusal::ServiceSuspended);
        }
        if let Some(allowance) = self.plan.monthly_turn_allowance
            && self.turns_used_at(now) >= allowance
        {
            return Err(BillingRefusal::PlanLimitReached);
        }
        if !self.balance.is_positive() {
            return Err(BillingRefusal::InsufficientBalance);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use time::macros::{date, datetime};

    use super::*;

    fn account() -> BillingAccount {
        BillingAccount {
            workspace_id: WorkspaceId::from_uuid(uuid::Uuid::nil()),
            status: BillingStatus::Active,
            plan: Plan {
                name: "pro".into(),
                monthly_turn_allowance: Some(2),
            },
            balance: Money(10),
            period_start: date!(2026 - 11 - 01),
            period_turns_used: 1,
            updated_at: datetime!(2026-11-02 0:00 UTC),
        }
    }

    #[test]
    fn refusals_come_in_the_documented_order() {
        let now = datetime!(2026-11-20 12:00 UTC);
        assert_eq!(account().check_turn_allowed(now), Ok(()));
        let mut a = account();
        a.status = BillingStatus::Suspended;
        a.balance = Money(0);
        a.period_turns_used = 2;
        assert_eq!(
            a.check_turn_allowed(now),
            Err(BillingRefusal::ServiceSuspended)
        );
        a.status = BillingStatus::Active;
        assert_eq!(
            a.check_turn_allowed(now),
            Err(BillingRefusal::PlanLimitReached)
        );
        a.period_turns_used = 0;
        assert_eq!(
            a.check_turn_allowed(now),
            Err(BillingRefusal::InsufficientBalance)
        );
    }

    #[test]
    fn a_new_month_resets_the_allowance() {
        let mut a = account();
        a.period_turns_used = 2;
        assert!(
            a.check_turn_allowed(datetime!(2026-11-30 23:59 UTC))
                .is_err()
        );
        assert_eq!(a.check_turn_allowed(datetime!(2026-12-01 0:00 UTC)), Ok(()));
        a.plan.monthly_turn_allowance = None;
        assert_eq!(
            a.check_turn_allowed(datetime!(2026-11-30 23:59 UTC)),
            Ok(())
        );
        assert_eq!(
            period_start_of(datetime!(2026-02-17 5:00 UTC)),
            date!(2026 - 02 - 01)
        );
    }
}
