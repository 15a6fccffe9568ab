//! The slug-compatible dialect (seed `004_*`): `POST /v1/api/chat/{slug}`
//! with a bearer key and `{message, stream, conversationId}`. Replies are
//! `{data, error: null}`, errors `{data: null, error: {name, message,
//! details}}`, and `stream: true` answers `data: {"chunk": …}` lines then
//! `data: [DONE]`.

use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, web};
use hania_domain::conversation::Channel;
use hania_domain::ids::WorkspaceId;
use hania_domain::services::{BotRef, ChatError, ChatReply, ChatRequest, Resource};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::chat_stream::{self, StreamFormat};
use crate::middleware::auth::Caller;
use crate::middleware::idempotency::{self, Idempotency, Outcome};
use crate::state::AppState;
use crate::wire::dialect::{Dialect, conversation_ref};
use crate::wire::error::ApiError;
use crate::wire::extract::{RawBody, parse_json};
use crate::wire::slug_error::{SlugErrorBody, error_detail};
use crate::wire::sse;
use crate::wire::stream_events::{SlugChunk, SlugFailure};

/// The request body.
#[derive(Debug, ToSchema)]
#[schema(example = json!({"message": "What are your business hours?", "stream": false}))]
#[allow(dead_code)] // Documents the body; parsing is by hand for the dialect's messages.
pub struct SlugChatInput {
    /// The message to send to the agent.
    #[schema(min_length = 1, max_length = 32000)]
    message: String,
    /// Stream the answer as server-sent events (default false).
    stream: Option<bool>,
    /// Continue this conversation; `null` or absent starts a new one.
    #[schema(rename = "conversationId")]
    conversation_id: Option<String>,
}

/// What the model reported.
#[derive(Debug, Serialize, ToSchema)]
pub struct SlugMetadata {
    /// The model that answered (`chat_greeting` for an instant greeting).
    pub model: String,
    /// Tokens used (0 for an instant greeting).
    pub tokens: u32,
}

/// The answer.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SlugChatData {
    /// The agent's answer.
    pub response: String,
    /// Pass it back to continue.
    pub conversation_id: String,
    /// Model and tokens.
    pub metadata: SlugMetadata,
}

/// The success envelope.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"data": {"response": "We are open 9 to 5.", "conversationId": "c9a8b7c6-1234-4def-89ab-aabbccddeeff", "metadata": {"model": "gpt-4o-mini", "tokens": 150}}, "error": null}))]
pub struct SlugChatReply {
    /// The answer.
    pub data: SlugChatData,
    /// Always `null`.
    #[schema(value_type = Option<Object>)]
    pub error: Option<()>,
}

impl From<&ChatReply> for SlugChatReply {
    fn from(reply: &ChatReply) -> Self {
        SlugChatReply {
            data: SlugChatData {
                response: reply.response.clone(),
                conversation_id: reply.conversation_id.to_string(),
                metadata: SlugMetadata {
                    model: reply
                        .model
                        .clone()
                        .unwrap_or_else(|| "chat_greeting".into()),
                    tokens: reply.usage.map_or(0, |u| u.total()),
                },
            },
            error: None,
        }
    }
}

/// The stream format: chunks, then `[DONE]`; a failure is an
/// `{"error": {…}}` line before `[DONE]`.
pub const SLUG_STREAM: StreamFormat = StreamFormat {
    dialect: "slug",
    start: |_| None,
    delta: |text| sse::data_line(&SlugChunk { chunk: text }),
    tool_event: |_| None,
    done: |_| Bytes::from_static(b"data: [DONE]\n\n"),
    error: |error| {
        let failure = SlugFailure {
            error: error_detail(&error),
        };
        let mut lines = sse::data_line(&failure).to_vec();
        lines.extend_from_slice(b"data: [DONE]\n\n");
        Bytes::from(lines)
    },
};

fn invalid(message: &str) -> ApiError {
    ApiError::Validation(message.into())
}

/// A parsed request body.
struct SlugRequest {
    /// The engine's request.
    chat: ChatRequest,
    /// Answer as a stream.
    stream: bool,
    /// The `conversationId` as sent, for error messages.
    conversation: Option<String>,
}

/// Reads the body with the dialect's own messages ("Message field is
/// required").
fn parse_body(bytes: &[u8], slug: &str) -> Result<SlugRequest, ApiError> {
    let body: Value =
        parse_json(bytes).map_err(|_| invalid("Request body must be a JSON object"))?;
    let Some(body) = body.as_object() else {
        return Err(invalid("Request body must be a JSON object"));
    };
    let message = match body.get("message") {
        None | Some(Value::Null) => return Err(invalid("Message field is required")),
        Some(Value::String(text)) if text.trim().is_empty() => {
            return Err(invalid("Message field is required"));
        }
        Some(Value::String(text)) => text.clone(),
        Some(_) => return Err(invalid("Message field must be a string")),
    };
    let stream = match body.get("stream") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(flag)) => *flag,
        Some(_) => return Err(invalid("Stream field must be a boolean")),
    };
    let conversation = match body.get("conversationId") {
        None | Some(Value::Null) => None,
        Some(Value::String(id)) if id.trim().is_empty() => None,
        Some(Value::String(id)) => Some(id.clone()),
        Some(_) => return Err(invalid("conversationId must be a string or null")),
    };
    let conversation_id = conversation.as_deref().map(conversation_ref);
    let chat = ChatRequest {
        bot: BotRef::Slug(slug.to_owned()),
        message,
        external_user_id: None,
        conversation_id,
        new_conversation: false,
        agent_mode: false,
        channel: Channel::Api,
    };
    Ok(SlugRequest {
        chat,
        stream,
        conversation,
    })
}

/// Engine errors in the dialect's words.
fn chat_error(error: ChatError, slug: &str, conversation: Option<&str>) -> ApiError {
    match error {
        ChatError::NotFound(Resource::Bot) => {
            ApiError::NotFound(format!("Agent with slug '{slug}' not found"))
        }
        ChatError::NotFound(Resource::Conversation) => ApiError::NotFound(format!(
            "Conversation '{}' not found",
            conversation.unwrap_or_default()
        )),
        ChatError::InvalidMessage(v) => {
            ApiError::Validation(format!("Message field {}", v.message))
        }
        other => other.into(),
    }
}

async fn answer(
    state: &web::Data<AppState>,
    ws: WorkspaceId,
    slug: &str,
    body: &[u8],
    replay: idempotency::ReplayKey,
) -> Result<Outcome, ApiError> {
    let SlugRequest {
        chat,
        stream,
        conversation,
    } = parse_body(body, slug)?;
    let speak = |e| chat_error(e, slug, conversation.as_deref());
    if stream {
        let prepared = state.chat.prepare(ws, chat).await;
        let prepared = prepared
            .inspect_err(|e| state.count_turn("slug", Some(e)))
            .map_err(speak)?;
        let response = chat_stream::respond(state.clone(), prepared, &SLUG_STREAM, replay);
        return Ok(Outcome::Stream(response));
    }
    let result = state.chat.send(ws, chat).await;
    let reply = state.counted("slug", result).map_err(speak)?;
    Ok(Outcome::Whole(
        HttpResponse::Ok().json(SlugChatReply::from(&reply)),
    ))
}

crate::wire::sse_schema::stream_schema!(
    SlugStreamEvent,
    "SlugStream",
    "One line of a slug-dialect stream: `data: {\"chunk\": …}` lines, a `data: {\"error\": …}` line when the turn failed, then `data: [DONE]`",
    unnamed [
        "Chunk" => SlugChunk<'static>,
        "Failure" => SlugFailure,
    ],
    "Done" => "[DONE]"
);

/// Send a message to an agent by its slug (slug-compatible). A bot's slug
/// comes from its name ("Customer Support" → `customer-support`) or is set
/// explicitly. Conversations appear in the native API with channel `api`.
/// `Idempotency-Key` works as on `chat/send`. The body is read as JSON
/// whatever its `Content-Type`, and unknown query parameters are ignored
/// (the vendor's clients are not all strict about either).
#[utoipa::path(post, path = "/v1/api/chat/{slug}", tag = "Slug-compatible",
    params(("slug" = String, Path, description = "The agent's slug")),
    request_body = SlugChatInput,
    responses(
        (status = 200, description = "`stream: false`: the JSON envelope. `stream: true`: `text/event-stream` of \
            `data: {\"chunk\": \"…\"}` lines, then `data: [DONE]` (a failure mid-stream is a \
            `data: {\"error\": {…}}` line before `[DONE]`); the `X-Conversation-Id` header names the conversation",
            content((SlugChatReply = "application/json"), (SlugStreamEvent = "text/event-stream")),
            headers(("X-Conversation-Id" = String, description = "The conversation (streams)"))),
        (status = 400, description = "ValidationError", body = SlugErrorBody),
        (status = 401, description = "UnauthorizedError", body = SlugErrorBody),
        (status = 402, description = "PaymentRequiredError (`details.code`: SERVICE_SUSPENDED, PLAN_LIMIT_REACHED or INSUFFICIENT_BALANCE)", body = SlugErrorBody),
        (status = 403, description = "ForbiddenError: the key lacks `chat:send`", body = SlugErrorBody),
        (status = 404, description = "NotFoundError: `Agent with slug '<slug>' not found`, or the conversation", body = SlugErrorBody),
        (status = 409, description = "ConflictError: the agent is inactive, or the Idempotency-Key is in use", body = SlugErrorBody),
        (status = 429, description = "RateLimitError (`Retry-After`, `X-RateLimit-*`)", body = SlugErrorBody),
        (status = 502, body = SlugErrorBody), (status = 504, body = SlugErrorBody),
    ))]
pub async fn chat(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    body: Result<RawBody, ApiError>,
) -> HttpResponse {
    let ws = caller.workspace();
    let body = match body {
        Ok(body) => body,
        Err(error) => return Dialect::Slug.error_response(&error),
    };
    let run = |replay| answer(&state, ws, &slug, &body.0, replay);
    idempotency::once(
        Idempotency::of(&state),
        &req,
        ws,
        &body.0,
        Dialect::Slug,
        run,
    )
    .await
}
