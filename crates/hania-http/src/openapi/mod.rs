//! The OpenAPI 3.1 document, generated from the route table, the handlers
//! and the DTOs, and the offline docs UI at `/docs`.

use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{
    ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme,
};
use utoipa::{Modify, OpenApi};
use utoipa_swagger_ui::SwaggerUi;

use crate::routes::{Access, RouteDocs, routes};

mod describe;
mod envelopes;
mod keywords;
mod rules;

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("hania_sk_…")
                    .description(Some("An account API key. The scopes listed on an operation are the abilities it needs."))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "hansei_api_key",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "X-API-KEY",
                "An account API key (`hania_sk_…`) with `chat:send`, as Hansei clients send it. \
                 `Authorization: Bearer hania_sk_…` is accepted too when `X-API-KEY` is absent.",
            ))),
        );
        components.add_security_scheme(
            "widget_key",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("hania_pk_…")
                    .description(Some(
                        "A widget key (public by design), from a browser page whose `Origin` is one of the \
                         key's `allowed_domains`. Preflights name the key as `?key=hania_pk_…`.",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "slug_bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("hania_sk_…")
                    .description(Some(
                        "An account API key with `chat:send`, as slug-platform clients send it.",
                    ))
                    .build(),
            ),
        );
    }
}

/// The API description (without paths: those come from the route table).
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Hania server API",
        description = "Self-hostable backend for AI chat agents. Every response carries `X-Request-Id`; \
                       authenticated responses carry `X-RateLimit-Limit`, `X-RateLimit-Remaining` and \
                       `X-RateLimit-Reset`. Native errors use the envelope `{success: false, data: null, message, code}`; \
                       the compatible dialects use their own (see their tags). A method a path does not \
                       serve is answered `405` with an `Allow` header, in the path's dialect's envelope \
                       (no operation can be called that way, so no operation lists it). Streams are \
                       documented as a `oneOf` of their events, each event's `data` as JSON text whose \
                       `contentSchema` names its payload.",
        license(name = "Apache-2.0", identifier = "Apache-2.0")
    ),
    modifiers(&SecuritySchemes),
    // Named by query parameters only, which utoipa does not collect.
    components(schemas(crate::native::dto::names::ChannelName)),
    tags(
        (name = "Chat", description = "Talk to bots, blocking or streamed"),
        (name = "Bots", description = "Create and manage bots, their tools and post-call hooks, and run agents"),
        (name = "Conversations", description = "Read conversations, messages and traces"),
        (name = "Tools", description = "Tool configurations bots can call"),
        (name = "Widgets", description = "Widget keys for the embeddable web chat, and its embed code"),
        (name = "Widget", description = "What the embeddable widget calls (a widget key, from a page on one of its \
            allowed domains), its script and a demo page"),
        (name = "Calls", description = "Voice calls: transcripts from your own voice stack (then analysis and \
            post-call hooks in the background); outbound calls need a telephony provider"),
        (name = "Keys", description = "Account API keys"),
        (name = "Billing", description = "Plan, usage and balance"),
        (name = "Operations", description = "Health checks and Prometheus metrics"),
        (name = "Hansei-compatible", description = "`POST /public/v1/messages` for clients written against Hansei's API; \
            errors are `{code, message}`"),
        (name = "Slug-compatible", description = "`POST /v1/api/chat/{slug}` for clients written against the slug platform's API; \
            errors are `{data: null, error: {name, message, details}}`"),
    )
)]
struct ApiDoc;

/// The whole document: the description, every route's operation, and
/// each operation's security requirement written from the route table
/// (the ability a route needs is its scope).
pub(crate) fn document() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    doc.merge(RouteDocs::openapi());
    for route in routes() {
        let Some(item) = doc.paths.paths.get_mut(&route.path) else {
            continue;
        };
        let operation: Option<&mut Operation> = match route.method.as_str() {
            "GET" => item.get.as_mut(),
            "POST" => item.post.as_mut(),
            "PUT" => item.put.as_mut(),
            "PATCH" => item.patch.as_mut(),
            "DELETE" => item.delete.as_mut(),
            _ => None,
        };
        let scopes: Vec<&str> = match route.access {
            Access::Key(ability) => vec![ability.as_str()],
            Access::Widget => Vec::new(),
            Access::Open => continue,
        };
        if let Some(operation) = operation {
            let alternatives = route.dialect.security_schemes().iter();
            operation.security = Some(
                alternatives
                    .map(|scheme| SecurityRequirement::new(*scheme, scopes.clone()))
                    .collect(),
            );
        }
    }
    doc
}

/// The served document: [`document`] with the input rules every
/// request meets written into its request schemas (see [`rules`]).
pub(crate) fn document_json() -> serde_json::Value {
    let mut doc = serde_json::to_value(document()).unwrap_or_default();
    rules::apply(&mut doc);
    envelopes::apply(&mut doc);
    keywords::apply(&mut doc);
    let open: Vec<(String, String)> = routes()
        .into_iter()
        .filter(|route| route.access == Access::Open)
        .map(|route| (route.path, route.method.as_str().to_ascii_lowercase()))
        .collect();
    describe::apply(&mut doc, &open);
    metadata_filter_schema(&mut doc);
    doc["servers"] = serde_json::json!([{
        "url": "http://127.0.0.1:8080",
        "description": "The default listen address (`HANIA_BIND`); use your server's address"
    }]);
    doc
}

/// The bot list's metadata filter as it is on the wire: in
/// `metadata[key]=value` a key cannot hold a bracket (the dotted form
/// `metadata.key=value` can).
fn metadata_filter_schema(doc: &mut serde_json::Value) {
    let Some(parameters) = doc
        .pointer_mut("/paths/~1api~1v1~1bots/get/parameters")
        .and_then(serde_json::Value::as_array_mut)
    else {
        return;
    };
    for parameter in parameters.iter_mut().filter(|p| p["name"] == "metadata") {
        parameter["schema"]["propertyNames"]["pattern"] = "^[^\\[\\]\\u0000]*$".into();
    }
}

/// The document as pretty JSON (what `hania openapi` prints and
/// `openapi/openapi.json` holds).
pub fn openapi_json() -> String {
    serde_json::to_string_pretty(&document_json()).unwrap_or_default()
}

/// `/openapi.json` and the Swagger UI at `/docs/`, served from assets
/// compiled into the binary (no internet needed: the validator badge,
/// which would call swagger.io, is off).
pub(crate) fn docs_service() -> SwaggerUi {
    SwaggerUi::new("/docs/{_:.*}")
        .external_url_unchecked("/openapi.json", document_json())
        .config(utoipa_swagger_ui::Config::default().validator_url("none"))
}

/// `/docs` (as people type it) redirects to the UI at `/docs/`.
pub(crate) fn docs_redirect() -> actix_web::Resource {
    actix_web::web::resource("/docs").route(actix_web::web::get().to(|| async {
        actix_web::HttpResponse::PermanentRedirect()
            .insert_header((actix_web::http::header::LOCATION, "/docs/"))
            .finish()
    }))
}
