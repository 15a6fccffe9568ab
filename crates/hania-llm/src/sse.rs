//! Parsing an OpenAI-style streamed completion: a function over any stream
//! of server-sent events, so it is tested with recorded fixtures.
//!
//! Each event's data is a JSON chunk (`choices[].delta.content`,
//! `choices[].delta.tool_calls`, `choices[].finish_reason`, `model`, and
//! `usage` in the last chunk when `stream_options.include_usage` is set),
//! an `{"error": …}` object, or `[DONE]`.

use std::collections::{BTreeMap, VecDeque};
use std::fmt::Display;

use eventsource_stream::Event;
use futures::stream::{self, BoxStream};
use futures::{Stream, StreamExt};
use hania_domain::completion::{ProviderError, StreamChunk, TokenUsage, ToolCall};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct Chunk {
    #[serde(default)]
    model: Option<String>,
    #[serde(default)]
    choices: Vec<Choice>,
    #[serde(default)]
    usage: Option<Usage>,
    #[serde(default)]
    error: Option<ErrorBody>,
}

#[derive(Debug, Deserialize)]
struct Choice {
    #[serde(default)]
    delta: Option<Delta>,
    #[serde(default)]
    finish_reason: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Delta {
    #[serde(default)]
    content: Option<String>,
    #[serde(default)]
    tool_calls: Vec<ToolCallDelta>,
}

#[derive(Debug, Deserialize)]
struct ToolCallDelta {
    #[serde(default)]
    index: u64,
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    function: Option<FunctionDelta>,
}

#[derive(Debug, Deserialize)]
struct FunctionDelta {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    arguments: Option<String>,
}

/// Token usage as OpenAI reports it.
#[derive(Debug, Clone, Copy, Deserialize)]
pub struct Usage {
    /// Prompt tokens.
    #[serde(default)]
    pub prompt_tokens: u32,
    /// Completion tokens.
    #[serde(default)]
    pub completion_tokens: u32,
}

impl From<Usage> for TokenUsage {
    fn from(u: Usage) -> Self {
        TokenUsage {
            prompt_tokens: u.prompt_tokens,
            completion_tokens: u.completion_tokens,
        }
    }
}

/// An error object in a body or stream.
#[derive(Debug, Deserialize)]
pub struct ErrorBody {
    /// What went wrong.
    #[serde(default)]
    pub message: String,
}

struct State<S> {
    events: S,
    pending: VecDeque<Result<StreamChunk, ProviderError>>,
    model: String,
    usage: Option<TokenUsage>,
    finish_reason: Option<String>,
    tool_calls: BTreeMap<u64, ToolCall>,
    ended: bool,
}

impl<S> State<S> {
    fn finish(&mut self) {
        for (_, call) in std::mem::take(&mut self.tool_calls) {
            self.pending.push_back(Ok(StreamChunk::ToolCall(call)));
        }
        self.pending.push_back(Ok(StreamChunk::Finished {
            model: self.model.clone(),
            usage: self.usage,
            finish_reason: self.finish_reason.clone(),
        }));
        self.ended = true;
    }

    fn fail(&mut self, error: ProviderError) {
        self.pending.push_back(Err(error));
        self.ended = true;
    }

    fn handle(&mut self, data: &str) {
        let data = data.trim();
        if data == "[DONE]" {
            return self.finish();
        }
        if data.is_empty() {
            return;
        }
        let chunk: Chunk = match serde_json::from_str(data) {
            Ok(chunk) => chunk,
            Err(error) => {
                return self.fail(ProviderError::Malformed(format!(
                    "unreadable stream event: {error}"
                )));
            }
        };
        if let Some(error) = chunk.error {
            return self.fail(ProviderError::Unavailable(error.message));
        }
        if let Some(model) = chunk.model.filter(|m| !m.is_empty()) {
            self.model = model;
        }
        if let Some(usage) = chunk.usage {
            self.usage = Some(usage.into());
        }
        for choice in chunk.choices {
            if let Some(delta) = choice.delta {
                if let Some(text) = delta.content.filter(|t| !t.is_empty()) {
                    self.pending.push_back(Ok(StreamChunk::Delta(text)));
                }
                for part in delta.tool_calls {
                    let call = self
                        .tool_calls
                        .entry(part.index)
                        .or_insert_with(|| ToolCall {
                            id: String::new(),
                            name: String::new(),
                            arguments: String::new(),
                        });
                    if let Some(id) = part.id {
                        call.id = id;
                    }
                    if let Some(function) = part.function {
                        call.name
                            .push_str(function.name.as_deref().unwrap_or_default());
                        call.arguments
                            .push_str(function.arguments.as_deref().unwrap_or_default());
                    }
                }
            }
            if let Some(reason) = choice.finish_reason {
                self.finish_reason = Some(reason);
            }
        }
    }
}

/// Turns a stream of server-sent events into completion chunks: text
/// deltas, then tool calls and `Finished` (with usage when reported). A
/// garbage event, an error event or a transport error ends the stream with
/// an error; a stream that ends without `[DONE]` still finishes if the
/// model reported why it stopped, and is `Malformed` otherwise.
pub fn parse_events<S, E>(
    events: S,
    requested_model: &str,
) -> BoxStream<'static, Result<StreamChunk, ProviderError>>
where
    S: Stream<Item = Result<Event, E>> + Send + 'static,
    E: Display,
{
    let state = State {
        events: Box::pin(events),
        pending: VecDeque::new(),
        model: requested_model.to_owned(),
        usage: None,
        finish_reason: None,
        tool_calls: BTreeMap::new(),
        ended: false,
    };
    stream::unfold(state, |mut state| async move {
        loop {
            if let Some(item) = state.pending.pop_front() {
                return Some((item, state));
            }
            if state.ended {
                return None;
            }
            match state.events.next().await {
                Some(Ok(event)) => state.handle(&event.data),
                Some(Err(error)) => state.fail(ProviderError::Unavailable(format!(
                    "stream interrupted: {error}"
                ))),
                None if state.finish_reason.is_some() => state.finish(),
                None => state.fail(ProviderError::Malformed(
                    "the stream ended before the answer finished".into(),
                )),
            }
        }
    })
    .boxed()
}
