//! The billing ledger: one row per balance change. The balance always
//! equals the sum of the workspace's ledger amounts.

use time::OffsetDateTime;

use crate::ids::{ConversationId, LedgerEntryId, MessageId, WorkspaceId};
use crate::money::Money;
use crate::wire_enum::wire_enum;

wire_enum!(
    /// Why the balance changed.
    LedgerKind, "kind", {
        /// A metered model turn (negative amount).
        Charge = "charge",
        /// Prepaid credit added (positive amount).
        TopUp = "top_up",
        /// A manual correction (either sign).
        Adjustment = "adjustment",
    }
);

/// A stored ledger row.
#[derive(Debug, Clone, PartialEq)]
pub struct LedgerEntry {
    /// Entry id.
    pub id: LedgerEntryId,
    /// Owning workspace.
    pub workspace_id: WorkspaceId,
    /// Why.
    pub kind: LedgerKind,
    /// Signed change of the balance.
    pub amount: Money,
    /// Balance right after this entry.
    pub balance_after: Money,
    /// The charged conversation; cleared if it is deleted (the amount stays).
    pub conversation_id: Option<ConversationId>,
    /// The charged reply message; cleared if it is deleted.
    pub message_id: Option<MessageId>,
    /// Model of a charge.
    pub model: Option<String>,
    /// Prompt tokens of a charge.
    pub prompt_tokens: u32,
    /// Completion tokens of a charge.
    pub completion_tokens: u32,
    /// Human note.
    pub description: String,
    /// Time of the change.
    pub created_at: OffsetDateTime,
}

/// A balance change that is not a chat turn (top-up, adjustment).
#[derive(Debug, Clone, PartialEq)]
pub struct NewCredit {
    /// Entry id.
    pub id: LedgerEntryId,
    /// Workspace credited.
    pub workspace_id: WorkspaceId,
    /// Top-up or adjustment.
    pub kind: LedgerKind,
    /// Signed amount.
    pub amount: Money,
    /// Human note.
    pub description: String,
    /// Time of the change.
    pub created_at: OffsetDateTime,
}
