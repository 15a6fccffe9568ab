//! # hania-mock-llm
//!
//! A mock OpenAI-compatible server (`POST /v1/chat/completions`, blocking
//! and `stream: true`) for tests and benchmarks. It answers a configurable
//! reply in a configurable number of tokens, after a first-token latency
//! and with an inter-token delay; it can inject faults (error statuses at a
//! rate, stalls, malformed chunks, mid-stream drops); it records every
//! request body and counts clients that hung up mid-stream. Scripted tool
//! calls (`MockConfig::tool_calls`) make it ask for tools like an agent
//! model (see `tool_script.rs`).

#![allow(clippy::expect_used)] // Test support: a broken mock should fail loudly.

mod tool_script;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::web::{self, Bytes};
use actix_web::{App, HttpResponse, HttpServer};
use futures::StreamExt;
use serde_json::{Value, json};
pub use tool_script::ScriptedCall;

/// What the mock does wrong, if anything.
#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    /// Answer normally.
    None,
    /// Answer `status` (with an OpenAI error body) for one request in
    /// `every` (1 = always), counting from the first.
    Status {
        /// HTTP status.
        status: u16,
        /// One failing request in this many.
        every: u64,
    },
    /// Accept the request and never answer.
    Stall,
    /// Stream: send one delta, then a line that is not JSON.
    MalformedChunk,
    /// Stream: send half the deltas, then close without `[DONE]`.
    DropMidStream,
    /// Send half the answer (half the deltas, or half the JSON body of a
    /// blocking answer), then keep the connection open and send nothing.
    StallMidStream,
}

/// Behaviour of the mock.
#[derive(Debug, Clone)]
pub struct MockConfig {
    /// The answer text; streamed word by word. `{tool_results}` in it is
    /// replaced by the contents of the `tool` messages after the last
    /// `user` message, joined by `; ` (so agent tests see the results
    /// reach the model).
    pub reply: String,
    /// Wait before the response head is sent (a provider queueing the
    /// request).
    pub header_latency: Duration,
    /// Wait before the first token (or the whole blocking answer).
    pub first_token_latency: Duration,
    /// Wait between streamed tokens.
    pub inter_token_delay: Duration,
    /// Injected fault.
    pub fault: Fault,
    /// Appended to the requested model's name in answers, as providers
    /// answer with dated names (`-2024-07-18`).
    pub model_suffix: String,
    /// Tool calls to ask for (see [`ScriptedCall`]); none: always text.
    pub tool_calls: Vec<ScriptedCall>,
}

impl Default for MockConfig {
    fn default() -> Self {
        Self {
            reply: "Hello from the mock model, here to help.".into(),
            header_latency: Duration::ZERO,
            first_token_latency: Duration::ZERO,
            inter_token_delay: Duration::ZERO,
            fault: Fault::None,
            model_suffix: String::new(),
            tool_calls: Vec::new(),
        }
    }
}

#[derive(Default)]
struct Shared {
    config: Mutex<MockConfig>,
    requests: Mutex<Vec<Value>>,
    http2_requests: AtomicU64,
    served: AtomicU64,
    hangups: AtomicU64,
}

/// A running mock server; stops when dropped.
pub struct MockLlm {
    addr: SocketAddr,
    shared: Arc<Shared>,
    handle: actix_web::dev::ServerHandle,
}

fn tokens(reply: &str) -> Vec<String> {
    reply.split_inclusive(' ').map(str::to_owned).collect()
}

fn prompt_tokens(body: &Value) -> u64 {
    let chars: usize = body["messages"]
        .as_array()
        .map(|m| {
            m.iter()
                .map(|m| m["content"].as_str().map_or(0, str::len))
                .sum()
        })
        .unwrap_or(0);
    (chars / 4 + 1) as u64
}

fn chunk(model: &str, content: Option<&str>, finish: Option<&str>) -> Bytes {
    let delta = content.map_or(json!({}), |c| json!({"content": c}));
    let event = json!({"object": "chat.completion.chunk", "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]});
    Bytes::from(format!("data: {event}\n\n"))
}

/// Counts a hang-up when a stream is dropped before it finished.
struct HangupGuard {
    shared: Arc<Shared>,
    finished: bool,
}

impl HangupGuard {
    /// The stream ended on the server's side: not a hang-up.
    fn finish(&mut self) {
        self.finished = true;
    }
}

impl Drop for HangupGuard {
    fn drop(&mut self) {
        if !self.finished {
            self.shared.hangups.fetch_add(1, Ordering::SeqCst);
        }
    }
}

/// Waits `delay`, or not at all when it is zero (a zero-length tokio
/// sleep still waits for the next timer tick, up to a millisecond, which
/// would make a mock "at 0 ms" answer in ~1 ms per wait).
async fn pause(delay: Duration) {
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
}

async fn completions(
    shared: web::Data<Shared>,
    request: actix_web::HttpRequest,
    body: web::Json<Value>,
) -> HttpResponse {
    let body = body.into_inner();
    if request.version() == actix_web::http::Version::HTTP_2 {
        shared.http2_requests.fetch_add(1, Ordering::SeqCst);
    }
    let config = shared.config.lock().expect("config lock").clone();
    shared
        .requests
        .lock()
        .expect("requests lock")
        .push(body.clone());
    let n = shared.served.fetch_add(1, Ordering::SeqCst);
    if let Fault::Status { status, every } = config.fault
        && n.is_multiple_of(every.max(1))
    {
        let code = actix_web::http::StatusCode::from_u16(status).expect("a valid status");
        return HttpResponse::build(code)
            .insert_header(("retry-after", "1"))
            .json(json!({"error": {"message": format!("injected {status}"), "type": "mock"}}));
    }
    if config.fault == Fault::Stall {
        tokio::time::sleep(Duration::from_secs(3600)).await;
    }
    pause(config.header_latency).await;
    let model = format!(
        "{}{}",
        body["model"].as_str().unwrap_or("mock-model"),
        config.model_suffix
    );
    let calls = tool_script::calls_for(&config.tool_calls, &body, n);
    if !calls.is_empty() {
        pause(config.first_token_latency).await;
        let stream = body["stream"].as_bool().unwrap_or(false);
        return tool_script::respond(stream, &model, &calls);
    }
    let reply = tool_script::with_results(&config.reply, &body);
    let words = tokens(&reply);
    let usage = json!({"prompt_tokens": prompt_tokens(&body), "completion_tokens": words.len()});
    if !body["stream"].as_bool().unwrap_or(false) {
        pause(config.first_token_latency).await;
        let answer = json!({
            "object": "chat.completion", "model": model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": reply}, "finish_reason": "stop"}],
            "usage": usage,
        });
        if config.fault == Fault::StallMidStream {
            let text = answer.to_string();
            let half = Bytes::from(text[..text.len() / 2].to_owned());
            let body = futures::stream::once(async move { Ok::<_, actix_web::Error>(half) }).chain(
                futures::stream::once(async {
                    tokio::time::sleep(Duration::from_secs(3600)).await;
                    Ok::<_, actix_web::Error>(Bytes::new())
                }),
            );
            return HttpResponse::Ok()
                .content_type("application/json")
                .streaming(body);
        }
        return HttpResponse::Ok().json(answer);
    }
    let guard = HangupGuard {
        shared: shared.into_inner(),
        finished: false,
    };
    let stream = futures::stream::unfold((0usize, guard), move |(i, mut guard)| {
        let (words, model, usage, config) =
            (words.clone(), model.clone(), usage.clone(), config.clone());
        async move {
            if guard.finished {
                return None;
            }
            let delay = if i == 0 {
                config.first_token_latency
            } else {
                config.inter_token_delay
            };
            pause(delay).await;
            let cut = words.len() / 2;
            let bytes = match config.fault {
                Fault::MalformedChunk if i == 1 => {
                    Bytes::from_static(b"data: {this is not json\n\n")
                }
                Fault::DropMidStream if i == cut.max(1) => {
                    guard.finish();
                    return None;
                }
                Fault::StallMidStream if i == cut.max(1) => {
                    tokio::time::sleep(Duration::from_secs(3600)).await;
                    return None;
                }
                _ if i < words.len() => chunk(&model, Some(&words[i]), None),
                _ if i == words.len() => chunk(&model, None, Some("stop")),
                _ if i == words.len() + 1 => {
                    let event = json!({"object": "chat.completion.chunk", "model": model, "choices": [], "usage": usage});
                    Bytes::from(format!("data: {event}\n\n"))
                }
                _ => {
                    guard.finish();
                    Bytes::from_static(b"data: [DONE]\n\n")
                }
            };
            Some((Ok::<_, actix_web::Error>(bytes), (i + 1, guard)))
        }
    });
    HttpResponse::Ok()
        .content_type("text/event-stream")
        .streaming(stream)
}

impl MockLlm {
    /// Starts the mock on a free loopback port.
    pub async fn start(config: MockConfig) -> std::io::Result<MockLlm> {
        Self::start_on("127.0.0.1:0", config).await
    }

    /// Starts the mock on `bind`.
    pub async fn start_on(bind: &str, config: MockConfig) -> std::io::Result<MockLlm> {
        let shared = Arc::new(Shared {
            config: Mutex::new(config),
            ..Shared::default()
        });
        let data = web::Data::from(shared.clone());
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .app_data(web::JsonConfig::default().limit(16 * 1024 * 1024))
                .route("/v1/chat/completions", web::post().to(completions))
        })
        .workers(2)
        // Each token leaves at once (no Nagle wait for the client's
        // delayed ACK), as a provider's stream does.
        .tcp_nodelay(true)
        .disable_signals()
        // HTTP/1.1, or HTTP/2 over cleartext for a client that starts
        // with its preface (prior knowledge), on the same port.
        .bind_auto_h2c(bind)?;
        let addr = server.addrs()[0];
        let server = server.run();
        let handle = server.handle();
        tokio::spawn(server);
        Ok(MockLlm {
            addr,
            shared,
            handle,
        })
    }

    /// `http://127.0.0.1:PORT/v1`, the base URL to configure.
    pub fn base_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    /// Changes the behaviour for later requests.
    pub fn set_config(&self, config: MockConfig) {
        *self.shared.config.lock().expect("config lock") = config;
    }

    /// Every request body received so far.
    pub fn requests(&self) -> Vec<Value> {
        self.shared.requests.lock().expect("requests lock").clone()
    }

    /// Requests that came over HTTP/2 (cleartext, prior knowledge).
    pub fn http2_requests(&self) -> u64 {
        self.shared.http2_requests.load(Ordering::SeqCst)
    }

    /// Streams the client abandoned before the end.
    pub fn hangups(&self) -> u64 {
        self.shared.hangups.load(Ordering::SeqCst)
    }
}

impl Drop for MockLlm {
    fn drop(&mut self) {
        // Stopping is asynchronous; the future only reports completion.
        drop(self.handle.stop(false));
    }
}
