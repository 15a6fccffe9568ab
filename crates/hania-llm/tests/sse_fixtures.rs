//! The stream parser over recorded `.jsonl` fixtures (one event's data per
//! line).

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a failure should panic.

use std::convert::Infallible;

use eventsource_stream::Event;
use futures::{StreamExt, stream};
use hania_domain::completion::{ProviderError, StreamChunk, TokenUsage};
use hania_llm::sse::parse_events;

async fn run(fixture: &str) -> Vec<Result<StreamChunk, ProviderError>> {
    let path = format!(
        "{}/tests/fixtures/{fixture}.jsonl",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(path).unwrap();
    let events: Vec<Result<Event, Infallible>> = text
        .lines()
        .map(|line| {
            Ok(Event {
                data: line.to_owned(),
                ..Event::default()
            })
        })
        .collect();
    parse_events(stream::iter(events), "requested-model")
        .collect()
        .await
}

fn text(items: &[Result<StreamChunk, ProviderError>]) -> String {
    items
        .iter()
        .filter_map(|i| match i {
            Ok(StreamChunk::Delta(t)) => Some(t.as_str()),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn a_normal_stream_yields_deltas_then_finished() {
    let items = run("normal").await;
    assert_eq!(text(&items), "Your October invoice was emailed.");
    let last = items.last().unwrap().as_ref().unwrap();
    assert_eq!(
        last,
        &StreamChunk::Finished {
            model: "gpt-4o-mini-2024-07-18".into(),
            usage: None,
            finish_reason: Some("stop".into())
        }
    );
    assert_eq!(items.len(), 3, "empty deltas are skipped");
}

#[tokio::test]
async fn usage_in_the_last_chunk_is_reported() {
    let items = run("usage_last").await;
    assert_eq!(text(&items), "Hi!");
    let Ok(StreamChunk::Finished { usage, .. }) = items.last().unwrap() else {
        panic!("{items:?}")
    };
    assert_eq!(
        *usage,
        Some(TokenUsage {
            prompt_tokens: 42,
            completion_tokens: 2
        })
    );
}

#[tokio::test]
async fn an_error_mid_stream_ends_it_with_an_error() {
    let items = run("error_mid_stream").await;
    assert_eq!(text(&items), "Part");
    assert!(
        matches!(items.last().unwrap(), Err(ProviderError::Unavailable(m)) if m.contains("server had an error"))
    );
}

#[tokio::test]
async fn a_garbage_line_is_malformed() {
    let items = run("garbage_line").await;
    assert_eq!(text(&items), "Before");
    assert!(matches!(
        items.last().unwrap(),
        Err(ProviderError::Malformed(_))
    ));
}

#[tokio::test]
async fn a_stream_without_done_finishes_only_if_the_model_said_why() {
    let finished = run("no_done_finished").await;
    assert!(
        matches!(finished.last().unwrap(), Ok(StreamChunk::Finished { model, .. }) if model == "llama3")
    );
    let cut = run("no_done_cut").await;
    assert_eq!(text(&cut), "Cut off");
    assert!(matches!(
        cut.last().unwrap(),
        Err(ProviderError::Malformed(_))
    ));
}

#[tokio::test]
async fn tool_call_fragments_are_assembled() {
    let items = run("tool_calls").await;
    let call = items.iter().find_map(|i| match i {
        Ok(StreamChunk::ToolCall(call)) => Some(call.clone()),
        _ => None,
    });
    let call = call.unwrap();
    assert_eq!(
        (
            call.id.as_str(),
            call.name.as_str(),
            call.arguments.as_str()
        ),
        ("call_1", "lookup_order", "{\"order_id\":\"A-17\"}")
    );
    assert!(
        matches!(items.last().unwrap(), Ok(StreamChunk::Finished { finish_reason: Some(r), .. }) if r == "tool_calls")
    );
}
