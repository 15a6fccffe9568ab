//! How an event stream is documented. OpenAPI 3.1 has a
//! `text/event-stream` schema describe one event as a client parses it,
//! `{event, data}` with `data` the raw text of its lines, so a stream is a
//! `oneOf` of one component per kind of event (named per dialect, e.g.
//! `ChatStreamStart`), each with its `event` name as a `const` (the
//! discriminator) and its `data` as JSON text whose `contentSchema` is the
//! payload's component (see [`super::stream_events`]).
//!
//! utoipa has no `const` or `contentSchema`: they are written as the
//! extensions [`CONST`] and [`CONTENT_SCHEMA`], which the document's
//! post-processing turns into the keywords.

use std::borrow::Cow;

use utoipa::openapi::RefOr;
use utoipa::openapi::extensions::ExtensionsBuilder;
use utoipa::openapi::schema::{Discriminator, ObjectBuilder, OneOfBuilder, Schema, Type};

/// Extension standing for the `const` keyword.
pub(crate) const CONST: &str = "x-hania-const";
/// Extension standing for the `contentSchema` keyword (a component name).
pub(crate) const CONTENT_SCHEMA: &str = "x-hania-content-schema";

/// What an event's `data` holds.
pub(crate) enum EventData {
    /// JSON text of this component.
    Json(Cow<'static, str>),
    /// This text, always (e.g. a `[DONE]` sentinel).
    Text(&'static str),
}

/// One kind of event of a stream.
pub(crate) struct EventKind {
    /// The `event:` name; `None` for unnamed `data:` lines.
    pub(crate) name: Option<&'static str>,
    /// The kind's component name within the stream, e.g. `Start`.
    pub(crate) variant: Cow<'static, str>,
    /// Its data.
    pub(crate) data: EventData,
}

impl EventKind {
    /// A named event with JSON data; the variant is the name in
    /// UpperCamelCase (`tool_call` → `ToolCall`).
    pub(crate) fn named(name: &'static str, payload: Cow<'static, str>) -> Self {
        Self {
            name: Some(name),
            variant: upper_camel(name).into(),
            data: EventData::Json(payload),
        }
    }
}

fn upper_camel(name: &str) -> String {
    name.split('_')
        .map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|first| first.to_uppercase().chain(chars).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

fn reference(component: &str) -> String {
    format!("#/components/schemas/{component}")
}

/// The stream's schema: a `oneOf` of its kinds' components, discriminated
/// by `event` when the events are named.
pub(crate) fn stream(description: &str, prefix: &str, kinds: &[EventKind]) -> RefOr<Schema> {
    let mut one_of = OneOfBuilder::new().description(Some(description));
    let mut discriminator = Discriminator::new("event");
    for kind in kinds {
        let component = format!("{prefix}{}", kind.variant);
        if let Some(name) = kind.name {
            discriminator
                .mapping
                .insert(name.to_owned(), reference(&component));
        }
        one_of = one_of.item(RefOr::Ref(utoipa::openapi::Ref::new(reference(&component))));
    }
    if !discriminator.mapping.is_empty() {
        one_of = one_of.discriminator(Some(discriminator));
    }
    one_of.into()
}

/// The components of the stream's kinds, `{prefix}{variant}` each.
pub(crate) fn variants(prefix: &str, kinds: &[EventKind]) -> Vec<(String, RefOr<Schema>)> {
    kinds
        .iter()
        .map(|kind| (format!("{prefix}{}", kind.variant), variant(kind)))
        .collect()
}

fn variant(kind: &EventKind) -> RefOr<Schema> {
    let text = ObjectBuilder::new().schema_type(Type::String);
    let (data, about) = match &kind.data {
        EventData::Json(payload) => (
            text.description(Some(format!("JSON text: a `{payload}`")))
                .content_media_type("application/json")
                .extensions(Some(
                    ExtensionsBuilder::new()
                        .add(CONTENT_SCHEMA, payload.as_ref())
                        .build(),
                )),
            format!("data `{payload}`"),
        ),
        EventData::Text(sentinel) => (
            text.description(Some(format!("Always `{sentinel}`")))
                .extensions(Some(ExtensionsBuilder::new().add(CONST, *sentinel).build())),
            format!("data `{sentinel}`"),
        ),
    };
    let mut event = ObjectBuilder::new().schema_type(Type::Object);
    event = match kind.name {
        Some(name) => event
            .description(Some(format!("`event: {name}`, {about}")))
            .property(
                "event",
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .extensions(Some(ExtensionsBuilder::new().add(CONST, name).build())),
            )
            .required("event"),
        None => event.description(Some(format!("A `data:` line, {about}"))),
    };
    event.property("data", data).required("data").into()
}

/// Declares a documented event stream type and the components it needs.
///
/// `stream_schema!(ChatStreamEvent, "ChatStream", "description",
/// ["start" => StreamStart, …])` for named events; `stream_schema!(Name,
/// "Prefix", "description", unnamed ["Chunk" => Payload, …], "Done" =>
/// "[DONE]")` for unnamed `data:` lines ending in a sentinel.
macro_rules! stream_schema {
    ($name:ident, $prefix:literal, $description:literal, [$($event:literal => $payload:ty),* $(,)?]) => {
        $crate::wire::sse_schema::stream_schema!(@impl $name, $prefix, $description, [$($payload),*], || vec![
            $($crate::wire::sse_schema::EventKind::named($event, <$payload as utoipa::ToSchema>::name())),*
        ]);
    };
    ($name:ident, $prefix:literal, $description:literal,
     unnamed [$($variant:literal => $payload:ty),* $(,)?], $last:literal => $sentinel:literal) => {
        $crate::wire::sse_schema::stream_schema!(@impl $name, $prefix, $description, [$($payload),*], || vec![
            $($crate::wire::sse_schema::EventKind {
                name: None,
                variant: $variant.into(),
                data: $crate::wire::sse_schema::EventData::Json(<$payload as utoipa::ToSchema>::name()),
            },)*
            $crate::wire::sse_schema::EventKind {
                name: None,
                variant: $last.into(),
                data: $crate::wire::sse_schema::EventData::Text($sentinel),
            },
        ]);
    };
    (@impl $name:ident, $prefix:literal, $description:literal, [$($payload:ty),*], $kinds:expr) => {
        #[doc = $description]
        pub struct $name;

        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                $crate::wire::sse_schema::stream($description, $prefix, &($kinds)())
            }
        }

        impl utoipa::ToSchema for $name {
            fn schemas(
                schemas: &mut Vec<(String, utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>)>,
            ) {
                $(
                    schemas.push((
                        <$payload as utoipa::ToSchema>::name().into_owned(),
                        <$payload as utoipa::PartialSchema>::schema(),
                    ));
                    <$payload as utoipa::ToSchema>::schemas(schemas);
                )*
                schemas.extend($crate::wire::sse_schema::variants($prefix, &($kinds)()));
            }
        }
    };
}

pub(crate) use stream_schema;

#[cfg(test)]
mod tests {
    use super::upper_camel;

    #[test]
    fn variants_are_upper_camel_case() {
        assert_eq!(upper_camel("tool_result"), "ToolResult");
        assert_eq!(upper_camel("start"), "Start");
    }
}
