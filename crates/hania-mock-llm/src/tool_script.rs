//! Scripted tool calls: a mock configured with [`ScriptedCall`]s asks for
//! them whenever a request offers tools (by those names) and has no `tool`
//! message after its last `user` message; once the results are there it
//! answers with its reply text. That is one agent round trip per user
//! message, the shape agent tests need.

use actix_web::HttpResponse;
use actix_web::web::Bytes;
use serde_json::{Value, json};

/// A tool call the mock asks for.
#[derive(Debug, Clone, PartialEq)]
pub struct ScriptedCall {
    /// The function name (must be among the request's `tools`).
    pub name: String,
    /// The arguments object (sent as JSON text, as OpenAI does).
    pub arguments: Value,
}

/// The calls to answer with: `(id, name, arguments text)`, or none.
pub(crate) fn calls_for(
    script: &[ScriptedCall],
    body: &Value,
    request: u64,
) -> Vec<(String, String, String)> {
    let offered: Vec<&str> = body["tools"]
        .as_array()
        .map(|tools| {
            tools
                .iter()
                .filter_map(|t| t["function"]["name"].as_str())
                .collect()
        })
        .unwrap_or_default();
    let messages = body["messages"].as_array().cloned().unwrap_or_default();
    let since_user = messages
        .iter()
        .rev()
        .take_while(|m| m["role"] != "user")
        .any(|m| m["role"] == "tool");
    if since_user {
        return Vec::new();
    }
    script
        .iter()
        .filter(|call| offered.contains(&call.name.as_str()))
        .enumerate()
        .map(|(i, call)| {
            (
                format!("call_{request}_{i}"),
                call.name.clone(),
                call.arguments.to_string(),
            )
        })
        .collect()
}

/// The answer asking for `calls`, blocking or streamed (each call's
/// arguments in two fragments, merged by index as OpenAI streams them).
pub(crate) fn respond(
    stream: bool,
    model: &str,
    calls: &[(String, String, String)],
) -> HttpResponse {
    let completion_tokens: usize = calls.iter().map(|(_, _, args)| args.len() / 4 + 1).sum();
    let usage = json!({"prompt_tokens": 10, "completion_tokens": completion_tokens});
    let whole: Vec<Value> = calls
        .iter()
        .map(|(id, name, args)| json!({"id": id, "type": "function", "function": {"name": name, "arguments": args}}))
        .collect();
    if !stream {
        return HttpResponse::Ok().json(json!({
            "object": "chat.completion", "model": model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": null, "tool_calls": whole}, "finish_reason": "tool_calls"}],
            "usage": usage,
        }));
    }
    let event = |choices: Value, extra: Option<&Value>| {
        let mut event =
            json!({"object": "chat.completion.chunk", "model": model, "choices": choices});
        if let Some(usage) = extra {
            event["usage"] = usage.clone();
        }
        format!("data: {event}\n\n")
    };
    let mut text = String::new();
    for (index, (id, name, args)) in calls.iter().enumerate() {
        let (head, tail) = args.split_at(args.len() / 2);
        let first = json!([{"index": 0, "delta": {"tool_calls": [{"index": index, "id": id, "type": "function", "function": {"name": name, "arguments": head}}]}, "finish_reason": null}]);
        let second = json!([{"index": 0, "delta": {"tool_calls": [{"index": index, "function": {"arguments": tail}}]}, "finish_reason": null}]);
        text.push_str(&event(first, None));
        text.push_str(&event(second, None));
    }
    text.push_str(&event(
        json!([{"index": 0, "delta": {}, "finish_reason": "tool_calls"}]),
        None,
    ));
    text.push_str(&event(json!([]), Some(&usage)));
    text.push_str("data: [DONE]\n\n");
    HttpResponse::Ok()
        .content_type("text/event-stream")
        .body(Bytes::from(text))
}

/// `reply` with `{tool_results}` replaced by the contents of the `tool`
/// messages after the last `user` message of the request `body`.
pub(crate) fn with_results(reply: &str, body: &Value) -> String {
    if !reply.contains("{tool_results}") {
        return reply.to_owned();
    }
    let messages = body["messages"].as_array().cloned().unwrap_or_default();
    let mut results: Vec<String> = messages
        .iter()
        .rev()
        .take_while(|m| m["role"] != "user")
        .filter(|m| m["role"] == "tool")
        .map(|m| m["content"].as_str().unwrap_or_default().to_owned())
        .collect();
    results.reverse();
    reply.replace("{tool_results}", &results.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_are_asked_for_until_results_follow_the_user_message() {
        let script = [ScriptedCall {
            name: "lookup".into(),
            arguments: json!({"id": 1}),
        }];
        let tools = json!([{"type": "function", "function": {"name": "lookup"}}]);
        let asking = json!({"tools": tools, "messages": [{"role": "user", "content": "hi"}]});
        assert_eq!(
            calls_for(&script, &asking, 7),
            [("call_7_0".into(), "lookup".into(), r#"{"id":1}"#.into())]
        );
        let answered = json!({"tools": tools, "messages": [
            {"role": "user", "content": "hi"},
            {"role": "assistant", "content": null, "tool_calls": []},
            {"role": "tool", "tool_call_id": "call_7_0", "content": "{}"}
        ]});
        assert!(calls_for(&script, &answered, 8).is_empty());
        let next_turn = json!({"tools": tools, "messages": [
            {"role": "tool", "tool_call_id": "call_7_0", "content": "{}"},
            {"role": "user", "content": "again"}
        ]});
        assert_eq!(calls_for(&script, &next_turn, 9).len(), 1);
        assert!(
            calls_for(&script, &json!({"messages": []}), 1).is_empty(),
            "no tools offered"
        );
    }
}
