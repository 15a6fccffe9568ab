//! `GET /api/v1/billing`.

use actix_web::{HttpResponse, web};
use hania_domain::billing::BillingAccount;
use serde::Serialize;
use utoipa::ToSchema;

use crate::middleware::auth::Caller;
use crate::state::AppState;
use crate::wire::envelope::{Envelope, ok};
use crate::wire::error::{ApiError, ErrorBody};

/// The workspace's plan, period usage and balance.
#[derive(Debug, Serialize, ToSchema)]
pub struct BillingView {
    /// `active` or `suspended`.
    pub status: String,
    /// Plan name.
    pub plan: String,
    /// Model turns included per calendar month; null is unlimited.
    pub monthly_turn_allowance: Option<u32>,
    /// First day of the current period (UTC month).
    #[schema(format = Date, example = "2026-11-01")]
    pub period_start: String,
    /// Metered model turns in the current period.
    pub period_turns_used: u32,
    /// Prepaid balance in micro-units (1 unit = 1 000 000).
    pub balance_micros: i64,
    /// The balance in units, as a decimal string.
    pub balance: String,
    /// Models this server charged at the default price (0 unless
    /// configured) because `HANIA_MODEL_PRICES` has no price for them since
    /// it started; empty when every turn found its price.
    pub unpriced_models: Vec<String>,
}

impl BillingView {
    fn new(account: BillingAccount, now: time::OffsetDateTime, unpriced: Vec<String>) -> Self {
        Self {
            status: account.status.as_str().into(),
            plan: account.plan.name.clone(),
            monthly_turn_allowance: account.plan.monthly_turn_allowance,
            period_start: hania_domain::billing::period_start_of(now).to_string(),
            period_turns_used: account.turns_used_at(now),
            balance_micros: account.balance.micros(),
            balance: account.balance.to_string(),
            unpriced_models: unpriced,
        }
    }
}

/// Plan, usage in the current period, and balance.
#[utoipa::path(
    get, path = "/api/v1/billing", tag = "Billing",
    responses(
        (status = 200, body = Envelope<BillingView>),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 429, body = ErrorBody),
    )
)]
pub async fn get_billing(
    caller: Caller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let account = state.store.get_billing(caller.workspace()).await?;
    let unpriced = state.chat.unpriced_models();
    Ok(ok(BillingView::new(account, state.clock.now(), unpriced)))
}
