//! # hania-server
//!
//! The `hania` binary's library: configuration, the choice of storage
//! adapter, wiring adapters to the domain, the first-run bootstrap, the
//! HTTP server, and the admin commands. Only this crate knows every other
//! crate.

pub mod admin;
pub mod config;
pub mod help;
pub mod jobs;
pub mod llm;
pub mod scheduler;
pub mod server;
pub mod store;
pub mod system;

pub use config::Config;
pub use server::{Running, start};
