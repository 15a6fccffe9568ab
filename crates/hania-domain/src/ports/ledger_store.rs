use async_trait::async_trait;

use super::StoreError;
use crate::ids::WorkspaceId;
use crate::ledger::{LedgerEntry, NewCredit};
use crate::message::Message;
use crate::page::Page;
use crate::turn::{OpenTurn, RecordedTurn, TurnRecord};

/// The billing ledger.
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait LedgerStore: Send + Sync {
    /// Adds a top-up or adjustment: the ledger row and the balance change
    /// in one transaction, the balance updated atomically (no
    /// read-modify-write race with concurrent charges).
    ///
    /// # Errors
    /// MUST return `NotFound` for an unknown workspace.
    async fn add_credit(&self, credit: &NewCredit) -> Result<LedgerEntry, StoreError>;

    /// A page of the workspace's ledger, newest first.
    ///
    /// # Errors
    /// Only on storage failure.
    async fn list_ledger(
        &self,
        workspace: WorkspaceId,
        page: Page,
    ) -> Result<Vec<LedgerEntry>, StoreError>;
}

/// The writes of a chat turn.
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait TurnStore: Send + Sync {
    /// Opens a model turn in ONE transaction: creates the conversation
    /// when it is new (as `create_conversation` would), appends the user's
    /// message (as `append_messages` would), and returns the
    /// conversation's last `history_limit` messages by position ascending,
    /// the new one included. All or nothing is stored.
    ///
    /// With a `hold`, the same transaction first admits it: it MUST
    /// serialize with every other admission of the workspace (lock the
    /// billing row), refuse when the balance minus the workspace's live
    /// holds (`expires_at` after the user message's time) is not positive,
    /// and else store the hold. So concurrent turns can overdraw the
    /// balance by at most one turn's hold.
    ///
    /// # Errors
    /// MUST return `NotFound` if the new conversation's bot, or the
    /// existing conversation, is not in the workspace (nothing stored);
    /// `Conflict(BalanceExhausted)` if the hold is refused (nothing
    /// stored); `Conflict` if a new conversation's id exists.
    async fn open_turn(&self, turn: &OpenTurn) -> Result<Vec<Message>, StoreError>;

    /// Records a turn in ONE transaction: appends its messages (updating
    /// the conversation's counters and preview) and trace steps and, when
    /// charged, writes the ledger row, takes the cost from the balance and
    /// counts the turn in its billing period (restarting the count when
    /// the period changed). The balance update MUST be atomic in the
    /// database, so concurrent turns never lose an update; `release_hold`
    /// MUST be deleted in the same transaction; all or nothing is stored.
    /// A `new_conversation` MUST be created first, empty, in the same
    /// transaction, so it never exists without the turn's rows.
    ///
    /// # Errors
    /// MUST return `NotFound` if the conversation (or a new conversation's
    /// bot or source) is not in the workspace, `Conflict` if a new
    /// conversation's id exists; nothing is stored either way.
    async fn record_turn(&self, turn: &TurnRecord) -> Result<RecordedTurn, StoreError>;
}
