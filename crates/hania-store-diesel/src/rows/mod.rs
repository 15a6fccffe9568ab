//! Database rows, one module per table group, each converting to and from
//! domain entities. Rows never leave the storage adapters.

pub mod bot;
pub mod conversation;
pub mod job;
pub mod key;
pub mod ledger;
pub mod message;
pub mod tool;
pub mod workspace;
