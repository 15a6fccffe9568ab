//! What a receiver uses to trust and deduplicate a call.

use hania_domain::hex::encode;
use hania_domain::ports::ToolInvocation;
use ring::{digest, hmac};

/// `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.
pub fn signature_header(secret: &str, unix_seconds: i64, body: &str) -> String {
    let key = hmac::Key::new(hmac::HMAC_SHA256, secret.as_bytes());
    let tag = hmac::sign(&key, format!("{unix_seconds}.{body}").as_bytes());
    format!("t={unix_seconds},v1={}", encode(tag.as_ref()))
}

/// The same for every attempt of one call: a digest of the conversation
/// and the model's call id.
pub fn idempotency_key(invocation: &ToolInvocation) -> String {
    let seed = format!("{}:{}", invocation.conversation, invocation.call.id);
    let sum = digest::digest(&digest::SHA256, seed.as_bytes());
    format!("hania-tool-{}", encode(&sum.as_ref()[..16]))
}
