//! The OpenAPI 3.1 document, generated from the handlers and DTOs, and the
//! offline docs UI at `/docs`.

use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_swagger_ui::SwaggerUi;

use crate::dialects::{hansei, slug};
use crate::routes::{
    billing, bots, chat, chat_stream, conversations, discover, health, hooks, keys, tools, widgets,
};

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
                "An account API key (`hania_sk_…`) with `chat:send`, as Hansei clients send it.",
            ))),
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

/// The API description.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Hania server API",
        description = "Self-hostable backend for AI chat agents. Every response carries `X-Request-Id`; \
                       authenticated responses carry `X-RateLimit-Limit`, `X-RateLimit-Remaining` and \
                       `X-RateLimit-Reset`. Native errors use the envelope `{success: false, data: null, message, code}`; \
                       the compatible dialects use their own (see their tags).",
        license(name = "Apache-2.0")
    ),
    paths(
        health::healthz, health::readyz,
        chat::send, chat_stream::send_stream,
        bots::list_bots, bots::create_bot, bots::get_bot, bots::update_bot, bots::delete_bot, bots::patch_metadata,
        discover::discover,
        conversations::list_conversations, conversations::get_conversation, conversations::get_trace,
        conversations::delete_conversation,
        hooks::list_hooks, hooks::create_hook, hooks::update_hook, hooks::delete_hook,
        tools::list_tools, tools::create_tool, tools::get_tool, tools::update_tool, tools::delete_tool,
        widgets::list_widget_keys, widgets::create_widget_key, widgets::get_widget_key, widgets::update_widget_key,
        widgets::revoke_widget_key,
        keys::list_keys, keys::create_key, keys::revoke_key,
        billing::get_billing,
        hansei::send_message, slug::chat,
    ),
    modifiers(&SecuritySchemes),
    tags(
        (name = "Chat", description = "Talk to bots (seed 000)"),
        (name = "Bots", description = "Create and manage bots (seed 001)"),
        (name = "Conversations", description = "Read conversations, messages and traces (seed 002)"),
        (name = "Tools", description = "Tool configurations bots can call"),
        (name = "Widgets", description = "Widget keys for the embeddable web chat"),
        (name = "Keys", description = "Account API keys"),
        (name = "Billing", description = "Plan, usage and balance"),
        (name = "Operations", description = "Health checks"),
        (name = "Hansei-compatible", description = "`POST /public/v1/messages` for clients written against Hansei's API (seed 003); \
            errors are `{code, message}`"),
        (name = "Slug-compatible", description = "`POST /v1/api/chat/{slug}` for clients written against the slug platform's API \
            (seed 004); errors are `{data: null, error: {name, message, details}}`"),
    )
)]
pub struct ApiDoc;

/// The document as pretty JSON (what `hania openapi` prints and
/// `openapi/openapi.json` holds).
pub fn openapi_json() -> String {
    ApiDoc::openapi().to_pretty_json().unwrap_or_default()
}

/// `/openapi.json` and the Swagger UI at `/docs`, served from assets
/// compiled into the binary (no internet needed).
pub fn docs_service() -> SwaggerUi {
    SwaggerUi::new("/docs/{_:.*}").url("/openapi.json", ApiDoc::openapi())
}
