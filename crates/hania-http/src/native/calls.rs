//! `/api/v1/calls`: outbound calls (through a telephony provider, when one
//! is configured) and transcripts of finished calls from the operator's
//! own voice stack.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use hania_domain::call::{Transcript, TranscriptTurn};
use hania_domain::ids::BotId;
use hania_domain::message::Role;
use hania_domain::validation::ValidationError;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::middleware::auth::Caller;
use crate::state::AppState;
use crate::wire::envelope::Envelope;
use crate::wire::error::{ApiError, ErrorBody};
use crate::wire::extract::JsonBody;

/// One utterance of a call.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TranscriptTurnInput {
    /// `user` (the caller) or `assistant` (the bot).
    #[schema(pattern = "^(user|assistant)$")]
    pub role: String,
    /// What was said.
    #[schema(min_length = 1, max_length = 32000)]
    pub content: String,
    /// When it was said (RFC 3339; default: the call's start).
    #[schema(format = DateTime)]
    pub at: Option<String>,
}

/// Body of `POST /api/v1/calls/transcripts`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"bot_id": "b1f2c3d4-5678-90ab-cdef-1234567890ab", "external_call_id": "CA1234",
    "started_at": "2026-12-02T09:00:00Z", "ended_at": "2026-12-02T09:03:10Z",
    "turns": [{"role": "assistant", "content": "Acme support, how can I help?"}, {"role": "user", "content": "My parcel is late."}]}))]
pub struct TranscriptInput {
    /// The bot that took the call.
    pub bot_id: Uuid,
    /// The call's id in your voice stack; unique per bot.
    #[schema(min_length = 1, max_length = 256)]
    pub external_call_id: Option<String>,
    /// Any other id to find the call by.
    #[schema(min_length = 1, max_length = 256)]
    pub external_linked_id: Option<String>,
    /// When the call started (RFC 3339).
    #[schema(format = DateTime)]
    pub started_at: String,
    /// When it ended (RFC 3339), not before `started_at`.
    #[schema(format = DateTime)]
    pub ended_at: String,
    /// What was said, in order.
    #[schema(max_items = 2000)]
    pub turns: Vec<TranscriptTurnInput>,
}

/// An instant named by its field.
fn instant(field: &str, text: &str) -> Result<OffsetDateTime, ValidationError> {
    OffsetDateTime::parse(text.trim(), &Rfc3339)
        .map_err(|_| ValidationError::new(field, "must be an RFC 3339 date-time"))
}

impl TranscriptInput {
    /// The domain's transcript; errors name the field (`turns[3].role`).
    pub fn into_transcript(self) -> Result<Transcript, ValidationError> {
        let turns = self
            .turns
            .into_iter()
            .enumerate()
            .map(|(i, turn)| {
                let role = match turn.role.as_str() {
                    "user" => Role::User,
                    "assistant" => Role::Assistant,
                    _ => {
                        return Err(ValidationError::new(
                            format!("turns[{i}].role"),
                            "must be one of: user, assistant",
                        ));
                    }
                };
                let at = turn
                    .at
                    .map(|at| instant(&format!("turns[{i}].at"), &at))
                    .transpose()?;
                Ok(TranscriptTurn {
                    role,
                    content: turn.content,
                    at,
                })
            })
            .collect::<Result<_, _>>()?;
        Ok(Transcript {
            bot_id: BotId::from_uuid(self.bot_id),
            external_call_id: self.external_call_id,
            external_linked_id: self.external_linked_id,
            started_at: instant("started_at", &self.started_at)?,
            ended_at: instant("ended_at", &self.ended_at)?,
            turns,
        })
    }
}

/// A recorded call.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecordedCallView {
    /// The `voice` conversation holding the transcript.
    pub conversation_id: Uuid,
}

/// Record a finished call from your own voice stack: a `voice`
/// conversation with its transcript, ended; its analysis and post-call
/// hooks then run in the background.
#[utoipa::path(post, path = "/api/v1/calls/transcripts", tag = "Calls",
    request_body = TranscriptInput,
    responses(
        (status = 201, body = Envelope<RecordedCallView>),
        (status = 400, description = "A field is missing or invalid (named, e.g. `turns[3].role`)", body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, description = "No such bot", body = ErrorBody),
        (status = 409, description = "The bot already has a call with this external_call_id", body = ErrorBody),
        (status = 413, description = "Over 1 MB", body = ErrorBody),
        (status = 429, body = ErrorBody),
    ))]
pub async fn record_transcript(
    caller: Caller,
    state: web::Data<AppState>,
    body: JsonBody<TranscriptInput>,
) -> Result<HttpResponse, ApiError> {
    let transcript = body.0.into_transcript()?;
    let call = state
        .chat
        .record_transcript(caller.workspace(), transcript)
        .await?;
    Ok(HttpResponse::build(StatusCode::CREATED).json(Envelope {
        success: true,
        data: RecordedCallView {
            conversation_id: call.id.as_uuid(),
        },
        message: "Call recorded".into(),
    }))
}

/// Body of `POST /api/v1/calls`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OutboundCallInput {
    /// The bot that makes the call (needs `outbound_calls_enabled`).
    pub bot_id: Uuid,
    /// The number to call, E.164 (`+4712345678`).
    #[schema(pattern = "^\\+[1-9][0-9]{6,14}$")]
    pub to_number: String,
}

/// Start an outbound call through the telephony provider.
#[utoipa::path(post, path = "/api/v1/calls", tag = "Calls",
    request_body = OutboundCallInput,
    responses(
        (status = 202, description = "The call is being placed, as a `voice` conversation. Needs a telephony provider: \
            none is built in yet, so today this operation answers 503", body = Envelope<crate::wire::envelope::CreatedId>),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, description = "No such bot", body = ErrorBody), (status = 429, body = ErrorBody),
        (status = 503, description = "UNAVAILABLE: no telephony provider is configured", body = ErrorBody),
    ))]
pub async fn start_call(
    caller: Caller,
    state: web::Data<AppState>,
    body: JsonBody<OutboundCallInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.0;
    if !hania_domain::call::is_e164(&input.to_number) {
        return Err(ValidationError::new(
            "to_number",
            "must be an E.164 number such as +4712345678",
        )
        .into());
    }
    state
        .store
        .get_bot(caller.workspace(), BotId::from_uuid(input.bot_id))
        .await
        .map_err(|_| ApiError::not_found(hania_domain::services::Resource::Bot))?;
    Err(ApiError::NotConfigured(
        "No telephony provider is configured on this server; record calls from your own voice \
         stack with POST /api/v1/calls/transcripts"
            .into(),
    ))
}
