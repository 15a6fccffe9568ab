//! The point lookups a chat turn starts with, each written once as a
//! query (not run): the single reads of the bot, billing and conversation
//! stores and the combined read of `turn_reads.rs` run the same SQL, on
//! either driver. Callers need `diesel::prelude::*` in scope.

/// The bot `$id` of workspace `$ws`.
macro_rules! bot_by_id {
    ($ws:expr, $id:expr) => {
        $crate::schema::bots::table
            .filter($crate::schema::bots::id.eq($crate::sql_types::sql_id($id)))
            .filter($crate::schema::bots::workspace_id.eq($crate::sql_types::sql_id($ws)))
            .select($crate::rows::bot::BotRow::as_select())
    };
}

/// The bot of workspace `$ws` with slug `$slug` (a `&str`).
macro_rules! bot_by_slug {
    ($ws:expr, $slug:expr) => {
        $crate::schema::bots::table
            .filter($crate::schema::bots::workspace_id.eq($crate::sql_types::sql_id($ws)))
            .filter($crate::schema::bots::slug.eq($slug))
            .select($crate::rows::bot::BotRow::as_select())
    };
}

/// The billing account of workspace `$ws`.
macro_rules! billing_of {
    ($ws:expr) => {
        $crate::schema::billing_accounts::table
            .find($crate::sql_types::sql_id($ws))
            .select($crate::rows::workspace::BillingRow::as_select())
    };
}

/// The conversation `$id` of workspace `$ws`.
macro_rules! conversation_by_id {
    ($ws:expr, $id:expr) => {
        $crate::schema::conversations::table
            .filter($crate::schema::conversations::id.eq($crate::sql_types::sql_id($id)))
            .filter($crate::schema::conversations::workspace_id.eq($crate::sql_types::sql_id($ws)))
            .select($crate::rows::conversation::ConversationRow::as_select())
    };
}

/// The open conversations of bot `$bot` (a `SqlUuid`) with customer
/// `$customer` (a `&str`) on `$channel`, newest first: the first is the
/// one a turn continues.
macro_rules! open_conversations {
    ($ws:expr, $bot:expr, $channel:expr, $customer:expr) => {{
        use $crate::schema::conversations as cv;
        cv::table
            .filter(cv::workspace_id.eq($crate::sql_types::sql_id($ws)))
            .filter(cv::bot_id.eq($bot))
            .filter(cv::channel.eq($channel.as_str()))
            .filter(cv::customer_id.eq($customer))
            .filter(cv::ended_at.is_null())
            .order((cv::started_at.desc(), cv::id.desc()))
            .select($crate::rows::conversation::ConversationRow::as_select())
    }};
}

pub(crate) use {billing_of, bot_by_id, bot_by_slug, conversation_by_id, open_conversations};
