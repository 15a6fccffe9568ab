//! The Hansei-compatible dialect (seed `003_*`): `POST /public/v1/messages`
//! with the key in `X-API-KEY`. The body is `{bot_id, content,
//! conversation_id?}`, or the same wrapped as `{"value": {…}}`; a wrapped
//! request gets a wrapped reply, as in the seed's examples.

use actix_web::{HttpRequest, HttpResponse, web};
use hania_domain::conversation::Channel;
use hania_domain::ids::{BotId, WorkspaceId};
use hania_domain::services::{BotRef, ChatError, ChatReply, ChatRequest};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::middleware::auth::Caller;
use crate::middleware::idempotency::{self, Idempotency, Outcome};
use crate::state::AppState;
use crate::wire::dialect::{Dialect, conversation_ref};
use crate::wire::error::ApiError;
use crate::wire::extract::{RawBody, parse_json, parse_value};
use crate::wire::hansei_error::HanseiError;

/// The message body.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"bot_id": "support-agent", "content": "How do I download my salary slips?"}))]
pub struct HanseiMessageInput {
    /// The bot to ask: its id or its slug.
    #[schema(min_length = 1)]
    pub bot_id: String,
    /// The content of the message.
    #[schema(min_length = 1, max_length = 32000)]
    pub content: String,
    /// Continue this conversation; a new one is started when absent.
    #[serde(default)]
    pub conversation_id: Option<String>,
}

/// The message body wrapped in `value`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct HanseiWrappedInput {
    /// The message body.
    pub value: HanseiMessageInput,
}

/// The request body: plain or wrapped (documentation only; see
/// `parse_body`).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(untagged)]
#[allow(dead_code)]
pub enum HanseiBody {
    /// `{bot_id, content, conversation_id?}`.
    Plain(HanseiMessageInput),
    /// `{"value": {bot_id, content, conversation_id?}}`.
    Wrapped(HanseiWrappedInput),
}

/// The reply: plain, or wrapped for a wrapped request (documentation only).
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
#[allow(dead_code)]
pub enum HanseiReply {
    /// `{id, answer, conversation_id, created_at}`.
    Plain(HanseiMessage),
    /// `{"value": {…}}`.
    Wrapped(HanseiWrappedMessage),
}

/// The bot's answer.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "6f1c2d3e-0000-4000-8000-000000000001", "answer": "To download your salary slips, please visit...", "conversation_id": "c9a8b7c6-1234-4def-89ab-aabbccddeeff", "created_at": 1697386660315_i64}))]
pub struct HanseiMessage {
    /// The answer message's id.
    pub id: Uuid,
    /// The bot's answer.
    pub answer: String,
    /// Pass it back as `conversation_id` to continue.
    pub conversation_id: Uuid,
    /// When the answer was stored, in epoch milliseconds.
    pub created_at: i64,
}

/// The answer wrapped in `value` (the reply to a wrapped request).
#[derive(Debug, Serialize, ToSchema)]
pub struct HanseiWrappedMessage {
    /// The answer.
    pub value: HanseiMessage,
}

impl From<&ChatReply> for HanseiMessage {
    fn from(reply: &ChatReply) -> Self {
        HanseiMessage {
            id: reply.message_id.as_uuid(),
            answer: reply.response.clone(),
            conversation_id: reply.conversation_id.as_uuid(),
            created_at: (reply.timestamp.unix_timestamp_nanos() / 1_000_000) as i64,
        }
    }
}

/// The body, unwrapped, and whether it came wrapped.
fn parse_body(bytes: &[u8]) -> Result<(HanseiMessageInput, bool), ApiError> {
    let value: Value = parse_json(bytes)?;
    let wrapped = value
        .as_object()
        .is_some_and(|o| !o.contains_key("bot_id") && o.get("value").is_some_and(Value::is_object));
    if wrapped {
        let outer: HanseiWrappedInput = parse_value(value)?;
        Ok((outer.value, true))
    } else {
        Ok((parse_value(value)?, false))
    }
}

fn into_request(input: HanseiMessageInput) -> Result<ChatRequest, ApiError> {
    let bot_id = input.bot_id.trim();
    if bot_id.is_empty() {
        return Err(ApiError::Validation("bot_id: must not be empty".into()));
    }
    let bot = match Uuid::parse_str(bot_id) {
        Ok(id) => BotRef::Id(BotId::from_uuid(id)),
        Err(_) => BotRef::Slug(bot_id.to_owned()),
    };
    let conversation_id = match input.conversation_id.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(text) => Some(conversation_ref(text)),
    };
    Ok(ChatRequest {
        bot,
        message: input.content,
        external_user_id: None,
        conversation_id,
        new_conversation: false,
        agent_mode: false,
        channel: Channel::Api,
    })
}

/// An invalid message names Hansei's field (`content`, not the engine's
/// `message`).
fn chat_error(error: ChatError) -> ApiError {
    match error {
        ChatError::InvalidMessage(mut v) => {
            v.field = "content".into();
            v.into()
        }
        other => other.into(),
    }
}

async fn answer(state: &AppState, ws: WorkspaceId, body: &[u8]) -> Result<HttpResponse, ApiError> {
    let (input, wrapped) = parse_body(body)?;
    let result = state.chat.send(ws, into_request(input)?).await;
    let reply = state.counted("hansei", result).map_err(chat_error)?;
    let message = HanseiMessage::from(&reply);
    Ok(if wrapped {
        HttpResponse::Ok().json(HanseiWrappedMessage { value: message })
    } else {
        HttpResponse::Ok().json(message)
    })
}

/// Sends a message to the bot and returns its response (Hansei-compatible).
/// `bot_id` is the bot's id or slug. A wrapped request (`{"value": {…}}`)
/// gets a wrapped reply. Conversations appear in the native API with
/// channel `api`. `Idempotency-Key` works as on `chat/send`. The key is
/// read from `X-API-KEY`, or from `Authorization: Bearer …` when that
/// header is absent. The body is read as JSON whatever its `Content-Type`
/// (Hansei's clients are not all strict about it), and unknown query
/// parameters are ignored.
#[utoipa::path(post, path = "/public/v1/messages", tag = "Hansei-compatible",
    request_body(content = HanseiBody, description = "The message, optionally wrapped as `{\"value\": {…}}`"),
    responses(
        (status = 200, description = "The answer (wrapped in `value` when the request was)", body = HanseiReply),
        (status = 400, description = "Invalid request body or missing required parameters", body = HanseiError),
        (status = 401, description = "Missing or invalid `X-API-KEY`", body = HanseiError),
        (status = 402, description = "Insufficient credits: SERVICE_SUSPENDED, PLAN_LIMIT_REACHED or INSUFFICIENT_BALANCE", body = HanseiError),
        (status = 403, description = "The key lacks `chat:send`", body = HanseiError),
        (status = 404, description = "No such bot or conversation", body = HanseiError),
        (status = 409, description = "The bot is inactive, or the Idempotency-Key is in use", body = HanseiError),
        (status = 429, description = "Rate limited (`Retry-After`, `X-RateLimit-*`)", body = HanseiError),
        (status = 502, body = HanseiError), (status = 504, body = HanseiError),
    ))]
pub async fn send_message(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
    body: Result<RawBody, ApiError>,
) -> HttpResponse {
    let render = |error: ApiError| Dialect::Hansei.error_response(&error);
    let ws = caller.workspace();
    let body = match body {
        Ok(body) => body,
        Err(error) => return render(error),
    };
    let run = |_| async { answer(&state, ws, &body.0).await.map(Outcome::Whole) };
    idempotency::once(
        Idempotency::of(&state),
        &req,
        ws,
        &body.0,
        Dialect::Hansei,
        run,
    )
    .await
}
