//! Builders of valid entities for the contract cases.

use hania_domain::ability::AbilitySet;
use hania_domain::api_key::{ApiKey, KeyFamily, KeyKind, KeySecret};
use hania_domain::billing::{BillingAccount, BillingStatus, Plan, period_start_of};
use hania_domain::bot::Bot;
use hania_domain::bot_changes::BotChanges;
use hania_domain::conversation::{Channel, Conversation, NewConversation};
use hania_domain::field_update::FieldUpdate;
use hania_domain::ids::*;
use hania_domain::message::{NewMessage, Role};
use hania_domain::money::Money;
use hania_domain::ports::Storage;
use hania_domain::tool::{ToolConfig, ToolKind, WebhookTool};
use hania_domain::workspace::Workspace;
use time::macros::datetime;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

/// A base instant with microsecond precision (what both backends store).
pub const T0: OffsetDateTime = datetime!(2026-11-21 10:00:00.123456 UTC);

/// A fresh random id.
pub fn id<T: From<Uuid>>() -> T {
    T::from(Uuid::new_v4())
}

/// `T0` plus `seconds`.
pub fn at(seconds: i64) -> OffsetDateTime {
    T0 + Duration::seconds(seconds)
}

/// Creates a workspace with `balance` micros on an unlimited plan.
pub async fn workspace(store: &dyn Storage, balance: i64) -> WorkspaceId {
    let ws = Workspace {
        id: id(),
        name: "Acme".into(),
        default_rate_limit_per_hour: 600,
        created_at: T0,
    };
    let billing = BillingAccount {
        workspace_id: ws.id,
        status: BillingStatus::Active,
        plan: Plan {
            name: "pro".into(),
            monthly_turn_allowance: Some(1_000),
        },
        balance: Money(balance),
        period_start: period_start_of(T0),
        period_turns_used: 0,
        updated_at: T0,
    };
    store.create_workspace(&ws, &billing).await.unwrap();
    ws.id
}

/// A valid bot named `name` with the slug `slug`.
pub fn bot(ws: WorkspaceId, name: &str, slug: &str) -> Bot {
    let changes = BotChanges {
        name: FieldUpdate::Set(name.into()),
        system_prompt: FieldUpdate::Set("Be helpful.".into()),
        ..BotChanges::default()
    };
    Bot::create(id(), ws, changes, slug.into(), T0).unwrap()
}

/// Stores a bot and returns its id.
pub async fn stored_bot(store: &dyn Storage, ws: WorkspaceId, slug: &str) -> BotId {
    let bot = bot(ws, slug, slug);
    store.create_bot(&bot).await.unwrap();
    bot.id
}

/// An account key with every ability.
pub fn account_key(ws: WorkspaceId, seed: u8) -> (ApiKey, KeySecret) {
    let secret = KeySecret::from_random(KeyFamily::Account, [seed; 20]);
    let key = ApiKey {
        id: id(),
        workspace_id: ws,
        name: format!("key {seed}"),
        kind: KeyKind::Account,
        display_prefix: secret.display_prefix(),
        hash: secret.hash(),
        abilities: AbilitySet::parse(&["bots:*", "chat:send"]).unwrap(),
        rate_limit_per_hour: Some(120),
        expires_at: Some(at(86_400)),
        revoked_at: None,
        created_at: T0,
    };
    (key, secret)
}

/// A webhook tool named `name`.
pub fn tool(ws: WorkspaceId, name: &str) -> ToolConfig {
    ToolConfig {
        id: id(),
        workspace_id: ws,
        name: name.into(),
        description: "Looks an order up".into(),
        kind: ToolKind::Webhook(WebhookTool {
            url: "https://example.com/hook".into(),
            secret_header: None,
            timeout_ms: 5_000,
            signing_secret: Some("whsec_0123456789abcdef".into()),
        }),
        parameters: serde_json::json!({"type": "object"}),
        created_at: T0,
        updated_at: T0,
    }
}

/// A new conversation of `bot` on `channel` started at `at(offset)`.
pub fn new_conversation(
    ws: WorkspaceId,
    bot: BotId,
    channel: Channel,
    offset: i64,
) -> NewConversation {
    NewConversation {
        id: id(),
        workspace_id: ws,
        bot_id: bot,
        channel,
        customer_id: None,
        external_call_id: None,
        external_linked_id: None,
        source_conversation_id: None,
        started_at: at(offset),
    }
}

/// Stores a new conversation.
pub async fn conversation(
    store: &dyn Storage,
    ws: WorkspaceId,
    bot: BotId,
    channel: Channel,
) -> Conversation {
    store
        .create_conversation(&new_conversation(ws, bot, channel, 0))
        .await
        .unwrap()
}

/// A message of `role` saying `content`.
pub fn message(role: Role, content: &str, offset: i64) -> NewMessage {
    NewMessage {
        id: id(),
        role,
        content: content.into(),
        metadata: None,
        created_at: at(offset),
    }
}
