use serde_json::json;
use time::macros::datetime;
use uuid::Uuid;

use super::*;

const NOW: OffsetDateTime = datetime!(2026-11-21 10:00 UTC);

fn named(name: &str) -> BotChanges {
    BotChanges {
        name: FieldUpdate::Set(name.into()),
        system_prompt: FieldUpdate::Set("Be helpful.".into()),
        ..BotChanges::default()
    }
}

fn create(changes: BotChanges) -> Result<Bot, ValidationError> {
    let ws = WorkspaceId::from_uuid(Uuid::nil());
    Bot::create(
        BotId::from_uuid(Uuid::from_u128(1)),
        ws,
        changes,
        "slug".into(),
        NOW,
    )
}

#[test]
fn create_applies_defaults_and_requires_name_and_prompt() {
    let bot = create(named("Support")).unwrap();
    assert_eq!(
        (bot.status, bot.bot_type),
        (BotStatus::Active, BotType::Chatbot)
    );
    assert_eq!(bot.settings, json!({}));
    assert_eq!(create(BotChanges::default()).unwrap_err().field, "name");
    let no_prompt = BotChanges {
        system_prompt: FieldUpdate::Unchanged,
        ..named("x")
    };
    assert_eq!(create(no_prompt).unwrap_err().field, "system_prompt");
    let built = BotChanges {
        system_prompt: FieldUpdate::Unchanged,
        prompt_builder: FieldUpdate::Set(json!({"persona": "a pirate"})),
        ..named("x")
    };
    assert_eq!(create(built).unwrap().system_prompt, "You are a pirate.");
}

#[test]
fn each_invalid_field_is_named() {
    let cases: Vec<(BotChanges, &str)> = vec![
        (
            BotChanges {
                temperature: FieldUpdate::Set(2.5),
                ..named("x")
            },
            "temperature",
        ),
        (
            BotChanges {
                temperature: FieldUpdate::Set(f64::NAN),
                ..named("x")
            },
            "temperature",
        ),
        (
            BotChanges {
                tts_provider: FieldUpdate::Set("polly".into()),
                ..named("x")
            },
            "tts_provider",
        ),
        (
            BotChanges {
                bot_type: FieldUpdate::Set("robot".into()),
                ..named("x")
            },
            "bot_type",
        ),
        (
            BotChanges {
                status: FieldUpdate::Set("gone".into()),
                ..named("x")
            },
            "status",
        ),
        (
            BotChanges {
                schedule: FieldUpdate::Set("every day".into()),
                ..named("x")
            },
            "schedule",
        ),
        (
            BotChanges {
                metadata: FieldUpdate::Set(json!({"a": 1})),
                ..named("x")
            },
            "metadata.a",
        ),
        (
            BotChanges {
                settings: FieldUpdate::Set(json!([1])),
                ..named("x")
            },
            "settings",
        ),
        (
            BotChanges {
                max_iterations: FieldUpdate::Set(0),
                ..named("x")
            },
            "max_iterations",
        ),
        (
            BotChanges {
                slug: FieldUpdate::Set("Bad Slug".into()),
                ..named("x")
            },
            "slug",
        ),
        (named("nul\0name"), "name"),
        (
            BotChanges {
                name: FieldUpdate::Set("  ".into()),
                ..named("x")
            },
            "name",
        ),
    ];
    for (changes, field) in cases {
        assert_eq!(create(changes).unwrap_err().field, field);
    }
}

#[test]
fn partial_update_keeps_omitted_clears_null_and_refuses_null_required() {
    let mut bot = create(BotChanges {
        model: FieldUpdate::Set("gpt-4o".into()),
        chat_greeting: FieldUpdate::Set("Hi!".into()),
        ..named("Support")
    })
    .unwrap();
    let later = datetime!(2026-11-22 10:00 UTC);
    bot.apply(
        BotChanges {
            model: FieldUpdate::Clear,
            temperature: FieldUpdate::Set(0.3),
            ..Default::default()
        },
        later,
    )
    .unwrap();
    assert_eq!(bot.model, None);
    assert_eq!(bot.chat_greeting.as_deref(), Some("Hi!"));
    assert_eq!(bot.temperature, Some(0.3));
    assert_eq!(bot.updated_at, later);
    let before = bot.clone();
    let err = bot.apply(
        BotChanges {
            name: FieldUpdate::Clear,
            ..Default::default()
        },
        later,
    );
    assert_eq!(err.unwrap_err().field, "name");
    assert_eq!(bot, before, "a refused update changes nothing");
}

#[test]
fn changing_the_builder_reassembles_the_prompt_and_schedules_agents() {
    let mut bot = create(named("Agent")).unwrap();
    bot.apply(
        BotChanges {
            prompt_builder: FieldUpdate::Set(json!({"goal": "triage tickets"})),
            schedule: FieldUpdate::Set("0 * * * *".into()),
            ..Default::default()
        },
        NOW,
    )
    .unwrap();
    assert_eq!(bot.system_prompt, "Your goal: triage tickets");
    assert_eq!(bot.next_run_at, Some(datetime!(2026-11-21 11:00 UTC)));
    bot.apply(
        BotChanges {
            status: FieldUpdate::Set("inactive".into()),
            ..Default::default()
        },
        NOW,
    )
    .unwrap();
    assert_eq!(bot.next_run_at, None);
}
