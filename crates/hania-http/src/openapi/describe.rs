//! What the generated document leaves blank, filled in once for every
//! operation: a description for each response without one (by its
//! status, in the words the error table uses), `security: []` on the
//! open routes, so linters and generators know they need no key, and the
//! headers the middleware sends (`X-Request-Id` on every response; the
//! rate-limit headers on authenticated ones, `Retry-After` on 429,
//! `Idempotent-Replayed` where an `Idempotency-Key` is taken), as shared
//! components; a header only some handlers send (`X-Conversation-Id`,
//! `X-Visitor-Token`, `X-Total-Count`) is declared on those handlers.

use serde_json::{Value, json};

/// The shared header components, by name.
fn header_components() -> Value {
    let header =
        |description: &str, schema: Value| json!({"description": description, "schema": schema});
    json!({
        "X-Request-Id": header("The request's id: the caller's `X-Request-Id` when it sent a sane one, else a new UUID", json!({"type": "string"})),
        "X-RateLimit-Limit": header("Requests the key may make per clock hour", json!({"type": "integer", "minimum": 0})),
        "X-RateLimit-Remaining": header("Requests left in this hour after this one", json!({"type": "integer", "minimum": 0})),
        "X-RateLimit-Reset": header("When the hour's window resets, in epoch seconds", json!({"type": "integer"})),
        "Retry-After": header("Seconds until the window resets", json!({"type": "integer", "minimum": 1})),
        "Idempotent-Replayed": header("`true` when this is the stored answer to an earlier request with the same `Idempotency-Key`", json!({"type": "string", "enum": ["true"]})),
    })
}

/// The error body schema of the dialect that serves `path`.
fn error_schema(path: &str) -> &'static str {
    if path.starts_with("/public/v1/") {
        "HanseiError"
    } else if path.starts_with("/v1/api/") {
        "SlugErrorBody"
    } else {
        "ErrorBody"
    }
}

/// Documents the errors any operation of its kind can answer, where its
/// handler did not: 413 when it takes a body (the size limit applies
/// before it runs), 503 when it needs a key (authentication reads the
/// database).
fn add_common_errors(path: &str, operation: &mut serde_json::Map<String, Value>, keyed: bool) {
    let takes_body = operation.contains_key("requestBody");
    let Some(responses) = operation
        .get_mut("responses")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    let schema = json!({"$ref": format!("#/components/schemas/{}", error_schema(path))});
    for (status, applies) in [("413", takes_body), ("503", keyed)] {
        if applies {
            responses.entry(status).or_insert_with(|| {
                json!({"description": "", "content": {"application/json": {"schema": schema.clone()}}})
            });
        }
    }
}

/// Adds `name` (a shared component) to a response's headers.
fn add_header(response: &mut serde_json::Map<String, Value>, name: &str) {
    let headers = response
        .entry("headers")
        .or_insert_with(|| Value::Object(Default::default()));
    if let Some(headers) = headers.as_object_mut() {
        headers
            .entry(name.to_owned())
            .or_insert_with(|| json!({"$ref": format!("#/components/headers/{name}")}));
    }
}

/// The description of a response of `status` that its handler did not
/// describe.
fn default_description(status: &str) -> &'static str {
    match status {
        "200" => "Success",
        "201" => "Created",
        "204" => "Done; no content",
        "304" => "Not modified (the `ETag` matched)",
        "400" => {
            "Invalid input: the message names the field or parameter (`VALIDATION_ERROR`, `INVALID_PARAMETER`)"
        }
        "401" => "Missing, unknown, expired or revoked key (`UNAUTHORIZED`)",
        "402" => {
            "The workspace cannot be billed: balance used up, plan allowance reached, or suspended"
        }
        "403" => {
            "The key lacks the ability this operation needs, or the caller may not use it (`FORBIDDEN`)"
        }
        "404" => "No such resource in the caller's workspace (`NOT_FOUND`)",
        "405" => "The path does not serve this method; `Allow` lists those it does",
        "409" => "A uniqueness or state rule refused the request (`CONFLICT`)",
        "413" => "The body is over the size limit (`PAYLOAD_TOO_LARGE`)",
        "415" => "The body is not declared as JSON (`UNSUPPORTED_MEDIA_TYPE`)",
        "429" => {
            "Over the key's hourly limit (`RATE_LIMITED`); `Retry-After` says when to try again"
        }
        "502" => "The model provider failed, or its answer was unusable (`UPSTREAM_ERROR`)",
        "503" => {
            "A dependency (the database) is unreachable, or the feature is not configured (`UNAVAILABLE`)"
        }
        "504" => {
            "The model provider, or the agent turn as a whole, took too long (`UPSTREAM_TIMEOUT`)"
        }
        _ => "See the response body",
    }
}

/// Describes every undescribed response and marks `open` operations as
/// needing no security. `open` holds `(path, lowercase method)` pairs.
pub(crate) fn apply(doc: &mut Value, open: &[(String, String)]) {
    if let Some(components) = doc.get_mut("components").and_then(Value::as_object_mut) {
        components.insert("headers".into(), header_components());
    }
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for (method, operation) in item.iter_mut() {
            let Some(operation) = operation.as_object_mut() else {
                continue;
            };
            let is_open = open.iter().any(|(p, m)| p == path && m == method);
            if is_open {
                operation.insert("security".into(), Value::Array(Vec::new()));
            }
            add_common_errors(path, operation, !is_open);
            let idempotent = operation
                .get("parameters")
                .and_then(Value::as_array)
                .is_some_and(|ps| ps.iter().any(|p| p["name"] == "Idempotency-Key"));
            let Some(responses) = operation
                .get_mut("responses")
                .and_then(Value::as_object_mut)
            else {
                continue;
            };
            for (status, response) in responses.iter_mut() {
                let blank = response
                    .get("description")
                    .and_then(Value::as_str)
                    .is_none_or(str::is_empty);
                let Some(response) = response.as_object_mut() else {
                    continue;
                };
                if blank {
                    response.insert(
                        "description".into(),
                        Value::String(default_description(status).into()),
                    );
                }
                add_header(response, "X-Request-Id");
                if !is_open && status != "401" {
                    for name in [
                        "X-RateLimit-Limit",
                        "X-RateLimit-Remaining",
                        "X-RateLimit-Reset",
                    ] {
                        add_header(response, name);
                    }
                }
                if status == "429" {
                    add_header(response, "Retry-After");
                }
                if idempotent && status == "200" {
                    add_header(response, "Idempotent-Replayed");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn blank_responses_get_their_status_words_and_open_routes_no_security() {
        let mut doc = json!({"paths": {
            "/healthz": {"get": {"responses": {"200": {"description": "Alive"}}}},
            "/api/v1/bots": {"get": {"security": [{"bearer": ["bots:read"]}], "responses": {
                "200": {"description": ""}, "429": {"description": ""}}}}
        }});
        apply(&mut doc, &[("/healthz".into(), "get".into())]);
        assert_eq!(doc["paths"]["/healthz"]["get"]["security"], json!([]));
        assert_eq!(
            doc["paths"]["/healthz"]["get"]["responses"]["200"]["description"],
            "Alive"
        );
        let bots = &doc["paths"]["/api/v1/bots"]["get"];
        assert_eq!(bots["security"][0]["bearer"][0], "bots:read");
        assert_eq!(bots["responses"]["200"]["description"], "Success");
        assert!(
            bots["responses"]["429"]["description"]
                .as_str()
                .unwrap()
                .contains("Retry-After")
        );
        let headers = &bots["responses"]["429"]["headers"];
        for name in ["X-Request-Id", "X-RateLimit-Remaining", "Retry-After"] {
            assert_eq!(
                headers[name]["$ref"],
                format!("#/components/headers/{name}")
            );
        }
        let health = &doc["paths"]["/healthz"]["get"]["responses"]["200"]["headers"];
        assert!(health["X-RateLimit-Limit"].is_null() && !health["X-Request-Id"].is_null());
    }
}
