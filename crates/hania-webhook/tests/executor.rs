//! The webhook executor against a local receiver: what it sends, how it
//! fails, and that refused addresses are never contacted.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use hania_domain::completion::ToolCall;
use hania_domain::ids::{BotId, ConversationId, ToolConfigId, WorkspaceId};
use hania_domain::outbound::OutboundPolicy;
use hania_domain::ports::{ToolExecutor, ToolInvocation};
use hania_domain::tool::{SecretHeader, ToolConfig, ToolKind, WebhookTool};
use hania_test_receiver::{Answer, Receiver};
use hania_webhook::{MAX_ANSWER_BYTES, WebhookExecutor, signature_header};
use uuid::Uuid;

const SECRET: &str = "whsec_testsecret";

fn invocation(url: &str, arguments: &str, timeout_ms: u32) -> ToolInvocation {
    ToolInvocation {
        tool: ToolConfig {
            id: ToolConfigId::from_uuid(Uuid::new_v4()),
            workspace_id: WorkspaceId::from_uuid(Uuid::new_v4()),
            name: "lookup_order".into(),
            description: "Finds an order".into(),
            kind: ToolKind::Webhook(WebhookTool {
                url: url.into(),
                secret_header: Some(SecretHeader {
                    name: "X-Secret".into(),
                    value: "s3cr3t".into(),
                }),
                timeout_ms,
                signing_secret: Some(SECRET.into()),
            }),
            parameters: serde_json::json!({"type": "object"}),
            created_at: time::OffsetDateTime::UNIX_EPOCH,
            updated_at: time::OffsetDateTime::UNIX_EPOCH,
        },
        bot: BotId::from_uuid(Uuid::new_v4()),
        conversation: ConversationId::from_uuid(Uuid::new_v4()),
        call: ToolCall {
            id: "call_1".into(),
            name: "lookup_order".into(),
            arguments: arguments.into(),
        },
    }
}

/// Loopback is allowed here so the receiver can be reached.
fn lab() -> WebhookExecutor {
    WebhookExecutor::new(OutboundPolicy::from_allow_list("127.0.0.1").unwrap())
}

#[tokio::test]
async fn a_call_posts_the_arguments_signed_with_its_headers() {
    let receiver = Receiver::start(Answer::ok(r#"{"status": "shipped"}"#)).await;
    let url = format!("http://127.0.0.1:{}/orders", receiver.port);
    let call = invocation(&url, r#"{"order_id": "42"}"#, 5_000);
    let result = lab().execute(&call).await;
    assert!(result.ok, "{result:?}");
    assert_eq!(result.content, r#"{"status": "shipped"}"#);

    let got = &receiver.requests()[0];
    assert!(
        got.head.starts_with("POST /orders HTTP/1.1"),
        "{}",
        got.head
    );
    assert_eq!(got.body, r#"{"order_id":"42"}"#);
    assert_eq!(
        got.header("content-type").as_deref(),
        Some("application/json")
    );
    assert_eq!(got.header("x-hania-tool").as_deref(), Some("lookup_order"));
    assert_eq!(got.header("x-hania-bot-id"), Some(call.bot.to_string()));
    assert_eq!(
        got.header("x-hania-conversation-id"),
        Some(call.conversation.to_string())
    );
    assert_eq!(got.header("x-secret").as_deref(), Some("s3cr3t"));
    let signature = got.header("x-hania-signature").unwrap();
    let t: i64 = signature
        .strip_prefix("t=")
        .and_then(|s| s.split(',').next())
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(
        signature,
        signature_header(SECRET, t, &got.body),
        "the receiver can verify it"
    );
    assert_ne!(signature, signature_header("whsec_other", t, &got.body));

    lab().execute(&call).await;
    let keys: Vec<_> = receiver
        .requests()
        .iter()
        .map(|r| r.header("idempotency-key"))
        .collect();
    assert_eq!(keys[0], keys[1], "a retried call keeps its Idempotency-Key");
    let mut other = call.clone();
    other.call.id = "call_2".into();
    lab().execute(&other).await;
    assert_ne!(receiver.requests()[2].header("idempotency-key"), keys[0]);
}

#[tokio::test]
async fn bad_arguments_are_an_error_and_nothing_is_sent() {
    let receiver = Receiver::start(Answer::ok("{}")).await;
    let url = format!("http://127.0.0.1:{}/", receiver.port);
    for arguments in ["[1, 2]", "not json", "\"text\""] {
        let result = lab().execute(&invocation(&url, arguments, 5_000)).await;
        assert!(!result.ok, "{arguments}");
        assert!(
            result.content.starts_with(r#"{"error":"#),
            "{}",
            result.content
        );
    }
    assert_eq!(receiver.connection_count(), 0);
}

#[tokio::test]
async fn failures_become_error_results() {
    let cases = [
        (
            Answer {
                status: 500,
                ..Answer::ok("boom")
            },
            "500",
        ),
        (
            Answer::ok(&"x".repeat(MAX_ANSWER_BYTES + 1)),
            "larger than 64 KiB",
        ),
        (
            Answer {
                delay: Duration::from_millis(1_500),
                ..Answer::ok("late")
            },
            "no answer within 300 ms",
        ),
    ];
    for (answer, says) in cases {
        let receiver = Receiver::start(answer).await;
        let url = format!("http://127.0.0.1:{}/", receiver.port);
        let result = lab().execute(&invocation(&url, "{}", 300)).await;
        assert!(!result.ok);
        assert!(
            result.error.as_deref().unwrap().contains(says),
            "{result:?}"
        );
        assert!(
            result.content.contains(says),
            "the model is told: {}",
            result.content
        );
    }
}

#[tokio::test]
async fn redirects_are_not_followed() {
    let target = Receiver::start(Answer::ok("secret")).await;
    let redirect = Answer {
        status: 302,
        headers: vec![(
            "Location".into(),
            format!("http://127.0.0.1:{}/", target.port),
        )],
        ..Answer::ok("")
    };
    let receiver = Receiver::start(redirect).await;
    let url = format!("http://127.0.0.1:{}/", receiver.port);
    let result = lab().execute(&invocation(&url, "{}", 5_000)).await;
    assert!(
        !result.ok && result.content.contains("redirects are not followed"),
        "{result:?}"
    );
    assert_eq!(target.connection_count(), 0);
}

#[tokio::test]
async fn refused_addresses_are_never_contacted() {
    let receiver = Receiver::start(Answer::ok("{}")).await;
    let public_only = WebhookExecutor::new(OutboundPolicy::default());
    for url in [
        format!("https://127.0.0.1:{}/", receiver.port),
        format!("http://127.0.0.1:{}/", receiver.port),
        format!("https://localhost:{}/", receiver.port),
        "https://169.254.169.254/latest/meta-data".to_owned(),
        "https://127.0.0.2/".to_owned(),
    ] {
        let result = public_only.execute(&invocation(&url, "{}", 2_000)).await;
        assert!(!result.ok, "{url}");
        let error = result.error.unwrap();
        assert!(
            ["loopback", "metadata", "https://"]
                .iter()
                .any(|w| error.contains(w)),
            "{url}: {error}"
        );
    }
    // Allowed networks are exact: 127.0.0.1 only, not the rest of loopback.
    let result = lab()
        .execute(&invocation("http://127.0.0.2:9/", "{}", 2_000))
        .await;
    assert!(result.error.unwrap().contains("loopback"));
    assert_eq!(receiver.connection_count(), 0);
}
