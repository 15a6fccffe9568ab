//! Request and response types of the native API. They are separate from
//! domain entities and converted at this edge.

pub mod bot;
pub mod chat;
pub mod conversation;
pub mod discovery;
pub mod key;
pub mod names;
pub mod serde_util;
pub mod tool;
pub mod widget;
