//! # hania-store-contract
//!
//! The storage contract: one suite of behaviour tests that every storage
//! adapter must pass, whatever its database. An adapter runs it with
//!
//! ```ignore
//! async fn subject() -> hania_store_contract::Subject { /* fresh, empty store */ }
//! hania_store_contract::storage_contract_tests!(subject);
//! ```
//!
//! which expands to one `#[tokio::test]` per case, each on a fresh store, so
//! the runner's output lists every case for every backend.

#![allow(clippy::unwrap_used, clippy::expect_used)] // A test suite: failures should panic.

use std::any::Any;
use std::sync::Arc;

use hania_domain::ports::Storage;

pub mod cases;
pub mod fixture;

#[doc(hidden)]
pub use tokio;

/// A fresh, empty store under test, with whatever must live as long as it
/// (a temp dir, a throwaway server).
pub struct Subject {
    /// The store.
    pub store: Arc<dyn Storage>,
    _guard: Box<dyn Any + Send>,
}

impl Subject {
    /// Wraps a store and the guard that keeps its database alive.
    pub fn new(store: Arc<dyn Storage>, guard: impl Any + Send) -> Self {
        Self {
            store,
            _guard: Box::new(guard),
        }
    }
}

/// Expands to one test per contract case, each calling `$subject().await`
/// for a fresh store.
#[macro_export]
macro_rules! storage_contract_tests {
    ($subject:path) => {
        $crate::storage_contract_tests!(@each $subject;
            workspace_and_billing_round_trip,
            unknown_workspace_is_not_found,
            workspaces_are_listed_oldest_first,
            api_keys_are_found_by_hash_and_scoped,
            revoking_keeps_the_first_time,
            widget_keys_need_a_bot_of_the_workspace,
            server_secrets_are_created_once,
            bots_round_trip_every_field,
            slugs_are_unique_per_workspace,
            metadata_filter_is_an_and_of_pairs,
            bots_of_other_workspaces_are_not_found,
            tools_crud_with_unique_names,
            tools_used_by_hooks_cannot_be_deleted,
            bot_tools_attach_once_list_by_name_and_detach,
            bot_tools_of_other_workspaces_are_not_found,
            due_bots_are_active_scheduled_with_a_goal,
            a_run_slot_is_claimed_once,
            hooks_are_unique_per_bot_and_tool,
            hooks_of_other_workspaces_are_not_found,
            conversations_round_trip_and_are_scoped,
            every_conversation_filter_applies,
            pages_are_newest_first_with_total_count,
            totals_follow_creations_and_deletions,
            analysis_totals_follow_every_change,
            open_conversation_of_an_external_user,
            turn_start_reads_agree_with_the_separate_reads,
            messages_are_appended_in_order,
            trace_steps_round_trip_every_field,
            delete_cascades_but_keeps_ledger_amounts,
            open_turn_starts_a_conversation_with_the_message,
            open_turn_continues_with_recent_history,
            open_turn_outside_the_workspace_stores_nothing,
            record_turn_writes_everything_at_once,
            record_turn_is_all_or_nothing,
            record_turn_can_start_its_conversation,
            a_new_period_restarts_the_turn_count,
            credits_move_the_balance_and_list_newest_first,
            timestamps_round_trip_in_utc,
            holds_are_released_and_lapse,
            calls_are_recorded_once_with_their_job,
            jobs_are_claimed_for_a_lease_and_retried,
            a_window_admits_exactly_the_limit_then_resets,
            ping_answers
        );
        $crate::storage_contract_tests!(@shared $subject; concurrent_charges_are_exact, holds_bound_concurrent_overdraw, idempotency_keys_are_claimed_once, concurrent_claimers_of_a_slot_one_wins, concurrent_job_claimers_take_each_job_once, concurrent_hits_admit_exactly_the_limit);
    };
    (@each $subject:path; $($case:ident),+) => {
        $(
            #[$crate::tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $case() {
                let subject: $crate::Subject = $subject().await;
                $crate::cases::$case(subject.store.as_ref()).await;
            }
        )+
    };
    (@shared $subject:path; $($case:ident),+) => {
        $(
            #[$crate::tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $case() {
                let subject: $crate::Subject = $subject().await;
                $crate::cases::$case(&subject.store).await;
            }
        )+
    };
}
