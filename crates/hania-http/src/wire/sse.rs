//! Server-sent events shared by every streaming endpoint: the event
//! format, the channel between a spawned producer and the response body,
//! and relaying a provider stream with keep-alive comments.
//!
//! The provider stream always runs in a spawned task that feeds a channel.
//! When the client goes away the channel closes, the task stops reading and
//! drops the provider stream, which cancels the upstream request.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use actix_web::HttpResponse;
use actix_web::web::Bytes;
use futures::StreamExt;
use hania_domain::completion::{CompletionStream, StreamChunk};
use hania_domain::ids::ConversationId;
use hania_domain::services::StreamOutcome;
use serde::Serialize;

use super::error::ApiError;
use super::stream_events::{StreamDelta, StreamError, StreamStart};
use tokio::sync::mpsc;

/// The keep-alive comment.
const KEEP_ALIVE: &[u8] = b": keep-alive\n\n";
/// Events buffered between the producer and a slow client.
const CHANNEL_CAPACITY: usize = 64;

/// `head` then `data: <JSON>` and the blank line ending the event.
fn framed(head: &[&[u8]], data: &impl Serialize) -> Bytes {
    let mut out = Vec::with_capacity(96);
    head.iter().for_each(|part| out.extend_from_slice(part));
    out.extend_from_slice(b"data: ");
    // Serializing plain structs of strings and numbers cannot fail.
    let _ = serde_json::to_writer(&mut out, data);
    out.extend_from_slice(b"\n\n");
    Bytes::from(out)
}

/// A named event with JSON data.
pub fn event(name: &str, data: &impl Serialize) -> Bytes {
    framed(&[b"event: ", name.as_bytes(), b"\n"], data)
}

/// An unnamed `data:` line of JSON (the slug dialect's format).
pub fn data_line(data: &impl Serialize) -> Bytes {
    framed(&[], data)
}

/// The client left: nothing more can be sent.
#[derive(Debug, Clone, Copy)]
pub struct Gone;

/// Where a producer writes events: the client's channel and, optionally, a
/// transcript of everything sent (kept as an idempotent replay). Shared
/// by reference between the producer and its keep-alive.
pub struct Sink {
    tx: mpsc::Sender<Bytes>,
    transcript: Option<Mutex<String>>,
    opened: Instant,
    /// When something was last sent, in nanoseconds after `opened`.
    last_sent: AtomicU64,
}

impl Sink {
    /// Sends one event.
    pub async fn send(&self, bytes: Bytes) -> Result<(), Gone> {
        self.record(bytes.clone());
        let sent = self.tx.send(bytes).await.map_err(|_| Gone);
        self.touch();
        sent
    }

    /// Adds an event to the transcript only (the client is gone).
    pub fn record(&self, bytes: Bytes) {
        if let Some(transcript) = &self.transcript
            && let Ok(mut transcript) = transcript.lock()
        {
            transcript.push_str(&String::from_utf8_lossy(&bytes));
        }
    }

    /// Everything sent, when a transcript was asked for.
    pub fn transcript(&self) -> Option<String> {
        let transcript = self.transcript.as_ref()?.lock().ok()?;
        Some(transcript.clone())
    }

    /// Whether the client has gone.
    pub fn is_gone(&self) -> bool {
        self.tx.is_closed()
    }

    /// Resolves when the client goes.
    pub async fn gone(&self) {
        self.tx.closed().await;
    }

    fn touch(&self) {
        let nanos = u64::try_from(self.opened.elapsed().as_nanos()).unwrap_or(u64::MAX);
        self.last_sent.store(nanos, Ordering::Relaxed);
    }

    fn silent_for(&self) -> Duration {
        let last = Duration::from_nanos(self.last_sent.load(Ordering::Relaxed));
        self.opened.elapsed().saturating_sub(last)
    }

    /// A keep-alive comment, unless the channel is full (then the client
    /// has enough to read).
    fn keep_alive(&self) {
        if self.tx.try_send(Bytes::from_static(KEEP_ALIVE)).is_ok() {
            self.touch();
        }
    }
}

/// Awaits `work` (which sends to `sink` as it goes), writing a
/// `: keep-alive` comment whenever `every` passes with nothing sent.
/// `work` runs to its end even if the client leaves: it must notice that
/// itself (and record what it did).
pub async fn keep_alive_while<F: Future>(work: F, sink: &Sink, every: Duration) -> F::Output {
    let mut work = std::pin::pin!(work);
    loop {
        let wait = every.saturating_sub(sink.silent_for());
        tokio::select! {
            output = &mut work => return output,
            () = tokio::time::sleep(wait) => {
                if sink.silent_for() >= every && !sink.is_gone() {
                    sink.keep_alive();
                }
            }
        }
    }
}

/// A sink and the `text/event-stream` response that streams what it gets
/// (`Cache-Control: no-cache`, `X-Accel-Buffering: no`).
pub fn open(keep_transcript: bool) -> (Sink, HttpResponse) {
    let (tx, rx) = mpsc::channel::<Bytes>(CHANNEL_CAPACITY);
    let sink = Sink {
        tx,
        transcript: keep_transcript.then(Mutex::default),
        opened: Instant::now(),
        last_sent: AtomicU64::new(0),
    };
    let body = futures::stream::unfold(rx, |mut rx| async move {
        rx.recv()
            .await
            .map(|bytes| (Ok::<_, actix_web::Error>(bytes), rx))
    });
    let response = HttpResponse::Ok()
        .content_type("text/event-stream")
        .insert_header(("cache-control", "no-cache"))
        .insert_header(("x-accel-buffering", "no"))
        .streaming(body);
    (sink, response)
}

/// Awaits `work` while sending a `: keep-alive` comment after every
/// `keep_alive` of silence. If the client leaves first, `work` is dropped
/// (cancelling it) and [`Gone`] returned.
pub async fn wait_with_keep_alive<F: Future>(
    work: F,
    sink: &Sink,
    keep_alive: Duration,
) -> Result<F::Output, Gone> {
    let mut work = std::pin::pin!(work);
    loop {
        tokio::select! {
            output = &mut work => return Ok(output),
            () = sink.tx.closed() => return Err(Gone),
            () = tokio::time::sleep(keep_alive) => {
                sink.tx.send(Bytes::from_static(KEEP_ALIVE)).await.map_err(|_| Gone)?;
            }
        }
    }
}

/// The native `event: start` with `{"conversation_id": …}`.
pub fn native_start(conversation_id: ConversationId) -> Option<Bytes> {
    Some(event(
        "start",
        &StreamStart {
            conversation_id: conversation_id.as_uuid(),
        },
    ))
}

/// The native `event: error` with `{"code", "message"}`.
pub fn native_error(error: ApiError) -> Bytes {
    let (_, code) = error.status_and_code();
    event(
        "error",
        &StreamError {
            code,
            message: &error.to_string(),
        },
    )
}

/// How each text delta is written.
pub type DeltaFormat = fn(&str) -> Bytes;

/// The native `event: delta` with `{"content": …}`.
pub fn native_delta(text: &str) -> Bytes {
    event("delta", &StreamDelta { content: text })
}

/// Relays a provider stream (bot drafting; chat turns are driven by the
/// domain and only rendered here): each delta is written with `format`, a
/// `: keep-alive` comment goes out after every `keep_alive` of silence,
/// and relaying stops when the stream ends or fails or the client leaves.
/// The stream is not dropped here; the caller drops it right after, which
/// cancels an unfinished upstream request.
pub async fn relay(
    stream: &mut CompletionStream,
    sink: &Sink,
    keep_alive: Duration,
    format: DeltaFormat,
) -> StreamOutcome {
    let mut outcome = StreamOutcome::default();
    loop {
        let item = tokio::select! {
            item = stream.next() => item,
            () = sink.tx.closed() => { outcome.interrupted = true; break; }
            () = tokio::time::sleep(keep_alive) => {
                if sink.tx.send(Bytes::from_static(KEEP_ALIVE)).await.is_err() {
                    outcome.interrupted = true;
                    break;
                }
                continue;
            }
        };
        match item {
            Some(Ok(StreamChunk::Delta(text))) => {
                outcome.text.push_str(&text);
                outcome.deltas = outcome.deltas.saturating_add(1);
                if sink.send(format(&text)).await.is_err() {
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
    }
    outcome
}
