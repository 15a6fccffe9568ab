//! [`TurnStore`]: the two transactions of a model turn, each written with
//! as few statements as the rules allow (every statement is a round trip,
//! and diesel never caches UPDATE statements, so each of those is two).
//!
//! Each transaction body is written once, in a macro taking the `.await`
//! to put after each query: PostgreSQL runs it on the async driver;
//! SQLite runs it with diesel's synchronous API inside ONE blocking task,
//! so the write lock is held for the transaction's work only, not across
//! a thread hop per statement.

use async_trait::async_trait;
use diesel::dsl::case_when;
use diesel::result::DatabaseErrorKind;
use diesel::{ExpressionMethods, OptionalExtension, QueryDsl, SelectableHelper};
use hania_domain::conversation::preview_of;
use hania_domain::ledger::{LedgerEntry, LedgerKind};
use hania_domain::message::Message;
use hania_domain::money::Money;
use hania_domain::ports::{StoreConflict, StoreError, TurnStore};
use hania_domain::trace::TraceStep;
use hania_domain::turn::{OpenTurn, RecordedTurn, TurnConversation, TurnRecord};

use super::append::{append_in, insert_each};
use super::balance::change_balance_in;
use crate::DieselStore;
use crate::conn::{DbError, PooledConn};
use crate::rows::conversation::ConversationRow;
use crate::rows::ledger::LedgerRow;
use crate::rows::message::MessageRow;
use crate::schema::{billing_accounts, bots, conversations, ledger_entries, messages, turn_holds};
use crate::sql_types::{SqlTime, sql_id};

/// The body of `open_turn`; evaluates to `Result<Vec<MessageRow>, DbError>`.
macro_rules! open_turn_tx {
    ($c:ident, $turn:expr; $($aw:tt)*) => {{
        let turn: &OpenTurn = $turn;
        let (ws, conv, user) = (turn.workspace_id, turn.conversation_id(), &turn.user_message);
        if let Some(hold) = &turn.hold {
            // Admission, serialized per workspace: the no-op UPDATE takes
            // the billing row's lock on PostgreSQL (SQLite's write lock),
            // so the live holds summed next cannot change underneath.
            let balance: i64 = diesel::update(billing_accounts::table.find(sql_id(ws)))
                .set(billing_accounts::updated_at.eq(billing_accounts::updated_at))
                .returning(billing_accounts::balance_micros)
                .get_result($c) $($aw)*
                .optional()?
                .ok_or(DbError(StoreError::NotFound))?;
            let held: Vec<i64> = turn_holds::table
                .filter(turn_holds::workspace_id.eq(sql_id(ws)))
                .filter(turn_holds::expires_at.gt(SqlTime(user.created_at)))
                .select(turn_holds::amount_micros)
                .load($c) $($aw)* ?;
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
                diesel::insert_into(conversations::table)
                    .values(&row)
                    .execute($c) $($aw)*
                    .map_err(|error| match error {
                        // No such bot at all.
                        diesel::result::Error::DatabaseError(
                            DatabaseErrorKind::ForeignKeyViolation,
                            _,
                        ) => DbError(StoreError::NotFound),
                        other => DbError::from(other),
                    })?;
                let bot_here: i64 = bots::table
                    .filter(bots::id.eq(sql_id(new.bot_id)))
                    .filter(bots::workspace_id.eq(sql_id(ws)))
                    .count()
                    .get_result($c) $($aw)* ?;
                let source_here: i64 = match new.source_conversation_id {
                    None => 1,
                    Some(source) => conversations::table
                        .filter(conversations::id.eq(sql_id(source)))
                        .filter(conversations::workspace_id.eq(sql_id(ws)))
                        .count()
                        .get_result($c) $($aw)* ?,
                };
                if bot_here == 0 || source_here == 0 || new.workspace_id != ws {
                    return Err(DbError(StoreError::NotFound));
                }
                let message = MessageRow::new(conv, 1, user);
                diesel::insert_into(messages::table).values(&message).execute($c) $($aw)* ?;
                Ok::<_, DbError>(vec![message])
            }
            TurnConversation::Existing(_) => {
                append_in!($c, ws, conv, std::slice::from_ref(user), &[]; $($aw)*)?;
                let mut recent: Vec<MessageRow> = messages::table
                    .filter(messages::conversation_id.eq(sql_id(conv)))
                    .order(messages::position.desc())
                    .limit(i64::from(turn.history_limit.max(1)))
                    .select(MessageRow::as_select())
                    .load($c) $($aw)* ?;
                recent.reverse();
                Ok(recent)
            }
        }
    }};
}

/// The body of `record_turn`; evaluates to
/// `Result<(Vec<MessageRow>, Vec<TraceRow>, Option<LedgerRow>), DbError>`.
macro_rules! record_turn_tx {
    ($c:ident, $turn:expr; $($aw:tt)*) => {{
        let turn: &TurnRecord = $turn;
        let (ws, conv, at) = (turn.workspace_id, turn.conversation_id, turn.recorded_at);
        // Writes only, and the billing row first: on SQLite the first
        // statement takes the write lock, so concurrent turns queue instead
        // of failing on a lock upgrade.
        let mut ledger = None;
        if let Some(charge) = &turn.charge {
            // One atomic statement: restart the period count when the
            // period changed, count the turn, take the cost.
            let used = billing_accounts::period_turns_used;
            let balance = change_balance_in!(
                $c, ws, -charge.cost.micros(), at,
                used.eq(case_when(billing_accounts::period_start.eq(charge.period_start), used + 1)
                    .otherwise(1)),
                billing_accounts::period_start.eq(charge.period_start);
                $($aw)*
            )?;
            ledger = Some(LedgerRow::from(&LedgerEntry {
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
            }));
        }
        if let Some(hold) = turn.release_hold {
            diesel::delete(turn_holds::table.find(sql_id(hold))).execute($c) $($aw)* ?;
        }
        let (message_rows, step_rows) =
            append_in!($c, ws, conv, &turn.messages, &turn.trace_steps; $($aw)*)?;
        insert_each!($c, ledger_entries::table, ledger.iter(); $($aw)*);
        Ok::<_, DbError>((message_rows, step_rows, ledger))
    }};
}

/// Runs a transaction body (one of the macros above) on whichever backend
/// the store runs on: SQLite through its group-commit writer (`$input` is
/// cloned into the writer's thread), PostgreSQL on a pool connection.
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
                        $body!(c, &input;)
                    })
                    .await
            }
            None => match &mut store.conn().await? {
                PooledConn::Postgres(object) => {
                    use diesel_async::{AsyncConnection, RunQueryDsl};
                    let c: &mut diesel_async::AsyncPgConnection = object;
                    c.transaction(async |c| $body!(c, $input; .await))
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
