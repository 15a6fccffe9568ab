//! Bot request and response bodies (seed `001_*`).

use std::collections::BTreeMap;

use hania_domain::bot::Bot;
use hania_domain::bot_changes::BotChanges;
use hania_domain::field_update::FieldUpdate;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use super::names::{BotStatusName, BotTypeName, TtsProviderName};
use super::prompt_builder::PromptBuilderBody;
use super::serde_util::{nullable, nullable_json_object, nullable_whole};

/// Body of `PUT /api/v1/bots/{id}` (and the fields of a create): an
/// omitted field is left unchanged and `null` clears a nullable field.
/// `prompt_builder` and `settings` may be objects or JSON-encoded strings.
/// Unknown fields are ignored.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[schema(example = json!({"name": "Support", "system_prompt": "You help Acme's customers.", "model": "gpt-4o-mini", "temperature": 0.3, "chat_greeting": "Hi! How can I help?", "metadata": {"team": "support"}}))]
#[allow(missing_docs)] // Each field is the bot field of the same name (see the bot object).
pub struct BotInput {
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = String, min_length = 1, max_length = 200)]
    pub name: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, max_length = 5000)]
    pub description: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = String, pattern = "^[a-z0-9]([a-z0-9_-]{0,62}[a-z0-9])?$")]
    pub slug: Option<Option<String>>,
    /// Required unless `prompt_builder` is given; `null` re-assembles it
    /// from `prompt_builder`, which must then have a non-blank section.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 100000)]
    pub system_prompt: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable_json_object")]
    #[schema(value_type = Option<PromptBuilderBody>)]
    pub prompt_builder: Option<Option<serde_json::Value>>,
    #[serde(default, deserialize_with = "nullable_json_object")]
    #[schema(value_type = Option<Object>)]
    pub settings: Option<Option<serde_json::Value>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = BotStatusName)]
    pub status: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = BotTypeName)]
    pub bot_type: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 200)]
    pub model: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<f64>, minimum = 0, maximum = 2)]
    pub temperature: Option<Option<f64>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, max_length = 4000)]
    pub chat_greeting: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<TtsProviderName>)]
    pub tts_provider: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, max_length = 200)]
    pub tts_voice: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, max_length = 4000)]
    pub voice_greeting: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<bool>)]
    pub end_call_enabled: Option<Option<bool>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<bool>)]
    pub call_transfer_enabled: Option<Option<bool>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, max_length = 200)]
    pub call_transfer_number: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<bool>)]
    pub outbound_calls_enabled: Option<Option<bool>>,
    #[serde(default, deserialize_with = "nullable_whole")]
    #[schema(value_type = Option<u32>, minimum = 1, maximum = 86400)]
    pub max_call_seconds: Option<Option<u32>>,
    /// A five-field cron expression (UTC) for agent runs.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, example = "0 9 * * 1-5")]
    pub schedule: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, max_length = 10000)]
    pub agent_goal: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    /// `{"type": "json_schema", "name", "schema": {…}}` asks for a JSON
    /// final answer matching the schema; `{"type": "text"}` or null: text.
    #[schema(value_type = Option<Object>)]
    pub output_config: Option<Option<serde_json::Value>>,
    #[serde(default, deserialize_with = "nullable_whole")]
    /// Most model calls in one agent turn (default 5).
    #[schema(value_type = Option<u32>, minimum = 1, maximum = 25)]
    pub max_iterations: Option<Option<u32>>,
    #[serde(default, deserialize_with = "nullable_whole")]
    /// Longest agent turn in seconds (default 60).
    #[schema(value_type = Option<u32>, minimum = 1, maximum = 600)]
    pub timeout_seconds: Option<Option<u32>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<BTreeMap<String, String>>)]
    pub metadata: Option<Option<serde_json::Value>>,
}

impl From<BotInput> for BotChanges {
    fn from(i: BotInput) -> Self {
        BotChanges {
            name: FieldUpdate::from_nested(i.name),
            description: FieldUpdate::from_nested(i.description),
            slug: FieldUpdate::from_nested(i.slug),
            system_prompt: FieldUpdate::from_nested(i.system_prompt),
            prompt_builder: FieldUpdate::from_nested(i.prompt_builder),
            settings: FieldUpdate::from_nested(i.settings),
            status: FieldUpdate::from_nested(i.status),
            bot_type: FieldUpdate::from_nested(i.bot_type),
            model: FieldUpdate::from_nested(i.model),
            temperature: FieldUpdate::from_nested(i.temperature),
            chat_greeting: FieldUpdate::from_nested(i.chat_greeting),
            tts_provider: FieldUpdate::from_nested(i.tts_provider),
            tts_voice: FieldUpdate::from_nested(i.tts_voice),
            voice_greeting: FieldUpdate::from_nested(i.voice_greeting),
            end_call_enabled: FieldUpdate::from_nested(i.end_call_enabled),
            call_transfer_enabled: FieldUpdate::from_nested(i.call_transfer_enabled),
            call_transfer_number: FieldUpdate::from_nested(i.call_transfer_number),
            outbound_calls_enabled: FieldUpdate::from_nested(i.outbound_calls_enabled),
            max_call_seconds: FieldUpdate::from_nested(i.max_call_seconds),
            schedule: FieldUpdate::from_nested(i.schedule),
            agent_goal: FieldUpdate::from_nested(i.agent_goal),
            output_config: FieldUpdate::from_nested(i.output_config),
            max_iterations: FieldUpdate::from_nested(i.max_iterations),
            timeout_seconds: FieldUpdate::from_nested(i.timeout_seconds),
            metadata: FieldUpdate::from_nested(i.metadata),
        }
    }
}

/// The documented body of `POST /api/v1/bots`: [`BotInput`] with `name`
/// required (and `system_prompt` unless `prompt_builder` is given). The
/// server reads it as a [`BotInput`] so that errors keep their field
/// paths; the domain enforces the required fields.
#[derive(Debug, Deserialize, ToSchema)]
#[allow(dead_code)] // Documents the body; see above.
#[schema(example = json!({"name": "Support", "system_prompt": "You help Acme's customers.", "model": "gpt-4o-mini", "temperature": 0.3, "chat_greeting": "Hi! How can I help?", "metadata": {"team": "support"}}))]
pub struct BotCreateInput {
    /// Display name; the slug is derived from it unless `slug` is given.
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    /// Every other field, as in updates.
    #[serde(flatten)]
    pub fields: BotInput,
}

/// The bot object of `GET /api/v1/bots/{id}`.
#[derive(Debug, Serialize, ToSchema)]
#[allow(missing_docs)] // Documented in the seed's bot object table.
pub struct BotView {
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub name: String,
    pub description: String,
    /// Unique per workspace; addresses the bot in the slug dialect.
    pub slug: String,
    pub system_prompt: String,
    /// JSON-encoded string (parse client-side), or null.
    pub prompt_builder: Option<String>,
    /// JSON-encoded string (parse client-side).
    pub settings: String,
    #[schema(example = "active")]
    pub status: String,
    #[schema(example = "chatbot")]
    pub bot_type: String,
    pub model: Option<String>,
    pub temperature: Option<f64>,
    pub chat_greeting: Option<String>,
    pub tts_provider: Option<String>,
    pub tts_voice: Option<String>,
    pub voice_greeting: Option<String>,
    pub end_call_enabled: bool,
    pub call_transfer_enabled: bool,
    pub call_transfer_number: Option<String>,
    pub outbound_calls_enabled: bool,
    pub max_call_seconds: Option<u32>,
    pub schedule: Option<String>,
    #[serde(serialize_with = "time::serde::rfc3339::option::serialize")]
    pub next_run_at: Option<OffsetDateTime>,
    #[serde(serialize_with = "time::serde::rfc3339::option::serialize")]
    pub last_run_at: Option<OffsetDateTime>,
    pub agent_goal: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub output_config: Option<serde_json::Value>,
    pub max_iterations: Option<u32>,
    pub timeout_seconds: Option<u32>,
    pub metadata: BTreeMap<String, String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

impl From<Bot> for BotView {
    fn from(b: Bot) -> Self {
        Self {
            id: b.id.as_uuid(),
            tenant_id: b.workspace_id.as_uuid(),
            name: b.name,
            description: b.description,
            slug: b.slug,
            system_prompt: b.system_prompt,
            prompt_builder: b
                .prompt_builder
                .map(|p| serde_json::to_string(&p).unwrap_or_default()),
            settings: b.settings.to_string(),
            status: b.status.as_str().into(),
            bot_type: b.bot_type.as_str().into(),
            model: b.model,
            temperature: b.temperature,
            chat_greeting: b.chat_greeting,
            tts_provider: b.tts_provider.map(|t| t.as_str().into()),
            tts_voice: b.tts_voice,
            voice_greeting: b.voice_greeting,
            end_call_enabled: b.end_call_enabled,
            call_transfer_enabled: b.call_transfer_enabled,
            call_transfer_number: b.call_transfer_number,
            outbound_calls_enabled: b.outbound_calls_enabled,
            max_call_seconds: b.max_call_seconds,
            schedule: b.schedule.map(|s| s.to_string()),
            next_run_at: b.next_run_at,
            last_run_at: b.last_run_at,
            agent_goal: b.agent_goal,
            output_config: b.output_config,
            max_iterations: b.max_iterations,
            timeout_seconds: b.timeout_seconds,
            metadata: b.metadata.as_map().clone(),
            created_at: b.created_at,
            updated_at: b.updated_at,
        }
    }
}
