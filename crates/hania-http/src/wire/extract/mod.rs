//! Request extractors that answer bad input in the native envelope.

mod json;
mod path;
mod query;

pub use json::{JsonBody, JsonBytes, MAX_BODY_BYTES, RawBody, parse_json, parse_value};
pub use path::{path_id, path_ids};
pub use query::StrictQuery;
