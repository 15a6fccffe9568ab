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

/// `system` followed by the newest user/assistant messages of `history`
/// (oldest first) that fit in `budget` tokens. The last message (the one
/// being answered) is always included.
pub fn build_prompt(system: &str, history: &[Message], budget: u32) -> Vec<PromptMessage> {
    let mut remaining = budget.saturating_sub(estimate_tokens(system));
    let mut chosen: Vec<&Message> = Vec::new();
    for (i, message) in history.iter().rev().enumerate() {
        if !matches!(message.role, Role::User | Role::Assistant) {
            continue;
        }
        let cost = estimate_tokens(&message.content);
        if i > 0 && cost > remaining {
            break;
        }
        remaining = remaining.saturating_sub(cost);
        chosen.push(message);
    }
    let mut prompt = Vec::with_capacity(chosen.len() + 1);
    if !system.trim().is_empty() {
        prompt.push(PromptMessage {
            role: Role::System,
            content: system.to_owned(),
        });
    }
    prompt.extend(chosen.into_iter().rev().map(|m| PromptMessage {
        role: m.role,
        content: m.content.clone(),
    }));
    prompt
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
}
