//! Appending messages and trace steps inside a transaction: bump the
//! conversation's counter atomically (`UPDATE … RETURNING`), then number
//! the new rows after it. Shared by the message, trace and turn stores.

/// Appends `$msgs` to conversation `$conv` of workspace `$ws` on the
/// transaction connection `$c`; evaluates to `Result<Vec<MessageRow>, DbError>`.
macro_rules! append_messages_in {
    ($c:expr, $ws:expr, $conv:expr, $msgs:expr) => {
        async {
            use $crate::schema::conversations as conv;
            let msgs: &[hania_domain::message::NewMessage] = $msgs;
            let Some(last) = msgs.last() else {
                $crate::store::append::conversation_exists_in!($c, $ws, $conv)?;
                return Ok::<_, $crate::conn::DbError>(Vec::new());
            };
            let n = $crate::conn::to_i32(msgs.len() as u32);
            let count: i32 = diesel::update(
                conv::table
                    .filter(conv::id.eq(sql_id($conv)))
                    .filter(conv::workspace_id.eq(sql_id($ws))),
            )
            .set((
                conv::message_count.eq(conv::message_count + n),
                conv::last_message_at.eq($crate::sql_types::SqlTime(last.created_at)),
                conv::last_message_preview
                    .eq(hania_domain::conversation::preview_of(&last.content)),
            ))
            .returning(conv::message_count)
            .get_result($c)
            .await
            .optional()?
            .ok_or($crate::conn::DbError(StoreError::NotFound))?;
            let first = $crate::conn::to_u32(count - n + 1, "message_count")?;
            let mut rows = Vec::with_capacity(msgs.len());
            for (i, message) in msgs.iter().enumerate() {
                let row = $crate::rows::message::MessageRow::new($conv, first + i as u32, message);
                diesel::insert_into($crate::schema::messages::table)
                    .values(&row)
                    .execute($c)
                    .await?;
                rows.push(row);
            }
            Ok(rows)
        }
    };
}

/// Appends `$steps` like [`append_messages_in!`]; evaluates to
/// `Result<Vec<TraceRow>, DbError>`.
macro_rules! append_steps_in {
    ($c:expr, $ws:expr, $conv:expr, $steps:expr) => {
        async {
            use $crate::schema::conversations as conv;
            let steps: &[hania_domain::trace::NewTraceStep] = $steps;
            if steps.is_empty() {
                $crate::store::append::conversation_exists_in!($c, $ws, $conv)?;
                return Ok::<_, $crate::conn::DbError>(Vec::new());
            }
            let n = $crate::conn::to_i32(steps.len() as u32);
            let count: i32 = diesel::update(
                conv::table
                    .filter(conv::id.eq(sql_id($conv)))
                    .filter(conv::workspace_id.eq(sql_id($ws))),
            )
            .set(conv::trace_step_count.eq(conv::trace_step_count + n))
            .returning(conv::trace_step_count)
            .get_result($c)
            .await
            .optional()?
            .ok_or($crate::conn::DbError(StoreError::NotFound))?;
            let first = $crate::conn::to_u32(count - n + 1, "trace_step_count")?;
            let mut rows = Vec::with_capacity(steps.len());
            for (i, step) in steps.iter().enumerate() {
                let row = $crate::rows::message::TraceRow::new($conv, first + i as u32, step);
                diesel::insert_into($crate::schema::trace_steps::table)
                    .values(&row)
                    .execute($c)
                    .await?;
                rows.push(row);
            }
            Ok(rows)
        }
    };
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

pub(crate) use {append_messages_in, append_steps_in, conversation_exists_in};
