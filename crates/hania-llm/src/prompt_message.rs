//! Prompt messages in the form OpenAI's chat API accepts.

use hania_domain::completion::PromptMessage;
use serde_json::{Value, json};

/// An assistant message's tool calls as `tool_calls` (content `null` when
/// it has no text), a tool result with its `tool_call_id`, else role and
/// content.
pub(crate) fn to_openai(m: &PromptMessage) -> Value {
    let mut out = json!({"role": m.role.as_str(), "content": m.content});
    if !m.tool_calls.is_empty() {
        out["tool_calls"] = m
            .tool_calls
            .iter()
            .map(|c| json!({"id": c.id, "type": "function", "function": {"name": c.name, "arguments": c.arguments}}))
            .collect();
        if m.content.is_empty() {
            out["content"] = Value::Null;
        }
    }
    if let Some(id) = &m.tool_call_id {
        out["tool_call_id"] = json!(id);
    }
    out
}

#[cfg(test)]
mod tests {
    use hania_domain::completion::ToolCall;
    use hania_domain::message::Role;

    use super::*;

    #[test]
    fn tool_calls_and_results_have_openais_shape() {
        let asking = PromptMessage {
            tool_calls: vec![ToolCall {
                id: "call_1".into(),
                name: "lookup_order".into(),
                arguments: r#"{"order_id":"42"}"#.into(),
            }],
            ..PromptMessage::text(Role::Assistant, "")
        };
        assert_eq!(
            to_openai(&asking),
            json!({"role": "assistant", "content": null, "tool_calls": [
                {"id": "call_1", "type": "function", "function": {"name": "lookup_order", "arguments": "{\"order_id\":\"42\"}"}}
            ]})
        );
        let result = PromptMessage {
            tool_call_id: Some("call_1".into()),
            ..PromptMessage::text(Role::Tool, "{\"status\":\"shipped\"}")
        };
        assert_eq!(
            to_openai(&result),
            json!({"role": "tool", "content": "{\"status\":\"shipped\"}", "tool_call_id": "call_1"})
        );
        assert_eq!(
            to_openai(&PromptMessage::text(Role::User, "hi")),
            json!({"role": "user", "content": "hi"})
        );
    }
}
