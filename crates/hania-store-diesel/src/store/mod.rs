//! The port implementations, one module per port group.

mod agent_run;
mod append;
mod balance;
mod bot;
mod bot_tool;
mod conversation;
mod conversation_totals;
mod idempotency;

pub use conversation::list_conversations_sql;
mod job;
mod key;
mod ledger;
mod lookups;
mod message;
mod pipeline;
mod rate_limit;
mod secret;
mod tool;
mod turn;
mod turn_reads;
mod workspace;
