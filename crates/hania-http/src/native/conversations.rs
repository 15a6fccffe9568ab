//! `/api/v1/conversations` (seed `002_*`).

use actix_web::{HttpRequest, HttpResponse, web};
use hania_domain::conversation::{Channel, ConversationFilter};
use hania_domain::ids::ConversationId;
use hania_domain::page::Page;

use crate::middleware::auth::Caller;
use crate::native::dto::conversation::{
    ConversationDetail, ConversationItem, MessageView, TraceStepView,
};
use crate::native::dto::names::ChannelName;
use crate::state::AppState;
use crate::wire::envelope::{Envelope, MessageEnvelope, done, ok};
use crate::wire::error::{ApiError, ErrorBody};
use crate::wire::extract::{StrictQuery, path_id};
use hania_domain::services::Resource;

type Reply = Result<HttpResponse, ApiError>;

/// The list's strict allow-list of query parameters.
pub const LIST_PARAMETERS: &[&str] = &[
    "bot_id",
    "channel",
    "external_call_id",
    "external_linked_id",
    "source_conversation_id",
    "since",
    "until",
    "analysis.sentiment",
    "analysis.topic",
    "analysis.outcome",
    "limit",
    "offset",
];

fn filter_of(query: &StrictQuery) -> Result<ConversationFilter, ApiError> {
    let text = |name: &str| query.get(name).map(str::to_owned);
    Ok(ConversationFilter {
        bot_id: query.uuid("bot_id")?,
        channel: query
            .get("channel")
            .map(|c| {
                Channel::parse(c)
                    .map_err(|e| ApiError::InvalidParameter(format!("channel: {}", e.message)))
            })
            .transpose()?,
        external_call_id: text("external_call_id"),
        external_linked_id: text("external_linked_id"),
        source_conversation_id: query.uuid("source_conversation_id")?,
        since: query.instant("since")?,
        until: query.instant("until")?,
        sentiment: text("analysis.sentiment"),
        topic: text("analysis.topic"),
        outcome: text("analysis.outcome"),
    })
}

/// Paginated list, newest first; the total is in `X-Total-Count`.
#[utoipa::path(
    get, path = "/api/v1/conversations", tag = "Conversations",
    params(
        ("bot_id" = Option<uuid::Uuid>, Query, description = "A specific bot"),
        ("channel" = Option<ChannelName>, Query, description = "The channel"),
        ("external_call_id" = Option<String>, Query), ("external_linked_id" = Option<String>, Query),
        ("source_conversation_id" = Option<uuid::Uuid>, Query),
        ("since" = Option<String>, Query, format = DateTime, description = "RFC 3339; started at or after"),
        ("until" = Option<String>, Query, format = DateTime, description = "RFC 3339; started at or before"),
        ("analysis.sentiment" = Option<String>, Query), ("analysis.topic" = Option<String>, Query),
        ("analysis.outcome" = Option<String>, Query),
        ("limit" = Option<u32>, Query, description = "Default 100, at most 500", minimum = 1, maximum = 500),
        ("offset" = Option<u32>, Query, description = "limit + offset ≤ 10000"),
    ),
    responses(
        (status = 200, body = Envelope<Vec<ConversationItem>>,
            headers(("X-Total-Count" = u64, description = "Conversations matching the filters"))),
        (status = 400, description = "Unknown or malformed parameter (named)", body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 429, body = ErrorBody),
    )
)]
pub async fn list_conversations(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
) -> Reply {
    let query = StrictQuery::parse(&req, LIST_PARAMETERS, &[])?;
    let filter = filter_of(&query)?;
    let page = Page::new(query.u32("limit")?, query.u32("offset")?)
        .map_err(|e| ApiError::InvalidParameter(format!("{}: {}", e.field, e.message)))?;
    let found = state
        .store
        .list_conversations(caller.workspace(), &filter, page)
        .await?;
    let items: Vec<ConversationItem> = found
        .items
        .into_iter()
        .map(|s| ConversationItem::new(s.conversation, s.bot_name))
        .collect();
    let mut response = ok(items);
    if let Ok(total) = actix_web::http::header::HeaderValue::from_str(&found.total.to_string()) {
        response.headers_mut().insert(
            actix_web::http::header::HeaderName::from_static("x-total-count"),
            total,
        );
    }
    Ok(response)
}

async fn load(
    state: &AppState,
    caller: &Caller,
    req: &HttpRequest,
) -> Result<(ConversationId, ConversationItem), ApiError> {
    let id: ConversationId = path_id(req, "conversationID")?;
    let ws = caller.workspace();
    let conversation = state
        .store
        .get_conversation(ws, id)
        .await
        .map_err(not_found)?;
    let bot = state.store.get_bot(ws, conversation.bot_id).await?;
    Ok((id, ConversationItem::new(conversation, bot.name)))
}

fn not_found(error: hania_domain::ports::StoreError) -> ApiError {
    match error {
        hania_domain::ports::StoreError::NotFound => ApiError::not_found(Resource::Conversation),
        other => other.into(),
    }
}

/// The conversation with its messages, oldest first.
#[utoipa::path(
    get, path = "/api/v1/conversations/{conversationID}", tag = "Conversations",
    params(("conversationID" = uuid::Uuid, Path, description = "Conversation id")),
    responses(
        (status = 200, body = Envelope<ConversationDetail>),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 429, body = ErrorBody),
    )
)]
pub async fn get_conversation(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
) -> Reply {
    let (id, conversation) = load(&state, &caller, &req).await?;
    let messages = state
        .store
        .list_messages(caller.workspace(), id)
        .await
        .map_err(not_found)?;
    Ok(ok(ConversationDetail {
        conversation,
        messages: messages.into_iter().map(MessageView::from).collect(),
    }))
}

/// The step-by-step execution trace.
#[utoipa::path(
    get, path = "/api/v1/conversations/{conversationID}/trace", tag = "Conversations",
    params(("conversationID" = uuid::Uuid, Path, description = "Conversation id")),
    responses(
        (status = 200, body = Envelope<Vec<TraceStepView>>),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 429, body = ErrorBody),
    )
)]
pub async fn get_trace(req: HttpRequest, caller: Caller, state: web::Data<AppState>) -> Reply {
    let id: ConversationId = path_id(&req, "conversationID")?;
    let steps = state
        .store
        .list_trace(caller.workspace(), id)
        .await
        .map_err(not_found)?;
    Ok(ok(steps
        .into_iter()
        .map(TraceStepView::from)
        .collect::<Vec<_>>()))
}

/// Permanently delete a conversation, its messages and its trace.
#[utoipa::path(
    delete, path = "/api/v1/conversations/{conversationID}", tag = "Conversations",
    params(("conversationID" = uuid::Uuid, Path, description = "Conversation id")),
    responses(
        (status = 200, body = MessageEnvelope),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 429, body = ErrorBody),
    )
)]
pub async fn delete_conversation(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
) -> Reply {
    let id: ConversationId = path_id(&req, "conversationID")?;
    state
        .store
        .delete_conversation(caller.workspace(), id)
        .await
        .map_err(not_found)?;
    Ok(done("Conversation deleted"))
}
