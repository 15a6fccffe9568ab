use crate::ports::StoreError;
use crate::validation::ValidationError;

/// Why a create/read/update/delete use case failed.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// Invalid input; names the field.
    #[error(transparent)]
    Validation(#[from] ValidationError),
    /// No such resource in the workspace (the text names its kind).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// A uniqueness or reference rule refused the change.
    #[error("{0}")]
    Conflict(String),
    /// The store failed.
    #[error(transparent)]
    Store(StoreError),
}

impl ServiceError {
    /// Maps a store error, naming the kind of resource when it is missing.
    pub fn from_store(kind: &'static str) -> impl Fn(StoreError) -> ServiceError {
        move |error| match error {
            StoreError::NotFound => ServiceError::NotFound(kind),
            StoreError::Conflict(what) => ServiceError::Conflict(what),
            other => ServiceError::Store(other),
        }
    }
}
