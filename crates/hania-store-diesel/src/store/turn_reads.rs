//! [`TurnReads`]: the bot, the billing account and the conversation a turn
//! starts with, in one trip: on SQLite one blocking task runs the three
//! queries on one pool connection (instead of three hops to the blocking
//! pool, each a thread switch and a read transaction that starts with an
//! emptied page cache); on PostgreSQL one connection sends them together
//! (pipelined: one round trip) when the bot's id is known.
//!
//! The body is written once, in a macro taking the `.await` to put after
//! each query, like the turn's transactions (`turn.rs`).

use async_trait::async_trait;
use diesel::{ExpressionMethods, QueryDsl, SelectableHelper};
use hania_domain::conversation::Channel;
use hania_domain::ids::{BotId, ConversationId, WorkspaceId};
use hania_domain::ports::{BotKey, ConversationKey, StoreError, TurnReads, TurnStart};

use super::lookups::{billing_of, bot_by_id, bot_by_slug, conversation_by_id, open_conversations};
use super::pipeline::together;
use crate::DieselStore;
use crate::conn::{DbError, PooledConn};
use crate::rows::bot::BotRow;
use crate::rows::conversation::ConversationRow;
use crate::rows::workspace::BillingRow;
use crate::sql_types::sql_id;

/// [`BotKey`], owned (it crosses into SQLite's blocking task).
enum BotLookup {
    Id(BotId),
    Slug(String),
}

/// [`ConversationKey`], owned.
enum ConversationLookup {
    New,
    Id(ConversationId),
    Open {
        channel: Channel,
        customer_id: String,
    },
}

type Rows = (Option<BotRow>, Option<BillingRow>, Option<ConversationRow>);

/// The three reads; evaluates to `Result<Rows, DbError>`. When the bot's
/// id is known they are one batch (`store/pipeline.rs`: one round trip on
/// PostgreSQL); a bot named by slug is read first, with the billing
/// account, since the open conversation is looked up by the bot's id.
macro_rules! turn_start_reads {
    ($c:ident, $ws:expr, $bot:expr, $conversation:expr, $mode:ident; $($aw:tt)*) => {{
        let ws: WorkspaceId = $ws;
        let (bot, billing, conversation): (Vec<BotRow>, Vec<BillingRow>, Vec<ConversationRow>) =
            match ($bot, $conversation) {
                (BotLookup::Id(id), ConversationLookup::Id(conversation)) => together!($mode, $c;
                    bot_by_id!(ws, *id).limit(1).load($c),
                    billing_of!(ws).limit(1).load($c),
                    conversation_by_id!(ws, *conversation).limit(1).load($c),
                )?,
                (BotLookup::Id(id), ConversationLookup::Open { channel, customer_id }) => {
                    together!($mode, $c;
                        bot_by_id!(ws, *id).limit(1).load($c),
                        billing_of!(ws).limit(1).load($c),
                        open_conversations!(ws, sql_id(*id), channel, customer_id.as_str())
                            .limit(1)
                            .load($c),
                    )?
                }
                (BotLookup::Id(id), ConversationLookup::New) => {
                    let (bot, billing) = together!($mode, $c;
                        bot_by_id!(ws, *id).limit(1).load($c),
                        billing_of!(ws).limit(1).load($c),
                    )?;
                    (bot, billing, Vec::new())
                }
                (BotLookup::Slug(slug), conversation) => {
                    let (bot, billing): (Vec<BotRow>, Vec<BillingRow>) = together!($mode, $c;
                        bot_by_slug!(ws, slug.as_str()).limit(1).load($c),
                        billing_of!(ws).limit(1).load($c),
                    )?;
                    let conversation: Vec<ConversationRow> = match (bot.iter().next(), conversation) {
                        (None, _) | (_, ConversationLookup::New) => Vec::new(),
                        (Some(_), ConversationLookup::Id(id)) => {
                            conversation_by_id!(ws, *id).limit(1).load($c) $($aw)* ?
                        }
                        (Some(bot), ConversationLookup::Open { channel, customer_id }) => {
                            open_conversations!(ws, bot.id.clone(), channel, customer_id.as_str())
                                .limit(1)
                                .load($c) $($aw)* ?
                        }
                    };
                    (bot, billing, conversation)
                }
            };
        let bot = bot.into_iter().next();
        // No conversation of a bot that is not there.
        let conversation = bot.as_ref().and_then(|_| conversation.into_iter().next());
        Ok::<Rows, DbError>((bot, billing.into_iter().next(), conversation))
    }};
}

#[async_trait]
impl TurnReads for DieselStore {
    async fn read_turn_start(
        &self,
        workspace: WorkspaceId,
        bot: BotKey<'_>,
        conversation: ConversationKey<'_>,
    ) -> Result<TurnStart, StoreError> {
        let bot = match bot {
            BotKey::Id(id) => BotLookup::Id(id),
            BotKey::Slug(slug) => BotLookup::Slug(slug.to_owned()),
        };
        let conversation = match conversation {
            ConversationKey::New => ConversationLookup::New,
            ConversationKey::Id(id) => ConversationLookup::Id(id),
            ConversationKey::Open {
                channel,
                customer_id,
            } => ConversationLookup::Open {
                channel,
                customer_id: customer_id.to_owned(),
            },
        };
        let mut conn = self.conn().await?;
        let (bot, billing, conversation) = match &mut conn {
            PooledConn::Postgres(object) => {
                use diesel_async::RunQueryDsl;
                let c: &mut diesel_async::AsyncPgConnection = object;
                async { turn_start_reads!(c, workspace, &bot, &conversation, pipelined; .await) }
                    .await?
            }
            PooledConn::Sqlite(object) => object
                .spawn_blocking(move |c| {
                    use diesel::RunQueryDsl;
                    let mut read = || turn_start_reads!(c, workspace, &bot, &conversation, sync;);
                    Ok(read())
                })
                .await
                .map_err(DbError::from)??,
        };
        Ok(TurnStart {
            bot: bot.map(TryInto::try_into).transpose()?,
            billing: billing.map(TryInto::try_into).transpose()?,
            conversation: conversation.map(TryInto::try_into).transpose()?,
        })
    }
}
