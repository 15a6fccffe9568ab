//! Appending messages and trace steps inside a transaction: bump the
//! conversation's counters atomically (`UPDATE … RETURNING`), then number
//! the new rows after them. Shared by the message, trace and turn stores,
//! on both drivers.

use hania_domain::ports::StoreError;

use crate::conn::{DbError, to_i32, to_u32};
use crate::rows::message::{MessageRow, TraceRow};

/// Inserts each row of `$rows` into `$table`.
macro_rules! insert_each {
    ($c:ident, $table:expr, $rows:expr; $($aw:tt)*) => {
        for row in $rows {
            diesel::insert_into($table).values(row).execute($c) $($aw)* ?;
        }
    };
}

/// The statement that makes room for messages `$msgs` and trace steps
/// `$steps` in conversation `$conv` of workspace `$ws`: ONE `UPDATE …
/// RETURNING` bumps both counters (and the last-message fields when there
/// are messages), loaded on `$c`: a `Vec<(i32, i32)>` of the new counts,
/// empty when the conversation is not in the workspace (a future of it on
/// the async driver).
macro_rules! count_appended {
    ($ws:expr, $conv:expr, $msgs:expr, $steps:expr, $c:ident) => {{
        use $crate::schema::conversations as cv;
        use $crate::sql_types::{SqlTime, sql_id};
        let msgs: &[hania_domain::message::NewMessage] = $msgs;
        let steps: &[hania_domain::trace::NewTraceStep] = $steps;
        let (n, m) = (
            $crate::conn::to_i32(msgs.len() as u32),
            $crate::conn::to_i32(steps.len() as u32),
        );
        let target = cv::table
            .filter(cv::id.eq(sql_id($conv)))
            .filter(cv::workspace_id.eq(sql_id($ws)));
        match msgs.last() {
            Some(last) => $crate::cached::Cached(
                diesel::update(target)
                    .set((
                        cv::message_count.eq(cv::message_count + n),
                        cv::trace_step_count.eq(cv::trace_step_count + m),
                        cv::last_message_at.eq(SqlTime(last.created_at)),
                        cv::last_message_preview
                            .eq(hania_domain::conversation::preview_of(&last.content)),
                    ))
                    .returning((cv::message_count, cv::trace_step_count)),
            )
            .load::<(i32, i32)>($c),
            None => $crate::cached::Cached(
                diesel::update(target)
                    .set(cv::trace_step_count.eq(cv::trace_step_count + m))
                    .returning((cv::message_count, cv::trace_step_count)),
            )
            .load::<(i32, i32)>($c),
        }
    }};
}

/// Makes room for messages `$msgs` and trace steps `$steps` in
/// conversation `$conv` of workspace `$ws` on the transaction connection
/// `$c` ([`count_appended!`]) and numbers their rows after the counts it
/// returned, without inserting them. `$($aw)*` is `.await` on an async
/// connection and nothing on SQLite's synchronous one. Evaluates to
/// `Result<(Vec<MessageRow>, Vec<TraceRow>), DbError>`; `NotFound` when
/// the conversation is not in the workspace.
macro_rules! number_appended {
    ($c:ident, $ws:expr, $conv:expr, $msgs:expr, $steps:expr; $($aw:tt)*) => {{
        let (msgs, steps) = ($msgs, $steps);
        let counts: Vec<(i32, i32)> =
            $crate::store::append::count_appended!($ws, $conv, msgs, steps, $c) $($aw)* ?;
        $crate::store::append::numbered_rows($conv, counts.into_iter().next(), msgs, steps)
    }};
}

/// The rows of messages `msgs` and trace steps `steps` appended to
/// conversation `conv`, numbered after the new `counts` (message count,
/// trace step count) that already include them; `NotFound` without
/// counts (the conversation was not there).
pub(crate) fn numbered_rows(
    conv: hania_domain::ids::ConversationId,
    counts: Option<(i32, i32)>,
    msgs: &[hania_domain::message::NewMessage],
    steps: &[hania_domain::trace::NewTraceStep],
) -> Result<(Vec<MessageRow>, Vec<TraceRow>), DbError> {
    let (message_count, step_count) = counts.ok_or(DbError(StoreError::NotFound))?;
    let (n, m) = (to_i32(msgs.len() as u32), to_i32(steps.len() as u32));
    let first_message = to_u32(message_count - n + 1, "message_count")?;
    let first_step = to_u32(step_count - m + 1, "trace_step_count")?;
    let message_rows = (first_message..)
        .zip(msgs)
        .map(|(position, msg)| MessageRow::new(conv, position, msg))
        .collect();
    let step_rows = (first_step..)
        .zip(steps)
        .map(|(number, step)| TraceRow::new(conv, number, step))
        .collect();
    Ok((message_rows, step_rows))
}

/// Appends messages `$msgs` and trace steps `$steps` to conversation
/// `$conv` of workspace `$ws` on the transaction connection `$c`
/// ([`number_appended!`]), then inserts the rows one by one. Evaluates to
/// `Result<(Vec<MessageRow>, Vec<TraceRow>), DbError>`.
macro_rules! append_in {
    ($c:ident, $ws:expr, $conv:expr, $msgs:expr, $steps:expr; $($aw:tt)*) => {{
        let (message_rows, step_rows) =
            $crate::store::append::number_appended!($c, $ws, $conv, $msgs, $steps; $($aw)*)?;
        $crate::store::append::insert_each!($c, $crate::schema::messages::table, &message_rows; $($aw)*);
        $crate::store::append::insert_each!($c, $crate::schema::trace_steps::table, &step_rows; $($aw)*);
        Ok::<_, $crate::conn::DbError>((message_rows, step_rows))
    }};
}

/// Fails with `NotFound` unless the conversation is in the workspace.
macro_rules! conversation_exists_in {
    ($c:expr, $ws:expr, $conv:expr) => {
        async {
            use $crate::schema::conversations as conv;
            let found: i64 = conv::table
                .filter(conv::id.eq(sql_id($conv)))
                .filter(conv::workspace_id.eq(sql_id($ws)))
                .count()
                .get_result($c)
                .await?;
            if found == 0 {
                Err($crate::conn::DbError(StoreError::NotFound))
            } else {
                Ok(())
            }
        }
        .await
    };
}

pub(crate) use {append_in, conversation_exists_in, count_appended, insert_each, number_appended};
