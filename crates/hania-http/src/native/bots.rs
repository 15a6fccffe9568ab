//! `/api/v1/bots` (seed `001_*`).

use actix_web::{HttpRequest, HttpResponse, web};
use hania_domain::ids::BotId;
use hania_domain::metadata::MetadataFilter;

use crate::middleware::auth::Caller;
use crate::native::dto::bot::{BotCreateInput, BotInput, BotView};
use crate::state::AppState;
use crate::wire::envelope::{CreatedId, Envelope, MessageEnvelope, created, done, ok};
use crate::wire::error::{ApiError, ErrorBody};
use crate::wire::extract::{JsonBody, StrictQuery, path_id};

type Reply = Result<HttpResponse, ApiError>;

/// List bots, optionally filtered by metadata (AND).
#[utoipa::path(
    get, path = "/api/v1/bots", tag = "Bots",
    params(("metadata" = Option<std::collections::HashMap<String, String>>, Query, style = DeepObject, explode,
        description = "Only bots whose metadata has each given key = value (AND): `?metadata[team]=support&metadata[tier]=gold`. \
            The dotted form `?metadata.team=support` and bare keys (`?team=support`, as form-style clients send an object) are served too; \
            A key in brackets cannot hold `[` or `]` (the dotted form can); `metadata` alone, `limit`, `offset`, `page`, `sort` and a key left as the placeholder `<key>` are refused (400): this list is not paged.")),
    responses(
        (status = 200, description = "All matching bots, oldest first", body = Envelope<Vec<BotView>>),
        (status = 400, description = "Unknown query parameter", body = ErrorBody),
        (status = 401, description = "Missing or invalid key", body = ErrorBody),
        (status = 403, description = "Missing ability: bots:read", body = ErrorBody),
        (status = 429, description = "Rate limited", body = ErrorBody),
    )
)]
pub async fn list_bots(req: HttpRequest, caller: Caller, state: web::Data<AppState>) -> Reply {
    let query = StrictQuery::parse(&req, &["*"], &[])?;
    let filter = metadata_filter(&query)?;
    let bots = state.bots.list(caller.workspace(), &filter).await?;
    Ok(ok(bots.into_iter().map(BotView::from).collect::<Vec<_>>()))
}

/// Names that would be paging or sorting elsewhere: refused, so that a
/// client expecting pages gets an error, not a filter that finds nothing.
const NOT_FILTERS: &[&str] = &[
    "limit", "offset", "page", "per_page", "sort", "order", "cursor",
];

/// The metadata filter of a bot list: `metadata.<key>=…`,
/// `metadata[<key>]=…` and bare `<key>=…` pairs, keys checked by the
/// domain as stored keys are.
fn metadata_filter(query: &StrictQuery) -> Result<MetadataFilter, ApiError> {
    let mut pairs = Vec::new();
    for (name, value) in query.pairs() {
        let key = if let Some(key) = name.strip_prefix("metadata.") {
            key
        } else if let Some(inner) = name.strip_prefix("metadata[") {
            // One level: `metadata[a][b]` would be a nested object, and
            // metadata values are strings.
            inner
                .strip_suffix(']')
                .filter(|key| !key.contains(['[', ']']))
                .ok_or_else(|| {
                    ApiError::InvalidParameter(format!(
                        "{name}: write one key in brackets, metadata[key]=value"
                    ))
                })?
        } else if name == "metadata" {
            return Err(ApiError::InvalidParameter(
                "metadata: give each key in brackets, metadata[key]=value".into(),
            ));
        } else if NOT_FILTERS.contains(&name) {
            return Err(ApiError::InvalidParameter(format!(
                "unknown query parameter '{name}': bots are not paged; query parameters filter by metadata"
            )));
        } else {
            name
        };
        if key == "<key>" {
            return Err(ApiError::InvalidParameter(format!(
                "{name}: replace the placeholder with a metadata key, e.g. metadata[team]=support"
            )));
        }
        pairs.push((key.to_owned(), value.to_owned()));
    }
    MetadataFilter::parse(pairs).map_err(|e| ApiError::InvalidParameter(e.to_string()))
}

/// Create a bot from a `system_prompt` or a `prompt_builder`.
#[utoipa::path(
    post, path = "/api/v1/bots", tag = "Bots",
    request_body = BotCreateInput,
    responses(
        (status = 201, description = "Created", body = Envelope<CreatedId>),
        (status = 400, description = "Invalid field (named in the message)", body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 409, description = "Slug already used", body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 429, body = ErrorBody),
    )
)]
pub async fn create_bot(
    caller: Caller,
    state: web::Data<AppState>,
    body: JsonBody<BotInput>,
) -> Reply {
    let id = state.bots.create(caller.workspace(), body.0.into()).await?;
    Ok(created(id.as_uuid()))
}

/// The full bot object.
#[utoipa::path(
    get, path = "/api/v1/bots/{botID}", tag = "Bots",
    params(("botID" = uuid::Uuid, Path, description = "Bot id")),
    responses(
        (status = 200, body = Envelope<BotView>),
        (status = 400, description = "Malformed id", body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, description = "No such bot in this workspace", body = ErrorBody),
        (status = 429, body = ErrorBody),
    )
)]
pub async fn get_bot(req: HttpRequest, caller: Caller, state: web::Data<AppState>) -> Reply {
    let id: BotId = path_id(&req, "botID")?;
    Ok(ok(BotView::from(
        state.bots.get(caller.workspace(), id).await?,
    )))
}

/// Partial update: omitted fields stay, `null` clears a nullable field.
#[utoipa::path(
    put, path = "/api/v1/bots/{botID}", tag = "Bots",
    params(("botID" = uuid::Uuid, Path, description = "Bot id")),
    request_body = BotInput,
    responses(
        (status = 200, description = "Updated", body = MessageEnvelope),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 429, body = ErrorBody),
    )
)]
pub async fn update_bot(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
    body: JsonBody<BotInput>,
) -> Reply {
    let id: BotId = path_id(&req, "botID")?;
    state
        .bots
        .update(caller.workspace(), id, body.0.into())
        .await?;
    Ok(done("Bot updated"))
}

/// Soft delete: the bot becomes inactive and keeps its conversations.
#[utoipa::path(
    delete, path = "/api/v1/bots/{botID}", tag = "Bots",
    params(("botID" = uuid::Uuid, Path, description = "Bot id")),
    responses(
        (status = 200, description = "Deactivated", body = MessageEnvelope),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 429, body = ErrorBody),
    )
)]
pub async fn delete_bot(req: HttpRequest, caller: Caller, state: web::Data<AppState>) -> Reply {
    let id: BotId = path_id(&req, "botID")?;
    state.bots.deactivate(caller.workspace(), id).await?;
    Ok(done("Bot deleted"))
}

/// Replace the bot's metadata (string values, at most 8 KB).
#[utoipa::path(
    patch, path = "/api/v1/bots/{botID}/metadata", tag = "Bots",
    params(("botID" = uuid::Uuid, Path, description = "Bot id")),
    request_body(content = BTreeMap<String, String>, example = json!({"team": "support", "crm_id": "A-17"})),
    responses(
        (status = 200, body = MessageEnvelope),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 429, body = ErrorBody),
    )
)]
pub async fn patch_metadata(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
    body: JsonBody<serde_json::Value>,
) -> Reply {
    let id: BotId = path_id(&req, "botID")?;
    state
        .bots
        .set_metadata(caller.workspace(), id, &body.0)
        .await?;
    Ok(done("Metadata updated"))
}
