//! The embeddable widget's endpoints (`/api/v1/widget`): the same chat
//! engine as `/api/v1/chat`, on channel `web`, bound to the widget key's
//! bot and metered to its workspace. The gate (key, origin, CORS, limits)
//! is [`crate::middleware::widget_auth`]. A visitor is one browser: its
//! first chat mints a visitor id, answered as a signed token in
//! `X-Visitor-Token` (and `visitor_token`), which later requests send
//! back; a conversation belongs to its visitor, and another visitor's is
//! not found.

use actix_web::{HttpRequest, HttpResponse, web};
use hania_domain::conversation::{Channel, Conversation};
use hania_domain::ids::ConversationId;
use hania_domain::message::Role;
use hania_domain::services::{BotRef, ChatReply, ChatRequest, PreparedTurn, Resource};
use hania_domain::widget::{visitor_customer_id, visitor_token};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::chat_stream::{self, StreamFormat};
use crate::middleware::widget_auth::{WidgetCaller, visitor_header};
use crate::state::AppState;
use crate::wire::envelope::{Envelope, ok};
use crate::wire::error::{ApiError, ErrorBody};
use crate::wire::extract::{JsonBytes, parse_json, path_id};
use crate::wire::sse;

/// Body of the widget's chat endpoints.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"message": "Do you ship to Norway?"}))]
pub struct WidgetChatInput {
    /// The visitor's message.
    #[schema(min_length = 1, max_length = 32000)]
    pub message: String,
    /// Continue one of this visitor's conversations (else a new one).
    pub conversation_id: Option<Uuid>,
}

/// The answer of `POST /api/v1/widget/chat`.
#[derive(Debug, Serialize, ToSchema)]
pub struct WidgetChatReply {
    /// The bot's answer.
    pub response: String,
    /// Pass it back to continue the conversation.
    pub conversation_id: Uuid,
    /// When the answer was stored.
    #[serde(with = "time::serde::rfc3339")]
    pub timestamp: OffsetDateTime,
    /// The visitor's token: send it back as `X-Visitor-Token` (in the
    /// stream's `done` event it is the `X-Visitor-Token` header only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub visitor_token: Option<String>,
}

impl WidgetChatReply {
    fn of(reply: &ChatReply, visitor_token: Option<String>) -> Self {
        Self {
            response: reply.response.clone(),
            conversation_id: reply.conversation_id.as_uuid(),
            timestamp: crate::wire::whole_seconds(reply.timestamp),
            visitor_token,
        }
    }
}

/// What the widget shows before the first message.
#[derive(Debug, Serialize, ToSchema)]
pub struct WidgetConfig {
    /// The bot's id.
    pub bot_id: Uuid,
    /// The bot's name (the panel's default title).
    pub bot_name: String,
    /// The bot's opener, shown at once.
    pub chat_greeting: Option<String>,
    /// The widget key's label.
    pub key_name: String,
}

/// One message as the widget shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct WidgetMessage {
    /// `user` or `assistant`.
    pub role: String,
    /// The text.
    pub content: String,
    /// When it was stored.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// A visitor's conversation.
#[derive(Debug, Serialize, ToSchema)]
pub struct WidgetConversation {
    /// Its id.
    pub id: Uuid,
    /// Its user and assistant messages, oldest first.
    pub messages: Vec<WidgetMessage>,
}

crate::wire::sse_schema::stream_schema!(
    WidgetStreamEvent,
    "One event of a widget chat stream: `start` {conversation_id}, `delta` {content}, then `done` {response, conversation_id, timestamp} or `error` {code, message}",
    ["start", "delta", "done", "error"],
    false
);

/// The widget's stream: the native events without the tool calls (a
/// visitor sees answers, not the agent's work).
const WIDGET_STREAM: StreamFormat = StreamFormat {
    start: sse::native_start,
    delta: sse::native_delta,
    tool_event: |_| None,
    done: |reply| {
        sse::event(
            "done",
            &serde_json::to_value(WidgetChatReply::of(reply, None)).unwrap_or_default(),
        )
    },
    error: sse::native_error,
};

/// What the widget shows: the bot's name and greeting.
#[utoipa::path(get, path = "/api/v1/widget/config", tag = "Widget",
    responses(
        (status = 200, body = Envelope<WidgetConfig>),
        (status = 401, description = "Missing, unknown, revoked or inactive widget key", body = ErrorBody),
        (status = 403, description = "The Origin is missing or not one of the key's allowed_domains", body = ErrorBody),
        (status = 404, description = "The key's bot is gone", body = ErrorBody),
        (status = 429, body = ErrorBody),
    ))]
pub async fn widget_config(
    caller: WidgetCaller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let bot = state
        .store
        .get_bot(caller.key.workspace_id, caller.settings.bot_id)
        .await?;
    Ok(ok(WidgetConfig {
        bot_id: bot.id.as_uuid(),
        bot_name: bot.name,
        chat_greeting: bot.chat_greeting,
        key_name: caller.key.name,
    }))
}

/// The visitor of a request (minted when it has no token yet) and its
/// token.
fn visitor_of(caller: &WidgetCaller, state: &AppState) -> (Uuid, String) {
    let visitor = caller.visitor.unwrap_or_else(Uuid::new_v4);
    let token = visitor_token(&state.visitor_secret, caller.key.id, visitor);
    (visitor, token)
}

/// A conversation of this key's bot that belongs to `visitor`.
async fn own_conversation(
    state: &AppState,
    caller: &WidgetCaller,
    visitor: Option<Uuid>,
    id: ConversationId,
) -> Result<Conversation, ApiError> {
    let not_found = || ApiError::not_found(Resource::Conversation);
    let visitor = visitor.ok_or_else(not_found)?;
    let conversation = state
        .store
        .get_conversation(caller.key.workspace_id, id)
        .await
        .map_err(|_| not_found())?;
    let owner = visitor_customer_id(visitor);
    if conversation.bot_id != caller.settings.bot_id
        || conversation.channel != Channel::Web
        || conversation.customer_id.as_deref() != Some(owner.as_str())
    {
        return Err(not_found());
    }
    Ok(conversation)
}

/// The engine's request for a widget message: this key's bot, channel
/// `web`, the visitor as the end user; without a conversation id, a new
/// conversation.
async fn chat_request(
    state: &AppState,
    caller: &WidgetCaller,
    visitor: Uuid,
    body: &[u8],
) -> Result<ChatRequest, ApiError> {
    let input: WidgetChatInput = parse_json(body)?;
    let conversation_id = match input.conversation_id {
        Some(id) => {
            let id = ConversationId::from_uuid(id);
            Some(
                own_conversation(state, caller, caller.visitor, id)
                    .await?
                    .id,
            )
        }
        None => None,
    };
    Ok(ChatRequest {
        bot: BotRef::Id(caller.settings.bot_id),
        message: input.message,
        external_user_id: Some(visitor_customer_id(visitor)),
        new_conversation: conversation_id.is_none(),
        conversation_id,
        agent_mode: false,
        channel: Channel::Web,
    })
}

fn with_token(mut response: HttpResponse, token: &str) -> HttpResponse {
    if let Some((name, value)) = visitor_header(token) {
        response.headers_mut().insert(name, value);
    }
    response
}

/// Send the visitor's message and get the bot's answer (as
/// `/api/v1/chat/send`, on channel `web`).
#[utoipa::path(post, path = "/api/v1/widget/chat", tag = "Widget",
    request_body = WidgetChatInput,
    params(("X-Visitor-Token" = Option<String>, Header, description = "The token of an earlier answer (this browser's visitor)")),
    responses(
        (status = 200, body = Envelope<WidgetChatReply>,
            headers(("X-Visitor-Token" = String, description = "The visitor's token"))),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 402, description = "The workspace cannot be billed", body = ErrorBody),
        (status = 403, description = "Origin not allowed", body = ErrorBody),
        (status = 404, description = "Not this visitor's conversation", body = ErrorBody),
        (status = 409, description = "The bot is inactive", body = ErrorBody),
        (status = 429, description = "The key's or the visitor's hourly limit", body = ErrorBody),
        (status = 502, body = ErrorBody), (status = 504, body = ErrorBody),
    ))]
pub async fn widget_chat(
    caller: WidgetCaller,
    state: web::Data<AppState>,
    body: JsonBytes,
) -> Result<HttpResponse, ApiError> {
    let (visitor, token) = visitor_of(&caller, &state);
    let request = chat_request(&state, &caller, visitor, &body.0).await?;
    let reply: ChatReply = state.chat.send(caller.key.workspace_id, request).await?;
    let answer = WidgetChatReply::of(&reply, Some(token.clone()));
    Ok(with_token(ok(answer), &token))
}

/// Like `widget/chat`, streamed as server-sent events (as
/// `/api/v1/chat/send-stream`, without tool events).
#[utoipa::path(post, path = "/api/v1/widget/chat-stream", tag = "Widget",
    request_body = WidgetChatInput,
    params(("X-Visitor-Token" = Option<String>, Header, description = "The token of an earlier answer (this browser's visitor)")),
    responses(
        (status = 200, content_type = "text/event-stream", body = WidgetStreamEvent,
            description = "`start`, `delta`s, then `done` or `error`",
            headers(("X-Visitor-Token" = String, description = "The visitor's token"),
                ("X-Conversation-Id" = String, description = "The conversation"))),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 402, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 429, body = ErrorBody),
    ))]
pub async fn widget_chat_stream(
    caller: WidgetCaller,
    state: web::Data<AppState>,
    body: JsonBytes,
) -> Result<HttpResponse, ApiError> {
    let (visitor, token) = visitor_of(&caller, &state);
    let request = chat_request(&state, &caller, visitor, &body.0).await?;
    let prepared: PreparedTurn = state.chat.prepare(caller.key.workspace_id, request).await?;
    let response = chat_stream::respond(state.clone(), prepared, &WIDGET_STREAM, None);
    Ok(with_token(response, &token))
}

/// The visitor's own conversation with its messages.
#[utoipa::path(get, path = "/api/v1/widget/conversations/{id}", tag = "Widget",
    params(("id" = Uuid, Path, description = "Conversation id"),
        ("X-Visitor-Token" = String, Header, description = "The visitor's token")),
    responses(
        (status = 200, body = Envelope<WidgetConversation>),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, description = "No such conversation of this visitor", body = ErrorBody),
        (status = 429, body = ErrorBody),
    ))]
pub async fn widget_conversation(
    req: HttpRequest,
    caller: WidgetCaller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let id: ConversationId = path_id(&req, "id")?;
    let conversation = own_conversation(&state, &caller, caller.visitor, id).await?;
    let messages = state
        .store
        .list_messages(caller.key.workspace_id, conversation.id)
        .await?
        .into_iter()
        .filter(|m| matches!(m.role, Role::User | Role::Assistant) && !m.content.is_empty())
        .map(|m| WidgetMessage {
            role: m.role.as_str().to_owned(),
            content: m.content,
            created_at: m.created_at,
        })
        .collect();
    Ok(ok(WidgetConversation {
        id: conversation.id.as_uuid(),
        messages,
    }))
}
