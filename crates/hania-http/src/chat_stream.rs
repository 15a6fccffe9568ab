//! A prepared chat turn answered as server-sent events, in any dialect's
//! format: the layer between the middleware and the handlers. The
//! engine's rules (greeting, recording, partial answers on disconnect,
//! charging only produced tokens) are the same for every dialect; only the
//! bytes on the wire differ, and each dialect brings its [`StreamFormat`]
//! (this module knows no dialect's types).

use actix_web::HttpResponse;
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::web::{self, Bytes};
use hania_domain::ids::ConversationId;
use hania_domain::services::{ChatReply, ModelTurn, PreparedTurn, StreamOutcome};

use crate::middleware::idempotency::{ReplayKey, remember_stream};
use crate::state::AppState;
use crate::wire::error::ApiError;
use crate::wire::sse::{self, DeltaFormat, Sink};

/// How a dialect writes a streamed turn.
pub(crate) struct StreamFormat {
    /// The first event, if the dialect has one.
    pub(crate) start: fn(ConversationId) -> Option<Bytes>,
    /// Each text delta.
    pub(crate) delta: DeltaFormat,
    /// The end of a complete answer.
    pub(crate) done: fn(&ChatReply) -> Bytes,
    /// The end of a failed one.
    pub(crate) error: fn(ApiError) -> Bytes,
}

/// Answers a prepared turn as a stream (with an `X-Conversation-Id`
/// header): a greeting at once, a model turn from a spawned task.
pub(crate) fn respond(
    state: web::Data<AppState>,
    prepared: PreparedTurn,
    format: &'static StreamFormat,
    replay: ReplayKey,
) -> HttpResponse {
    let (mut sink, mut response) = sse::open(replay.is_some());
    let conversation_id = match &prepared {
        PreparedTurn::Answered(reply) => reply.conversation_id,
        PreparedTurn::Model(turn) => turn.conversation_id,
    };
    if let Ok(value) = HeaderValue::from_str(&conversation_id.to_string()) {
        response
            .headers_mut()
            .insert(HeaderName::from_static("x-conversation-id"), value);
    }
    match prepared {
        PreparedTurn::Answered(reply) => {
            tokio::spawn(async move {
                let events = (format.start)(reply.conversation_id)
                    .into_iter()
                    .chain([(format.delta)(&reply.response), (format.done)(&reply)]);
                for bytes in events {
                    let _ = sink.send(bytes).await;
                }
                remember(&state, replay, sink).await;
            });
        }
        PreparedTurn::Model(turn) => {
            tokio::spawn(pump(state, turn, format, sink, replay));
        }
    }
    response
}

/// Drives the provider stream, then records the outcome and ends the
/// stream with `done` or `error` (unless the client already left).
async fn pump(
    state: web::Data<AppState>,
    turn: ModelTurn,
    format: &'static StreamFormat,
    mut sink: Sink,
    replay: ReplayKey,
) {
    let started = state.clock.now();
    let started_ok = match (format.start)(turn.conversation_id) {
        Some(start) => sink.send(start).await.is_ok(),
        None => true,
    };
    let outcome = if !started_ok {
        StreamOutcome {
            interrupted: true,
            ..StreamOutcome::default()
        }
    } else {
        let opening = state.chat.open_stream(&turn);
        match sse::wait_with_keep_alive(opening, &sink, state.stream_keep_alive).await {
            Err(sse::Gone) => StreamOutcome {
                interrupted: true,
                ..StreamOutcome::default()
            },
            Ok(Err(error)) => StreamOutcome {
                error: Some(error),
                ..StreamOutcome::default()
            },
            // The provider stream is dropped at the end of this arm: an
            // unfinished upstream request ends there.
            Ok(Ok(mut stream)) => {
                sse::relay(
                    &mut stream,
                    &mut sink,
                    state.stream_keep_alive,
                    format.delta,
                )
                .await
            }
        }
    };
    let interrupted = outcome.interrupted;
    let result = state.chat.finish_stream(turn, started, outcome).await;
    if interrupted {
        // Nobody hears it now, but a replay of this stream (a retry with
        // its Idempotency-Key) must end with a terminal event too.
        sink.record((format.error)(ApiError::StreamInterrupted));
    } else {
        let last = match result {
            Ok(reply) => (format.done)(&reply),
            Err(error) => (format.error)(error.into()),
        };
        let _ = sink.send(last).await;
    }
    remember(&state, replay, sink).await;
}

/// Stores the transcript for replays, then ends the stream: the client
/// sees the end only once a retry would find the stored answer.
async fn remember(state: &AppState, replay: ReplayKey, sink: Sink) {
    remember_stream(state.store.as_ref(), replay, sink.transcript()).await;
    drop(sink);
}
