//! The route table: each route's handler and who may call it, declared
//! once. A route's method and path are those of its handler's
//! `#[utoipa::path]`, so the router and the OpenAPI document cannot
//! disagree; the router is built from the table, each route's ability is
//! enforced from it ([`crate::middleware::ability`]), and the document's
//! security requirements are written from it ([`crate::openapi`]).
//!
//! Every path answers 405 with `Allow` for methods it does not serve and
//! each dialect's scope answers unknown paths 404, in that dialect's shape.

use std::collections::BTreeMap;

use actix_web::body::BoxBody;
use actix_web::dev::ServiceRequest;
use actix_web::http::Method;
use actix_web::middleware::{Next, from_fn};
use actix_web::{HttpResponse, Resource, web};
use hania_domain::ability::Ability;
use utoipa::OpenApi;
use utoipa::openapi::path::PathItem;

use crate::middleware::{ability, auth, no_query, widget_auth};
use crate::native::{
    billing, bot_run, bot_tools, bots, calls, chat, conversations, discover, health, hooks, keys,
    metrics, send_stream, tools, widget_embed, widgets,
};
use crate::wire::dialect::Dialect;
use crate::wire::error::ApiError;
use crate::wire::extract::MAX_BODY_BYTES;
use crate::{hansei, slug, widget};

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Access {
    /// Anyone, without a key (health checks).
    Open,
    /// An account key of the route's dialect that holds this ability.
    Key(Ability),
    /// A widget key, from a page on one of its allowed origins.
    Widget,
}

/// A route as the table declares it.
struct Declared {
    dialect: Dialect,
    access: Access,
    /// The handler's path, e.g. `native :: bots :: list_bots`; its last
    /// segment is the OpenAPI operation id.
    handler: &'static str,
    register: fn(actix_web::Route) -> actix_web::Route,
}

/// A route of the table with the method and path of its documentation.
pub(crate) struct Route {
    pub(crate) dialect: Dialect,
    pub(crate) access: Access,
    pub(crate) method: Method,
    pub(crate) path: String,
    /// The operation documents query parameters (and checks them).
    takes_query: bool,
    register: fn(actix_web::Route) -> actix_web::Route,
}

macro_rules! route_table {
    ($($dialect:ident $access:expr => $($handler:ident)::+;)*) => {
        /// The handlers' documentation: one operation per route.
        #[derive(OpenApi)]
        #[openapi(paths($($($handler)::+),*))]
        pub(crate) struct RouteDocs;

        fn declared() -> Vec<Declared> {
            use Ability::*;
            use Access::*;
            vec![$(Declared {
                dialect: Dialect::$dialect,
                access: $access,
                handler: stringify!($($handler)::+),
                register: |route| route.to($($handler)::+),
            }),*]
        }
    };
}

route_table! {
    Native Open => health::healthz;
    Native Open => health::readyz;
    Native Open => metrics::metrics;
    Native Open => widget::script::widget_script;
    Native Open => widget::script::widget_demo;
    Native Key(ChatSend) => chat::send;
    Native Key(ChatSend) => send_stream::send_stream;
    Native Key(BotsRead) => bots::list_bots;
    Native Key(BotsWrite) => bots::create_bot;
    Native Key(BotsWrite) => discover::discover;
    Native Key(BotsRead) => bots::get_bot;
    Native Key(BotsWrite) => bots::update_bot;
    Native Key(BotsWrite) => bots::delete_bot;
    Native Key(BotsWrite) => bots::patch_metadata;
    Native Key(BotsWrite) => bot_run::run_bot;
    Native Key(BotsRead) => bot_tools::list_bot_tools;
    Native Key(BotsWrite) => bot_tools::attach_tool;
    Native Key(BotsWrite) => bot_tools::detach_tool;
    Native Key(BotsRead) => hooks::list_hooks;
    Native Key(BotsWrite) => hooks::create_hook;
    Native Key(BotsWrite) => hooks::update_hook;
    Native Key(BotsWrite) => hooks::delete_hook;
    Native Key(ConversationsRead) => conversations::list_conversations;
    Native Key(ConversationsRead) => conversations::get_conversation;
    Native Key(ConversationsRead) => conversations::get_trace;
    Native Key(ConversationsWrite) => conversations::delete_conversation;
    Native Key(ToolsRead) => tools::list_tools;
    Native Key(ToolsWrite) => tools::create_tool;
    Native Key(ToolsRead) => tools::get_tool;
    Native Key(ToolsWrite) => tools::update_tool;
    Native Key(ToolsWrite) => tools::delete_tool;
    Native Key(WidgetsRead) => widgets::list_widget_keys;
    Native Key(WidgetsWrite) => widgets::create_widget_key;
    Native Key(WidgetsRead) => widgets::get_widget_key;
    Native Key(WidgetsWrite) => widgets::update_widget_key;
    Native Key(WidgetsWrite) => widgets::revoke_widget_key;
    Native Key(WidgetsWrite) => widget_embed::rotate_identity_secret;
    Native Key(WidgetsRead) => widget_embed::get_embed_code;
    Native Key(KeysWrite) => keys::list_keys;
    Native Key(KeysWrite) => keys::create_key;
    Native Key(KeysWrite) => keys::revoke_key;
    Native Key(BillingRead) => billing::get_billing;
    Native Key(CallsWrite) => calls::start_call;
    Native Key(CallsWrite) => calls::record_transcript;
    Hansei Key(ChatSend) => hansei::send_message;
    Slug Key(ChatSend) => slug::chat;
    Widget Widget => widget::chat::widget_config;
    Widget Widget => widget::chat::widget_chat;
    Widget Widget => widget::chat::widget_chat_stream;
    Widget Widget => widget::conversations::widget_last_conversation;
    Widget Widget => widget::conversations::widget_conversation;
}

/// The methods an OpenAPI path item documents, with their operation ids
/// and whether they take query parameters.
fn operations(item: &PathItem) -> Vec<(Method, Option<&str>, bool)> {
    [
        (Method::GET, &item.get),
        (Method::POST, &item.post),
        (Method::PUT, &item.put),
        (Method::PATCH, &item.patch),
        (Method::DELETE, &item.delete),
    ]
    .into_iter()
    .filter_map(|(method, op)| {
        op.as_ref().map(|op| {
            let query = op
                .parameters
                .iter()
                .flatten()
                .any(|p| matches!(p.parameter_in, utoipa::openapi::path::ParameterIn::Query));
            (method, op.operation_id.as_deref(), query)
        })
    })
    .collect()
}

/// Every route, with the method and path its handler documents. A handler
/// without documentation is left out and logged (a unit test keeps the
/// table and the documentation in step).
pub(crate) fn routes() -> Vec<Route> {
    let docs = RouteDocs::openapi();
    let mut documented: BTreeMap<String, (Method, String, bool)> = BTreeMap::new();
    for (path, item) in &docs.paths.paths {
        for (method, id, query) in operations(item) {
            if let Some(id) = id {
                documented.insert(id.to_owned(), (method, path.clone(), query));
            }
        }
    }
    declared()
        .into_iter()
        .filter_map(|route| {
            let id = operation_id(route.handler);
            let Some((method, path, takes_query)) = documented.get(&id).cloned() else {
                tracing::error!(handler = route.handler, "route without documentation");
                return None;
            };
            Some(Route {
                dialect: route.dialect,
                access: route.access,
                method,
                path,
                takes_query,
                register: route.register,
            })
        })
        .collect()
}

/// The operation id utoipa gives a handler: its function name.
fn operation_id(handler: &str) -> String {
    handler
        .rsplit("::")
        .next()
        .unwrap_or(handler)
        .trim()
        .to_owned()
}

/// The routes of one path (in the table's order), by path.
fn by_path<'a>(routes: impl Iterator<Item = &'a Route>) -> BTreeMap<&'a str, Vec<&'a Route>> {
    let mut paths: BTreeMap<&str, Vec<&Route>> = BTreeMap::new();
    for route in routes {
        paths.entry(route.path.as_str()).or_default().push(route);
    }
    paths
}

/// The resource of one path: its routes, each behind its ability check,
/// and 405 with `Allow` for every other method.
fn resource(path: &str, dialect: Dialect, routes: &[&Route]) -> Resource {
    let allowed = routes
        .iter()
        .map(|r| r.method.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let mut resource = web::resource(path).default_service(web::to(move || {
        let refusal = dialect.error_response(&ApiError::MethodNotAllowed(allowed.clone()));
        async move { refusal }
    }));
    for route in routes {
        let handler = (route.register)(web::method(route.method.clone()));
        // The compat dialects stay lenient: their vendors' clients may add
        // parameters of their own.
        let handler = if dialect == Dialect::Native && !route.takes_query {
            handler.wrap(from_fn(move |req: ServiceRequest, next: Next<BoxBody>| {
                no_query::refuse_query(req, next, dialect)
            }))
        } else {
            handler
        };
        let handler = match route.access {
            Access::Open | Access::Widget => handler,
            Access::Key(needed) => {
                handler.wrap(from_fn(move |req: ServiceRequest, next: Next<BoxBody>| {
                    ability::require(req, next, needed, dialect)
                }))
            }
        };
        resource = resource.route(handler);
    }
    resource
}

/// The answer to an unknown path, in the dialect's shape.
fn not_found(dialect: Dialect) -> HttpResponse {
    dialect.error_response(&ApiError::NotFound("No such endpoint".into()))
}

/// Registers every route of the table: open routes at the root, the
/// others in their dialect's scope behind its key authentication.
pub(crate) fn register(cfg: &mut web::ServiceConfig) {
    let routes = routes();
    cfg.app_data(web::PayloadConfig::new(MAX_BODY_BYTES));
    let open = routes.iter().filter(|r| r.access == Access::Open);
    for (path, group) in by_path(open) {
        cfg.service(resource(path, Dialect::Native, &group));
    }
    for dialect in Dialect::ALL {
        let prefix = dialect.prefix();
        let keyed = routes
            .iter()
            .filter(|r| r.dialect == dialect && r.access != Access::Open);
        let mut scope = web::scope(prefix).wrap(from_fn(
            move |req: ServiceRequest, next: Next<BoxBody>| async move {
                if dialect == Dialect::Widget {
                    widget_auth::authenticate(req, next).await
                } else {
                    auth::authenticate(req, next, dialect).await
                }
            },
        ));
        for (path, group) in by_path(keyed) {
            let inner = path.strip_prefix(prefix).unwrap_or(path);
            scope = scope.service(resource(inner, dialect, &group));
        }
        cfg.service(scope.default_service(web::to(move || async move { not_found(dialect) })));
    }
    cfg.default_service(web::to(|| async { not_found(Dialect::Native) }));
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn every_declared_handler_is_one_documented_operation() {
        let declared = declared();
        let routes = routes();
        assert_eq!(
            routes.len(),
            declared.len(),
            "a handler has no #[utoipa::path]"
        );
        let ids: BTreeSet<String> = declared.iter().map(|d| operation_id(d.handler)).collect();
        assert_eq!(ids.len(), declared.len(), "operation ids must be unique");
        let docs = RouteDocs::openapi();
        let documented: BTreeSet<(String, String)> = docs
            .paths
            .paths
            .iter()
            .flat_map(|(path, item)| {
                operations(item)
                    .into_iter()
                    .map(move |(method, _, _)| (method.to_string(), path.clone()))
            })
            .collect();
        let table: BTreeSet<(String, String)> = routes
            .iter()
            .map(|r| (r.method.to_string(), r.path.clone()))
            .collect();
        assert_eq!(table, documented);
    }

    #[test]
    fn keyed_routes_live_under_their_dialects_prefix() {
        for route in routes() {
            match route.access {
                Access::Open => assert!(!route.path.starts_with("/api/")),
                Access::Widget => assert_eq!(route.dialect, Dialect::Widget),
                Access::Key(_) => assert!(
                    route.path.starts_with(route.dialect.prefix()),
                    "{} {}",
                    route.method,
                    route.path
                ),
            }
        }
    }
}
