//! Bot discovery: a model drafts a bot configuration from a description
//! and reference sources. This module holds the request and its limits,
//! the prompt, and the reading of the model's answer into a [`BotDraft`]
//! that bot creation accepts as is. Nothing here is ever stored.

use serde_json::{Map, Value};
use time::OffsetDateTime;

use crate::bot::Bot;
use crate::bot_changes::BotChanges;
use crate::completion::PromptMessage;
use crate::field_update::FieldUpdate;
use crate::ids::{BotId, WorkspaceId};
use crate::message::Role;
use crate::prompt_builder::PromptBuilder;
use crate::validation::{ValidationError, check_required_text, check_text};

/// Longest description.
pub const MAX_DESCRIPTION_CHARS: usize = 8_000;
/// Most sources per request.
pub const MAX_SOURCES: usize = 20;
/// Longest single source.
pub const MAX_SOURCE_CHARS: usize = 20_000;
/// Longest sources all together.
pub const MAX_TOTAL_SOURCE_CHARS: usize = 60_000;
/// Longest name derived from a description when the model gives none.
const DERIVED_NAME_CHARS: usize = 60;

/// What the client asks a bot for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscoveryRequest {
    /// What the bot should do, in the client's words.
    pub description: String,
    /// Reference material (texts, or URLs named as references; URLs are
    /// not fetched).
    pub sources: Vec<String>,
}

/// The instructions the model drafts under.
const DRAFTING_INSTRUCTIONS: &str = "You design chat bots for businesses. From the \
description and reference sources you are given, draft the bot's configuration. Answer \
with one JSON object and nothing else, with these keys: \"name\" (a short display name), \
\"description\" (one sentence), \"system_prompt\" (complete instructions for the bot, \
grounded in the sources), \"prompt_builder\" (an object with \"persona\", \"goal\", \
\"tone\", \"instructions\" (array of strings), \"constraints\" (array of strings) and \
\"knowledge\" (facts from the sources the bot may rely on)), \"chat_greeting\" (the bot's \
first line to a new visitor) and \"temperature\" (a number from 0 to 2).";

impl DiscoveryRequest {
    /// Checks the limits; errors name the field (`sources[2]`).
    pub fn validate(&self) -> Result<(), ValidationError> {
        check_required_text("description", &self.description, MAX_DESCRIPTION_CHARS)?;
        if self.sources.len() > MAX_SOURCES {
            return Err(ValidationError::new(
                "sources",
                format!("must have at most {MAX_SOURCES} entries"),
            ));
        }
        let mut total = 0;
        for (index, source) in self.sources.iter().enumerate() {
            check_text(&format!("sources[{index}]"), source, MAX_SOURCE_CHARS)?;
            total += source.chars().count();
        }
        if total > MAX_TOTAL_SOURCE_CHARS {
            return Err(ValidationError::new(
                "sources",
                format!("must be at most {MAX_TOTAL_SOURCE_CHARS} characters in all"),
            ));
        }
        Ok(())
    }

    /// The prompt: drafting instructions, then the description and each
    /// non-blank source, numbered.
    pub fn prompt(&self) -> Vec<PromptMessage> {
        let mut user = format!("Description:\n{}", self.description.trim());
        let sources = self
            .sources
            .iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty());
        for (index, source) in sources.enumerate() {
            user.push_str(&format!("\n\nSource {}:\n{source}", index + 1));
        }
        vec![
            PromptMessage::text(Role::System, DRAFTING_INSTRUCTIONS.to_owned()),
            PromptMessage::text(Role::User, user),
        ]
    }

    /// A display name made of the description's first words, for a draft
    /// whose model gave none.
    fn derived_name(&self) -> String {
        let mut name = String::new();
        for word in self.description.split_whitespace().take(6) {
            if name.chars().count() + word.chars().count() + 1 > DERIVED_NAME_CHARS {
                break;
            }
            if !name.is_empty() {
                name.push(' ');
            }
            name.push_str(word);
        }
        let name = name.trim_end_matches(|c: char| !c.is_alphanumeric());
        if name.is_empty() {
            "New bot".to_owned()
        } else {
            name.to_owned()
        }
    }
}

/// A drafted bot configuration: the fields of a bot-create body.
#[derive(Debug, Clone, PartialEq)]
pub struct BotDraft {
    /// Display name.
    pub name: String,
    /// One-line description.
    pub description: Option<String>,
    /// The bot's instructions.
    pub system_prompt: String,
    /// The structured instructions, when the model gave usable ones.
    pub prompt_builder: Option<PromptBuilder>,
    /// First line to a new visitor.
    pub chat_greeting: Option<String>,
    /// Sampling temperature (0..2).
    pub temperature: Option<f64>,
}

/// Why a model's answer is not a usable draft.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the model's answer is not a usable bot configuration: {0}")]
pub struct DraftError(pub String);

fn text_field(object: &Map<String, Value>, key: &str) -> Option<String> {
    object
        .get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

fn text_list(object: &Map<String, Value>, key: &str) -> Vec<String> {
    match object.get(key) {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .collect(),
        Some(Value::String(one)) if !one.trim().is_empty() => vec![one.trim().to_owned()],
        _ => Vec::new(),
    }
}

/// The known sections of a model's `prompt_builder`; anything else it
/// added is ignored, and a builder with no usable section is dropped.
fn prompt_builder_of(value: Option<&Value>) -> Option<PromptBuilder> {
    let object = value?.as_object()?;
    let builder = PromptBuilder {
        persona: text_field(object, "persona"),
        goal: text_field(object, "goal"),
        tone: text_field(object, "tone"),
        instructions: text_list(object, "instructions"),
        constraints: text_list(object, "constraints"),
        knowledge: text_field(object, "knowledge"),
    };
    builder.assemble().is_ok().then_some(builder)
}

/// The JSON object in a model's answer, which may be wrapped in prose or a
/// Markdown code fence.
fn json_object_in(answer: &str) -> Result<Map<String, Value>, DraftError> {
    let (Some(start), Some(end)) = (answer.find('{'), answer.rfind('}')) else {
        return Err(DraftError("it contains no JSON object".into()));
    };
    if end < start {
        return Err(DraftError("it contains no JSON object".into()));
    }
    match serde_json::from_str::<Value>(&answer[start..=end]) {
        Ok(Value::Object(object)) => Ok(object),
        Ok(_) => Err(DraftError("it is not a JSON object".into())),
        Err(error) => Err(DraftError(format!("invalid JSON ({error})"))),
    }
}

impl BotDraft {
    /// Reads a model's answer. The name falls back to the description's
    /// first words and the system prompt to the assembled prompt builder;
    /// an out-of-range temperature is dropped. The result passes the same
    /// validation as creating a bot, so it can be posted as is.
    pub fn from_model_answer(answer: &str, request: &DiscoveryRequest) -> Result<Self, DraftError> {
        let object = json_object_in(answer)?;
        let prompt_builder = prompt_builder_of(object.get("prompt_builder"));
        let system_prompt = text_field(&object, "system_prompt")
            .or_else(|| prompt_builder.as_ref().and_then(|b| b.assemble().ok()))
            .ok_or_else(|| DraftError("it has no system_prompt".into()))?;
        let draft = BotDraft {
            name: text_field(&object, "name").unwrap_or_else(|| request.derived_name()),
            description: text_field(&object, "description"),
            system_prompt,
            prompt_builder,
            chat_greeting: text_field(&object, "chat_greeting"),
            temperature: object
                .get("temperature")
                .and_then(Value::as_f64)
                .filter(|t| (0.0..=2.0).contains(t)),
        };
        draft.check_creatable()?;
        Ok(draft)
    }

    /// The draft as bot-create input.
    pub fn to_changes(&self) -> BotChanges {
        let optional = |value: &Option<String>| match value {
            Some(text) => FieldUpdate::Set(text.clone()),
            None => FieldUpdate::Unchanged,
        };
        BotChanges {
            name: FieldUpdate::Set(self.name.clone()),
            description: optional(&self.description),
            system_prompt: FieldUpdate::Set(self.system_prompt.clone()),
            prompt_builder: match &self.prompt_builder {
                Some(builder) => serde_json::to_value(builder)
                    .map(FieldUpdate::Set)
                    .unwrap_or(FieldUpdate::Unchanged),
                None => FieldUpdate::Unchanged,
            },
            chat_greeting: optional(&self.chat_greeting),
            temperature: match self.temperature {
                Some(t) => FieldUpdate::Set(t),
                None => FieldUpdate::Unchanged,
            },
            ..BotChanges::default()
        }
    }

    /// Fails unless bot creation would accept the draft (lengths, NUL
    /// bytes, …).
    fn check_creatable(&self) -> Result<(), DraftError> {
        let probe = (
            BotId::from_uuid(uuid::Uuid::nil()),
            WorkspaceId::from_uuid(uuid::Uuid::nil()),
        );
        Bot::create(
            probe.0,
            probe.1,
            self.to_changes(),
            "draft".to_owned(),
            OffsetDateTime::UNIX_EPOCH,
        )
        .map(|_| ())
        .map_err(|error| DraftError(error.to_string()))
    }
}

#[cfg(test)]
#[path = "discovery_tests.rs"]
mod tests;
