//! [`IdempotencyStore`].

use async_trait::async_trait;
use diesel::prelude::*;
use diesel_async::{AsyncConnection, RunQueryDsl};
use hania_domain::ids::WorkspaceId;
use hania_domain::ports::{IdempotencyClaim, IdempotencyStore, StoreError};
use time::OffsetDateTime;

use super::workspace::one_row;
use crate::DieselStore;
use crate::conn::DbError;
use crate::on_conn;
use crate::schema::idempotency_keys as keys;
use crate::sql_types::{SqlTime, sql_id};

type Row = (String, Option<i32>, Option<String>, Option<String>);

#[async_trait]
impl IdempotencyStore for DieselStore {
    async fn claim_idempotency_key(
        &self,
        workspace: WorkspaceId,
        key: &str,
        fingerprint: &str,
        now: OffsetDateTime,
        expired_before: OffsetDateTime,
    ) -> Result<IdempotencyClaim, StoreError> {
        let mut conn = self.conn().await?;
        let (inserted, row): (usize, Option<Row>) = on_conn!(&mut conn, |c| {
            c.transaction(async |c| {
                let mine = keys::table
                    .filter(keys::workspace_id.eq(sql_id(workspace)))
                    .filter(keys::key.eq(key));
                // Writes first (see the SQLite adapter's locking note).
                diesel::delete(
                    mine.clone()
                        .filter(keys::created_at.lt(SqlTime(expired_before))),
                )
                .execute(c)
                .await?;
                let inserted = diesel::insert_into(keys::table)
                    .values((
                        keys::workspace_id.eq(sql_id(workspace)),
                        keys::key.eq(key),
                        keys::fingerprint.eq(fingerprint),
                        keys::created_at.eq(SqlTime(now)),
                    ))
                    .on_conflict_do_nothing()
                    .execute(c)
                    .await?;
                let row = if inserted == 0 {
                    mine.select((
                        keys::fingerprint,
                        keys::status,
                        keys::content_type,
                        keys::body,
                    ))
                    .first::<Row>(c)
                    .await
                    .optional()?
                } else {
                    None
                };
                Ok::<_, DbError>((inserted, row))
            })
            .await
        })?;
        Ok(match (inserted, row) {
            (1.., _) => IdempotencyClaim::Claimed,
            (_, None) => IdempotencyClaim::Claimed,
            (_, Some((stored, _, _, _))) if stored != fingerprint => IdempotencyClaim::Mismatch,
            (_, Some((_, Some(status), content_type, body))) => IdempotencyClaim::Replay {
                status: u16::try_from(status).unwrap_or(500),
                content_type: content_type.unwrap_or_default(),
                body: body.unwrap_or_default(),
            },
            (_, Some(_)) => IdempotencyClaim::InProgress,
        })
    }

    async fn complete_idempotency_key(
        &self,
        workspace: WorkspaceId,
        key: &str,
        status: u16,
        content_type: &str,
        body: &str,
    ) -> Result<(), StoreError> {
        let mut conn = self.conn().await?;
        let changed = on_conn!(&mut conn, |c| {
            diesel::update(
                keys::table
                    .filter(keys::workspace_id.eq(sql_id(workspace)))
                    .filter(keys::key.eq(key)),
            )
            .set((
                keys::status.eq(Some(i32::from(status))),
                keys::content_type.eq(Some(content_type)),
                keys::body.eq(Some(body)),
            ))
            .execute(c)
            .await
            .map_err(DbError::from)
        })?;
        one_row(changed)
    }
}
