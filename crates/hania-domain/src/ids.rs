//! Newtype identifiers: one type per entity, so a bot id can never be passed
//! where a conversation id is expected.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! uuid_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// Wraps a raw UUID.
            pub const fn from_uuid(uuid: Uuid) -> Self {
                Self(uuid)
            }

            /// The raw UUID.
            pub const fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }

        impl From<Uuid> for $name {
            fn from(uuid: Uuid) -> Self {
                Self(uuid)
            }
        }
    };
}

uuid_id!(
    /// Identifies a workspace (tenant).
    WorkspaceId
);
uuid_id!(
    /// Identifies an API key (account or widget).
    ApiKeyId
);
uuid_id!(
    /// Identifies a bot.
    BotId
);
uuid_id!(
    /// Identifies a tool configuration.
    ToolConfigId
);
uuid_id!(
    /// Identifies a post-call hook.
    HookId
);
uuid_id!(
    /// Identifies a conversation.
    ConversationId
);
uuid_id!(
    /// Identifies a message.
    MessageId
);
uuid_id!(
    /// Identifies a trace step.
    TraceStepId
);
uuid_id!(
    /// Identifies a ledger entry.
    LedgerEntryId
);
uuid_id!(
    /// Identifies money held for a model turn in flight.
    HoldId
);
uuid_id!(
    /// Identifies a background job.
    JobId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_through_strings_and_json() {
        let raw = Uuid::from_u128(0x1234);
        let id = BotId::from_uuid(raw);
        assert_eq!(id.to_string().parse::<BotId>().unwrap(), id);
        assert_eq!(serde_json::to_string(&id).unwrap(), format!("\"{raw}\""));
        assert!("not-a-uuid".parse::<BotId>().is_err());
    }
}
