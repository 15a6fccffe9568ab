//! The native API's handlers (`/api/v1`, seeds `000`–`002`) and the health
//! checks, with their request and response types (`dto/`). Handlers parse
//! into DTOs, call a domain service or port scoped to the caller's
//! workspace and map the result; the ability each needs is in the route
//! table. They may import every layer below (`chat_stream`, `middleware`,
//! `state`, `wire`), never another dialect.

pub(crate) mod billing;
pub(crate) mod bot_run;
pub(crate) mod bot_tools;
pub(crate) mod bots;
pub(crate) mod calls;
pub(crate) mod chat;
pub(crate) mod conversations;
pub(crate) mod discover;
pub(crate) mod dto;
pub(crate) mod health;
pub(crate) mod hooks;
pub(crate) mod keys;
pub(crate) mod metrics;
pub(crate) mod send_stream;
mod stream_format;
pub(crate) mod tools;
pub(crate) mod widget_embed;
pub(crate) mod widgets;
