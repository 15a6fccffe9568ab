//! `POST /api/v1/chat/send-stream`: the reply as server-sent events.
//!
//! Errors known before the stream starts (auth, validation, 402, 404, 409,
//! 429) are ordinary JSON envelopes. Then: `start`, `delta`s, and `done`
//! or `error`, with a `: keep-alive` comment every 15 s of silence. The
//! provider stream runs in a spawned task feeding a channel; when the
//! client goes away the channel closes, the task drops the provider stream
//! (cancelling the upstream request) and the partial answer is recorded.

use std::time::Duration;

use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};
use futures::StreamExt;
use hania_domain::ability::Ability;
use hania_domain::completion::StreamChunk;
use hania_domain::ids::WorkspaceId;
use hania_domain::services::{ChatReply, ModelTurn, PreparedTurn, StreamOutcome};
use serde_json::json;
use tokio::sync::mpsc;

use crate::auth::Caller;
use crate::dto::chat::{ChatSendInput, ChatSendReply};
use crate::error::{ApiError, ErrorBody};
use crate::extract::{RawBody, parse_json};
use crate::idempotency::{self, Gate};
use crate::state::AppState;

/// Silence after which a keep-alive comment is sent.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

fn event(name: &str, data: &serde_json::Value) -> Bytes {
    Bytes::from(format!("event: {name}\ndata: {data}\n\n"))
}

fn done(reply: &ChatReply) -> Bytes {
    event(
        "done",
        &serde_json::to_value(ChatSendReply::from(reply)).unwrap_or_default(),
    )
}

fn error_event(error: ApiError) -> Bytes {
    let (_, code) = error.status_and_code();
    event(
        "error",
        &json!({"code": code, "message": error.to_string()}),
    )
}

/// Drives the provider stream, forwarding deltas until it ends or the
/// client leaves, then records the outcome and sends `done` or `error`.
async fn pump(state: web::Data<AppState>, turn: ModelTurn, sink: Sink) {
    let started = state.clock.now();
    let mut sink = sink;
    let start = event("start", &json!({"conversation_id": turn.conversation_id}));
    let mut outcome = StreamOutcome {
        interrupted: sink.send(start).await.is_err(),
        ..StreamOutcome::default()
    };
    if !outcome.interrupted {
        match state.chat.open_stream(&turn).await {
            Err(error) => outcome.error = Some(error),
            Ok(mut stream) => loop {
                let item = tokio::select! {
                    item = stream.next() => item,
                    () = sink.tx.closed() => { outcome.interrupted = true; break; }
                    () = tokio::time::sleep(KEEP_ALIVE) => {
                        if sink.tx.send(Bytes::from_static(b": keep-alive\n\n")).await.is_err() {
                            outcome.interrupted = true;
                            break;
                        }
                        continue;
                    }
                };
                match item {
                    Some(Ok(StreamChunk::Delta(text))) => {
                        outcome.text.push_str(&text);
                        if sink
                            .send(event("delta", &json!({"content": text})))
                            .await
                            .is_err()
                        {
                            outcome.interrupted = true;
                            break;
                        }
                    }
                    Some(Ok(StreamChunk::Finished {
                        model,
                        usage,
                        finish_reason,
                    })) => {
                        (outcome.model, outcome.usage, outcome.finish_reason) =
                            (Some(model), usage, finish_reason);
                    }
                    Some(Ok(StreamChunk::ToolCall(_))) => {}
                    Some(Err(error)) => {
                        outcome.error = Some(error);
                        break;
                    }
                    None => break,
                }
            },
            // The provider stream is dropped here: the upstream request ends.
        }
    }
    let interrupted = outcome.interrupted;
    let result = state.chat.finish_stream(turn, started, outcome).await;
    if !interrupted {
        let last = match result {
            Ok(reply) => done(&reply),
            Err(error) => error_event(error.into()),
        };
        let _ = sink.send(last).await;
    }
    sink.remember(&state).await;
}

/// Where events go: the client's channel, and (with an idempotency key) a
/// transcript stored as the answer to replay.
struct Sink {
    tx: mpsc::Sender<Bytes>,
    transcript: Option<(WorkspaceId, String, String)>,
}

impl Sink {
    async fn send(&mut self, bytes: Bytes) -> Result<(), ()> {
        if let Some((_, _, transcript)) = &mut self.transcript {
            transcript.push_str(&String::from_utf8_lossy(&bytes));
        }
        self.tx.send(bytes).await.map_err(|_| ())
    }

    async fn remember(self, state: &AppState) {
        if let Some((workspace, key, transcript)) = self.transcript {
            let stored = state
                .store
                .complete_idempotency_key(workspace, &key, 200, "text/event-stream", &transcript)
                .await;
            if let Err(error) = stored {
                tracing::error!(%error, "could not store an idempotent stream");
            }
        }
    }
}

/// Like `chat/send`, streamed as server-sent events.
#[utoipa::path(post, path = "/api/v1/chat/send-stream", tag = "Chat", security(("bearer" = ["chat:send"])),
    request_body = ChatSendInput,
    params(("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer (the event transcript) to a retried request")),
    responses(
        (status = 200, content_type = "text/event-stream",
            description = "`event: start` {conversation_id}, `event: delta` {content} per chunk, then `event: done` \
                           {response, conversation_id, timestamp} or `event: error` {code, message}; \
                           `: keep-alive` comments while waiting"),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 402, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 429, body = ErrorBody),
    ))]
pub async fn send_stream(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
    body: RawBody,
) -> HttpResponse {
    let workspace = caller.workspace();
    if let Err(error) = caller.require(Ability::ChatSend) {
        return error.error_response();
    }
    let key = match idempotency::gate(&state, &req, workspace, &body.0).await {
        Ok(Gate::Respond(replay)) => return replay,
        Ok(Gate::Proceed(key)) => key,
        Err(error) => return error.error_response(),
    };
    let prepared = match prepare(&state, workspace, &body.0).await {
        Ok(prepared) => prepared,
        Err(error) => {
            let response = error.error_response();
            return match key {
                Some(key) => idempotency::remember(&state, workspace, &key, response).await,
                None => response,
            };
        }
    };
    let (tx, rx) = mpsc::channel::<Bytes>(64);
    let mut sink = Sink {
        tx,
        transcript: key.map(|key| (workspace, key, String::new())),
    };
    match prepared {
        PreparedTurn::Answered(reply) => {
            let greeting = [
                event("start", &json!({"conversation_id": reply.conversation_id})),
                event("delta", &json!({"content": reply.response})),
                done(&reply),
            ];
            for bytes in greeting {
                let _ = sink.send(bytes).await;
            }
            sink.remember(&state).await;
        }
        PreparedTurn::Model(turn) => {
            tokio::spawn(pump(state.clone(), turn, sink));
        }
    }
    let body = futures::stream::unfold(rx, |mut rx| async move {
        rx.recv()
            .await
            .map(|bytes| (Ok::<_, actix_web::Error>(bytes), rx))
    });
    HttpResponse::Ok()
        .content_type("text/event-stream")
        .insert_header(("cache-control", "no-cache"))
        .insert_header(("x-accel-buffering", "no"))
        .streaming(body)
}

async fn prepare(
    state: &AppState,
    workspace: WorkspaceId,
    body: &[u8],
) -> Result<PreparedTurn, ApiError> {
    let input: ChatSendInput = parse_json(body)?;
    Ok(state.chat.prepare(workspace, input.into_request()?).await?)
}
