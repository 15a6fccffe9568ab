//! The documented shape of a bot's `prompt_builder` (the domain parses it:
//! `hania_domain::prompt_builder::PromptBuilder`).

use utoipa::ToSchema;

/// The `prompt_builder` object: sections assembled, in this order, into
/// the system prompt when none is given (at least one must then be
/// non-blank). Unknown fields are refused.
#[derive(Debug, serde::Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // Documents the object; the domain parses it.
pub struct PromptBuilderBody {
    /// Who the bot is (`You are {persona}.`).
    persona: Option<String>,
    /// What it is for.
    goal: Option<String>,
    /// How it speaks.
    tone: Option<String>,
    /// Bulleted instructions.
    #[schema(required = false)]
    instructions: Vec<String>,
    /// Bulleted constraints.
    #[schema(required = false)]
    constraints: Vec<String>,
    /// Reference knowledge.
    knowledge: Option<String>,
}
