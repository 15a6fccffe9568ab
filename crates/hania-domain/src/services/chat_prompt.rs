//! Building the prompt: the system prompt, then as much recent history as
//! the model's context budget allows, ending with the new message.

use crate::completion::{CompletionRequest, PromptMessage, TokenUsage};
use crate::message::{Message, Role};

/// A rough token count (about four characters a token, plus framing),
/// used to keep prompts within a budget without a tokenizer.
pub fn estimate_tokens(text: &str) -> u32 {
    u32::try_from(text.chars().count() / 4)
        .unwrap_or(u32::MAX)
        .saturating_add(4)
}

/// Usage estimated with [`estimate_tokens`], for a provider that did not
/// report it: the prompt's messages and the answer `text`.
pub fn estimate_usage(request: &CompletionRequest, text: &str) -> TokenUsage {
    TokenUsage {
        prompt_tokens: request
            .messages
            .iter()
            .map(|m| estimate_tokens(&m.content))
            .fold(0, u32::saturating_add),
        completion_tokens: estimate_tokens(text),
    }
}

/// `system` followed by the newest messages of `history` (oldest first)
/// that fit in `budget` tokens. The last message (the one being answered)
/// is always included. An assistant message that asked for tools travels
/// with the `tool` messages answering it, as one unit: the model always
/// sees a `tool` message right after the call it answers, and a call whose
/// results are not all stored (an interrupted turn) is left out whole, as
/// are `tool` messages without their call. System messages are skipped.
pub fn build_prompt(system: &str, history: &[Message], budget: u32) -> Vec<PromptMessage> {
    let units = units(history);
    let mut remaining = budget.saturating_sub(estimate_tokens(system));
    let mut chosen: Vec<&[&Message]> = Vec::new();
    for (i, unit) in units.iter().rev().enumerate() {
        let cost = unit
            .iter()
            .map(|m| {
                estimate_tokens(&m.content)
                    + m.tool_calls()
                        .iter()
                        .filter_map(|c| c.get("arguments")?.as_str())
                        .map(estimate_tokens)
                        .fold(0, u32::saturating_add)
            })
            .fold(0, u32::saturating_add);
        if i > 0 && cost > remaining {
            break;
        }
        remaining = remaining.saturating_sub(cost);
        chosen.push(unit);
    }
    let mut prompt = Vec::with_capacity(chosen.iter().map(|u| u.len()).sum::<usize>() + 1);
    if !system.trim().is_empty() {
        prompt.push(PromptMessage::text(Role::System, system));
    }
    prompt.extend(
        chosen
            .into_iter()
            .rev()
            .flatten()
            .map(|m| PromptMessage::from_message(m)),
    );
    prompt
}

/// Whether the assistant message `asking` asked for the call `id`.
fn asked_for(asking: &Message, id: &str) -> bool {
    asking
        .tool_calls()
        .iter()
        .any(|c| c.get("id").and_then(|v| v.as_str()) == Some(id))
}

/// The history in units the model may see: a user or plain assistant
/// message alone, or an assistant message with tool calls followed by one
/// `tool` message per call.
fn units(history: &[Message]) -> Vec<Vec<&Message>> {
    let mut units: Vec<Vec<&Message>> = Vec::new();
    let mut open: Option<Vec<&Message>> = None;
    let complete = |unit: &[&Message]| unit[0].tool_calls().len() + 1 == unit.len();
    for message in history {
        if message.role == Role::Tool {
            if let (Some(unit), Some(id)) = (open.as_mut(), message.answered_call()) {
                let answered = unit.iter().any(|m| m.answered_call() == Some(id));
                if asked_for(unit[0], id) && !answered {
                    unit.push(message);
                }
            }
            continue;
        }
        if let Some(unit) = open.take().filter(|u| complete(u)) {
            units.push(unit);
        }
        match message.role {
            Role::Assistant if !message.tool_calls().is_empty() => open = Some(vec![message]),
            Role::User | Role::Assistant => units.push(vec![message]),
            Role::System | Role::Tool => {}
        }
    }
    if let Some(unit) = open.filter(|u| complete(u)) {
        units.push(unit);
    }
    units
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;
    use uuid::Uuid;

    use super::*;
    use crate::ids::{ConversationId, MessageId};

    fn message(position: u32, role: Role, content: &str) -> Message {
        Message {
            id: MessageId::from_uuid(Uuid::new_v4()),
            conversation_id: ConversationId::from_uuid(Uuid::nil()),
            position,
            role,
            content: content.into(),
            metadata: None,
            created_at: datetime!(2026-11-21 10:00 UTC),
        }
    }

    #[test]
    fn history_is_kept_in_order_within_the_budget() {
        let history = vec![
            message(1, Role::User, &"a".repeat(400)),
            message(2, Role::Assistant, "short answer"),
            message(3, Role::System, "ignored"),
            message(4, Role::User, "latest question"),
        ];
        let all = build_prompt("Be brief.", &history, 10_000);
        let roles: Vec<Role> = all.iter().map(|m| m.role).collect();
        assert_eq!(
            roles,
            vec![Role::System, Role::User, Role::Assistant, Role::User]
        );
        assert_eq!(
            all.last().map(|m| m.content.as_str()),
            Some("latest question")
        );

        let tight = build_prompt("Be brief.", &history, 30);
        let contents: Vec<&str> = tight.iter().map(|m| m.content.as_str()).collect();
        assert_eq!(
            contents,
            vec!["Be brief.", "short answer", "latest question"],
            "the long old message is dropped"
        );

        let none = build_prompt("", &history, 0);
        assert_eq!(none.len(), 1, "the message being answered is always sent");
    }

    fn with_meta(position: u32, role: Role, content: &str, meta: serde_json::Value) -> Message {
        Message {
            metadata: Some(meta),
            ..message(position, role, content)
        }
    }

    fn asking(position: u32, ids: &[&str]) -> Message {
        let calls: Vec<_> = ids
            .iter()
            .map(|id| serde_json::json!({"id": id, "name": "lookup", "arguments": "{}"}))
            .collect();
        with_meta(
            position,
            Role::Assistant,
            "",
            serde_json::json!({"tool_calls": calls}),
        )
    }

    fn result(position: u32, id: &str) -> Message {
        with_meta(
            position,
            Role::Tool,
            "{\"status\": \"shipped\"}",
            serde_json::json!({"tool_call_id": id, "name": "lookup"}),
        )
    }

    #[test]
    fn tool_calls_travel_with_their_results() {
        let history = vec![
            message(1, Role::User, "status of 42?"),
            asking(2, &["a", "b"]),
            result(3, "b"),
            result(4, "a"),
            message(5, Role::Assistant, "Shipped."),
            message(6, Role::User, "and 43?"),
        ];
        let prompt = build_prompt("", &history, 10_000);
        let shape: Vec<(Role, Option<&str>)> = prompt
            .iter()
            .map(|m| (m.role, m.tool_call_id.as_deref()))
            .collect();
        assert_eq!(
            shape,
            [
                (Role::User, None),
                (Role::Assistant, None),
                (Role::Tool, Some("b")),
                (Role::Tool, Some("a")),
                (Role::Assistant, None),
                (Role::User, None)
            ]
        );
        assert_eq!(prompt[1].tool_calls.len(), 2);
        assert_eq!(prompt[1].tool_calls[0].name, "lookup");
    }

    #[test]
    fn incomplete_calls_and_orphan_results_are_left_out() {
        let history = vec![
            message(1, Role::User, "q1"),
            asking(2, &["a", "b"]),
            result(3, "a"),
            result(4, "zzz"),
            message(5, Role::User, "q2"),
            result(6, "a"),
            message(7, Role::User, "q3"),
        ];
        let prompt = build_prompt("", &history, 10_000);
        let contents: Vec<&str> = prompt.iter().map(|m| m.content.as_str()).collect();
        assert_eq!(
            contents,
            ["q1", "q2", "q3"],
            "an interrupted call is dropped whole"
        );
    }

    #[test]
    fn a_unit_is_kept_or_dropped_whole_by_the_budget() {
        let history = vec![
            message(1, Role::User, "q1"),
            asking(2, &["a"]),
            with_meta(
                3,
                Role::Tool,
                &"r".repeat(400),
                serde_json::json!({"tool_call_id": "a"}),
            ),
            message(4, Role::Assistant, "done"),
            message(5, Role::User, "q2"),
        ];
        let prompt = build_prompt("", &history, 40);
        assert!(
            prompt
                .iter()
                .all(|m| m.role != Role::Tool && m.tool_calls.is_empty()),
            "{prompt:?}"
        );
        assert_eq!(prompt.last().map(|m| m.content.as_str()), Some("q2"));
    }
}
