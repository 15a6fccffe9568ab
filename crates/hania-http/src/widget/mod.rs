//! The embeddable widget: its endpoints (`/api/v1/widget`), the same chat
//! engine as `/api/v1/chat` on channel `web`, bound to the widget key's
//! bot and metered to its workspace, and the script and demo page a site
//! embeds. The gate of the endpoints (key, origin, CORS, verified users,
//! limits) is [`crate::middleware::widget_auth`].
//!
//! A visitor is one browser: its first chat mints a visitor id, answered
//! as a signed token in `X-Visitor-Token` (and `visitor_token`), which
//! later requests send back. A conversation belongs to its visitor, or to
//! the site's verified user (on every device); another's is not found.

pub mod chat;
pub mod conversations;
pub mod dto;
pub mod script;
