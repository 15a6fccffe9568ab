//! Request and response types of the native API. They are separate from
//! domain entities and converted at this edge.

pub mod bot;
pub mod bot_tool;
pub mod chat;
pub mod conversation;
pub mod discovery;
pub mod key;
pub mod names;
pub mod prompt_builder;
pub mod serde_util;
pub mod tool;
pub mod widget;

use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};

/// A text schema with a length limit and maybe a pattern.
fn text_schema(description: &str, max_chars: usize, pattern: Option<&str>) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(description))
        .max_length(Some(max_chars))
        .pattern(pattern)
        .into()
}
