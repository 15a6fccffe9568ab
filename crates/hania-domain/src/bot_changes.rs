//! Creating and partially updating bots from client input. All bot
//! validation lives here, so every dialect and the CLI answer alike.

use time::OffsetDateTime;

use crate::agent;
use crate::bot::{Bot, BotStatus, BotType, TtsProvider};
use crate::cron::CronSchedule;
use crate::field_update::FieldUpdate;
use crate::ids::{BotId, WorkspaceId};
use crate::metadata::Metadata;
use crate::prompt_builder::PromptBuilder;
use crate::slug::validate_slug;
use crate::validation::{ValidationError, check_json, check_required_text, check_text};

const MAX_NAME: usize = 200;
const MAX_DESCRIPTION: usize = 5_000;
const MAX_PROMPT: usize = 100_000;
const MAX_GREETING: usize = 4_000;
const MAX_SHORT: usize = 200;
const MAX_GOAL: usize = 10_000;

/// Client input for a bot, used by create (every omitted field takes its
/// default) and by partial update (every omitted field is left alone).
/// Enumerations, numbers and JSON arrive raw and are validated here.
#[derive(Debug, Clone, Default, PartialEq)]
#[allow(missing_docs)] // Each field is the bot field of the same name.
pub struct BotChanges {
    pub name: FieldUpdate<String>,
    pub description: FieldUpdate<String>,
    pub slug: FieldUpdate<String>,
    pub system_prompt: FieldUpdate<String>,
    pub prompt_builder: FieldUpdate<serde_json::Value>,
    pub settings: FieldUpdate<serde_json::Value>,
    pub status: FieldUpdate<String>,
    pub bot_type: FieldUpdate<String>,
    pub model: FieldUpdate<String>,
    pub temperature: FieldUpdate<f64>,
    pub chat_greeting: FieldUpdate<String>,
    pub tts_provider: FieldUpdate<String>,
    pub tts_voice: FieldUpdate<String>,
    pub voice_greeting: FieldUpdate<String>,
    pub end_call_enabled: FieldUpdate<bool>,
    pub call_transfer_enabled: FieldUpdate<bool>,
    pub call_transfer_number: FieldUpdate<String>,
    pub outbound_calls_enabled: FieldUpdate<bool>,
    pub max_call_seconds: FieldUpdate<u32>,
    pub schedule: FieldUpdate<String>,
    pub agent_goal: FieldUpdate<String>,
    pub output_config: FieldUpdate<serde_json::Value>,
    pub max_iterations: FieldUpdate<u32>,
    pub timeout_seconds: FieldUpdate<u32>,
    pub metadata: FieldUpdate<serde_json::Value>,
}

fn text(field: &'static str, max: usize) -> impl Fn(String) -> Result<String, ValidationError> {
    move |value| check_text(field, &value, max).map(|()| value)
}

fn required_text(
    field: &'static str,
    max: usize,
) -> impl Fn(String) -> Result<String, ValidationError> {
    move |value| check_required_text(field, &value, max).map(|()| value)
}

fn object(
    field: &'static str,
) -> impl Fn(serde_json::Value) -> Result<serde_json::Value, ValidationError> {
    move |value| {
        if !value.is_object() {
            return Err(ValidationError::new(field, "must be an object"));
        }
        check_json(field, &value).map(|()| value)
    }
}

fn within(field: &'static str, min: u32, max: u32) -> impl Fn(u32) -> Result<u32, ValidationError> {
    move |value| {
        if (min..=max).contains(&value) {
            Ok(value)
        } else {
            Err(ValidationError::new(
                field,
                format!("must be between {min} and {max}"),
            ))
        }
    }
}

fn temperature(value: f64) -> Result<f64, ValidationError> {
    if value.is_finite() && (0.0..=2.0).contains(&value) {
        Ok(value)
    } else {
        Err(ValidationError::new(
            "temperature",
            "must be between 0 and 2",
        ))
    }
}

fn not_null<T>(field: &'static str, update: &FieldUpdate<T>) -> Result<(), ValidationError> {
    match update {
        FieldUpdate::Clear => Err(ValidationError::new(field, "must not be null")),
        _ => Ok(()),
    }
}

impl Bot {
    /// Creates a bot from client input. `name` is required, and so is a
    /// `system_prompt` unless a `prompt_builder` is given to assemble one.
    /// `slug` is the free slug the caller chose (see [`crate::slug`]) unless
    /// `changes.slug` names one.
    pub fn create(
        id: BotId,
        workspace_id: WorkspaceId,
        changes: BotChanges,
        slug: String,
        now: OffsetDateTime,
    ) -> Result<Bot, ValidationError> {
        if !matches!(changes.name, FieldUpdate::Set(_)) {
            return Err(ValidationError::new("name", "is required"));
        }
        let mut bot = Bot {
            id,
            workspace_id,
            name: String::new(),
            description: String::new(),
            slug,
            system_prompt: String::new(),
            prompt_builder: None,
            settings: serde_json::json!({}),
            status: BotStatus::Active,
            bot_type: BotType::Chatbot,
            model: None,
            temperature: None,
            chat_greeting: None,
            tts_provider: None,
            tts_voice: None,
            voice_greeting: None,
            end_call_enabled: false,
            call_transfer_enabled: false,
            call_transfer_number: None,
            outbound_calls_enabled: false,
            max_call_seconds: None,
            schedule: None,
            next_run_at: None,
            last_run_at: None,
            agent_goal: None,
            output_config: None,
            max_iterations: None,
            timeout_seconds: None,
            metadata: Metadata::default(),
            created_at: now,
            updated_at: now,
        };
        bot.apply(changes, now)?;
        Ok(bot)
    }

    /// Applies a partial update: omitted fields stay, `null` clears a
    /// nullable field and is refused for a required one. Changing the
    /// prompt builder without giving a system prompt re-assembles it.
    /// Nothing is changed when an error is returned.
    pub fn apply(
        &mut self,
        changes: BotChanges,
        now: OffsetDateTime,
    ) -> Result<(), ValidationError> {
        let mut next = self.clone();
        next.apply_fields(changes)?;
        next.updated_at = now;
        next.reschedule(now);
        *self = next;
        Ok(())
    }

    fn apply_fields(&mut self, c: BotChanges) -> Result<(), ValidationError> {
        for (field, update) in [("name", &c.name), ("slug", &c.slug)] {
            not_null(field, update)?;
        }
        not_null("status", &c.status)?;
        not_null("bot_type", &c.bot_type)?;
        c.name
            .try_map(required_text("name", MAX_NAME))?
            .apply_or(&mut self.name, String::new);
        c.description
            .try_map(text("description", MAX_DESCRIPTION))?
            .apply_or(&mut self.description, String::new);
        c.slug
            .try_map(|s| validate_slug(&s).map(|()| s))?
            .apply_or(&mut self.slug, String::new);
        let builder_mentioned = c.prompt_builder.is_mentioned();
        c.prompt_builder
            .try_map(|v| PromptBuilder::from_json(&v))?
            .apply_to(&mut self.prompt_builder);
        match c
            .system_prompt
            .try_map(required_text("system_prompt", MAX_PROMPT))?
        {
            FieldUpdate::Set(prompt) => self.system_prompt = prompt,
            FieldUpdate::Clear => self.system_prompt = String::new(),
            FieldUpdate::Unchanged if builder_mentioned => self.system_prompt = String::new(),
            FieldUpdate::Unchanged => {}
        }
        if self.system_prompt.is_empty() {
            self.system_prompt = match &self.prompt_builder {
                Some(builder) => builder.assemble()?,
                None => {
                    return Err(ValidationError::new(
                        "system_prompt",
                        "is required unless prompt_builder is given",
                    ));
                }
            };
        }
        c.settings
            .try_map(object("settings"))?
            .apply_or(&mut self.settings, || serde_json::json!({}));
        c.status
            .try_map(|s| BotStatus::parse(&s))?
            .apply_or(&mut self.status, || BotStatus::Active);
        c.bot_type
            .try_map(|s| BotType::parse(&s))?
            .apply_or(&mut self.bot_type, || BotType::Chatbot);
        c.model
            .try_map(required_text("model", MAX_SHORT))?
            .apply_to(&mut self.model);
        c.temperature
            .try_map(temperature)?
            .apply_to(&mut self.temperature);
        c.chat_greeting
            .try_map(text("chat_greeting", MAX_GREETING))?
            .apply_to(&mut self.chat_greeting);
        c.tts_provider
            .try_map(|s| TtsProvider::parse(&s))?
            .apply_to(&mut self.tts_provider);
        c.tts_voice
            .try_map(text("tts_voice", MAX_SHORT))?
            .apply_to(&mut self.tts_voice);
        c.voice_greeting
            .try_map(text("voice_greeting", MAX_GREETING))?
            .apply_to(&mut self.voice_greeting);
        c.end_call_enabled
            .apply_or(&mut self.end_call_enabled, || false);
        c.call_transfer_enabled
            .apply_or(&mut self.call_transfer_enabled, || false);
        c.call_transfer_number
            .try_map(text("call_transfer_number", MAX_SHORT))?
            .apply_to(&mut self.call_transfer_number);
        c.outbound_calls_enabled
            .apply_or(&mut self.outbound_calls_enabled, || false);
        c.max_call_seconds
            .try_map(within("max_call_seconds", 1, 86_400))?
            .apply_to(&mut self.max_call_seconds);
        c.schedule
            .try_map(|s| s.parse::<CronSchedule>())?
            .apply_to(&mut self.schedule);
        c.agent_goal
            .try_map(text("agent_goal", MAX_GOAL))?
            .apply_to(&mut self.agent_goal);
        c.output_config
            .try_map(object("output_config"))?
            .try_map(|config| agent::answer_format(Some(&config)).map(|_| config))?
            .apply_to(&mut self.output_config);
        c.max_iterations
            .try_map(within("max_iterations", 1, agent::MAX_ITERATIONS))?
            .apply_to(&mut self.max_iterations);
        c.timeout_seconds
            .try_map(within("timeout_seconds", 1, agent::MAX_TIMEOUT_SECONDS))?
            .apply_to(&mut self.timeout_seconds);
        c.metadata
            .try_map(|v| Metadata::from_json(&v))?
            .apply_or(&mut self.metadata, Metadata::default);
        Ok(())
    }
}

#[cfg(test)]
#[path = "bot_changes_tests.rs"]
mod tests;
