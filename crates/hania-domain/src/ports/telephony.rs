use async_trait::async_trait;

use crate::ids::ConversationId;

/// An outbound call to place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaceCall {
    /// The `voice` conversation the call belongs to.
    pub conversation: ConversationId,
    /// The number to call (E.164).
    pub to: String,
    /// The longest the call may last.
    pub max_call_seconds: u32,
}

/// Why the provider did not place a call.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct TelephonyError(pub String);

/// A telephony provider (Twilio, …). None is configured yet: `POST
/// /api/v1/calls` answers 503 until an adapter implements this port.
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait Telephony: Send + Sync {
    /// Places a call and returns the provider's call id (stored as the
    /// conversation's `external_call_id`). Implementations MUST authenticate
    /// every callback the provider makes and MUST end the conversation when
    /// the provider reports the call completed.
    async fn place_call(&self, call: &PlaceCall) -> Result<String, TelephonyError>;
}
