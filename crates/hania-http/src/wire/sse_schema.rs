//! How an event stream is documented: OpenAPI 3.1 has a
//! `text/event-stream` schema describe one event as parsed by a client,
//! `{event, data, id, retry}`, with `data` the raw text of its lines.

use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};

/// One event of a stream: `event` is one of `names` (absent when `names`
/// is empty: the stream has unnamed `data:` lines only), `data` is text,
/// JSON unless `data_may_be_text` (e.g. a `[DONE]` sentinel).
pub(crate) fn event_schema(
    description: &str,
    names: &[&str],
    data_may_be_text: bool,
) -> RefOr<Schema> {
    let data = ObjectBuilder::new().schema_type(Type::String);
    let data = if data_may_be_text {
        data.description(Some("The event's data: JSON, or a plain-text sentinel"))
    } else {
        data.description(Some("The event's data: a JSON object"))
            .content_media_type("application/json")
    };
    let mut event = ObjectBuilder::new()
        .schema_type(Type::Object)
        .description(Some(description))
        .property("data", data)
        .required("data");
    if !names.is_empty() {
        event = event.property(
            "event",
            ObjectBuilder::new()
                .schema_type(Type::String)
                .enum_values(Some(names.iter().copied())),
        );
    }
    event.into()
}

/// Declares a documented event stream type: `stream_schema!(Name,
/// "description", ["start", …], data_may_be_text)`.
macro_rules! stream_schema {
    ($name:ident, $description:literal, [$($event:literal),*], $text:literal) => {
        #[doc = $description]
        pub struct $name;

        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                $crate::wire::sse_schema::event_schema($description, &[$($event),*], $text)
            }
        }

        impl utoipa::ToSchema for $name {}
    };
}

pub(crate) use stream_schema;
