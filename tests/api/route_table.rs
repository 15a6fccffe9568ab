//! Every route of the account-key API, for the matrices in `matrix.rs`.

use hania_blackbox::Method;
use hania_domain::ability::Ability;
use serde_json::{Value, json};

/// One route of the account-key API, the ability it needs and a valid
/// body (with `{bot}`-style placeholders).
pub struct Route {
    pub method: Method,
    pub path: &'static str,
    pub ability: Ability,
    pub body: Option<Value>,
}

/// Every route of the account-key API.
pub fn routes() -> Vec<Route> {
    let r = |method, path, ability, body| Route {
        method,
        path,
        ability,
        body,
    };
    let (get, post, put, patch, delete) = (
        Method::GET,
        Method::POST,
        Method::PUT,
        Method::PATCH,
        Method::DELETE,
    );
    vec![
        r(get.clone(), "/api/v1/bots", Ability::BotsRead, None),
        r(
            post.clone(),
            "/api/v1/bots",
            Ability::BotsWrite,
            Some(json!({"name": "x", "system_prompt": "y"})),
        ),
        r(get.clone(), "/api/v1/bots/{bot}", Ability::BotsRead, None),
        r(
            put.clone(),
            "/api/v1/bots/{bot}",
            Ability::BotsWrite,
            Some(json!({"name": "hijacked"})),
        ),
        r(
            delete.clone(),
            "/api/v1/bots/{bot}",
            Ability::BotsWrite,
            None,
        ),
        r(
            patch,
            "/api/v1/bots/{bot}/metadata",
            Ability::BotsWrite,
            Some(json!({"owner": "attacker"})),
        ),
        r(
            get.clone(),
            "/api/v1/bots/{bot}/post-call-hooks",
            Ability::BotsRead,
            None,
        ),
        r(
            post.clone(),
            "/api/v1/bots/{bot}/post-call-hooks",
            Ability::BotsWrite,
            Some(json!({"tool_configuration_id": "{tool}"})),
        ),
        r(
            put.clone(),
            "/api/v1/bots/{bot}/post-call-hooks/{hook}",
            Ability::BotsWrite,
            Some(json!({"enabled": false})),
        ),
        r(
            delete.clone(),
            "/api/v1/bots/{bot}/post-call-hooks/{hook}",
            Ability::BotsWrite,
            None,
        ),
        r(
            get.clone(),
            "/api/v1/conversations",
            Ability::ConversationsRead,
            None,
        ),
        r(
            get.clone(),
            "/api/v1/conversations/{conversation}",
            Ability::ConversationsRead,
            None,
        ),
        r(
            get.clone(),
            "/api/v1/conversations/{conversation}/trace",
            Ability::ConversationsRead,
            None,
        ),
        r(
            delete.clone(),
            "/api/v1/conversations/{conversation}",
            Ability::ConversationsWrite,
            None,
        ),
        r(get.clone(), "/api/v1/tools", Ability::ToolsRead, None),
        r(
            post.clone(),
            "/api/v1/tools",
            Ability::ToolsWrite,
            Some(json!({"name": "t2", "config": {"url": "https://example.com"}})),
        ),
        r(
            get.clone(),
            "/api/v1/tools/{tool}",
            Ability::ToolsRead,
            None,
        ),
        r(
            put.clone(),
            "/api/v1/tools/{tool}",
            Ability::ToolsWrite,
            Some(json!({"description": "hijacked"})),
        ),
        r(
            delete.clone(),
            "/api/v1/tools/{tool}",
            Ability::ToolsWrite,
            None,
        ),
        r(
            get.clone(),
            "/api/v1/widgets/keys",
            Ability::WidgetsRead,
            None,
        ),
        r(
            post,
            "/api/v1/widgets/keys",
            Ability::WidgetsWrite,
            Some(json!({"bot_id": "{bot}"})),
        ),
        r(
            get.clone(),
            "/api/v1/widgets/keys/{widget}",
            Ability::WidgetsRead,
            None,
        ),
        r(
            put,
            "/api/v1/widgets/keys/{widget}",
            Ability::WidgetsWrite,
            Some(json!({"is_active": false})),
        ),
        r(
            delete,
            "/api/v1/widgets/keys/{widget}",
            Ability::WidgetsWrite,
            None,
        ),
        r(get.clone(), "/api/v1/keys", Ability::KeysWrite, None),
        r(
            Method::POST,
            "/api/v1/keys",
            Ability::KeysWrite,
            Some(json!({"name": "k", "abilities": ["keys:write"]})),
        ),
        r(
            Method::DELETE,
            "/api/v1/keys/{key}",
            Ability::KeysWrite,
            None,
        ),
        r(
            Method::POST,
            "/api/v1/chat/send",
            Ability::ChatSend,
            Some(json!({"bot_id": "{bot}", "message": "hi"})),
        ),
        r(
            Method::POST,
            "/api/v1/chat/send-stream",
            Ability::ChatSend,
            Some(json!({"bot_id": "{bot}", "message": "hi"})),
        ),
        r(
            Method::POST,
            "/api/v1/bots/discover",
            Ability::BotsWrite,
            Some(json!({"description": "A support bot"})),
        ),
        r(get, "/api/v1/billing", Ability::BillingRead, None),
    ]
}
