//! A prepared chat turn answered as server-sent events, in any dialect's
//! format: the layer between the middleware and the handlers. The
//! engine's rules (greeting, recording, partial answers on disconnect,
//! charging only produced tokens) are the same for every dialect; only the
//! bytes on the wire differ, and each dialect brings its [`StreamFormat`]
//! (this module knows no dialect's types).

use actix_web::HttpResponse;
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::web::{self, Bytes};
use async_trait::async_trait;
use hania_domain::ids::ConversationId;
use hania_domain::ports::{HungUp, TurnEvent, TurnObserver};
use hania_domain::services::{ChatError, ChatReply, Delivery, ModelTurn, PreparedTurn};

use crate::middleware::idempotency::{ReplayKey, remember_stream};
use crate::state::AppState;
use crate::wire::error::ApiError;
use crate::wire::sse::{self, DeltaFormat, Sink};

/// How a dialect writes a streamed turn.
pub(crate) struct StreamFormat {
    /// The dialect's name in metrics (`native`, `slug`, `widget`).
    pub(crate) dialect: &'static str,
    /// The first event, if the dialect has one.
    pub(crate) start: fn(ConversationId) -> Option<Bytes>,
    /// Each text delta.
    pub(crate) delta: DeltaFormat,
    /// A tool call or result, for dialects that show them (`None`: not
    /// shown).
    pub(crate) tool_event: fn(&TurnEvent) -> Option<Bytes>,
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
    let (sink, mut response) = sse::open(replay.is_some());
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
            state.count_turn(format.dialect, None);
            let open = state.metrics.series().stream_opened();
            tokio::spawn(async move {
                let _open = open;
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

/// Runs the turn in the domain, rendering its events as they come (with
/// keep-alive comments in silences), then ends the stream with `done` or
/// `error`. After a hang-up nobody hears the end, but a replay of this
/// stream (a retry with its Idempotency-Key) must end with a terminal
/// event too.
async fn pump(
    state: web::Data<AppState>,
    turn: ModelTurn,
    format: &'static StreamFormat,
    sink: Sink,
    replay: ReplayKey,
) {
    let _open = state.metrics.series().stream_opened();
    if let Some(start) = (format.start)(turn.conversation_id) {
        // A client already gone is noticed by the turn itself.
        let _ = sink.send(start).await;
    }
    let relay = Relay {
        sink: &sink,
        format,
    };
    // Boxed: a future moved into another is kept twice in its state, and
    // this task lives as long as the stream (bytes per open stream).
    let answer = Box::pin(state.chat.answer(turn, &relay, Delivery::Streamed));
    let result = sse::keep_alive_while(answer, &sink, state.stream_keep_alive).await;
    state.count_turn(format.dialect, result.as_ref().err());
    match result {
        Err(ChatError::ClientGone) => sink.record((format.error)(ApiError::StreamInterrupted)),
        Ok(reply) => {
            let _ = sink.send((format.done)(&reply)).await;
        }
        Err(error) => {
            let _ = sink.send((format.error)(error.into())).await;
        }
    }
    remember(&state, replay, sink).await;
}

/// The domain's view of the client: events rendered in the dialect's
/// format; a hang-up is the channel closing.
struct Relay<'a> {
    sink: &'a Sink,
    format: &'static StreamFormat,
}

#[async_trait]
impl TurnObserver for Relay<'_> {
    async fn emit(&self, event: TurnEvent) -> Result<(), HungUp> {
        let bytes = match &event {
            TurnEvent::Delta(text) => Some((self.format.delta)(text)),
            other => (self.format.tool_event)(other),
        };
        match bytes {
            Some(bytes) => self.sink.send(bytes).await.map_err(|_| HungUp),
            None if self.sink.is_gone() => Err(HungUp),
            None => Ok(()),
        }
    }

    async fn hung_up(&self) {
        self.sink.gone().await;
    }
}

/// Stores the transcript for replays, then ends the stream: the client
/// sees the end only once a retry would find the stored answer.
async fn remember(state: &AppState, replay: ReplayKey, sink: Sink) {
    remember_stream(state.store.as_ref(), replay, sink.transcript().as_deref()).await;
    drop(sink);
}
