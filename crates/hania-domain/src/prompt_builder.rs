//! The `prompt_builder` object and its deterministic assembly into a
//! `system_prompt`.

use serde::{Deserialize, Serialize};

use crate::validation::{ValidationError, check_json};

/// Structured instructions a bot's system prompt can be assembled from.
/// Unknown fields are refused, so a typo is an error rather than silently
/// lost instructions.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PromptBuilder {
    /// Who the bot is ("a friendly support agent for Acme").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub persona: Option<String>,
    /// What the bot tries to achieve.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub goal: Option<String>,
    /// How it speaks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tone: Option<String>,
    /// Things to do, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub instructions: Vec<String>,
    /// Things never to do.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub constraints: Vec<String>,
    /// Reference facts the bot may rely on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub knowledge: Option<String>,
}

fn present(text: &Option<String>) -> Option<&str> {
    text.as_deref().map(str::trim).filter(|t| !t.is_empty())
}

fn bullet_list(title: &str, items: &[String]) -> Option<String> {
    let lines: Vec<String> = items
        .iter()
        .map(|i| i.trim())
        .filter(|i| !i.is_empty())
        .map(|i| format!("- {i}"))
        .collect();
    (!lines.is_empty()).then(|| format!("{title}:\n{}", lines.join("\n")))
}

impl PromptBuilder {
    /// Parses a client's JSON object; errors name `prompt_builder`.
    pub fn from_json(value: &serde_json::Value) -> Result<Self, ValidationError> {
        check_json("prompt_builder", value)?;
        // serde would also read a struct from an array; only objects are meant.
        if !value.is_object() {
            return Err(ValidationError::new("prompt_builder", "must be an object"));
        }
        serde_json::from_value(value.clone())
            .map_err(|e| ValidationError::new("prompt_builder", e.to_string()))
    }

    /// Assembles the system prompt. Sections appear in a fixed order
    /// (persona, goal, tone, instructions, constraints, knowledge), blank
    /// entries are skipped, and the same builder always gives the same text.
    /// Fails when every section is empty.
    pub fn assemble(&self) -> Result<String, ValidationError> {
        let sections: Vec<String> = [
            present(&self.persona).map(|p| format!("You are {p}.")),
            present(&self.goal).map(|g| format!("Your goal: {g}")),
            present(&self.tone).map(|t| format!("Tone: {t}")),
            bullet_list("Instructions", &self.instructions),
            bullet_list("Constraints", &self.constraints),
            present(&self.knowledge).map(|k| format!("Knowledge:\n{k}")),
        ]
        .into_iter()
        .flatten()
        .collect();
        if sections.is_empty() {
            return Err(ValidationError::new(
                "prompt_builder",
                "must contain at least one non-empty section",
            ));
        }
        Ok(sections.join("\n\n"))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn assembly_is_deterministic_and_ordered() {
        let builder = PromptBuilder::from_json(&json!({
            "knowledge": "Refunds take 5 days.",
            "tone": "warm",
            "persona": "Acme's support agent",
            "instructions": ["Greet the user", " ", "Ask for the order id"],
            "constraints": ["Never promise dates"],
            "goal": "resolve billing questions"
        }))
        .unwrap();
        let expected = "You are Acme's support agent.\n\nYour goal: resolve billing questions\n\n\
                        Tone: warm\n\nInstructions:\n- Greet the user\n- Ask for the order id\n\n\
                        Constraints:\n- Never promise dates\n\nKnowledge:\nRefunds take 5 days.";
        assert_eq!(builder.assemble().unwrap(), expected);
        assert_eq!(
            builder.assemble().unwrap(),
            builder.clone().assemble().unwrap()
        );
    }

    #[test]
    fn empty_or_unknown_input_is_refused() {
        assert!(
            PromptBuilder::from_json(&json!({}))
                .unwrap()
                .assemble()
                .is_err()
        );
        let err = PromptBuilder::from_json(&json!({"persna": "x"})).unwrap_err();
        assert_eq!(err.field, "prompt_builder");
        assert!(err.message.contains("persna"));
        assert!(PromptBuilder::from_json(&json!({"goal": 3})).is_err());
        assert!(PromptBuilder::from_json(&json!([null, null])).is_err());
        assert!(PromptBuilder::from_json(&json!({"goal": "a\u{0}"})).is_err());
    }
}
