//! [`TurnStore`]: the two transactions of a model turn, each written with
//! as few statements as the rules allow, every one kept prepared
//! ([`crate::cached`] for the UPDATEs), and on PostgreSQL as few round
//! trips (independent statements pipelined).
//!
//! Each transaction body is written once, in a macro taking the mode of
//! its batches and the `.await` to put after a single statement:
//! PostgreSQL runs it on the async driver, statements that do not wait
//! for each other's answers pipelined (`store/pipeline.rs`); SQLite runs
//! it with diesel's synchronous API inside its group-commit writer, so
//! the write lock is held for the transaction's work only.

use async_trait::async_trait;
use diesel::dsl::case_when;
use diesel::result::DatabaseErrorKind;
use diesel::sql_types::{Nullable, Text};
use diesel::{ExpressionMethods, IntoSql, QueryDsl, SelectableHelper};
use hania_domain::conversation::{NewConversation, preview_of};
use hania_domain::ledger::{LedgerEntry, LedgerKind};
use hania_domain::message::Message;
use hania_domain::money::Money;
use hania_domain::ports::{StoreConflict, StoreError, TurnStore};
use hania_domain::trace::TraceStep;
use hania_domain::turn::{OpenTurn, RecordedTurn, TurnConversation, TurnRecord};

use super::append::{count_appended, numbered_rows};
use super::balance::balance_change;
use super::pipeline::{execute_all, together};
use crate::DieselStore;
use crate::cached::Cached;
use crate::conn::{DbError, PooledConn};
use crate::rows::conversation::ConversationRow;
use crate::rows::ledger::LedgerRow;
use crate::rows::message::MessageRow;
use crate::schema::{
    billing_accounts, bots, conversations, ledger_entries, messages, trace_steps, turn_holds,
};
use crate::sql_types::{DbJson, DbTimestamp, DbUuid, SqlTime, sql_id};

/// Inserts conversation row `$row` (of `$new`) in workspace `$ws`, its
/// bot (and a handoff's source) checked to be of the workspace in the same
/// transaction; evaluates to `Result<(), DbError>`, `NotFound` when they
/// are not. `$mode` and `$($aw)*` as in the bodies below.
macro_rules! create_conversation_in {
    ($c:ident, $ws:expr, $new:expr, $row:expr, $mode:ident; $($aw:tt)*) => {{
        let (ws, new, row): (_, &NewConversation, &ConversationRow) = ($ws, $new, $row);
        let (_, bot_here): (usize, i64) = together!($mode, $c;
            diesel::insert_into(conversations::table).values(row).execute($c),
            bots::table
                .filter(bots::id.eq(sql_id(new.bot_id)))
                .filter(bots::workspace_id.eq(sql_id(ws)))
                .count()
                .get_result($c),
        )
        .map_err(|error| match error {
            // No such bot at all.
            diesel::result::Error::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, _) => {
                DbError(StoreError::NotFound)
            }
            other => DbError::from(other),
        })?;
        // A handoff's source must be of the workspace too (rare: checked
        // only when there is one).
        let source_here: i64 = match new.source_conversation_id {
            None => 1,
            Some(source) => conversations::table
                .filter(conversations::id.eq(sql_id(source)))
                .filter(conversations::workspace_id.eq(sql_id(ws)))
                .count()
                .get_result($c) $($aw)* ?,
        };
        if bot_here == 0 || source_here == 0 || new.workspace_id != ws {
            Err(DbError(StoreError::NotFound))
        } else {
            Ok::<(), DbError>(())
        }
    }};
}

/// The body of `open_turn`; evaluates to `Result<Vec<MessageRow>, DbError>`.
/// `$mode` is how its batches run (`store/pipeline.rs`), `$($aw)*` what
/// follows a single statement (`.await` on the async driver).
macro_rules! open_turn_tx {
    ($c:ident, $turn:expr, $mode:ident; $($aw:tt)*) => {{
        let turn: &OpenTurn = $turn;
        let (ws, conv, user) = (turn.workspace_id, turn.conversation_id(), &turn.user_message);
        if let Some(hold) = &turn.hold {
            // Admission, serialized per workspace: the no-op UPDATE takes
            // the billing row's lock on PostgreSQL (SQLite's write lock),
            // so the live holds summed next (in the same batch, after it)
            // cannot change underneath.
            let (balance, held): (Vec<i64>, Vec<i64>) = together!($mode, $c;
                Cached(diesel::update(billing_accounts::table.find(sql_id(ws)))
                    .set(billing_accounts::updated_at.eq(billing_accounts::updated_at))
                    .returning(billing_accounts::balance_micros))
                    .load::<i64>($c),
                turn_holds::table
                    .filter(turn_holds::workspace_id.eq(sql_id(ws)))
                    .filter(turn_holds::expires_at.gt(SqlTime(user.created_at)))
                    .select(turn_holds::amount_micros)
                    .load::<i64>($c),
            )?;
            let balance = balance.into_iter().next().ok_or(DbError(StoreError::NotFound))?;
            let held = held.into_iter().fold(0_i64, i64::saturating_add);
            if balance.saturating_sub(held) <= 0 {
                return Err(DbError(StoreError::Conflict(StoreConflict::BalanceExhausted)));
            }
            diesel::insert_into(turn_holds::table)
                .values((
                    turn_holds::id.eq(sql_id(hold.id)),
                    turn_holds::workspace_id.eq(sql_id(ws)),
                    turn_holds::amount_micros.eq(hold.amount.micros()),
                    turn_holds::expires_at.eq(SqlTime(hold.expires_at)),
                ))
                .execute($c) $($aw)* ?;
        }
        match &turn.conversation {
            TurnConversation::New(new) => {
                // Written already holding its first message; the insert
                // comes first so SQLite takes the write lock at once.
                let mut row = ConversationRow::from(new);
                row.message_count = 1;
                row.last_message_at = Some(SqlTime(user.created_at));
                row.last_message_preview = Some(preview_of(&user.content));
                create_conversation_in!($c, ws, new, &row, $mode; $($aw)*)?;
                let message = MessageRow::new(conv, 1, user);
                diesel::insert_into(messages::table).values(&message).execute($c) $($aw)* ?;
                Ok::<_, DbError>(vec![message])
            }
            TurnConversation::Existing(_) => {
                // One batch: the counters' bump, the message inserted at
                // the position it made (read by the insert itself), and the
                // history, which holds the new message. No counts: the
                // conversation is not in the workspace, and the
                // transaction is rolled back.
                let row = MessageRow::new(conv, 0, user);
                let (counts, _, mut recent): (Vec<(i32, i32)>, usize, Vec<MessageRow>) = together!($mode, $c;
                    count_appended!(ws, conv, std::slice::from_ref(user), &[], $c),
                    diesel::insert_into(messages::table)
                        .values(
                            conversations::table
                                .filter(conversations::id.eq(sql_id(conv)))
                                .filter(conversations::workspace_id.eq(sql_id(ws)))
                                .select((
                                    row.id.clone().into_sql::<DbUuid>(),
                                    conversations::id,
                                    conversations::message_count,
                                    row.role.clone().into_sql::<Text>(),
                                    row.content.clone().into_sql::<Text>(),
                                    row.metadata.clone().into_sql::<Nullable<DbJson>>(),
                                    row.created_at.clone().into_sql::<DbTimestamp>(),
                                )),
                        )
                        .into_columns((
                            messages::id,
                            messages::conversation_id,
                            messages::position,
                            messages::role,
                            messages::content,
                            messages::metadata,
                            messages::created_at,
                        ))
                        .execute($c),
                    messages::table
                        .filter(messages::conversation_id.eq(sql_id(conv)))
                        .order(messages::position.desc())
                        .limit(i64::from(turn.history_limit.max(1)))
                        .select(MessageRow::as_select())
                        .load($c),
                )?;
                if counts.is_empty() {
                    return Err(DbError(StoreError::NotFound));
                }
                recent.reverse();
                Ok(recent)
            }
        }
    }};
}

/// The body of `record_turn`; evaluates to
/// `Result<(Vec<MessageRow>, Vec<TraceRow>, Option<LedgerRow>), DbError>`.
/// Two batches: the charge (when there is one) and the conversation's
/// counters, whose answers give the ledger its balance and number the
/// rows; then every row and the hold's release.
macro_rules! record_turn_tx {
    ($c:ident, $turn:expr, $mode:ident; $($aw:tt)*) => {{
        let turn: &TurnRecord = $turn;
        let (ws, conv, at) = (turn.workspace_id, turn.conversation_id, turn.recorded_at);
        if let Some(new) = &turn.new_conversation {
            if new.id != conv {
                return Err(DbError(StoreError::unexpected(
                    "a turn's new conversation must be the conversation it records",
                )));
            }
            // Created empty: the counters below count what the turn adds.
            create_conversation_in!($c, ws, new, &ConversationRow::from(new), $mode; $($aw)*)?;
        }
        // Writes only, and the billing row first: on SQLite the first
        // statement takes the write lock, so concurrent turns queue instead
        // of failing on a lock upgrade.
        let (ledger, counts): (Option<LedgerRow>, Vec<(i32, i32)>) = match &turn.charge {
            Some(charge) => {
                // One atomic statement: restart the period count when the
                // period changed, count the turn, take the cost.
                let used = billing_accounts::period_turns_used;
                let (balance, counts): (Vec<i64>, _) = together!($mode, $c;
                    balance_change!(
                        billing_accounts::table.find(sql_id(ws)),
                        -charge.cost.micros(), at,
                        used.eq(case_when(billing_accounts::period_start.eq(charge.period_start), used + 1)
                            .otherwise(1)),
                        billing_accounts::period_start.eq(charge.period_start))
                        .load::<i64>($c),
                    count_appended!(ws, conv, &turn.messages, &turn.trace_steps, $c),
                )?;
                let balance = balance.into_iter().next().ok_or(DbError(StoreError::NotFound))?;
                let ledger = LedgerRow::from(&LedgerEntry {
                    id: charge.entry_id,
                    workspace_id: ws,
                    kind: LedgerKind::Charge,
                    amount: -charge.cost,
                    balance_after: Money::from_micros(balance),
                    conversation_id: Some(conv),
                    message_id: charge.message_id,
                    model: Some(charge.model.clone()),
                    prompt_tokens: charge.prompt_tokens,
                    completion_tokens: charge.completion_tokens,
                    description: format!("Model turn ({})", charge.model),
                    created_at: at,
                });
                (Some(ledger), counts)
            }
            None => (
                None,
                count_appended!(ws, conv, &turn.messages, &turn.trace_steps, $c) $($aw)* ?,
            ),
        };
        let (message_rows, step_rows) =
            numbered_rows(conv, counts.into_iter().next(), &turn.messages, &turn.trace_steps)?;
        execute_all!($mode, $c;
            for row in &message_rows => diesel::insert_into(messages::table).values(row).execute($c);
            for row in &step_rows => diesel::insert_into(trace_steps::table).values(row).execute($c);
            for row in ledger.iter() => diesel::insert_into(ledger_entries::table).values(row).execute($c);
            for hold in turn.release_hold.iter() =>
                diesel::delete(turn_holds::table.find(sql_id(*hold))).execute($c);
        )?;
        Ok::<_, DbError>((message_rows, step_rows, ledger))
    }};
}

/// Runs a transaction body (one of the macros above) on whichever backend
/// the store runs on: SQLite through its group-commit writer (`$input` is
/// cloned into the writer's thread), PostgreSQL on a pool connection,
/// each batch pipelined.
/// Evaluates to `Result<output, StoreError>`.
macro_rules! run_tx {
    ($store:expr, $input:expr, $body:ident) => {{
        let store: &DieselStore = $store;
        match &store.writer {
            Some(writer) => {
                let input = $input.clone();
                writer
                    .write(move |c| {
                        use diesel::RunQueryDsl;
                        $body!(c, &input, sync;)
                    })
                    .await
            }
            None => match &mut store.conn().await? {
                PooledConn::Postgres(object) => {
                    use diesel_async::{AsyncConnection, RunQueryDsl};
                    let c: &mut diesel_async::AsyncPgConnection = object;
                    c.transaction(async |c| $body!(c, $input, pipelined; .await))
                        .await
                        .map_err(StoreError::from)
                }
                PooledConn::Sqlite(_) => Err(StoreError::unexpected(
                    "a SQLite store commits turns through its writer (DieselStore::with_writer)",
                )),
            },
        }
    }};
}

#[async_trait]
impl TurnStore for DieselStore {
    async fn open_turn(&self, turn: &OpenTurn) -> Result<Vec<Message>, StoreError> {
        let rows = run_tx!(self, turn, open_turn_tx)?;
        rows.into_iter().map(Message::try_from).collect()
    }

    async fn record_turn(&self, turn: &TurnRecord) -> Result<RecordedTurn, StoreError> {
        let (messages, steps, ledger) = run_tx!(self, turn, record_turn_tx)?;
        Ok(RecordedTurn {
            messages: messages
                .into_iter()
                .map(Message::try_from)
                .collect::<Result<_, _>>()?,
            trace_steps: steps
                .into_iter()
                .map(TraceStep::try_from)
                .collect::<Result<_, _>>()?,
            ledger_entry: ledger.map(LedgerEntry::try_from).transpose()?,
        })
    }
}
