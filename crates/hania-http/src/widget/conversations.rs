//! A visitor's (or a verified user's) own conversations.

use actix_web::{HttpRequest, HttpResponse, web};
use hania_domain::conversation::{Channel, Conversation};
use hania_domain::ids::ConversationId;
use hania_domain::services::Resource;
use uuid::Uuid;

use super::dto::{WidgetCallerHeaders, WidgetConversation, WidgetMessage};
use crate::middleware::widget_auth::WidgetCaller;
use crate::state::AppState;
use crate::wire::envelope::{Envelope, ok};
use crate::wire::error::{ApiError, ErrorBody};
use crate::wire::extract::path_id;

/// A conversation of this key's bot on channel `web` that the caller owns
/// (as `visitor`, or as its verified user); any other is not found.
pub(crate) async fn own_conversation(
    state: &AppState,
    caller: &WidgetCaller,
    visitor: Option<Uuid>,
    id: ConversationId,
) -> Result<Conversation, ApiError> {
    let not_found = || ApiError::not_found(Resource::Conversation);
    let owner = caller.owner(visitor).ok_or_else(not_found)?;
    let conversation = state
        .store
        .get_conversation(caller.key.workspace_id, id)
        .await
        .map_err(|_| not_found())?;
    if conversation.bot_id != caller.settings.bot_id
        || conversation.channel != Channel::Web
        || conversation.customer_id.as_deref() != Some(owner.as_str())
    {
        return Err(not_found());
    }
    Ok(conversation)
}

/// The conversation with the messages a visitor sees.
async fn shown(
    state: &AppState,
    caller: &WidgetCaller,
    conversation: Conversation,
) -> Result<HttpResponse, ApiError> {
    let messages = state
        .store
        .list_messages(caller.key.workspace_id, conversation.id)
        .await?
        .into_iter()
        .filter_map(WidgetMessage::of)
        .collect();
    Ok(ok(WidgetConversation {
        id: conversation.id.as_uuid(),
        messages,
    }))
}

/// The visitor's own conversation with its messages.
#[utoipa::path(get, path = "/api/v1/widget/conversations/{conversationID}", tag = "Widget",
    params(("conversationID" = Uuid, Path, description = "Conversation id"),
        WidgetCallerHeaders),
    responses(
        (status = 200, body = Envelope<WidgetConversation>),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, description = "Origin not allowed, or a user hash that does not verify", body = ErrorBody),
        (status = 404, description = "No such conversation of this visitor", body = ErrorBody),
        (status = 429, body = ErrorBody),
    ))]
pub async fn widget_conversation(
    req: HttpRequest,
    caller: WidgetCaller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let id: ConversationId = path_id(&req, "conversationID")?;
    let conversation = own_conversation(&state, &caller, caller.visitor, id).await?;
    shown(&state, &caller, conversation).await
}

/// The caller's most recently active open conversation: how a verified
/// user's conversation follows them to another device.
#[utoipa::path(get, path = "/api/v1/widget/last-conversation", tag = "Widget",
    params(WidgetCallerHeaders),
    responses(
        (status = 200, body = Envelope<WidgetConversation>),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Origin not allowed, or a user hash that does not verify", body = ErrorBody),
        (status = 404, description = "This visitor or user has no open conversation", body = ErrorBody),
        (status = 429, body = ErrorBody),
    ))]
pub async fn widget_last_conversation(
    caller: WidgetCaller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let not_found = || ApiError::not_found(Resource::Conversation);
    let owner = caller.owner(caller.visitor).ok_or_else(not_found)?;
    let conversation = state
        .store
        .find_open_conversation(
            caller.key.workspace_id,
            caller.settings.bot_id,
            Channel::Web,
            &owner,
        )
        .await?
        .ok_or_else(not_found)?;
    shown(&state, &caller, conversation).await
}
