use std::error::Error as StdError;

/// Why a storage operation failed. Shared by every storage port.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The row does not exist in the caller's workspace.
    #[error("not found")]
    NotFound,
    /// A uniqueness or reference rule refused the write; the text says which.
    #[error("conflict: {0}")]
    Conflict(String),
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
