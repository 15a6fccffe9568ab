//! Appending messages and trace steps inside a transaction: bump the
//! conversation's counters atomically (`UPDATE … RETURNING`), then number
//! the new rows after them. Shared by the message, trace and turn stores,
//! on both drivers.

/// Inserts each row of `$rows` into `$table`.
macro_rules! insert_each {
    ($c:ident, $table:expr, $rows:expr; $($aw:tt)*) => {
        for row in $rows {
            diesel::insert_into($table).values(row).execute($c) $($aw)* ?;
        }
    };
}

/// Appends messages `$msgs` and trace steps `$steps` to conversation
/// `$conv` of workspace `$ws` on the transaction connection `$c`: ONE
/// `UPDATE … RETURNING` bumps both counters (and the last-message fields
/// when there are messages), then the rows are inserted numbered after the
/// counts it returned. `$($aw)*` is `.await` on the async driver and
/// nothing on SQLite's synchronous one. Evaluates to
/// `Result<(Vec<MessageRow>, Vec<TraceRow>), DbError>`; `NotFound` when the
/// conversation is not in the workspace.
macro_rules! append_in {
    ($c:ident, $ws:expr, $conv:expr, $msgs:expr, $steps:expr; $($aw:tt)*) => {{
        use $crate::schema::conversations as cv;
        use $crate::sql_types::{sql_id, SqlTime};
        let (ws, conv) = ($ws, $conv);
        let msgs: &[hania_domain::message::NewMessage] = $msgs;
        let steps: &[hania_domain::trace::NewTraceStep] = $steps;
        let (n, m) = (
            $crate::conn::to_i32(msgs.len() as u32),
            $crate::conn::to_i32(steps.len() as u32),
        );
        let target = cv::table
            .filter(cv::id.eq(sql_id(conv)))
            .filter(cv::workspace_id.eq(sql_id(ws)));
        let counts: Option<(i32, i32)> = match msgs.last() {
            Some(last) => diesel::update(target)
                .set((
                    cv::message_count.eq(cv::message_count + n),
                    cv::trace_step_count.eq(cv::trace_step_count + m),
                    cv::last_message_at.eq(SqlTime(last.created_at)),
                    cv::last_message_preview
                        .eq(hania_domain::conversation::preview_of(&last.content)),
                ))
                .returning((cv::message_count, cv::trace_step_count))
                .get_result($c) $($aw)*
                .optional()?,
            None => diesel::update(target)
                .set(cv::trace_step_count.eq(cv::trace_step_count + m))
                .returning((cv::message_count, cv::trace_step_count))
                .get_result($c) $($aw)*
                .optional()?,
        };
        let (message_count, step_count) =
            counts.ok_or($crate::conn::DbError(StoreError::NotFound))?;
        let first_message = $crate::conn::to_u32(message_count - n + 1, "message_count")?;
        let first_step = $crate::conn::to_u32(step_count - m + 1, "trace_step_count")?;
        let message_rows: Vec<$crate::rows::message::MessageRow> = msgs
            .iter()
            .enumerate()
            .map(|(i, msg)| $crate::rows::message::MessageRow::new(conv, first_message + i as u32, msg))
            .collect();
        let step_rows: Vec<$crate::rows::message::TraceRow> = steps
            .iter()
            .enumerate()
            .map(|(i, step)| $crate::rows::message::TraceRow::new(conv, first_step + i as u32, step))
            .collect();
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

pub(crate) use {append_in, conversation_exists_in, insert_each};
