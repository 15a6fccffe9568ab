//! The route table. Each path answers 405 with `Allow` for methods it does
//! not serve; unknown paths answer 404; everything in the native envelope.

pub mod billing;
pub mod bots;
pub mod chat;
pub mod chat_stream;
pub mod conversations;
pub mod discover;
pub mod health;
pub mod hooks;
pub mod keys;
pub mod tools;
pub mod widgets;

use actix_web::middleware::from_fn;
use actix_web::{HttpResponse, Resource, web};

use crate::auth::{account_auth, hansei_auth, slug_auth};
use crate::dialects::{Dialect, hansei, slug};
use crate::error::ApiError;
use crate::extract::MAX_BODY_BYTES;

/// A resource that answers 405 (with `Allow: <allowed>`) to other methods.
fn resource(path: &str, allowed: &'static [&'static str]) -> Resource {
    web::resource(path).default_service(web::to(move || async move {
        Err::<HttpResponse, ApiError>(ApiError::MethodNotAllowed(allowed))
    }))
}

/// Answers unknown paths.
pub async fn not_found() -> Result<HttpResponse, ApiError> {
    Err(ApiError::NotFound("No such endpoint".into()))
}

/// Registers every route of the native API, health checks, the OpenAPI
/// document and the docs UI.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.app_data(web::PayloadConfig::new(MAX_BODY_BYTES))
        .service(resource("/healthz", &["GET"]).route(web::get().to(health::healthz)))
        .service(resource("/readyz", &["GET"]).route(web::get().to(health::readyz)))
        .service(crate::openapi::docs_service())
        .service(
            web::scope("/public/v1")
                .wrap(from_fn(hansei_auth))
                .service(
                    Dialect::Hansei
                        .resource("/messages", &["POST"])
                        .route(web::post().to(hansei::send_message)),
                )
                .default_service(web::to(Dialect::Hansei.not_found())),
        )
        .service(
            web::scope("/v1/api")
                .wrap(from_fn(slug_auth))
                .service(
                    Dialect::Slug
                        .resource("/chat/{slug}", &["POST"])
                        .route(web::post().to(slug::chat)),
                )
                .default_service(web::to(Dialect::Slug.not_found())),
        )
        .service(
            web::scope("/api/v1")
                .wrap(from_fn(account_auth))
                .service(
                    resource("/bots", &["GET", "POST"])
                        .route(web::get().to(bots::list_bots))
                        .route(web::post().to(bots::create_bot)),
                )
                .service(
                    resource("/bots/discover", &["POST"]).route(web::post().to(discover::discover)),
                )
                .service(
                    resource("/bots/{id}", &["GET", "PUT", "DELETE"])
                        .route(web::get().to(bots::get_bot))
                        .route(web::put().to(bots::update_bot))
                        .route(web::delete().to(bots::delete_bot)),
                )
                .service(
                    resource("/bots/{id}/metadata", &["PATCH"])
                        .route(web::patch().to(bots::patch_metadata)),
                )
                .service(
                    resource("/conversations", &["GET"])
                        .route(web::get().to(conversations::list_conversations)),
                )
                .service(
                    resource("/conversations/{id}", &["GET", "DELETE"])
                        .route(web::get().to(conversations::get_conversation))
                        .route(web::delete().to(conversations::delete_conversation)),
                )
                .service(
                    resource("/conversations/{id}/trace", &["GET"])
                        .route(web::get().to(conversations::get_trace)),
                )
                .service(
                    resource("/bots/{botID}/post-call-hooks", &["GET", "POST"])
                        .route(web::get().to(hooks::list_hooks))
                        .route(web::post().to(hooks::create_hook)),
                )
                .service(
                    resource("/bots/{botID}/post-call-hooks/{hookID}", &["PUT", "DELETE"])
                        .route(web::put().to(hooks::update_hook))
                        .route(web::delete().to(hooks::delete_hook)),
                )
                .service(
                    resource("/tools", &["GET", "POST"])
                        .route(web::get().to(tools::list_tools))
                        .route(web::post().to(tools::create_tool)),
                )
                .service(
                    resource("/tools/{id}", &["GET", "PUT", "DELETE"])
                        .route(web::get().to(tools::get_tool))
                        .route(web::put().to(tools::update_tool))
                        .route(web::delete().to(tools::delete_tool)),
                )
                .service(
                    resource("/widgets/keys", &["GET", "POST"])
                        .route(web::get().to(widgets::list_widget_keys))
                        .route(web::post().to(widgets::create_widget_key)),
                )
                .service(
                    resource("/widgets/keys/{id}", &["GET", "PUT", "DELETE"])
                        .route(web::get().to(widgets::get_widget_key))
                        .route(web::put().to(widgets::update_widget_key))
                        .route(web::delete().to(widgets::revoke_widget_key)),
                )
                .service(
                    resource("/keys", &["GET", "POST"])
                        .route(web::get().to(keys::list_keys))
                        .route(web::post().to(keys::create_key)),
                )
                .service(
                    resource("/keys/{id}", &["DELETE"]).route(web::delete().to(keys::revoke_key)),
                )
                .service(resource("/chat/send", &["POST"]).route(web::post().to(chat::send)))
                .service(
                    resource("/chat/send-stream", &["POST"])
                        .route(web::post().to(chat_stream::send_stream)),
                )
                .service(resource("/billing", &["GET"]).route(web::get().to(billing::get_billing)))
                .default_service(web::to(not_found)),
        );
}
