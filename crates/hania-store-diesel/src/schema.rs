//! The one schema both backends share. The migrations under
//! `migrations/sqlite` and `migrations/postgres` create exactly these tables
//! (the contract suite proves it by exercising every column on both).

diesel::table! {
    use diesel::sql_types::*;
    use crate::sql_types::*;

    workspaces (id) {
        id -> DbUuid,
        name -> Text,
        default_rate_limit_per_hour -> Integer,
        created_at -> DbTimestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::sql_types::*;

    billing_accounts (workspace_id) {
        workspace_id -> DbUuid,
        status -> Text,
        plan_name -> Text,
        monthly_turn_allowance -> Nullable<Integer>,
        balance_micros -> BigInt,
        period_start -> Date,
        period_turns_used -> Integer,
        updated_at -> DbTimestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::sql_types::*;

    api_keys (id) {
        id -> DbUuid,
        workspace_id -> DbUuid,
        name -> Text,
        family -> Text,
        display_prefix -> Text,
        key_hash -> Text,
        abilities -> DbJson,
        rate_limit_per_hour -> Nullable<Integer>,
        expires_at -> Nullable<DbTimestamp>,
        revoked_at -> Nullable<DbTimestamp>,
        widget_bot_id -> Nullable<DbUuid>,
        allowed_domains -> DbJson,
        is_active -> Bool,
        created_at -> DbTimestamp,
        visitor_rate_limit_per_hour -> Integer,
        widget_key_text -> Nullable<Text>,
        identity_secret -> Nullable<Text>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::sql_types::*;

    bots (id) {
        id -> DbUuid,
        workspace_id -> DbUuid,
        name -> Text,
        description -> Text,
        slug -> Text,
        system_prompt -> Text,
        prompt_builder -> Nullable<DbJson>,
        settings -> DbJson,
        status -> Text,
        bot_type -> Text,
        model -> Nullable<Text>,
        temperature -> Nullable<Double>,
        chat_greeting -> Nullable<Text>,
        tts_provider -> Nullable<Text>,
        tts_voice -> Nullable<Text>,
        voice_greeting -> Nullable<Text>,
        end_call_enabled -> Bool,
        call_transfer_enabled -> Bool,
        call_transfer_number -> Nullable<Text>,
        outbound_calls_enabled -> Bool,
        max_call_seconds -> Nullable<Integer>,
        schedule -> Nullable<Text>,
        next_run_at -> Nullable<DbTimestamp>,
        last_run_at -> Nullable<DbTimestamp>,
        agent_goal -> Nullable<Text>,
        output_config -> Nullable<DbJson>,
        max_iterations -> Nullable<Integer>,
        timeout_seconds -> Nullable<Integer>,
        metadata -> DbJson,
        created_at -> DbTimestamp,
        updated_at -> DbTimestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::sql_types::*;

    bot_metadata (bot_id, key) {
        bot_id -> DbUuid,
        key -> Text,
        value -> Text,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::sql_types::*;

    tool_configurations (id) {
        id -> DbUuid,
        workspace_id -> DbUuid,
        name -> Text,
        description -> Text,
        tool_type -> Text,
        config -> DbJson,
        parameters -> DbJson,
        created_at -> DbTimestamp,
        updated_at -> DbTimestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::sql_types::*;

    post_call_hooks (id) {
        id -> DbUuid,
        workspace_id -> DbUuid,
        bot_id -> DbUuid,
        tool_configuration_id -> DbUuid,
        run_order -> Integer,
        enabled -> Bool,
        params_template -> DbJson,
        created_at -> DbTimestamp,
        updated_at -> DbTimestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::sql_types::*;

    conversations (id) {
        id -> DbUuid,
        workspace_id -> DbUuid,
        bot_id -> DbUuid,
        channel -> Text,
        customer_id -> Nullable<Text>,
        external_call_id -> Nullable<Text>,
        external_linked_id -> Nullable<Text>,
        source_conversation_id -> Nullable<DbUuid>,
        message_count -> Integer,
        trace_step_count -> Integer,
        started_at -> DbTimestamp,
        ended_at -> Nullable<DbTimestamp>,
        last_message_at -> Nullable<DbTimestamp>,
        last_message_preview -> Nullable<Text>,
        analysis_sentiment -> Nullable<Text>,
        analysis_topic -> Nullable<Text>,
        analysis_outcome -> Nullable<Text>,
        analysis_summary -> Nullable<Text>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::sql_types::*;

    /// Kept by triggers (migration `000010`); the store only reads it.
    conversation_counts (workspace_id, bot_id, channel) {
        workspace_id -> DbUuid,
        bot_id -> DbUuid,
        channel -> Text,
        conversations -> BigInt,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::sql_types::*;

    /// Kept by triggers (migration `000011`); the store only reads it.
    /// An absent analysis value is `''` here.
    conversation_analysis_counts (workspace_id, sentiment, topic, outcome, bot_id, channel) {
        workspace_id -> DbUuid,
        bot_id -> DbUuid,
        channel -> Text,
        sentiment -> Text,
        topic -> Text,
        outcome -> Text,
        conversations -> BigInt,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::sql_types::*;

    messages (id) {
        id -> DbUuid,
        conversation_id -> DbUuid,
        position -> Integer,
        role -> Text,
        content -> Text,
        metadata -> Nullable<DbJson>,
        created_at -> DbTimestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::sql_types::*;

    trace_steps (id) {
        id -> DbUuid,
        conversation_id -> DbUuid,
        step_number -> Integer,
        action_type -> Text,
        action_name -> Text,
        result_summary -> Nullable<Text>,
        items_count -> Nullable<Integer>,
        started_at -> DbTimestamp,
        completed_at -> Nullable<DbTimestamp>,
        duration_ms -> Nullable<BigInt>,
        error_message -> Nullable<Text>,
        model -> Nullable<Text>,
        prompt_tokens -> Nullable<Integer>,
        completion_tokens -> Nullable<Integer>,
        total_tokens -> Nullable<Integer>,
        tool_function -> Nullable<Text>,
        tool_execution_ms -> Nullable<BigInt>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::sql_types::*;

    ledger_entries (id) {
        id -> DbUuid,
        workspace_id -> DbUuid,
        kind -> Text,
        amount_micros -> BigInt,
        balance_after_micros -> BigInt,
        conversation_id -> Nullable<DbUuid>,
        message_id -> Nullable<DbUuid>,
        model -> Nullable<Text>,
        prompt_tokens -> Integer,
        completion_tokens -> Integer,
        description -> Text,
        created_at -> DbTimestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::sql_types::*;

    idempotency_keys (workspace_id, key) {
        workspace_id -> DbUuid,
        key -> Text,
        fingerprint -> Text,
        status -> Nullable<Integer>,
        content_type -> Nullable<Text>,
        body -> Nullable<Text>,
        created_at -> DbTimestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::sql_types::*;

    turn_holds (id) {
        id -> DbUuid,
        workspace_id -> DbUuid,
        amount_micros -> BigInt,
        expires_at -> DbTimestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::sql_types::*;

    bot_tools (bot_id, tool_configuration_id) {
        bot_id -> DbUuid,
        tool_configuration_id -> DbUuid,
        workspace_id -> DbUuid,
        attached_at -> DbTimestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::sql_types::*;

    server_secrets (name) {
        name -> Text,
        secret -> Text,
        created_at -> DbTimestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::sql_types::*;

    jobs (id) {
        id -> DbUuid,
        kind -> Text,
        workspace_id -> DbUuid,
        conversation_id -> DbUuid,
        state -> Text,
        attempts -> Integer,
        run_after -> DbTimestamp,
        claimed_by -> Nullable<Text>,
        claimed_until -> Nullable<DbTimestamp>,
        last_error -> Nullable<Text>,
        created_at -> DbTimestamp,
        updated_at -> DbTimestamp,
    }
}

diesel::table! {
    rate_limit_windows (bucket, window_start) {
        bucket -> Text,
        window_start -> BigInt,
        hits -> Integer,
    }
}

diesel::joinable!(billing_accounts -> workspaces (workspace_id));
diesel::joinable!(conversations -> bots (bot_id));
diesel::joinable!(post_call_hooks -> tool_configurations (tool_configuration_id));
diesel::joinable!(bot_tools -> tool_configurations (tool_configuration_id));
diesel::joinable!(messages -> conversations (conversation_id));
diesel::joinable!(trace_steps -> conversations (conversation_id));

diesel::allow_tables_to_appear_in_same_query!(
    workspaces,
    billing_accounts,
    api_keys,
    bots,
    bot_metadata,
    tool_configurations,
    post_call_hooks,
    conversations,
    messages,
    trace_steps,
    ledger_entries,
    idempotency_keys,
    turn_holds,
    bot_tools,
    jobs,
);
