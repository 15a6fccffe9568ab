//! `Idempotency-Key` on the chat endpoints: a retry with the same key and
//! the same body within 24 hours gets the first answer again (same status,
//! same body) and runs nothing; the same key with another body, or while
//! the first request still runs, is 409.

use actix_web::body::to_bytes;
use actix_web::http::StatusCode;
use actix_web::http::header::{CONTENT_TYPE, HeaderValue};
use actix_web::{HttpRequest, HttpResponse};
use hania_domain::ids::WorkspaceId;
use hania_domain::ports::{Clock, IdempotencyClaim, IdempotencyStore};
use sha2::{Digest, Sha256};
use time::Duration;

use crate::state::AppState;
use crate::wire::dialect::Dialect;
use crate::wire::error::ApiError;

/// The request header.
const HEADER: &str = "idempotency-key";
/// How long an answer is replayed.
const RETENTION: Duration = Duration::hours(24);

/// Where a stream's transcript is remembered for idempotent replays: the
/// workspace and key of a claimed request, or `None` without a key.
pub(crate) type ReplayKey = Option<(WorkspaceId, String)>;

/// The ports replays need: where claims and answers are kept, and time.
#[derive(Clone, Copy)]
pub(crate) struct Idempotency<'a> {
    /// Claims and stored answers.
    pub(crate) store: &'a dyn IdempotencyStore,
    /// Now, for retention.
    pub(crate) clock: &'a dyn Clock,
    /// Whose keys these are within the workspace (`""`: the workspace's
    /// own); a key is remembered per scope, so one widget visitor's key
    /// never replays another's answer.
    pub(crate) scope: &'a str,
}

impl<'a> Idempotency<'a> {
    /// The ports of the application's store and clock.
    pub(crate) fn of(state: &'a AppState) -> Self {
        Idempotency {
            store: state.store.as_ref(),
            clock: state.clock.as_ref(),
            scope: "",
        }
    }

    /// The same ports, with keys remembered within `scope`.
    pub(crate) fn scoped(self, scope: &'a str) -> Self {
        Idempotency { scope, ..self }
    }
}

/// The request's `Idempotency-Key` header, if it has one.
pub(crate) fn header_key(req: &HttpRequest) -> Option<&str> {
    req.headers().get(HEADER).and_then(|v| v.to_str().ok())
}

/// What to do with a request.
enum Gate {
    /// Run it; `Some(key)` means its answer must be remembered.
    Proceed(Option<String>),
    /// Answer this (a replay) without running anything.
    Respond(HttpResponse),
}

/// Fingerprint of a request: its path and body.
fn fingerprint(req: &HttpRequest, body: &[u8]) -> String {
    let mut hash = Sha256::new();
    hash.update(req.path().as_bytes());
    hash.update([0]);
    hash.update(body);
    hania_domain::hex::encode(&hash.finalize())
}

/// Checks the request's `Idempotency-Key`, if any.
async fn gate(
    ports: Idempotency<'_>,
    req: &HttpRequest,
    workspace: WorkspaceId,
    body: &[u8],
) -> Result<Gate, ApiError> {
    let Some(value) = req.headers().get(HEADER) else {
        return Ok(Gate::Proceed(None));
    };
    let key = value
        .to_str()
        .ok()
        .filter(|k| !k.is_empty() && k.len() <= 255 && k.bytes().all(|b| b.is_ascii_graphic()))
        .ok_or_else(|| {
            ApiError::Validation(
                "Idempotency-Key: must be 1 to 255 visible ASCII characters".into(),
            )
        })?
        .to_owned();
    let key = if ports.scope.is_empty() {
        key
    } else {
        format!("{}|{key}", ports.scope)
    };
    let now = ports.clock.now();
    let claim = ports
        .store
        .claim_idempotency_key(
            workspace,
            &key,
            &fingerprint(req, body),
            now,
            now - RETENTION,
        )
        .await?;
    match claim {
        IdempotencyClaim::Claimed => Ok(Gate::Proceed(Some(key))),
        IdempotencyClaim::Replay {
            status,
            content_type,
            body,
        } => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
            Ok(Gate::Respond(
                HttpResponse::build(status)
                    .content_type(content_type)
                    .insert_header(("idempotent-replayed", "true"))
                    .body(body),
            ))
        }
        IdempotencyClaim::InProgress => Err(ApiError::Conflict(
            "A request with this Idempotency-Key is still being processed".into(),
        )),
        IdempotencyClaim::Mismatch => Err(ApiError::Conflict(
            "This Idempotency-Key was already used with a different request".into(),
        )),
    }
}

/// Stores a finished answer for its key and returns it unchanged.
async fn remember(
    store: &dyn IdempotencyStore,
    workspace: WorkspaceId,
    key: &str,
    response: HttpResponse,
) -> HttpResponse {
    let (head, body) = response.into_parts();
    let bytes = to_bytes(body).await.unwrap_or_default();
    let content_type = head
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/json")
        .to_owned();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    if let Err(error) = store
        .complete_idempotency_key(workspace, key, head.status().as_u16(), &content_type, &text)
        .await
    {
        tracing::error!(%error, "could not store an idempotent answer");
    }
    let mut response = head.set_body(bytes.to_vec()).map_into_boxed_body();
    if let Ok(value) = HeaderValue::from_str(&content_type) {
        response.headers_mut().insert(CONTENT_TYPE, value);
    }
    response
}

/// Stores a stream's transcript for replays of its key (if it has one).
pub(crate) async fn remember_stream(
    store: &dyn IdempotencyStore,
    replay: ReplayKey,
    transcript: Option<&str>,
) {
    if let (Some((workspace, key)), Some(transcript)) = (replay, transcript) {
        let stored = store
            .complete_idempotency_key(workspace, &key, 200, "text/event-stream", transcript)
            .await;
        if let Err(error) = stored {
            tracing::error!(%error, "could not store an idempotent stream");
        }
    }
}

/// What a handler run under [`once`] produced.
pub(crate) enum Outcome {
    /// A whole response, remembered for the key.
    Whole(HttpResponse),
    /// A stream, which records its own transcript under the key it was
    /// given.
    Stream(HttpResponse),
}

/// Runs a chat handler under the request's `Idempotency-Key` (if any): a
/// replay is answered without running `run`; otherwise what `run` answers
/// is remembered for the key. Errors are rendered in `dialect`'s shape.
pub(crate) async fn once<F, Fut>(
    ports: Idempotency<'_>,
    req: &HttpRequest,
    workspace: WorkspaceId,
    body: &[u8],
    dialect: Dialect,
    run: F,
) -> HttpResponse
where
    F: FnOnce(ReplayKey) -> Fut,
    Fut: Future<Output = Result<Outcome, ApiError>>,
{
    let key = match gate(ports, req, workspace, body).await {
        Ok(Gate::Respond(replay)) => return replay,
        Ok(Gate::Proceed(key)) => key,
        Err(error) => return dialect.error_response(&error),
    };
    let response = match run(key.clone().map(|key| (workspace, key))).await {
        Ok(Outcome::Stream(response)) => return response,
        Ok(Outcome::Whole(response)) => response,
        Err(error) => dialect.error_response(&error),
    };
    match key {
        Some(key) => remember(ports.store, workspace, &key, response).await,
        None => response,
    }
}
