//! The widget's chat: what it shows first, and a visitor's messages
//! answered whole or streamed.

use actix_web::{HttpRequest, HttpResponse, web};
use hania_domain::conversation::Channel;
use hania_domain::ids::ConversationId;
use hania_domain::services::{BotRef, ChatReply, ChatRequest, PreparedTurn};
use hania_domain::widget::{visitor_for_retry, visitor_token};
use uuid::Uuid;

use super::conversations::own_conversation;
use super::dto::{WidgetCallerHeaders, WidgetChatInput, WidgetChatReply, WidgetConfig};

use crate::chat_stream::{self, StreamFormat};
use crate::middleware::idempotency::{self, Idempotency, Outcome, ReplayKey};
use crate::middleware::widget_auth::{WidgetCaller, visitor_header};
use crate::state::AppState;
use crate::wire::dialect::Dialect;
use crate::wire::envelope::{Envelope, ok};
use crate::wire::error::{ApiError, ErrorBody};
use crate::wire::extract::{JsonBytes, parse_json};
use crate::wire::sse;
use crate::wire::stream_events::{StreamDelta, StreamError, StreamStart};

crate::wire::sse_schema::stream_schema!(
    WidgetStreamEvent,
    "WidgetStream",
    "One event of a widget chat stream: `start`, `delta`s (answer text), then `done` or `error`",
    [
        "start" => StreamStart,
        "delta" => StreamDelta<'static>,
        "done" => WidgetChatReply,
        "error" => StreamError<'static>,
    ]
);

/// The widget's stream: the native events without the tool calls (a
/// visitor sees answers, not the agent's work).
const WIDGET_STREAM: StreamFormat = StreamFormat {
    dialect: "widget",
    start: sse::native_start,
    delta: sse::native_delta,
    tool_event: |_| None,
    done: |reply| sse::event("done", &WidgetChatReply::of(reply, None)),
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

/// The visitor of a request and its token. A request without a token
/// mints a visitor: random, or derived from its `Idempotency-Key` so that
/// a retry is the same visitor.
fn visitor_of(req: &HttpRequest, caller: &WidgetCaller, state: &AppState) -> (Uuid, String) {
    let secret = &state.visitor_secret;
    let visitor = caller
        .visitor
        .unwrap_or_else(|| match idempotency::header_key(req) {
            Some(retry) => visitor_for_retry(secret, caller.key.id, retry),
            None => Uuid::new_v4(),
        });
    (visitor, visitor_token(secret, caller.key.id, visitor))
}

/// Runs a widget chat under its `Idempotency-Key`, remembered per owner
/// (a verified user, or the visitor), and adds the visitor's token.
async fn once<F, Fut>(
    req: &HttpRequest,
    caller: &WidgetCaller,
    state: &AppState,
    body: &[u8],
    run: F,
) -> HttpResponse
where
    F: FnOnce(Uuid, ReplayKey) -> Fut,
    Fut: Future<Output = Result<Outcome, ApiError>>,
{
    let (visitor, token) = visitor_of(req, caller, state);
    let owner = caller.owner(Some(visitor)).unwrap_or_default();
    let scope = format!("widget:{}:{owner}", caller.key.id);
    let ports = Idempotency::of(state).scoped(&scope);
    let workspace = caller.key.workspace_id;
    let response = idempotency::once(ports, req, workspace, body, Dialect::Widget, |replay| {
        run(visitor, replay)
    })
    .await;
    with_token(response, &token)
}

/// The engine's request for a widget message: this key's bot, channel
/// `web`, the verified user or else the visitor as the end user; without
/// a conversation id, a new conversation.
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
        external_user_id: caller.owner(Some(visitor)),
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
    params(WidgetCallerHeaders,
        ("Idempotency-Key" = Option<String>, Header, min_length = 1, max_length = 255, pattern = "^[!-~]+$",
            description = "Replays the first answer to a retried message of this visitor (1 to 255 visible ASCII characters)")),
    responses(
        (status = 200, body = Envelope<WidgetChatReply>,
            headers(("X-Visitor-Token" = String, description = "The visitor's token"))),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 402, description = "The workspace cannot be billed", body = ErrorBody),
        (status = 403, description = "Origin not allowed, or a user hash that does not verify", body = ErrorBody),
        (status = 404, description = "Not this visitor's conversation", body = ErrorBody),
        (status = 409, description = "The bot is inactive, or the Idempotency-Key is in use", body = ErrorBody),
        (status = 429, description = "The key's or the visitor's hourly limit", body = ErrorBody),
        (status = 502, body = ErrorBody), (status = 504, body = ErrorBody),
    ))]
pub async fn widget_chat(
    req: HttpRequest,
    caller: WidgetCaller,
    state: web::Data<AppState>,
    body: JsonBytes,
) -> HttpResponse {
    let (state, caller, body) = (&state, &caller, &body.0);
    let run = |visitor, _| async move {
        let request = chat_request(state, caller, visitor, body).await?;
        let result = state.chat.send(caller.key.workspace_id, request).await;
        let reply: ChatReply = state.counted("widget", result)?;
        let token = visitor_token(&state.visitor_secret, caller.key.id, visitor);
        Ok(Outcome::Whole(ok(WidgetChatReply::of(&reply, Some(token)))))
    };
    once(&req, caller, state, body, run).await
}

/// Like `widget/chat`, streamed as server-sent events (as
/// `/api/v1/chat/send-stream`, without tool events).
#[utoipa::path(post, path = "/api/v1/widget/chat-stream", tag = "Widget",
    request_body = WidgetChatInput,
    params(WidgetCallerHeaders,
        ("Idempotency-Key" = Option<String>, Header, min_length = 1, max_length = 255, pattern = "^[!-~]+$",
            description = "Replays the first answer to a retried message of this visitor (1 to 255 visible ASCII characters)")),
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
    req: HttpRequest,
    caller: WidgetCaller,
    state: web::Data<AppState>,
    body: JsonBytes,
) -> HttpResponse {
    let (state, caller, body) = (&state, &caller, &body.0);
    let run = |visitor, replay| async move {
        let request = chat_request(state, caller, visitor, body).await?;
        let prepared = state.chat.prepare(caller.key.workspace_id, request).await;
        let prepared: PreparedTurn =
            prepared.inspect_err(|e| state.count_turn("widget", Some(e)))?;
        let stream = chat_stream::respond(state.clone(), prepared, &WIDGET_STREAM, replay);
        Ok(Outcome::Stream(stream))
    };
    once(&req, caller, state, body, run).await
}
