//! # hania-domain
//!
//! The heart of Hania server: entities and validated values, the use-case
//! services, the billing policy, and the port traits adapters implement.
//!
//! This crate is pure: it performs no I/O and depends on no web framework,
//! database driver, HTTP client or async runtime. Ports are
//! `#[async_trait]` traits; enabling the `mock` feature generates mockall
//! mocks of every one of them (`MockBotStore`, …) for tests.

#![warn(missing_docs)]

pub mod ability;
pub mod agent;
pub mod api_key;
pub mod billing;
pub mod bot;
pub mod bot_changes;
pub mod bot_tool;
pub mod call;
pub mod completion;
pub mod conversation;
pub mod cron;
pub mod discovery;
pub mod field_update;
pub mod hex;
pub mod hook;
pub mod ids;
pub mod job;
pub mod key_cache;
pub mod ledger;
pub mod message;
pub mod metadata;
pub mod money;
pub mod outbound;
pub mod outbound_url;
pub mod page;
pub mod ports;
pub mod post_call_template;
pub mod pricing;
pub mod prompt_builder;
pub mod services;
pub mod slug;
pub mod tool;
pub mod trace;
pub mod turn;
pub mod validation;
pub mod widget;
mod wire_enum;
pub mod workspace;
