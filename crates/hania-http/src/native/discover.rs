//! `POST /api/v1/bots/discover`: the model drafts a bot configuration.
//! Server-sent events by default; one JSON answer when the client accepts
//! `application/json` and not `text/event-stream`. Nothing is stored.

use actix_web::http::header::ACCEPT;
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};
use hania_domain::completion::CompletionRequest;
use hania_domain::discovery::DiscoveryRequest;
use hania_domain::services::DiscoveryService;

use super::stream_format::NATIVE;
use crate::middleware::auth::Caller;
use crate::native::dto::discovery::{DiscoverInput, DiscoverReply};
use crate::state::AppState;
use crate::wire::envelope::{Envelope, ok};
use crate::wire::error::{ApiError, ErrorBody};
use crate::wire::extract::{JsonBytes, parse_json};
use crate::wire::sse::{self, Sink};
use crate::wire::stream_events::{DiscoverProgress, StreamDelta, StreamError};

/// Whether the client asked for one JSON answer instead of a stream.
fn wants_json(req: &HttpRequest) -> bool {
    let accept = req
        .headers()
        .get_all(ACCEPT)
        .filter_map(|v| v.to_str().ok())
        .collect::<Vec<_>>()
        .join(",")
        .to_ascii_lowercase();
    accept.contains("application/json") && !accept.contains("text/event-stream")
}

crate::wire::sse_schema::stream_schema!(
    DiscoverEvent,
    "DiscoverStream",
    "One event of a discovery stream: `progress`, `delta`s (the draft's text as the model writes it), then `draft` or `error`",
    [
        "progress" => DiscoverProgress<'static>,
        "delta" => StreamDelta<'static>,
        "draft" => DiscoverReply,
        "error" => StreamError<'static>,
    ]
);

/// Draft a bot configuration from a description and reference sources.
/// The model writes it; nothing is saved and nothing is charged, but the
/// workspace must be allowed model calls (402 otherwise). The stream sends
/// `event: progress` {stage, message}, `event: delta` {content} per chunk
/// of the model's answer, then `event: draft` {draft, model, usage} or
/// `event: error` {code, message}.
#[utoipa::path(post, path = "/api/v1/bots/discover", tag = "Bots",
    request_body = DiscoverInput,
    params(("Accept" = Option<String>, Header, description = "`application/json` for one JSON answer; otherwise a stream")),
    responses(
        (status = 200, description = "By default a `text/event-stream` (`progress`, `delta`s, then `draft` \
            {draft, model, usage} or `error` {code, message}); with `Accept: application/json` the envelope",
            content((Envelope<DiscoverReply> = "application/json"), (DiscoverEvent = "text/event-stream"))),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 402, description = "SERVICE_SUSPENDED, PLAN_LIMIT_REACHED or INSUFFICIENT_BALANCE", body = ErrorBody),
        (status = 429, body = ErrorBody),
        (status = 502, description = "UPSTREAM_ERROR: the provider failed or its answer was not a usable configuration", body = ErrorBody),
        (status = 504, body = ErrorBody),
    ))]
pub async fn discover(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
    body: JsonBytes,
) -> HttpResponse {
    let answer = async {
        let request: DiscoveryRequest = parse_json::<DiscoverInput>(&body.0)?.into();
        if wants_json(&req) {
            let found = state
                .discovery
                .discover(caller.workspace(), &request)
                .await?;
            return Ok(ok(DiscoverReply::from(&found)));
        }
        let completion = state
            .discovery
            .prepare(caller.workspace(), &request)
            .await?;
        let (sink, response) = sse::open(false);
        tokio::spawn(draft_stream(state.clone(), request, completion, sink));
        Ok::<_, ApiError>(response)
    };
    answer.await.unwrap_or_else(|e| e.error_response())
}

/// Streams the drafting call and ends with the draft or an error. When the
/// client leaves, the provider stream is dropped (the upstream call ends).
async fn draft_stream(
    state: web::Data<AppState>,
    request: DiscoveryRequest,
    completion: CompletionRequest,
    sink: Sink,
) {
    let sources = request
        .sources
        .iter()
        .filter(|s| !s.trim().is_empty())
        .count();
    let message = format!(
        "Drafting with {} from the description and {sources} source(s)",
        completion.model
    );
    let progress = sse::event(
        "progress",
        &DiscoverProgress {
            stage: "drafting",
            message: &message,
        },
    );
    if sink.send(progress).await.is_err() {
        return;
    }
    let opening = state.discovery.open_stream(&completion);
    let outcome = match sse::wait_with_keep_alive(opening, &sink, state.stream_keep_alive).await {
        Err(sse::Gone) => return,
        Ok(Err(error)) => {
            let _ = sink.send((NATIVE.error)(error.into())).await;
            return;
        }
        Ok(Ok(mut stream)) => {
            sse::relay(&mut stream, &sink, state.stream_keep_alive, NATIVE.delta).await
        }
    };
    if outcome.interrupted {
        return;
    }
    if outcome.error.is_none() {
        let checking = DiscoverProgress {
            stage: "checking",
            message: "Checking the draft",
        };
        let _ = sink.send(sse::event("progress", &checking)).await;
    }
    let last = match DiscoveryService::finish_stream(&request, &completion, outcome) {
        Ok(found) => sse::event("draft", &DiscoverReply::from(&found)),
        Err(error) => (NATIVE.error)(error.into()),
    };
    let _ = sink.send(last).await;
}
