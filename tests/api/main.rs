//! Black-box tests of the `hania` server: every test starts the real server
//! on port 0 with a fresh store and drives it over HTTP, once on SQLite and
//! once on a throwaway PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a failure should panic.

mod agent;
mod agent_bounds;
mod agent_runs;
mod bot_tools;
mod bots;
mod calls;
mod calls_restart;
mod chat;
mod conflicts;
mod conversations;
mod discover;
mod edges;
mod hansei;
mod idempotency;
mod instances;
mod key_cache;
mod keys;
mod limits;
mod matrix;
mod metrics;
mod outage;
mod outbound;
mod parser_errors;
mod pricing;
mod reliability;
mod replays;
mod route_table;
mod sdk;
mod slug;
mod spec_rules;
mod stalls;
mod stream;
mod tools;
mod upstream;
mod widget;
mod widget_browser;
mod widget_identity;
mod widget_support;
