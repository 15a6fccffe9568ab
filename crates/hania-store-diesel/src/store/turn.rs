//! [`TurnStore`]: the two transactions of a model turn, each written with
//! as few statements as the rules allow (every statement is a round trip,
//! and diesel never caches UPDATE statements, so each of those is two).

use async_trait::async_trait;
use diesel::dsl::case_when;
use diesel::prelude::*;
use diesel::result::DatabaseErrorKind;
use diesel_async::{AsyncConnection, RunQueryDsl};
use hania_domain::conversation::preview_of;
use hania_domain::ids::WorkspaceId;
use hania_domain::ledger::{LedgerEntry, LedgerKind};
use hania_domain::message::Message;
use hania_domain::money::Money;
use hania_domain::ports::{StoreError, TurnStore};
use hania_domain::trace::TraceStep;
use hania_domain::turn::{OpenTurn, RecordedTurn, TurnCharge, TurnConversation, TurnRecord};
use time::OffsetDateTime;

use super::append::{append_messages_in, append_steps_in, conversation_exists_in};
use crate::DieselStore;
use crate::conn::{DbError, to_i32, to_u32};
use crate::on_conn;
use crate::rows::conversation::ConversationRow;
use crate::rows::ledger::LedgerRow;
use crate::rows::message::{MessageRow, TraceRow};
use crate::schema::{billing_accounts, bots, conversations, ledger_entries, messages, trace_steps};
use crate::sql_types::{SqlTime, sql_id};

/// Charges a turn in ONE atomic statement: restarts the period count when
/// the period changed, counts the turn, takes the cost from the balance;
/// evaluates to the new balance.
macro_rules! charge_in {
    ($c:expr, $ws:expr, $charge:expr, $at:expr) => {{
        let charge: &TurnCharge = $charge;
        let used = billing_accounts::period_turns_used;
        diesel::update(billing_accounts::table.find(sql_id($ws)))
            .set((
                used.eq(case_when(
                    billing_accounts::period_start.eq(charge.period_start),
                    used + 1,
                )
                .otherwise(1)),
                billing_accounts::period_start.eq(charge.period_start),
                billing_accounts::balance_micros
                    .eq(billing_accounts::balance_micros - charge.cost.micros()),
                billing_accounts::updated_at.eq(SqlTime($at)),
            ))
            .returning(billing_accounts::balance_micros)
            .get_result::<i64>($c)
            .await
            .optional()?
            .ok_or(DbError(StoreError::NotFound))
    }};
}

#[async_trait]
impl TurnStore for DieselStore {
    async fn open_turn(&self, turn: &OpenTurn) -> Result<Vec<Message>, StoreError> {
        let ws = turn.workspace_id;
        let conv = turn.conversation_id();
        let user = &turn.user_message;
        let mut conn = self.conn().await?;
        let rows: Vec<MessageRow> = on_conn!(&mut conn, |c| {
            c.transaction(async |c| match &turn.conversation {
                TurnConversation::New(new) => {
                    // Written already holding its first message; the insert
                    // comes first so SQLite takes the write lock at once.
                    let mut row = ConversationRow::from(new);
                    row.message_count = 1;
                    row.last_message_at = Some(SqlTime(user.created_at));
                    row.last_message_preview = Some(preview_of(&user.content));
                    diesel::insert_into(conversations::table)
                        .values(&row)
                        .execute(c)
                        .await
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
                        .get_result(c)
                        .await?;
                    if bot_here == 0 || new.workspace_id != ws {
                        return Err(DbError(StoreError::NotFound));
                    }
                    if let Some(source) = new.source_conversation_id {
                        conversation_exists_in!(c, ws, source)?;
                    }
                    let message = MessageRow::new(conv, 1, user);
                    diesel::insert_into(messages::table)
                        .values(&message)
                        .execute(c)
                        .await?;
                    Ok::<_, DbError>(vec![message])
                }
                TurnConversation::Existing(_) => {
                    append_messages_in!(c, ws, conv, std::slice::from_ref(user)).await?;
                    let mut recent: Vec<MessageRow> = messages::table
                        .filter(messages::conversation_id.eq(sql_id(conv)))
                        .order(messages::position.desc())
                        .limit(i64::from(turn.history_limit.max(1)))
                        .select(MessageRow::as_select())
                        .load(c)
                        .await?;
                    recent.reverse();
                    Ok(recent)
                }
            })
            .await
        })?;
        rows.into_iter().map(Message::try_from).collect()
    }

    async fn record_turn(&self, turn: &TurnRecord) -> Result<RecordedTurn, StoreError> {
        let (ws, conv, at): (WorkspaceId, _, OffsetDateTime) =
            (turn.workspace_id, turn.conversation_id, turn.recorded_at);
        let mut conn = self.conn().await?;
        let (messages, steps, ledger) = on_conn!(&mut conn, |c| {
            c.transaction(async |c| {
                // Writes only, and the billing row first: on SQLite the
                // first statement takes the write lock, so concurrent turns
                // queue instead of failing on a lock upgrade.
                let mut ledger = None;
                if let Some(charge) = &turn.charge {
                    let balance = charge_in!(c, ws, charge, at)?;
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
                let (messages, steps) = match turn.messages.last() {
                    None => (
                        Vec::new(),
                        append_steps_in!(c, ws, conv, &turn.trace_steps).await?,
                    ),
                    Some(last) => {
                        // Both counters in one statement.
                        use conversations as cv;
                        let (n, m) = (
                            to_i32(turn.messages.len() as u32),
                            to_i32(turn.trace_steps.len() as u32),
                        );
                        let (message_count, step_count): (i32, i32) = diesel::update(
                            cv::table
                                .filter(cv::id.eq(sql_id(conv)))
                                .filter(cv::workspace_id.eq(sql_id(ws))),
                        )
                        .set((
                            cv::message_count.eq(cv::message_count + n),
                            cv::trace_step_count.eq(cv::trace_step_count + m),
                            cv::last_message_at.eq(SqlTime(last.created_at)),
                            cv::last_message_preview.eq(preview_of(&last.content)),
                        ))
                        .returning((cv::message_count, cv::trace_step_count))
                        .get_result(c)
                        .await
                        .optional()?
                        .ok_or(DbError(StoreError::NotFound))?;
                        let first_message = to_u32(message_count - n + 1, "message_count")?;
                        let first_step = to_u32(step_count - m + 1, "trace_step_count")?;
                        let message_rows: Vec<MessageRow> = turn
                            .messages
                            .iter()
                            .enumerate()
                            .map(|(i, msg)| MessageRow::new(conv, first_message + i as u32, msg))
                            .collect();
                        let step_rows: Vec<TraceRow> = turn
                            .trace_steps
                            .iter()
                            .enumerate()
                            .map(|(i, step)| TraceRow::new(conv, first_step + i as u32, step))
                            .collect();
                        for row in &message_rows {
                            diesel::insert_into(messages::table)
                                .values(row)
                                .execute(c)
                                .await?;
                        }
                        for row in &step_rows {
                            diesel::insert_into(trace_steps::table)
                                .values(row)
                                .execute(c)
                                .await?;
                        }
                        (message_rows, step_rows)
                    }
                };
                if let Some(row) = &ledger {
                    diesel::insert_into(ledger_entries::table)
                        .values(row)
                        .execute(c)
                        .await?;
                }
                Ok::<_, DbError>((messages, steps, ledger))
            })
            .await
        })?;
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
