//! The contract cases, one `async fn(&dyn Storage)` each, grouped by port.

mod agent_runs;
mod bot_tools;
mod bots;
mod conversation_totals;
mod conversations;
mod holds;
mod idempotency;
mod jobs;
mod keys;
mod messages;
mod open_turns;
mod rate_limits;
mod record_new;
mod tools;
mod turn_reads;
mod turns;
mod workspaces;

pub use agent_runs::*;
pub use bot_tools::*;
pub use bots::*;
pub use conversation_totals::*;
pub use conversations::*;
pub use holds::*;
pub use idempotency::*;
pub use jobs::*;
pub use keys::*;
pub use messages::*;
pub use open_turns::*;
pub use rate_limits::*;
pub use record_new::*;
pub use tools::*;
pub use turn_reads::*;
pub use turns::*;
pub use workspaces::*;

/// Asserts that a result is `Err(StoreError::NotFound)`.
#[macro_export]
#[doc(hidden)]
macro_rules! assert_not_found {
    ($result:expr) => {
        match $result {
            Err(hania_domain::ports::StoreError::NotFound) => {}
            other => panic!("expected NotFound, got {other:?}"),
        }
    };
}

/// Asserts that a result is `Err(StoreError::Conflict(StoreConflict::$rule))`:
/// both backends name the same rule.
#[macro_export]
#[doc(hidden)]
macro_rules! assert_conflict {
    ($result:expr, $rule:ident) => {
        match $result {
            Err(hania_domain::ports::StoreError::Conflict(
                hania_domain::ports::StoreConflict::$rule,
            )) => {}
            other => panic!("expected Conflict({}), got {other:?}", stringify!($rule)),
        }
    };
}
