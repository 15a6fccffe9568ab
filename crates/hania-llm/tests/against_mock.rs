//! The OpenAI-compatible adapter against the mock server.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a failure should panic.

use std::time::Duration;

use futures::StreamExt;
use hania_domain::completion::{
    AnswerFormat, CompletionRequest, PromptMessage, ProviderError, StreamChunk,
};
use hania_domain::message::Role;
use hania_domain::ports::ModelProvider;
use hania_llm::{OpenAiConfig, OpenAiProvider};
use hania_mock_llm::{Fault, MockConfig, MockLlm};

fn request() -> CompletionRequest {
    CompletionRequest {
        model: "gpt-test".into(),
        messages: vec![
            PromptMessage::text(Role::System, "Be brief."),
            PromptMessage::text(Role::User, "Hello"),
        ],
        temperature: Some(0.5),
        max_tokens: None,
        tools: vec![],
        format: AnswerFormat::Text,
    }
}

fn provider(mock: &MockLlm) -> OpenAiProvider {
    let mut config = OpenAiConfig::new(&mock.base_url(), Some("sk-test".into()));
    config.request_timeout = Duration::from_millis(800);
    config.first_token_timeout = Duration::from_millis(800);
    config.retry_backoff = Duration::from_millis(20);
    OpenAiProvider::new(config).unwrap()
}

async fn collect(provider: &OpenAiProvider) -> (String, Vec<Result<StreamChunk, ProviderError>>) {
    let items: Vec<_> = provider.stream(&request()).await.unwrap().collect().await;
    let text = items
        .iter()
        .filter_map(|i| match i {
            Ok(StreamChunk::Delta(t)) => Some(t.clone()),
            _ => None,
        })
        .collect();
    (text, items)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn blocking_and_streamed_answers_match() {
    let mock = MockLlm::start(MockConfig::default()).await.unwrap();
    let provider = provider(&mock);
    let whole = provider.complete(&request()).await.unwrap();
    assert_eq!(whole.content, MockConfig::default().reply);
    assert_eq!(whole.usage.completion_tokens, 8);
    let (text, items) = collect(&provider).await;
    assert_eq!(text, whole.content);
    let Some(Ok(StreamChunk::Finished {
        usage,
        finish_reason,
        ..
    })) = items.last()
    else {
        panic!("{items:?}")
    };
    assert_eq!(
        (usage.unwrap().completion_tokens, finish_reason.as_deref()),
        (8, Some("stop"))
    );
    let sent = mock.requests();
    assert_eq!(
        sent[0]["messages"][0],
        serde_json::json!({"role": "system", "content": "Be brief."})
    );
    assert_eq!(
        (
            sent[1]["stream"].clone(),
            sent[1]["stream_options"]["include_usage"].clone()
        ),
        (true.into(), true.into())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_errors_are_retried_and_client_errors_are_not() {
    let mock = MockLlm::start(MockConfig {
        fault: Fault::Status {
            status: 500,
            every: 1,
        },
        ..MockConfig::default()
    })
    .await
    .unwrap();
    let err = provider(&mock).complete(&request()).await.unwrap_err();
    assert!(matches!(err, ProviderError::Unavailable(_)), "{err:?}");
    assert_eq!(mock.requests().len(), 3, "first attempt and two retries");

    let mock = MockLlm::start(MockConfig {
        fault: Fault::Status {
            status: 400,
            every: 1,
        },
        ..MockConfig::default()
    })
    .await
    .unwrap();
    assert!(matches!(
        provider(&mock).complete(&request()).await,
        Err(ProviderError::BadRequest(_))
    ));
    assert_eq!(mock.requests().len(), 1);

    // Every second request is throttled: the retry succeeds.
    let mock = MockLlm::start(MockConfig {
        fault: Fault::Status {
            status: 503,
            every: 2,
        },
        ..MockConfig::default()
    })
    .await
    .unwrap();
    assert!(provider(&mock).complete(&request()).await.is_ok());
    assert_eq!(mock.requests().len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stalls_time_out_and_broken_streams_are_errors() {
    let mock = MockLlm::start(MockConfig {
        fault: Fault::Stall,
        ..MockConfig::default()
    })
    .await
    .unwrap();
    let mut config = OpenAiConfig::new(&mock.base_url(), None);
    config.request_timeout = Duration::from_millis(200);
    config.first_token_timeout = Duration::from_millis(200);
    config.max_retries = 0;
    let provider_ = OpenAiProvider::new(config).unwrap();
    assert_eq!(
        provider_.complete(&request()).await.unwrap_err(),
        ProviderError::Timeout
    );

    let mock = MockLlm::start(MockConfig {
        fault: Fault::MalformedChunk,
        ..MockConfig::default()
    })
    .await
    .unwrap();
    let (_, items) = collect(&provider(&mock)).await;
    assert!(matches!(
        items.last(),
        Some(Err(ProviderError::Malformed(_)))
    ));

    let mock = MockLlm::start(MockConfig {
        fault: Fault::DropMidStream,
        ..MockConfig::default()
    })
    .await
    .unwrap();
    let (text, items) = collect(&provider(&mock)).await;
    assert!(!text.is_empty() && text.len() < MockConfig::default().reply.len());
    assert!(matches!(
        items.last(),
        Some(Err(ProviderError::Malformed(_)))
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_a_stream_hangs_up_on_the_provider() {
    let slow = MockConfig {
        inter_token_delay: Duration::from_millis(50),
        ..MockConfig::default()
    };
    let mock = MockLlm::start(slow).await.unwrap();
    let mut stream = provider(&mock).stream(&request()).await.unwrap();
    assert!(matches!(
        stream.next().await,
        Some(Ok(StreamChunk::Delta(_)))
    ));
    drop(stream);
    let mut waited = 0;
    while mock.hangups() == 0 && waited < 100 {
        tokio::time::sleep(Duration::from_millis(10)).await;
        waited += 1;
    }
    assert_eq!(
        mock.hangups(),
        1,
        "the mock saw the hang-up within {}ms",
        waited * 10
    );
    assert!(
        waited <= 10,
        "hang-up seen within 100 ms (took {} ms)",
        waited * 10
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scripted_tool_calls_are_parsed_blocking_and_streamed() {
    use hania_domain::completion::{ToolCall, ToolSpec};
    use hania_mock_llm::ScriptedCall;
    let mock = MockLlm::start(MockConfig {
        tool_calls: vec![
            ScriptedCall {
                name: "lookup_order".into(),
                arguments: serde_json::json!({"order_id": "42"}),
            },
            ScriptedCall {
                name: "not_offered".into(),
                arguments: serde_json::json!({}),
            },
        ],
        ..MockConfig::default()
    })
    .await
    .unwrap();
    let provider = provider(&mock);
    let mut with_tools = request();
    with_tools.tools = vec![ToolSpec {
        name: "lookup_order".into(),
        description: "Finds an order".into(),
        parameters: serde_json::json!({"type": "object"}),
    }];
    let blocking = provider.complete(&with_tools).await.unwrap();
    assert_eq!(
        blocking.tool_calls.len(),
        1,
        "only offered tools are asked for"
    );
    assert_eq!(blocking.tool_calls[0].name, "lookup_order");
    assert_eq!(blocking.tool_calls[0].arguments, r#"{"order_id":"42"}"#);
    let sent = &mock.requests()[0];
    assert_eq!(sent["tools"][0]["function"]["name"], "lookup_order");

    let streamed: Vec<_> = provider.stream(&with_tools).await.unwrap().collect().await;
    let calls: Vec<ToolCall> = streamed
        .into_iter()
        .filter_map(|c| match c.unwrap() {
            StreamChunk::ToolCall(call) => Some(call),
            _ => None,
        })
        .collect();
    assert_eq!(calls.len(), 1);
    assert_eq!(
        calls[0].arguments, r#"{"order_id":"42"}"#,
        "fragments are merged"
    );
    assert!(calls[0].id.starts_with("call_"));

    let plain = provider.complete(&request()).await.unwrap();
    assert!(
        plain.tool_calls.is_empty() && !plain.content.is_empty(),
        "no tools offered: text"
    );
}
