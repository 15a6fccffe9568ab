//! Bots: the agents a workspace configures (prompt, model, voice and agent
//! settings). Every field of the seed's bot object is here, plus `slug`.

use time::OffsetDateTime;

use crate::cron::CronSchedule;
use crate::ids::{BotId, WorkspaceId};
use crate::metadata::Metadata;
use crate::prompt_builder::PromptBuilder;
use crate::wire_enum::wire_enum;

wire_enum!(
    /// Whether a bot can be chatted with. Deleting a bot makes it inactive.
    BotStatus, "status", {
        /// Serves chats.
        Active = "active",
        /// Soft-deleted: kept with its conversations, refuses chats.
        Inactive = "inactive",
    }
);

wire_enum!(
    /// Plain chat bot or tool-using agent.
    BotType, "bot_type", {
        /// Answers from its prompt and history.
        Chatbot = "chatbot",
        /// May call tools in a loop and run on a schedule.
        Agent = "agent",
    }
);

wire_enum!(
    /// Text-to-speech vendor for voice calls.
    TtsProvider, "tts_provider", {
        /// Cartesia.
        Cartesia = "cartesia",
        /// Deepgram.
        Deepgram = "deepgram",
    }
);

/// A bot as stored and returned by `GET /api/v1/bots/{id}`.
#[derive(Debug, Clone, PartialEq)]
pub struct Bot {
    /// Bot id.
    pub id: BotId,
    /// Owning workspace (`tenant_id` on the wire).
    pub workspace_id: WorkspaceId,
    /// Display name.
    pub name: String,
    /// Free text description.
    pub description: String,
    /// Unique per workspace; addresses the bot in the slug dialect.
    pub slug: String,
    /// The assembled instructions sent as the system message.
    pub system_prompt: String,
    /// The structured source of `system_prompt`, when one was given.
    pub prompt_builder: Option<PromptBuilder>,
    /// Free-form settings object.
    pub settings: serde_json::Value,
    /// Active or inactive.
    pub status: BotStatus,
    /// Chatbot or agent.
    pub bot_type: BotType,
    /// Model id; `None` uses the server's default model.
    pub model: Option<String>,
    /// Sampling temperature, 0..=2.
    pub temperature: Option<f64>,
    /// Opener of new chat conversations (answered without a model call).
    pub chat_greeting: Option<String>,
    /// Voice output vendor.
    pub tts_provider: Option<TtsProvider>,
    /// Voice id at the vendor.
    pub tts_voice: Option<String>,
    /// Opener of voice calls.
    pub voice_greeting: Option<String>,
    /// The bot may end calls itself.
    pub end_call_enabled: bool,
    /// The bot may transfer calls.
    pub call_transfer_enabled: bool,
    /// Where calls are transferred.
    pub call_transfer_number: Option<String>,
    /// The bot may place outbound calls.
    pub outbound_calls_enabled: bool,
    /// Longest call.
    pub max_call_seconds: Option<u32>,
    /// Cron schedule of an agent's runs.
    pub schedule: Option<CronSchedule>,
    /// When the next scheduled run is due.
    pub next_run_at: Option<OffsetDateTime>,
    /// When the last scheduled run started.
    pub last_run_at: Option<OffsetDateTime>,
    /// What a scheduled run asks the agent to do.
    pub agent_goal: Option<String>,
    /// Shape of an agent's final answer.
    pub output_config: Option<serde_json::Value>,
    /// Most model turns in one agent run.
    pub max_iterations: Option<u32>,
    /// Longest agent run.
    pub timeout_seconds: Option<u32>,
    /// The client's own key/value data.
    pub metadata: Metadata,
    /// Creation time.
    pub created_at: OffsetDateTime,
    /// Last change.
    pub updated_at: OffsetDateTime,
}

impl Bot {
    /// Whether chats with the bot are served.
    pub fn is_active(&self) -> bool {
        self.status == BotStatus::Active
    }

    /// Recomputes `next_run_at` from the schedule: due times exist only for
    /// active bots that have a schedule.
    pub fn reschedule(&mut self, now: OffsetDateTime) {
        self.next_run_at = match (&self.schedule, self.status) {
            (Some(schedule), BotStatus::Active) => schedule.next_after(now),
            _ => None,
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enums_parse_wire_names_and_name_the_field() {
        assert_eq!(
            TtsProvider::parse("deepgram").unwrap(),
            TtsProvider::Deepgram
        );
        let err = TtsProvider::parse("polly").unwrap_err();
        assert_eq!(err.field, "tts_provider");
        assert!(err.message.contains("cartesia, deepgram"));
        assert_eq!(BotType::parse("agent").unwrap().as_str(), "agent");
        assert_eq!(BotStatus::parse("Active").unwrap_err().field, "status");
    }
}
