use std::error::Error as StdError;

/// Which uniqueness or reference rule of the store refused a write.
/// Implementations MUST build it from the rule's identity (a constraint
/// name, a column list), never from the database's message text, so both
/// backends report the same variant for the same rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum StoreConflict {
    /// Another bot of the workspace has this slug.
    #[error("slug taken")]
    SlugTaken,
    /// Another tool of the workspace has this name.
    #[error("tool name taken")]
    ToolNameTaken,
    /// The bot already has a post-call hook for this tool.
    #[error("hook exists")]
    HookExists,
    /// The tool is still used (by a post-call hook) and cannot be deleted.
    #[error("tool in use")]
    ToolInUse,
    /// A row with this id (or key hash) already exists.
    #[error("id exists")]
    IdExists,
    /// The balance, less the money held for turns in flight, is used up:
    /// a turn's hold was refused.
    #[error("balance exhausted")]
    BalanceExhausted,
    /// A referenced row does not exist (or no longer does).
    #[error("missing reference")]
    MissingReference,
    /// The bot already has a voice conversation with this external call id.
    #[error("call exists")]
    CallExists,
    /// A rule the store has no name for; the adapter logs which.
    #[error("other conflict")]
    Other,
}

/// Why a storage operation failed. Shared by every storage port.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The row does not exist in the caller's workspace.
    #[error("not found")]
    NotFound,
    /// A uniqueness or reference rule refused the write.
    #[error("conflict: {0}")]
    Conflict(StoreConflict),
    /// The store cannot be reached or is overloaded; retrying may work.
    #[error("storage unavailable: {0}")]
    Unavailable(String),
    /// Anything else; a bug or corrupt data.
    #[error("unexpected storage failure: {0}")]
    Unexpected(#[source] Box<dyn StdError + Send + Sync>),
}

impl StoreError {
    /// Wraps any error as [`StoreError::Unexpected`].
    pub fn unexpected(error: impl Into<Box<dyn StdError + Send + Sync>>) -> Self {
        StoreError::Unexpected(error.into())
    }
}
