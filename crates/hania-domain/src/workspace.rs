//! Workspaces (tenants). Every other entity belongs to exactly one.

use time::OffsetDateTime;

use crate::ids::WorkspaceId;

/// Default hourly request limit of a key without its own limit.
pub const DEFAULT_RATE_LIMIT_PER_HOUR: u32 = 10_000;

/// A tenant: owns bots, conversations, tools, keys and a billing account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workspace {
    /// Workspace id.
    pub id: WorkspaceId,
    /// Display name.
    pub name: String,
    /// Hourly request limit for keys that have none of their own.
    pub default_rate_limit_per_hour: u32,
    /// Creation time.
    pub created_at: OffsetDateTime,
}
