//! Rules the server enforces on every input, written into the request
//! side of the OpenAPI document so that clients and fuzzers (schemathesis
//! runs in CI) see them, instead of being repeated on every DTO field:
//!
//! - No text holds a NUL byte (PostgreSQL cannot store one): every string
//!   of a request body or parameter without a pattern, format or enum of
//!   its own gets [`NO_NUL`].
//! - Required text (`minLength: 1`) must hold a character other than
//!   whitespace: it gets [`NOT_BLANK`] (Rust's whitespace, spelled out).
//! - Free-form JSON objects (bot `settings`, tool `parameters`, hook
//!   `params_template`, …) hold [`JSON_VALUE`]s: no NUL in keys or strings,
//!   numbers within ±1e300 (see `hania_domain::validation::check_json`).
//! - Maps (bot metadata) have non-empty keys of at most 128 characters.

use serde_json::{Map, Value, json};

/// Text without NUL bytes.
pub(crate) const NO_NUL: &str = "^[^\\u0000]*$";
/// Text without NUL bytes with at least one character that Rust's
/// `char::is_whitespace` (what the server trims) does not count.
pub(crate) const NOT_BLANK: &str = "^[^\\u0000]*[^\\u0000\\u0009-\\u000D\\u0020\\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000][^\\u0000]*$";
/// The component name of any storable JSON value.
const JSON_VALUE: &str = "JsonValue";
/// Longest metadata key (`hania_domain::metadata::MAX_METADATA_KEY_CHARS`).
const MAX_MAP_KEY_CHARS: u64 = 128;

/// Applies the rules to a whole document (as JSON).
pub(crate) fn apply(doc: &mut Value) {
    let mut pending: Vec<String> = Vec::new();
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for operation in paths.values_mut().filter_map(Value::as_object_mut) {
            for operation in operation.values_mut() {
                request_schemas(operation, &mut |schema| visit(schema, &mut pending));
            }
        }
    }
    let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    let mut done = std::collections::BTreeSet::new();
    while let Some(name) = pending.pop() {
        if !done.insert(name.clone()) {
            continue;
        }
        if let Some(schema) = schemas.get_mut(&name) {
            visit(schema, &mut pending);
        }
    }
    if done.contains(JSON_VALUE) || !schemas.contains_key(JSON_VALUE) {
        schemas.insert(JSON_VALUE.into(), json_value_schema());
    }
}

/// Calls `f` on every request body and parameter schema of an operation.
fn request_schemas(operation: &mut Value, f: &mut dyn FnMut(&mut Value)) {
    if let Some(parameters) = operation
        .get_mut("parameters")
        .and_then(Value::as_array_mut)
    {
        for parameter in parameters {
            if let Some(schema) = parameter.get_mut("schema") {
                f(schema);
            }
        }
    }
    if let Some(content) = operation
        .pointer_mut("/requestBody/content")
        .and_then(Value::as_object_mut)
    {
        for media in content.values_mut() {
            if let Some(schema) = media.get_mut("schema") {
                f(schema);
            }
        }
    }
}

fn has_type(schema: &Map<String, Value>, name: &str) -> bool {
    match schema.get("type") {
        Some(Value::String(t)) => t == name,
        Some(Value::Array(types)) => types.iter().any(|t| t == name),
        _ => false,
    }
}

/// Rewrites one schema and its subschemas; records referenced components.
fn visit(schema: &mut Value, pending: &mut Vec<String>) {
    let Some(object) = schema.as_object_mut() else {
        return;
    };
    if let Some(Value::String(reference)) = object.get("$ref") {
        if let Some(name) = reference.strip_prefix("#/components/schemas/") {
            pending.push(name.to_owned());
        }
        return;
    }
    let plain = ["pattern", "format", "enum", "const"]
        .iter()
        .all(|k| !object.contains_key(*k));
    if has_type(object, "string") && plain {
        let required = object
            .get("minLength")
            .and_then(Value::as_u64)
            .is_some_and(|n| n >= 1);
        let pattern = if required { NOT_BLANK } else { NO_NUL };
        object.insert("pattern".into(), pattern.into());
    }
    if has_type(object, "object") && !object.contains_key("properties") {
        let is_map = object_is_map(object);
        let keys = object.entry("propertyNames").or_insert_with(|| json!({}));
        if let Some(keys) = keys.as_object_mut() {
            keys.entry("pattern").or_insert_with(|| NO_NUL.into());
            if is_map {
                keys.entry("minLength").or_insert(1.into());
                keys.entry("maxLength").or_insert(MAX_MAP_KEY_CHARS.into());
            }
        }
        object
            .entry("additionalProperties")
            .or_insert_with(|| json!({"$ref": format!("#/components/schemas/{JSON_VALUE}")}));
    }
    for key in ["properties", "patternProperties"] {
        if let Some(Value::Object(children)) = object.get_mut(key) {
            children.values_mut().for_each(|c| visit(c, pending));
        }
    }
    for key in ["items", "additionalProperties", "not"] {
        if let Some(child) = object.get_mut(key) {
            visit(child, pending);
        }
    }
    for key in ["oneOf", "anyOf", "allOf", "prefixItems"] {
        if let Some(Value::Array(children)) = object.get_mut(key) {
            children.iter_mut().for_each(|c| visit(c, pending));
        }
    }
}

/// A map declares the type of its values (`additionalProperties`), unlike
/// a free-form object.
fn object_is_map(object: &Map<String, Value>) -> bool {
    object
        .get("additionalProperties")
        .is_some_and(|v| v.is_object() && v.get("$ref").is_none())
}

/// Any JSON value the server stores: each keyword applies only to values
/// of its own type, so the one schema covers every kind.
fn json_value_schema() -> Value {
    let me = format!("#/components/schemas/{JSON_VALUE}");
    json!({
        "description": "Any JSON value the server can store: no NUL in strings or keys, numbers between -1e300 and 1e300.",
        "pattern": NO_NUL,
        "minimum": -1e300,
        "maximum": 1e300,
        "items": {"$ref": me},
        "propertyNames": {"pattern": NO_NUL},
        "additionalProperties": {"$ref": me},
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(body: Value, components: Value) -> Value {
        json!({
            "paths": {"/x": {"post": {
                "parameters": [{"name": "q", "in": "query", "schema": {"type": "string"}}],
                "requestBody": {"content": {"application/json": {"schema": body}}}
            }}},
            "components": {"schemas": components}
        })
    }

    #[test]
    fn strings_get_the_nul_and_blank_rules() {
        let mut d = doc(
            json!({"$ref": "#/components/schemas/In"}),
            json!({"In": {"type": "object", "properties": {
                "name": {"type": "string", "minLength": 1},
                "note": {"type": ["string", "null"]},
                "when": {"type": "string", "format": "date-time"},
                "tags": {"type": "array", "items": {"type": "string"}}
            }}}),
        );
        apply(&mut d);
        let props = &d["components"]["schemas"]["In"]["properties"];
        assert_eq!(props["name"]["pattern"], NOT_BLANK);
        assert_eq!(props["note"]["pattern"], NO_NUL);
        assert!(props["when"].get("pattern").is_none());
        assert_eq!(props["tags"]["items"]["pattern"], NO_NUL);
        assert_eq!(
            d["paths"]["/x"]["post"]["parameters"][0]["schema"]["pattern"],
            NO_NUL
        );
    }

    #[test]
    fn free_form_objects_hold_storable_json_and_maps_have_keys() {
        let mut d = doc(
            json!({"type": "object", "properties": {
                "settings": {"type": ["object", "null"]},
                "metadata": {"type": "object", "additionalProperties": {"type": "string"}}
            }}),
            json!({}),
        );
        apply(&mut d);
        let props = &d["paths"]["/x"]["post"]["requestBody"]["content"]["application/json"]["schema"]
            ["properties"];
        assert_eq!(
            props["settings"]["additionalProperties"]["$ref"],
            "#/components/schemas/JsonValue"
        );
        assert_eq!(props["settings"]["propertyNames"]["pattern"], NO_NUL);
        assert!(
            props["settings"]["propertyNames"]
                .get("minLength")
                .is_none()
        );
        assert_eq!(props["metadata"]["propertyNames"]["minLength"], 1);
        assert_eq!(props["metadata"]["additionalProperties"]["pattern"], NO_NUL);
        let value = &d["components"]["schemas"]["JsonValue"];
        assert_eq!(value["maximum"], 1e300);
    }

    #[test]
    fn the_patterns_are_what_the_domain_checks() {
        let blank = regex_lite::Regex::new(NOT_BLANK).unwrap();
        let no_nul = regex_lite::Regex::new(NO_NUL).unwrap();
        for text in [
            "a",
            " \u{3000}x ",
            "  ",
            "\u{85}",
            "\u{a0}\t",
            "a\0",
            "\u{1c}",
            "",
        ] {
            let domain = hania_domain::validation::check_required_text("f", text, 100).is_ok();
            assert_eq!(blank.is_match(text), domain, "{text:?}");
            assert_eq!(no_nul.is_match(text), !text.contains('\0'), "{text:?}");
        }
    }
}
