//! The OpenAI adapter's request bodies and error mapping.

use super::*;

#[test]
fn statuses_map_to_the_ports_errors() {
    let mut headers = HeaderMap::new();
    headers.insert(RETRY_AFTER, "7".parse().unwrap());
    assert_eq!(
        status_error(429, &headers, ""),
        ProviderError::RateLimited {
            retry_after: Some(7)
        }
    );
    assert_eq!(
        status_error(504, &HeaderMap::new(), ""),
        ProviderError::Timeout
    );
    let bad = status_error(
        400,
        &HeaderMap::new(),
        r#"{"error": {"message": "model not found"}}"#,
    );
    assert_eq!(
        bad,
        ProviderError::BadRequest("HTTP 400: model not found".into())
    );
    assert!(
        matches!(status_error(503, &HeaderMap::new(), "down"), ProviderError::Unavailable(m) if m.contains("down"))
    );
}

#[test]
fn stream_requests_ask_for_usage() {
    let request = CompletionRequest {
        model: "m".into(),
        messages: vec![],
        temperature: Some(0.2),
        max_tokens: None,
        tools: vec![],
        format: AnswerFormat::Text,
    };
    let b = body(&request, true);
    assert_eq!(
        (
            b["stream"].clone(),
            b["stream_options"]["include_usage"].clone()
        ),
        (json!(true), json!(true))
    );
    assert_eq!(b["temperature"], 0.2);
    assert!(b.get("tools").is_none() && body(&request, false).get("stream_options").is_none());
}

#[test]
fn answer_formats_become_response_formats() {
    let mut request = CompletionRequest {
        model: "m".into(),
        messages: vec![],
        temperature: None,
        max_tokens: None,
        tools: vec![],
        format: AnswerFormat::Text,
    };
    assert!(body(&request, false).get("response_format").is_none());
    request.format = AnswerFormat::JsonObject;
    assert_eq!(
        body(&request, false)["response_format"],
        json!({"type": "json_object"})
    );
    let schema = json!({"type": "object", "required": ["status"]});
    request.format = AnswerFormat::JsonSchema {
        name: "order".into(),
        schema: schema.clone(),
    };
    assert_eq!(
        body(&request, false)["response_format"],
        json!({"type": "json_schema", "json_schema": {"name": "order", "schema": schema}})
    );
}
