//! [`RateLimiter`] in the database, so several instances share one limit:
//! one counter row per bucket and window, bumped by
//! `UPDATE … SET hits = hits + 1 WHERE … AND hits < limit RETURNING hits`,
//! or, when that bumps nothing (the window's first hit, or the limit
//! reached), by `INSERT … ON CONFLICT DO UPDATE … WHERE hits < limit
//! RETURNING hits`. The row lock serialises concurrent hits of a bucket
//! and the condition is checked on the latest count, so the instances
//! together admit exactly the limit. A bucket's first hit of a window
//! deletes its older windows.

use async_trait::async_trait;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use hania_domain::ports::{RateDecision, RateLimiter, StoreError, rate_window};
use time::OffsetDateTime;

use crate::DieselStore;
use crate::cached::Cached;
use crate::conn::DbError;
use crate::on_conn;
use crate::schema::rate_limit_windows as windows;

#[async_trait]
impl RateLimiter for DieselStore {
    async fn hit(
        &self,
        key: &str,
        limit_per_hour: u32,
        now: OffsetDateTime,
    ) -> Result<RateDecision, StoreError> {
        let (start, _) = rate_window(now);
        if limit_per_hour == 0 {
            return Ok(RateDecision::refused(limit_per_hour, now));
        }
        let limit = i32::try_from(limit_per_hour).unwrap_or(i32::MAX);
        let mut conn = self.conn().await?;
        // Both statements bump the count only while it is under the limit.
        let bump = windows::hits.eq(windows::hits + 1);
        let under_limit = windows::hits.lt(limit);
        // Nearly every hit finds its window's row: a plain conditional
        // UPDATE then, cheaper for PostgreSQL than an upsert's attempted
        // insert. No row bumped (a new window, or the limit reached) falls
        // through to the upsert, which tells the two apart.
        let bumped: Option<i32> = on_conn!(&mut conn, |c| {
            Cached(
                diesel::update(
                    windows::table
                        .filter(windows::bucket.eq(key))
                        .filter(windows::window_start.eq(start))
                        .filter(under_limit),
                )
                .set(bump)
                .returning(windows::hits),
            )
            .get_result(c)
            .await
            .optional()
            .map_err(DbError::from)
        })?;
        let decide = |hits: Option<i32>| match hits {
            Some(used) => {
                RateDecision::admitted(limit_per_hour, u32::try_from(used).unwrap_or(u32::MAX), now)
            }
            None => RateDecision::refused(limit_per_hour, now),
        };
        if bumped.is_some() {
            return Ok(decide(bumped));
        }
        let hits: Option<i32> = on_conn!(&mut conn, |c| {
            let upsert = diesel::insert_into(windows::table)
                .values((
                    windows::bucket.eq(key),
                    windows::window_start.eq(start),
                    windows::hits.eq(1),
                ))
                .on_conflict((windows::bucket, windows::window_start))
                .do_update()
                .set(bump);
            // The upsert's own filter (`ON CONFLICT … DO UPDATE … WHERE`).
            let upsert = diesel::query_dsl::methods::FilterDsl::filter(upsert, under_limit)
                .returning(windows::hits);
            Cached(upsert)
                .get_result(c)
                .await
                .optional()
                .map_err(DbError::from)
        })?;
        if hits == Some(1) {
            on_conn!(&mut conn, |c| {
                diesel::delete(
                    windows::table
                        .filter(windows::bucket.eq(key))
                        .filter(windows::window_start.lt(start)),
                )
                .execute(c)
                .await
                .map_err(DbError::from)
            })?;
        }
        Ok(decide(hits))
    }
}
