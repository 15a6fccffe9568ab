//! Closed sets of wire values, for the OpenAPI document (the domain parses
//! and validates them; these only describe them).

use utoipa::ToSchema;

/// A bot's status.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum BotStatusName {
    /// Serves chats.
    Active,
    /// Soft-deleted.
    Inactive,
}

/// A bot's type.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum BotTypeName {
    /// Plain chat bot.
    Chatbot,
    /// Tool-using agent.
    Agent,
}

/// A text-to-speech vendor.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum TtsProviderName {
    /// Cartesia.
    Cartesia,
    /// Deepgram.
    Deepgram,
}

/// A conversation channel.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum ChannelName {
    /// Web widget.
    Web,
    /// SMS.
    Sms,
    /// WhatsApp.
    Whatsapp,
    /// Server-to-server APIs.
    Api,
    /// Scheduled agent run.
    Agent,
    /// Voice call.
    Voice,
    /// Post-call hook run.
    PostCall,
}

/// A channel a chat request may name (`chat/send`, `chat/send-stream`).
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum ChatChannelName {
    /// Server-to-server APIs.
    Api,
    /// SMS.
    Sms,
    /// WhatsApp.
    Whatsapp,
}

/// A tool kind.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum ToolTypeName {
    /// HTTPS POST of JSON arguments.
    Webhook,
}
