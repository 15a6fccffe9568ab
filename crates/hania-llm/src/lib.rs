//! # hania-llm
//!
//! Model providers behind the domain's `ModelProvider` port: the
//! OpenAI-compatible HTTP adapter ([`openai`]) with its stream parser
//! ([`sse`], a function over any event stream), and the built-in
//! [`offline`] provider used when no provider is configured.

pub mod offline;
pub mod openai;
mod prompt_message;
pub mod sse;

pub use offline::{OFFLINE_MODEL, OfflineProvider};
pub use openai::{OpenAiConfig, OpenAiProvider};
