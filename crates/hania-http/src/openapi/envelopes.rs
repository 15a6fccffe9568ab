//! Names the success envelopes: utoipa writes `Envelope<T>` as
//! `Envelope_T` with `T` copied inline into `data`, so generators invent
//! `Data`, `Data1`, … and the payload's own component goes unused. Each
//! becomes `<Payload>Envelope` (a list: `<Payload>ListEnvelope`, a `View`
//! suffix dropped) whose `data` refers to the payload's component.

use serde_json::{Value, json};

/// The envelope's new name, and how its `data` refers to the payload.
fn renamed(generated: &str) -> Option<(String, String, bool)> {
    let inner = generated.strip_prefix("Envelope_")?;
    let (list, payload) = match inner.strip_prefix("Vec_") {
        Some(payload) => (true, payload),
        None => (false, inner),
    };
    let base = payload.strip_suffix("View").unwrap_or(payload);
    let name = format!("{base}{}Envelope", if list { "List" } else { "" });
    Some((name, payload.to_owned(), list))
}

/// Renames every `Envelope_*` component whose payload is a component of
/// its own, pointing `data` at it, and rewrites every reference.
pub(crate) fn apply(doc: &mut Value) {
    let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    let generated: Vec<String> = schemas
        .keys()
        .filter(|k| k.starts_with("Envelope_"))
        .cloned()
        .collect();
    let mut renames = Vec::new();
    for old in generated {
        let Some((new, payload, list)) = renamed(&old) else {
            continue;
        };
        if !schemas.contains_key(&payload) || schemas.contains_key(&new) {
            continue;
        }
        let Some(mut schema) = schemas.remove(&old) else {
            continue;
        };
        let reference = json!({"$ref": format!("#/components/schemas/{payload}")});
        schema["properties"]["data"] = if list {
            json!({"type": "array", "items": reference})
        } else {
            reference
        };
        schema["description"] = Value::String(format!(
            "The success envelope of {}: `{{success: true, data, message}}`.",
            if list {
                format!("a list of `{payload}`")
            } else {
                format!("a `{payload}`")
            }
        ));
        schemas.insert(new.clone(), schema);
        renames.push((old, new));
    }
    rewrite_refs(doc, &renames);
}

fn rewrite_refs(value: &mut Value, renames: &[(String, String)]) {
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                if key == "$ref"
                    && let Value::String(target) = child
                    && let Some(name) = target.strip_prefix("#/components/schemas/")
                    && let Some((_, new)) = renames.iter().find(|(old, _)| old == name)
                {
                    *target = format!("#/components/schemas/{new}");
                } else {
                    rewrite_refs(child, renames);
                }
            }
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|item| rewrite_refs(item, renames)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelopes_are_named_by_payload_and_refer_to_it() {
        let mut doc = json!({
            "paths": {"/b": {"get": {"responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Envelope_BotView"}}}},
                                                    "201": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Envelope_Vec_BotView"}}}}}}}},
            "components": {"schemas": {
                "BotView": {"type": "object"},
                "Envelope_BotView": {"properties": {"data": {"type": "object"}, "success": {"type": "boolean"}}},
                "Envelope_Vec_BotView": {"properties": {"data": {"type": "array", "items": {"type": "object"}}}},
                "Envelope_Orphan": {"properties": {"data": {"type": "object"}}}
            }}
        });
        apply(&mut doc);
        let schemas = &doc["components"]["schemas"];
        assert_eq!(
            schemas["BotEnvelope"]["properties"]["data"]["$ref"],
            "#/components/schemas/BotView"
        );
        assert_eq!(
            schemas["BotListEnvelope"]["properties"]["data"]["items"]["$ref"],
            "#/components/schemas/BotView"
        );
        assert!(schemas["Envelope_BotView"].is_null());
        assert!(
            !schemas["Envelope_Orphan"].is_null(),
            "no component to refer to: kept"
        );
        let responses = &doc["paths"]["/b"]["get"]["responses"];
        assert_eq!(
            responses["200"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/BotEnvelope"
        );
        assert_eq!(
            responses["201"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/BotListEnvelope"
        );
    }
}
