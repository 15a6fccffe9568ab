//! The one table of the store's named rules: which unique index or
//! primary key is which [`StoreConflict`]. PostgreSQL reports the
//! constraint's name; SQLite reports only `UNIQUE constraint failed:
//! <table>.<column>, …`, so each rule also lists its columns. Both come
//! from the migrations (`migrations/*/…/up.sql`); a contract case per rule
//! proves both backends agree.

use hania_domain::ports::StoreConflict;

/// A unique rule: PostgreSQL's constraint name and SQLite's column list.
struct UniqueRule {
    postgres: &'static str,
    sqlite: &'static str,
    conflict: StoreConflict,
}

const UNIQUE_RULES: &[UniqueRule] = &[
    UniqueRule {
        postgres: "bots_workspace_slug",
        sqlite: "bots.workspace_id, bots.slug",
        conflict: StoreConflict::SlugTaken,
    },
    UniqueRule {
        postgres: "tool_configurations_workspace_name",
        sqlite: "tool_configurations.workspace_id, tool_configurations.name",
        conflict: StoreConflict::ToolNameTaken,
    },
    UniqueRule {
        postgres: "post_call_hooks_bot_tool",
        sqlite: "post_call_hooks.bot_id, post_call_hooks.tool_configuration_id",
        conflict: StoreConflict::HookExists,
    },
    UniqueRule {
        postgres: "conversations_bot_voice_call",
        sqlite: "conversations.bot_id, conversations.external_call_id",
        conflict: StoreConflict::CallExists,
    },
    UniqueRule {
        postgres: "api_keys_hash",
        sqlite: "api_keys.key_hash",
        conflict: StoreConflict::IdExists,
    },
];

/// The conflict of a unique violation, from PostgreSQL's constraint name
/// or SQLite's message. Primary keys (`<table>_pkey`, `<table>.id`) are
/// [`StoreConflict::IdExists`]; a rule not in the table is
/// [`StoreConflict::Other`] and is logged.
pub fn unique_violation(constraint: Option<&str>, message: &str) -> StoreConflict {
    let columns = message
        .strip_prefix("UNIQUE constraint failed: ")
        .unwrap_or_default();
    let known = UNIQUE_RULES.iter().find(|rule| match constraint {
        Some(name) => name == rule.postgres,
        None => columns == rule.sqlite,
    });
    if let Some(rule) = known {
        return rule.conflict;
    }
    let primary_key = match constraint {
        Some(name) => name.ends_with("_pkey"),
        None => columns.ends_with(".id") && !columns.contains(','),
    };
    if primary_key {
        return StoreConflict::IdExists;
    }
    tracing::error!(
        constraint,
        message,
        "unique rule missing from the store's table"
    );
    StoreConflict::Other
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_backends_name_the_same_rule() {
        for rule in UNIQUE_RULES {
            let sqlite = format!("UNIQUE constraint failed: {}", rule.sqlite);
            assert_eq!(unique_violation(None, &sqlite), rule.conflict);
            assert_eq!(
                unique_violation(Some(rule.postgres), "duplicate key value"),
                rule.conflict
            );
        }
        assert_eq!(
            unique_violation(None, "UNIQUE constraint failed: bots.id"),
            StoreConflict::IdExists
        );
        assert_eq!(
            unique_violation(Some("bots_pkey"), "duplicate key"),
            StoreConflict::IdExists
        );
        assert_eq!(
            unique_violation(Some("something_new"), "duplicate key"),
            StoreConflict::Other
        );
    }
}
