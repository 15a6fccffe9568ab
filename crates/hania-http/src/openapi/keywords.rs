//! JSON Schema keywords utoipa cannot write (`const`, `contentSchema`),
//! carried through generation as extensions (see
//! [`crate::wire::sse_schema`]) and written as the keywords here.

use serde_json::{Value, json};

use crate::wire::sse_schema::{CONST, CONTENT_SCHEMA};

/// Turns every [`CONST`] extension into `const` and every
/// [`CONTENT_SCHEMA`] extension (a component name) into a `contentSchema`
/// referring to that component.
pub(crate) fn apply(doc: &mut Value) {
    match doc {
        Value::Object(map) => {
            if let Some(value) = map.remove(CONST) {
                map.insert("const".into(), value);
            }
            if let Some(Value::String(component)) = map.remove(CONTENT_SCHEMA) {
                map.insert(
                    "contentSchema".into(),
                    json!({"$ref": format!("#/components/schemas/{component}")}),
                );
            }
            map.values_mut().for_each(apply);
        }
        Value::Array(items) => items.iter_mut().for_each(apply),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn extensions_become_keywords() {
        let mut doc = json!({"properties": {
            "event": {"type": "string", "x-hania-const": "start"},
            "data": {"type": "string", "x-hania-content-schema": "StreamStart"},
        }});
        super::apply(&mut doc);
        assert_eq!(
            doc,
            json!({"properties": {
                "event": {"type": "string", "const": "start"},
                "data": {"type": "string", "contentSchema": {"$ref": "#/components/schemas/StreamStart"}},
            }})
        );
    }
}
