//! [`Cached`]: a statement that diesel would prepare anew on every run but
//! whose SQL is fixed by the code that builds it, kept in the
//! connection's prepared-statement cache.
//!
//! Diesel never caches an `UPDATE` or an upsert (`ON CONFLICT DO
//! UPDATE`): a changeset with optional fields could produce unboundedly
//! many SQL texts. On PostgreSQL an uncached statement costs two round
//! trips (`Parse`/`Describe`, then `Bind`/`Execute`) instead of one; on
//! SQLite it is parsed and planned again each time. The statements
//! wrapped here set a fixed list of columns, so their SQL text is one of
//! a few per call site, and the cache is keyed by that text (never by
//! type), so two different texts can never share an entry.

use diesel::backend::Backend;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::result::QueryResult;

/// A statement cached by its SQL text. Wrap only statements whose text
/// takes a bounded number of shapes: a changeset of fixed columns, never
/// one built from optional fields or a variable number of rows.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Cached<Q>(pub(crate) Q);

impl<Q> QueryId for Cached<Q> {
    type QueryId = ();
    // No static id: the statement cache keys it by its SQL text.
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Q, DB> QueryFragment<DB> for Cached<Q>
where
    Q: QueryFragment<DB>,
    DB: Backend,
{
    fn walk_ast<'b>(&'b self, pass: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        self.0.walk_ast(pass)
    }

    fn is_safe_to_cache_prepared(&self, _backend: &DB) -> QueryResult<bool> {
        Ok(true)
    }
}

impl<Q: Query> Query for Cached<Q> {
    type SqlType = Q::SqlType;
}

// diesel-async's `RunQueryDsl` is implemented for every type already.
impl<Q, Conn> diesel::RunQueryDsl<Conn> for Cached<Q> {}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use diesel::connection::{InstrumentationEvent, SimpleConnection};
    use diesel::prelude::*;

    use super::Cached;

    diesel::table! {
        counters (id) {
            id -> Integer,
            hits -> Integer,
        }
    }

    /// A connection with one counter row, and the SQL of every statement
    /// it puts into its prepared-statement cache.
    fn connection() -> (SqliteConnection, Arc<Mutex<Vec<String>>>) {
        let mut conn = SqliteConnection::establish(":memory:").expect("open SQLite in memory");
        conn.batch_execute("CREATE TABLE counters (id INTEGER PRIMARY KEY, hits INTEGER NOT NULL); INSERT INTO counters VALUES (1, 0);")
            .expect("create the table");
        let cached = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&cached);
        conn.set_instrumentation(move |event: InstrumentationEvent<'_>| {
            if let InstrumentationEvent::CacheQuery { sql, .. } = event {
                seen.lock().expect("lock").push(sql.to_owned());
            }
        });
        (conn, cached)
    }

    fn bump(conn: &mut SqliteConnection, by: i32) -> i32 {
        Cached(
            diesel::update(counters::table.find(1))
                .set(counters::hits.eq(counters::hits + by))
                .returning(counters::hits),
        )
        .get_result(conn)
        .expect("bump")
    }

    #[test]
    fn a_cached_update_is_prepared_once_and_still_binds_each_run() {
        let (mut conn, cached) = connection();
        assert_eq!(bump(&mut conn, 1), 1);
        assert_eq!(bump(&mut conn, 2), 3);
        assert_eq!(bump(&mut conn, 3), 6);
        let cached = cached.lock().expect("lock");
        assert_eq!(cached.len(), 1, "prepared once: {cached:?}");
        assert!(cached[0].starts_with("UPDATE"), "{cached:?}");
    }

    #[test]
    fn diesel_alone_never_caches_an_update() {
        let (mut conn, cached) = connection();
        for _ in 0..3 {
            diesel::update(counters::table.find(1))
                .set(counters::hits.eq(counters::hits + 1))
                .execute(&mut conn)
                .expect("bump");
        }
        assert!(cached.lock().expect("lock").is_empty());
    }

    #[test]
    fn statements_of_different_text_never_share_an_entry() {
        let (mut conn, cached) = connection();
        bump(&mut conn, 1);
        let reset: i32 = Cached(
            diesel::update(counters::table.find(1))
                .set(counters::hits.eq(0))
                .returning(counters::hits),
        )
        .get_result(&mut conn)
        .expect("reset");
        assert_eq!(reset, 0);
        assert_eq!(bump(&mut conn, 5), 5);
        assert_eq!(cached.lock().expect("lock").len(), 2);
    }
}
