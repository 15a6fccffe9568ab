//! The script a site embeds (`GET /widget.js`), shipped inside the binary,
//! and a demo page (`GET /widget/demo?key=…`) where an operator sees the
//! widget working on their own server.

use std::sync::LazyLock;

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, ResponseError};
use hania_domain::api_key::{KeyFamily, KeySecret};
use sha2::{Digest, Sha256};

use crate::wire::error::ErrorBody;
use crate::wire::extract::StrictQuery;

/// The widget: its sources, one job per file, wrapped into one strict
/// scope. No build step: what is served is these files as written.
pub(crate) const WIDGET_JS: &str = concat!(
    "/* Hania chat widget: <hania-chat widget-key=\"hania_pk_…\"> */\n",
    "(() => {\n\"use strict\";\n",
    include_str!("../../assets/widget/storage.js"),
    include_str!("../../assets/widget/markdown.js"),
    include_str!("../../assets/widget/api.js"),
    include_str!("../../assets/widget/styles.js"),
    include_str!("../../assets/widget/element.js"),
    "})();\n",
);

/// A strong validator of the script: a hash of its text.
static WIDGET_ETAG: LazyLock<String> = LazyLock::new(|| {
    let digest = Sha256::digest(WIDGET_JS.as_bytes());
    format!("\"{}\"", &hania_domain::hex::encode(&digest)[..32])
});

/// Whether `If-None-Match` names `etag` (or is `*`).
fn not_modified(req: &HttpRequest, etag: &str) -> bool {
    req.headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',')
                .map(|t| t.trim().trim_start_matches("W/"))
                .any(|t| t == etag || t == "*")
        })
}

/// The embeddable chat widget (a custom element, `<hania-chat>`).
#[utoipa::path(get, path = "/widget.js", tag = "Widget",
    params(("If-None-Match" = Option<String>, Header, description = "The ETag of a copy the browser has"),
        ("v" = Option<String>, Query, description = "Any value, for cache busting; ignored")),
    responses(
        (status = 200, content_type = "text/javascript", body = String, description = "The widget script",
            headers(("ETag" = String), ("Cache-Control" = String))),
        (status = 304, description = "The browser's copy is current"),
        (status = 400, description = "A parameter holds a NUL byte", body = ErrorBody),
    ))]
pub async fn widget_script(req: HttpRequest) -> HttpResponse {
    if let Err(error) = StrictQuery::parse(&req, &["v"], &[]) {
        return error.error_response();
    }
    let etag = WIDGET_ETAG.as_str();
    let mut response = if not_modified(&req, etag) {
        HttpResponse::NotModified().finish()
    } else {
        HttpResponse::Ok()
            .content_type("text/javascript; charset=utf-8")
            .body(WIDGET_JS)
    };
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(etag) {
        headers.insert(header::ETAG, value);
    }
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=300, stale-while-revalidate=86400"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

/// The demo page: the widget with `key` on this server's own origin, or
/// a form asking for a key.
pub(crate) fn demo_page(key: Option<&str>) -> String {
    let body = match key {
        Some(key) => format!(
            "<p>The chat button is at the bottom right. This page's origin must be in the key's \
             <code>allowed_domains</code> (for this page: its host and port, e.g. \
             <code>localhost:8080</code>).</p>\n\
             <script src=\"/widget.js\" async></script>\n\
             <hania-chat widget-key=\"{key}\" open></hania-chat>"
        ),
        None => "<p>Open this page with a widget key to try it.</p>".to_owned(),
    };
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Hania widget demo</title>\
         <style>body{{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#1d2330}}\
         input{{font:inherit;width:26rem;max-width:100%}}</style></head>\n<body>\n\
         <h1>Hania widget demo</h1>\n\
         <form method=\"get\"><label>Widget key <input name=\"key\" placeholder=\"hania_pk_…\" \
         pattern=\"hania_pk_[0-9a-f]{{40}}\" required></label> <button>Show</button></form>\n\
         {body}\n</body></html>\n"
    )
}

/// A page with the widget, for trying a widget key on this server.
#[utoipa::path(get, path = "/widget/demo", tag = "Widget",
    params(("key" = Option<String>, Query, pattern = "^hania_pk_[0-9a-f]{40}$",
        description = "A widget key (`hania_pk_…`) whose allowed_domains list this server's host")),
    responses(
        (status = 200, content_type = "text/html", body = String, description = "The demo page"),
        (status = 400, description = "`key` is not a widget key", content_type = "text/html", body = String),
    ))]
pub async fn widget_demo(req: HttpRequest) -> HttpResponse {
    let query = StrictQuery::parse(&req, &["key"], &[]);
    // Only a well-formed widget key (letters and hex digits) reaches the page.
    let (status, page) = match query.as_ref().map(|q| q.get("key")) {
        Err(_) => (actix_web::http::StatusCode::BAD_REQUEST, demo_page(None)),
        Ok(None) => (actix_web::http::StatusCode::OK, demo_page(None)),
        Ok(Some(text)) if KeySecret::family_of(text) == Some(KeyFamily::Widget) => {
            (actix_web::http::StatusCode::OK, demo_page(Some(text)))
        }
        Ok(Some(_)) => (actix_web::http::StatusCode::BAD_REQUEST, demo_page(None)),
    };
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'unsafe-inline'; \
             img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .body(page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_is_one_scope_without_html_sinks_for_answers() {
        assert!(WIDGET_JS.starts_with("/* Hania chat widget"));
        assert!(WIDGET_JS.contains("customElements.define(\"hania-chat\""));
        // The only innerHTML is the launcher's constant icon.
        assert_eq!(WIDGET_JS.matches("innerHTML").count(), 1);
        assert!(WIDGET_JS.contains("launcher.innerHTML = CHAT_ICON"));
        for sink in ["outerHTML", "insertAdjacentHTML", "document.write", "eval("] {
            assert!(!WIDGET_JS.contains(sink), "{sink}");
        }
    }

    #[test]
    fn the_demo_page_embeds_only_a_widget_key() {
        let key = format!("hania_pk_{}", "ab".repeat(20));
        let page = demo_page(Some(&key));
        assert!(page.contains(&format!("<hania-chat widget-key=\"{key}\" open>")));
        assert!(!demo_page(None).contains("<hania-chat"));
    }
}
