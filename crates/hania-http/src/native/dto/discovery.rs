//! Bodies of `POST /api/v1/bots/discover`.

use hania_domain::completion::TokenUsage;
use hania_domain::discovery::{BotDraft, DiscoveryRequest};
use hania_domain::services::Discovery;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What the bot should be, for the model to draft.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"description": "Answers Acme staff's payroll questions", "sources": ["Salary slips are under Profile > Documents."]}))]
pub struct DiscoverInput {
    /// What the bot should do, in your words (up to 8000 characters).
    #[schema(min_length = 1, max_length = 8000)]
    pub description: String,
    /// Reference texts the bot should be grounded in (up to 20, 20000
    /// characters each, 60000 in all). URLs are passed to the model as
    /// text; they are not fetched.
    #[serde(default)]
    #[schema(max_items = 20, value_type = Vec<SourceText>)]
    pub sources: Vec<String>,
}

impl From<DiscoverInput> for DiscoveryRequest {
    fn from(input: DiscoverInput) -> Self {
        DiscoveryRequest {
            description: input.description,
            sources: input.sources,
        }
    }
}

/// A drafted bot: a body `POST /api/v1/bots` accepts as is.
#[derive(Debug, Serialize, ToSchema)]
#[allow(missing_docs)] // Each field is the bot field of the same name.
pub struct BotDraftBody {
    pub name: String,
    pub description: Option<String>,
    pub system_prompt: String,
    #[schema(value_type = Option<Object>)]
    pub prompt_builder: Option<serde_json::Value>,
    pub chat_greeting: Option<String>,
    pub temperature: Option<f64>,
}

impl From<&BotDraft> for BotDraftBody {
    fn from(draft: &BotDraft) -> Self {
        BotDraftBody {
            name: draft.name.clone(),
            description: draft.description.clone(),
            system_prompt: draft.system_prompt.clone(),
            prompt_builder: draft
                .prompt_builder
                .as_ref()
                .and_then(|b| serde_json::to_value(b).ok()),
            chat_greeting: draft.chat_greeting.clone(),
            temperature: draft.temperature,
        }
    }
}

/// Tokens a model call used.
#[derive(Debug, Serialize, ToSchema)]
#[allow(missing_docs)]
pub struct UsageBody {
    pub prompt_tokens: u32,
    pub completion_tokens: u32,
    pub total_tokens: u32,
}

impl From<TokenUsage> for UsageBody {
    fn from(usage: TokenUsage) -> Self {
        UsageBody {
            prompt_tokens: usage.prompt_tokens,
            completion_tokens: usage.completion_tokens,
            total_tokens: usage.total(),
        }
    }
}

/// The draft, the model that wrote it and what it took. Nothing is saved.
#[derive(Debug, Serialize, ToSchema)]
pub struct DiscoverReply {
    /// The drafted configuration; post it to `/api/v1/bots` to create it.
    pub draft: BotDraftBody,
    /// The model that drafted it.
    pub model: String,
    /// Tokens used (not charged).
    pub usage: UsageBody,
}

impl From<&Discovery> for DiscoverReply {
    fn from(found: &Discovery) -> Self {
        DiscoverReply {
            draft: BotDraftBody::from(&found.draft),
            model: found.model.clone(),
            usage: found.usage.into(),
        }
    }
}

/// One reference text for discovery.
pub struct SourceText;

impl utoipa::PartialSchema for SourceText {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        super::text_schema(
            "A reference text",
            hania_domain::discovery::MAX_SOURCE_CHARS,
            None,
        )
    }
}

impl ToSchema for SourceText {}
