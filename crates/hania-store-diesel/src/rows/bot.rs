//! Rows of `bots` and `bot_metadata`.

use diesel::prelude::*;
use hania_domain::bot::{Bot, BotStatus, BotType, TtsProvider};
use hania_domain::ids::{BotId, WorkspaceId};
use hania_domain::metadata::Metadata;
use hania_domain::ports::StoreError;

use crate::conn::{opt_u32, to_i32};
use crate::schema::{bot_metadata, bots};
use crate::sql_types::{SqlJson, SqlTime, SqlUuid, sql_id};

/// A `bots` row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = bots, treat_none_as_null = true)]
pub struct BotRow {
    pub id: SqlUuid,
    pub workspace_id: SqlUuid,
    pub name: String,
    pub description: String,
    pub slug: String,
    pub system_prompt: String,
    pub prompt_builder: Option<SqlJson>,
    pub settings: SqlJson,
    pub status: String,
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
    pub max_call_seconds: Option<i32>,
    pub schedule: Option<String>,
    pub next_run_at: Option<SqlTime>,
    pub last_run_at: Option<SqlTime>,
    pub agent_goal: Option<String>,
    pub output_config: Option<SqlJson>,
    pub max_iterations: Option<i32>,
    pub timeout_seconds: Option<i32>,
    pub metadata: SqlJson,
    pub created_at: SqlTime,
    pub updated_at: SqlTime,
}

/// A `bot_metadata` row: one metadata pair, indexed for the list filter.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = bot_metadata)]
pub struct BotMetadataRow {
    pub bot_id: SqlUuid,
    pub key: String,
    pub value: String,
}

/// The index rows of a bot's metadata.
pub fn metadata_rows(bot: &Bot) -> Vec<BotMetadataRow> {
    bot.metadata
        .as_map()
        .iter()
        .map(|(k, v)| BotMetadataRow {
            bot_id: sql_id(bot.id),
            key: k.clone(),
            value: v.clone(),
        })
        .collect()
}

impl From<&Bot> for BotRow {
    fn from(b: &Bot) -> Self {
        Self {
            id: sql_id(b.id),
            workspace_id: sql_id(b.workspace_id),
            name: b.name.clone(),
            description: b.description.clone(),
            slug: b.slug.clone(),
            system_prompt: b.system_prompt.clone(),
            prompt_builder: b
                .prompt_builder
                .as_ref()
                .map(|p| SqlJson(serde_json::json!(p))),
            settings: SqlJson(b.settings.clone()),
            status: b.status.as_str().to_owned(),
            bot_type: b.bot_type.as_str().to_owned(),
            model: b.model.clone(),
            temperature: b.temperature,
            chat_greeting: b.chat_greeting.clone(),
            tts_provider: b.tts_provider.map(|t| t.as_str().to_owned()),
            tts_voice: b.tts_voice.clone(),
            voice_greeting: b.voice_greeting.clone(),
            end_call_enabled: b.end_call_enabled,
            call_transfer_enabled: b.call_transfer_enabled,
            call_transfer_number: b.call_transfer_number.clone(),
            outbound_calls_enabled: b.outbound_calls_enabled,
            max_call_seconds: b.max_call_seconds.map(to_i32),
            schedule: b.schedule.as_ref().map(ToString::to_string),
            next_run_at: b.next_run_at.map(SqlTime),
            last_run_at: b.last_run_at.map(SqlTime),
            agent_goal: b.agent_goal.clone(),
            output_config: b.output_config.clone().map(SqlJson),
            max_iterations: b.max_iterations.map(to_i32),
            timeout_seconds: b.timeout_seconds.map(to_i32),
            metadata: SqlJson(serde_json::json!(b.metadata)),
            created_at: SqlTime(b.created_at),
            updated_at: SqlTime(b.updated_at),
        }
    }
}

fn corrupt(id: &SqlUuid, what: &str) -> StoreError {
    StoreError::unexpected(format!("bot {}: bad {what}", id.0))
}

impl TryFrom<BotRow> for Bot {
    type Error = StoreError;

    fn try_from(r: BotRow) -> Result<Self, StoreError> {
        let id = r.id.clone();
        Ok(Bot {
            id: BotId::from_uuid(r.id.0),
            workspace_id: WorkspaceId::from_uuid(r.workspace_id.0),
            name: r.name,
            description: r.description,
            slug: r.slug,
            system_prompt: r.system_prompt,
            prompt_builder: r
                .prompt_builder
                .map(|p| serde_json::from_value(p.0))
                .transpose()
                .map_err(|_| corrupt(&id, "prompt_builder"))?,
            settings: r.settings.0,
            status: BotStatus::parse(&r.status).map_err(|_| corrupt(&id, "status"))?,
            bot_type: BotType::parse(&r.bot_type).map_err(|_| corrupt(&id, "bot_type"))?,
            model: r.model,
            temperature: r.temperature,
            chat_greeting: r.chat_greeting,
            tts_provider: r
                .tts_provider
                .map(|t| TtsProvider::parse(&t))
                .transpose()
                .map_err(|_| corrupt(&id, "tts_provider"))?,
            tts_voice: r.tts_voice,
            voice_greeting: r.voice_greeting,
            end_call_enabled: r.end_call_enabled,
            call_transfer_enabled: r.call_transfer_enabled,
            call_transfer_number: r.call_transfer_number,
            outbound_calls_enabled: r.outbound_calls_enabled,
            max_call_seconds: opt_u32(r.max_call_seconds, "max_call_seconds")?,
            schedule: r
                .schedule
                .map(|s| s.parse())
                .transpose()
                .map_err(|_| corrupt(&id, "schedule"))?,
            next_run_at: r.next_run_at.map(|t| t.0),
            last_run_at: r.last_run_at.map(|t| t.0),
            agent_goal: r.agent_goal,
            output_config: r.output_config.map(|o| o.0),
            max_iterations: opt_u32(r.max_iterations, "max_iterations")?,
            timeout_seconds: opt_u32(r.timeout_seconds, "timeout_seconds")?,
            metadata: serde_json::from_value::<Metadata>(r.metadata.0)
                .map_err(|_| corrupt(&id, "metadata"))?,
            created_at: r.created_at.0,
            updated_at: r.updated_at.0,
        })
    }
}
