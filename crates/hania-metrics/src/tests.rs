#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a failure should panic.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use hania_domain::completion::{
    Completion, CompletionRequest, ProviderError, StreamChunk, TokenUsage,
};
use hania_domain::money::{ModelPrice, Money};
use hania_domain::ports::{MockModelProvider, MockToolExecutor, ModelProvider, ToolExecutor};

use super::*;

/// The value of the sample `name{labels}` (labels as rendered), if any.
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

fn request(model: &str) -> CompletionRequest {
    CompletionRequest {
        model: model.into(),
        messages: Vec::new(),
        temperature: None,
        max_tokens: None,
        tools: Vec::new(),
        format: Default::default(),
    }
}

fn priced(metrics: &Arc<Metrics>, inner: MockModelProvider) -> MeteredProvider {
    let prices = HashMap::from([(
        "gpt-x".to_owned(),
        ModelPrice {
            prompt_per_million: Money::from_micros(1_000_000_000),
            completion_per_million: Money::from_micros(2_000_000_000),
        },
    )]);
    MeteredProvider::new(
        Arc::new(inner),
        metrics.clone(),
        prices,
        ModelPrice::default(),
    )
}

#[test]
fn every_series_is_exported_and_http_requests_are_counted_by_template() {
    let metrics = Metrics::new();
    metrics.series().http_request(
        Some("/api/v1/bots/{botID}"),
        "GET",
        200,
        Duration::from_millis(3),
    );
    metrics
        .series()
        .http_request(None, "BREW", 404, Duration::from_millis(1));
    metrics.series().rate_limit_refusal("key");
    metrics.series().chat_turn("native", Outcome::Ok);
    metrics.series().scheduler_run(Outcome::Ok);
    metrics.series().job_run("done");
    metrics.set_pool_probe(Box::new(|| PoolUse {
        max: 16,
        open: 5,
        idle: 2,
        waiting: 1,
    }));
    let text = metrics.render();
    let expect = [
        (
            "hania_http_requests_total{route=\"/api/v1/bots/{botID}\",method=\"GET\",status=\"200\"}",
            1.0,
        ),
        (
            "hania_http_requests_total{route=\"unmatched\",method=\"other\",status=\"404\"}",
            1.0,
        ),
        (
            "hania_http_request_duration_seconds_count{route=\"/api/v1/bots/{botID}\",method=\"GET\"}",
            1.0,
        ),
        ("hania_rate_limit_refusals_total{scope=\"key\"}", 1.0),
        (
            "hania_chat_turns_total{dialect=\"native\",outcome=\"ok\"}",
            1.0,
        ),
        ("hania_scheduler_runs_total{outcome=\"ok\"}", 1.0),
        ("hania_job_runs_total{outcome=\"done\"}", 1.0),
        ("hania_db_pool_connections{state=\"in_use\"}", 3.0),
        ("hania_db_pool_connections{state=\"idle\"}", 2.0),
        ("hania_db_pool_max_connections", 16.0),
        ("hania_db_pool_waiting", 1.0),
        ("hania_open_streams", 0.0),
    ];
    for (series, value) in expect {
        assert_eq!(sample(&text, series), Some(value), "{series} in\n{text}");
    }
    // A family with no samples yet is not rendered.
    assert!(!text.contains("hania_provider_latency_seconds"), "{text}");
}

#[test]
fn open_streams_count_until_their_guard_drops() {
    let metrics = Metrics::new();
    let one = metrics.series().stream_opened();
    let two = metrics.series().stream_opened();
    assert_eq!(sample(&metrics.render(), "hania_open_streams"), Some(2.0));
    drop(one);
    drop(two);
    assert_eq!(sample(&metrics.render(), "hania_open_streams"), Some(0.0));
}

#[test]
fn model_labels_are_capped_and_never_user_text() {
    let names = labels::ModelNames::default();
    for i in 0..MAX_MODEL_LABELS {
        assert_eq!(names.label(&format!("m{i}")), format!("m{i}"));
    }
    assert_eq!(names.label("one-too-many"), "other");
    assert_eq!(names.label("m0"), "m0");
    let fresh = labels::ModelNames::default();
    assert_eq!(fresh.label("has space\"quote"), "other");
}

#[tokio::test]
async fn a_whole_call_counts_tokens_cost_and_latency() {
    let metrics = Arc::new(Metrics::new());
    let mut inner = MockModelProvider::new();
    inner.expect_complete().returning(|_| {
        Ok(Completion {
            model: "gpt-x-2025".into(),
            content: "hi".into(),
            tool_calls: Vec::new(),
            usage: TokenUsage {
                prompt_tokens: 1000,
                completion_tokens: 500,
            },
            finish_reason: None,
        })
    });
    inner
        .expect_complete()
        .returning(|_| Err(ProviderError::Timeout));
    let provider = priced(&metrics, inner);
    provider.complete(&request("gpt-x")).await.unwrap();
    let text = metrics.render();
    assert_eq!(
        sample(
            &text,
            "hania_model_calls_total{model=\"gpt-x\",outcome=\"ok\"}"
        ),
        Some(1.0)
    );
    assert_eq!(
        sample(
            &text,
            "hania_model_tokens_total{model=\"gpt-x\",kind=\"prompt\"}"
        ),
        Some(1000.0)
    );
    assert_eq!(
        sample(
            &text,
            "hania_model_tokens_total{model=\"gpt-x\",kind=\"completion\"}"
        ),
        Some(500.0)
    );
    // 1000 × 1000/M + 500 × 2000/M = 1 + 1 = 2 units.
    assert_eq!(
        sample(&text, "hania_model_cost_total{model=\"gpt-x\"}"),
        Some(2.0)
    );
    assert_eq!(
        sample(
            &text,
            "hania_provider_latency_seconds_count{model=\"gpt-x\",delivery=\"whole\"}"
        ),
        Some(1.0)
    );
}

#[tokio::test]
async fn a_stream_counts_its_first_token_and_a_dropped_one_is_interrupted() {
    let metrics = Arc::new(Metrics::new());
    let mut inner = MockModelProvider::new();
    inner.expect_stream().returning(|_| {
        let chunks = vec![
            Ok(StreamChunk::Delta("a".into())),
            Ok(StreamChunk::Delta("b".into())),
            Ok(StreamChunk::Finished {
                model: "gpt-x".into(),
                usage: Some(TokenUsage {
                    prompt_tokens: 3,
                    completion_tokens: 2,
                }),
                finish_reason: None,
            }),
        ];
        Ok(Box::pin(futures::stream::iter(chunks)))
    });
    let provider = priced(&metrics, inner);
    let whole: Vec<_> = provider
        .stream(&request("gpt-x"))
        .await
        .unwrap()
        .collect()
        .await;
    assert_eq!(whole.len(), 3);
    let mut cut = provider.stream(&request("gpt-x")).await.unwrap();
    cut.next().await.unwrap().unwrap();
    drop(cut);
    let text = metrics.render();
    assert_eq!(
        sample(
            &text,
            "hania_model_calls_total{model=\"gpt-x\",outcome=\"ok\"}"
        ),
        Some(1.0)
    );
    assert_eq!(
        sample(
            &text,
            "hania_model_calls_total{model=\"gpt-x\",outcome=\"interrupted\"}"
        ),
        Some(1.0)
    );
    assert_eq!(
        sample(
            &text,
            "hania_model_tokens_total{model=\"gpt-x\",kind=\"completion\"}"
        ),
        Some(2.0)
    );
    assert_eq!(
        sample(
            &text,
            "hania_provider_first_token_seconds_count{model=\"gpt-x\"}"
        ),
        Some(2.0)
    );
}

#[tokio::test]
async fn tool_calls_are_counted_by_outcome() {
    let metrics = Arc::new(Metrics::new());
    let mut inner = MockToolExecutor::new();
    let mut n = 0;
    inner.expect_execute().returning(move |_| {
        n += 1;
        if n == 1 {
            hania_domain::ports::ToolResult {
                ok: true,
                content: "{}".into(),
                error: None,
                duration_ms: 1,
                transient: false,
            }
        } else {
            hania_domain::ports::ToolResult::failed("boom", 1)
        }
    });
    let tools = MeteredTools::new(Arc::new(inner), metrics.clone());
    let invocation = hania_domain::ports::ToolInvocation {
        tool: webhook_tool(),
        bot: hania_domain::ids::BotId::from_uuid(uuid::Uuid::new_v4()),
        conversation: hania_domain::ids::ConversationId::from_uuid(uuid::Uuid::new_v4()),
        call: hania_domain::completion::ToolCall {
            id: "c".into(),
            name: "t".into(),
            arguments: "{}".into(),
        },
    };
    tools.execute(&invocation).await;
    tools.execute(&invocation).await;
    tools.execute(&invocation).await;
    let text = metrics.render();
    assert_eq!(
        sample(&text, "hania_tool_calls_total{outcome=\"ok\"}"),
        Some(1.0)
    );
    assert_eq!(
        sample(&text, "hania_tool_calls_total{outcome=\"error\"}"),
        Some(2.0)
    );
}

fn webhook_tool() -> hania_domain::tool::ToolConfig {
    use hania_domain::tool::{ToolConfig, ToolKind, WebhookTool};
    let now = time::OffsetDateTime::UNIX_EPOCH;
    ToolConfig {
        id: hania_domain::ids::ToolConfigId::from_uuid(uuid::Uuid::new_v4()),
        workspace_id: hania_domain::ids::WorkspaceId::from_uuid(uuid::Uuid::new_v4()),
        name: "t".into(),
        description: "d".into(),
        kind: ToolKind::Webhook(WebhookTool {
            url: "https://tools.example.com/hook".into(),
            secret_header: None,
            timeout_ms: 1_000,
            signing_secret: None,
        }),
        parameters: serde_json::json!({"type": "object"}),
        created_at: now,
        updated_at: now,
    }
}
