//! What a site owner pastes into a page (`/api/v1/widgets/embed-code`),
//! and a widget key's identity secret, made anew.

use actix_web::{HttpRequest, HttpResponse, web};
use hania_domain::ids::{ApiKeyId, BotId};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::middleware::auth::Caller;
use crate::state::AppState;
use crate::wire::envelope::{Envelope, ok};
use crate::wire::error::{ApiError, ErrorBody};
use crate::wire::extract::{StrictQuery, path_id};

type Reply = Result<HttpResponse, ApiError>;

/// The snippet that embeds the widget with one key.
#[derive(Debug, Serialize, ToSchema)]
pub struct EmbedCode {
    /// The widget key.
    pub api_key_id: Uuid,
    /// Its bot.
    pub bot_id: Uuid,
    /// Where the page loads the widget from.
    pub script_url: String,
    /// The HTML to paste before `</body>`: the script and the
    /// `<hania-chat>` element with the key (widget keys are public).
    pub html: String,
}

/// A widget key's new identity secret.
#[derive(Debug, Serialize, ToSchema)]
pub struct IdentitySecret {
    /// Sign each logged-in user's id with it on your backend (`user_hash`
    /// = hex HMAC-SHA256 of the id under this text); shown only now.
    pub identity_secret: String,
}

/// `&`, `<`, `>`, `"` and `'` as HTML entities, for an attribute value.
pub(crate) fn attribute(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The snippet of `key` served from `base`.
pub(crate) fn snippet(base: &str, key: &str) -> String {
    format!(
        "<script src=\"{base}/widget.js\" async></script>\n<hania-chat widget-key=\"{key}\"></hania-chat>",
        base = attribute(base),
        key = attribute(key),
    )
}

/// The server's address as the caller reaches it: `HANIA_PUBLIC_URL`, or
/// the request's scheme and host (`Forwarded` / `X-Forwarded-*` behind a
/// proxy).
fn base_url(state: &AppState, req: &HttpRequest) -> String {
    match &state.public_url {
        Some(url) => url.clone(),
        None => {
            let info = req.connection_info();
            format!("{}://{}", info.scheme(), info.host())
        }
    }
}

/// The snippet that embeds the widget with a widget key.
#[utoipa::path(get, path = "/api/v1/widgets/embed-code", tag = "Widgets",
    params(("api_key_id" = Uuid, Query, description = "The widget key"),
        ("bot_id" = Option<Uuid>, Query, description = "Its bot (checked when given)")),
    responses((status = 200, body = Envelope<EmbedCode>),
        (status = 400, description = "Missing or malformed parameter (named)", body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, description = "No such widget key (of that bot)", body = ErrorBody),
        (status = 409, description = "The key was made before key texts were kept", body = ErrorBody),
        (status = 429, body = ErrorBody)))]
pub async fn get_embed_code(req: HttpRequest, caller: Caller, state: web::Data<AppState>) -> Reply {
    let query = StrictQuery::parse(&req, &["api_key_id", "bot_id"], &[])?;
    let id = query
        .uuid("api_key_id")?
        .ok_or_else(|| ApiError::InvalidParameter("api_key_id: required".into()))?;
    let bot = query.uuid("bot_id")?.map(BotId::from_uuid);
    let (key, text) = state
        .widgets
        .embed_key(caller.workspace(), ApiKeyId::from_uuid(id), bot)
        .await?;
    let bot_id = key.widget().map_or(Uuid::nil(), |s| s.bot_id.as_uuid());
    let base = base_url(&state, &req);
    Ok(ok(EmbedCode {
        api_key_id: key.id.as_uuid(),
        bot_id,
        script_url: format!("{base}/widget.js"),
        html: snippet(&base, &text),
    }))
}

/// Make a new identity secret for a widget key; the old one stops
/// verifying users at once.
#[utoipa::path(post, path = "/api/v1/widgets/keys/{keyID}/identity-secret", tag = "Widgets",
    params(("keyID" = Uuid, Path)),
    responses((status = 200, body = Envelope<IdentitySecret>), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn rotate_identity_secret(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
) -> Reply {
    let id: ApiKeyId = path_id(&req, "keyID")?;
    let identity_secret = state
        .widgets
        .rotate_identity_secret(caller.workspace(), id)
        .await?;
    Ok(ok(IdentitySecret { identity_secret }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_snippet_escapes_what_it_embeds() {
        assert_eq!(
            snippet("https://chat.example.com", "hania_pk_00"),
            "<script src=\"https://chat.example.com/widget.js\" async></script>\n\
             <hania-chat widget-key=\"hania_pk_00\"></hania-chat>"
        );
        let evil = snippet("http://x\"><script>alert(1)</script>", "k'");
        assert!(!evil.contains("\"><script>alert"));
        assert!(evil.contains("&quot;&gt;&lt;script&gt;") && evil.contains("k&#39;"));
    }
}
