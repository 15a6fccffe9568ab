use hania_domain::bot::{Bot, BotStatus, BotType, TtsProvider};
use hania_domain::metadata::{Metadata, MetadataFilter};
use hania_domain::ports::Storage;
use hania_domain::prompt_builder::PromptBuilder;
use serde_json::json;

use crate::fixture::*;
use crate::{assert_conflict, assert_not_found};

fn every_field_set(mut bot: Bot) -> Bot {
    bot.description = "Answers billing questions".into();
    bot.prompt_builder = Some(PromptBuilder {
        persona: Some("a clerk".into()),
        ..Default::default()
    });
    bot.settings = json!({"theme": {"color": "#123456"}, "n": [1, 2]});
    bot.status = BotStatus::Active;
    bot.bot_type = BotType::Agent;
    bot.model = Some("gpt-4o-mini".into());
    bot.temperature = Some(0.7);
    bot.chat_greeting = Some("Hi! How can I help?".into());
    bot.tts_provider = Some(TtsProvider::Cartesia);
    bot.tts_voice = Some("sonic".into());
    bot.voice_greeting = Some("Hello, caller".into());
    bot.end_call_enabled = true;
    bot.call_transfer_enabled = true;
    bot.call_transfer_number = Some("+15550100".into());
    bot.outbound_calls_enabled = true;
    bot.max_call_seconds = Some(600);
    bot.schedule = Some("0 9 * * 1-5".parse().unwrap());
    bot.next_run_at = Some(at(3_600));
    bot.last_run_at = Some(at(-3_600));
    bot.agent_goal = Some("Summarise yesterday's tickets".into());
    bot.output_config = Some(json!({"format": "markdown"}));
    bot.max_iterations = Some(8);
    bot.timeout_seconds = Some(120);
    bot.metadata = Metadata::from_json(&json!({"team": "support", "tier": "gold"})).unwrap();
    bot
}

/// Every bot field survives a write and a read, and updates replace them.
pub async fn bots_round_trip_every_field(store: &dyn Storage) {
    let ws = workspace(store, 0).await;
    let bot = every_field_set(bot(ws, "Billing Bot", "billing-bot"));
    store.create_bot(&bot).await.unwrap();
    assert_eq!(store.get_bot(ws, bot.id).await.unwrap(), bot);
    assert_eq!(store.get_bot_by_slug(ws, "billing-bot").await.unwrap(), bot);

    let mut changed = bot.clone();
    changed.name = "Renamed".into();
    changed.slug = "renamed".into();
    changed.model = None;
    changed.temperature = None;
    changed.prompt_builder = None;
    changed.schedule = None;
    changed.next_run_at = None;
    changed.status = BotStatus::Inactive;
    changed.metadata = Metadata::from_json(&json!({"team": "sales"})).unwrap();
    changed.updated_at = at(60);
    store.update_bot(&changed).await.unwrap();
    assert_eq!(store.get_bot(ws, bot.id).await.unwrap(), changed);
    assert_not_found!(store.get_bot_by_slug(ws, "billing-bot").await);
    let listed = store
        .list_bots(ws, &MetadataFilter::default())
        .await
        .unwrap();
    assert_eq!(listed, vec![changed]);
}

/// Slugs are unique within a workspace only.
pub async fn slugs_are_unique_per_workspace(store: &dyn Storage) {
    let (ws, other) = (workspace(store, 0).await, workspace(store, 0).await);
    store.create_bot(&bot(ws, "Sales", "sales")).await.unwrap();
    store
        .create_bot(&bot(ws, "Sales", "sales-2"))
        .await
        .unwrap();
    store
        .create_bot(&bot(ws, "Sales", "salesforce"))
        .await
        .unwrap();
    assert_conflict!(
        store.create_bot(&bot(ws, "Sales", "sales")).await,
        SlugTaken
    );
    store
        .create_bot(&bot(other, "Sales", "sales"))
        .await
        .unwrap();

    let mut taken = store.slugs_like(ws, "sales").await.unwrap();
    taken.sort();
    assert_eq!(taken, vec!["sales", "sales-2"]);
    assert_eq!(
        store.slugs_like(other, "sales").await.unwrap(),
        vec!["sales"]
    );

    let mut rename = store.get_bot_by_slug(ws, "sales-2").await.unwrap();
    rename.slug = "sales".into();
    assert_conflict!(store.update_bot(&rename).await, SlugTaken);
}

/// `?metadata.k=v` filters combine with AND and only see the workspace.
pub async fn metadata_filter_is_an_and_of_pairs(store: &dyn Storage) {
    let (ws, other) = (workspace(store, 0).await, workspace(store, 0).await);
    let with = |ws, slug: &str, meta: serde_json::Value, offset| {
        let mut b = bot(ws, slug, slug);
        b.metadata = Metadata::from_json(&meta).unwrap();
        b.created_at = at(offset);
        b
    };
    let a = with(ws, "a", json!({"team": "support", "tier": "gold"}), 1);
    let b = with(ws, "b", json!({"team": "support", "tier": "silver"}), 2);
    let c = with(ws, "c", json!({"team": "sales", "tier": "gold"}), 3);
    let foreign = with(other, "d", json!({"team": "support", "tier": "gold"}), 0);
    for bot in [&a, &b, &c, &foreign] {
        store.create_bot(bot).await.unwrap();
    }
    let ids = |bots: Vec<Bot>| bots.into_iter().map(|b| b.id).collect::<Vec<_>>();
    let filter = |pairs: &[(&str, &str)]| {
        MetadataFilter::new(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())))
    };
    let all = store
        .list_bots(ws, &MetadataFilter::default())
        .await
        .unwrap();
    assert_eq!(ids(all), vec![a.id, b.id, c.id], "oldest first");
    let support = store
        .list_bots(ws, &filter(&[("team", "support")]))
        .await
        .unwrap();
    assert_eq!(ids(support), vec![a.id, b.id]);
    let both = store
        .list_bots(ws, &filter(&[("team", "support"), ("tier", "gold")]))
        .await
        .unwrap();
    assert_eq!(ids(both), vec![a.id]);
    let none = store
        .list_bots(ws, &filter(&[("team", "support"), ("tier", "bronze")]))
        .await
        .unwrap();
    assert!(none.is_empty());
}

/// Another workspace's bot is invisible and unchangeable.
pub async fn bots_of_other_workspaces_are_not_found(store: &dyn Storage) {
    let (ws, other) = (workspace(store, 0).await, workspace(store, 0).await);
    let bot = bot(ws, "Mine", "mine");
    store.create_bot(&bot).await.unwrap();
    assert_not_found!(store.get_bot(other, bot.id).await);
    assert_not_found!(store.get_bot_by_slug(other, "mine").await);
    let mut hijack = bot.clone();
    hijack.workspace_id = other;
    hijack.name = "Hijacked".into();
    assert_not_found!(store.update_bot(&hijack).await);
    assert_eq!(store.get_bot(ws, bot.id).await.unwrap().name, "Mine");
    assert!(
        store
            .list_bots(other, &MetadataFilter::default())
            .await
            .unwrap()
            .is_empty()
    );
}
