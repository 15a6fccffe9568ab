use crate::ports::{StoreConflict, StoreError};
use crate::validation::ValidationError;

/// A kind of resource a request can name; what a "not found" is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Resource {
    /// A bot.
    #[error("Bot")]
    Bot,
    /// A conversation.
    #[error("Conversation")]
    Conversation,
    /// A tool configuration.
    #[error("Tool")]
    Tool,
    /// A bot or a tool configuration (a hook names both).
    #[error("Bot or tool configuration")]
    BotOrTool,
    /// A post-call hook.
    #[error("Post-call hook")]
    Hook,
    /// A tool's attachment to a bot.
    #[error("Tool attachment")]
    AttachedTool,
    /// A widget key.
    #[error("Widget key")]
    WidgetKey,
    /// An account API key.
    #[error("Key")]
    Key,
}

/// A rule of the domain that refused a change, in words a user
/// understands. Every dialect renders these; none sees the store's text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Conflict {
    /// Another bot of the workspace has this slug.
    #[error("slug '{0}' is already used by another bot")]
    SlugTaken(String),
    /// Another tool of the workspace has this name.
    #[error("a tool named '{0}' already exists")]
    ToolNameTaken(String),
    /// The bot already has a hook for this tool.
    #[error("the bot already has a hook for this tool")]
    HookExists,
    /// The tool is used by post-call hooks.
    #[error("the tool is used by a post-call hook; delete the hook first")]
    ToolInUse,
    /// Something the change refers to was deleted meanwhile.
    #[error("something this change refers to no longer exists; reload and retry")]
    Stale,
    /// The bot already has a call with this external call id.
    #[error("the bot already has a call with this external_call_id")]
    CallExists,
    /// The widget key was made before key texts were kept, so no embed
    /// code can show it.
    #[error(
        "this widget key was created before the server kept widget key texts; create a new key for the embed code"
    )]
    KeyTextUnknown,
    /// Any other store rule; the request can be retried.
    #[error("the change conflicts with existing data; retry")]
    Other,
}

impl From<StoreConflict> for Conflict {
    /// The generic wording of a store rule; services that know the value
    /// (a slug, a name) build the specific variant themselves.
    fn from(conflict: StoreConflict) -> Self {
        match conflict {
            StoreConflict::HookExists => Conflict::HookExists,
            StoreConflict::ToolInUse => Conflict::ToolInUse,
            StoreConflict::MissingReference => Conflict::Stale,
            StoreConflict::CallExists => Conflict::CallExists,
            StoreConflict::SlugTaken
            | StoreConflict::BalanceExhausted
            | StoreConflict::ToolNameTaken
            | StoreConflict::IdExists
            | StoreConflict::Other => Conflict::Other,
        }
    }
}

/// Why a create/read/update/delete use case failed.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// Invalid input; names the field.
    #[error(transparent)]
    Validation(#[from] ValidationError),
    /// No such resource in the workspace.
    #[error("{0} not found")]
    NotFound(Resource),
    /// A uniqueness or reference rule refused the change.
    #[error(transparent)]
    Conflict(Conflict),
    /// The store failed.
    #[error(transparent)]
    Store(StoreError),
}

impl ServiceError {
    /// Maps a store error, naming the kind of resource when it is missing.
    pub fn from_store(kind: Resource) -> impl Fn(StoreError) -> ServiceError {
        move |error| match error {
            StoreError::NotFound => ServiceError::NotFound(kind),
            StoreError::Conflict(rule) => ServiceError::Conflict(rule.into()),
            other => ServiceError::Store(other),
        }
    }
}
