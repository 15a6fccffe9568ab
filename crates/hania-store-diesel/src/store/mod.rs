//! The port implementations, one module per port group.

mod append;
mod bot;
mod conversation;
mod key;
mod ledger;
mod message;
mod tool;
mod workspace;
