//! Statements of one transaction that do not wait for each other's
//! answers, run as one batch: on PostgreSQL sent together over the
//! connection (diesel-async pipelines futures polled together), so a batch
//! costs one round trip instead of one per statement; on SQLite, where a
//! statement is a function call, one after another.
//!
//! A batch's statements run in the order written on both backends: the
//! server executes a connection's statements in the order they arrive, and
//! diesel-async sends a statement on its future's first poll (a statement
//! still to be prepared holds the connection's statement cache until it
//! is, so the next one cannot overtake it), and `try_join!` polls in
//! order. So a batch may hold a statement that must see an earlier one's
//! effect (a read after a write), but never one whose *values* come from
//! an earlier answer.
//!
//! The mode is `sync` (diesel's synchronous connection, SQLite's writer)
//! or `pipelined` (`&mut AsyncPgConnection`); each statement is written
//! once, with `$c` as its connection.

/// Runs statements (each an expression over the connection
/// `$c`) as one batch; evaluates to `QueryResult<(A, B[, C])>`, the first
/// error if any failed. After an error PostgreSQL refuses the rest of the
/// transaction, and SQLite's stops at it, so a caller returns it.
macro_rules! together {
    (sync, $c:ident; $($q:expr),+ $(,)?) => {{
        // A tuple is evaluated left to right; `?` stops at the first error.
        (|| ::diesel::result::QueryResult::Ok(($({
            let $c = &mut *$c;
            $q?
        },)+)))()
    }};
    (pipelined, $c:ident; $($q:expr),+ $(,)?) => {{
        let shared: &::diesel_async::AsyncPgConnection = &*$c;
        ::futures::try_join!($({
            let mut each = shared;
            let $c = &mut each;
            $q
        }),+)
    }};
}

/// Runs `$run` (an `execute` over the connection `$c`) for every item
/// `$row` of each `$rows` as one batch; evaluates to `QueryResult<()>`.
macro_rules! execute_all {
    (sync, $c:ident; $(for $row:ident in $rows:expr => $run:expr;)+) => {{
        (|| {
            $(for $row in $rows {
                let $c = &mut *$c;
                $run?;
            })+
            ::diesel::result::QueryResult::Ok(())
        })()
    }};
    (pipelined, $c:ident; $(for $row:ident in $rows:expr => $run:expr;)+) => {{
        let shared: &::diesel_async::AsyncPgConnection = &*$c;
        let mut batch: Vec<
            ::futures::future::BoxFuture<'_, ::diesel::result::QueryResult<usize>>,
        > = Vec::new();
        $(for $row in $rows {
            let mut each = shared;
            let $c = &mut each;
            batch.push($run);
        })+
        ::futures::future::try_join_all(batch).await.map(drop)
    }};
}

pub(crate) use {execute_all, together};

#[cfg(test)]
mod tests {
    use diesel::result::{DatabaseErrorKind, Error};
    use diesel::{Connection, ExpressionMethods, QueryDsl, SqliteConnection};
    use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};
    use hania_test_postgres::TempPostgres;

    diesel::table! {
        items (id) {
            id -> Integer,
        }
    }

    const SCHEMA: &str = "CREATE TABLE items (id INTEGER PRIMARY KEY)";

    /// The statement inserting item `$id`.
    macro_rules! insert {
        ($id:expr) => {
            diesel::insert_into(items::table).values(items::id.eq($id))
        };
    }

    fn is_unique_violation(error: &Error) -> bool {
        matches!(
            error,
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _)
        )
    }

    #[test]
    fn a_sync_batch_runs_in_order_and_stops_at_its_first_error() {
        use diesel::RunQueryDsl;
        let mut conn = SqliteConnection::establish(":memory:").expect("open SQLite");
        diesel::connection::SimpleConnection::batch_execute(&mut conn, SCHEMA).expect("schema");
        let c = &mut conn;
        let (inserted, seen): (usize, i64) =
            together!(sync, c; insert!(1).execute(c), items::table.count().get_result(c))
                .expect("batch");
        assert_eq!(
            (inserted, seen),
            (1, 1),
            "the read sees the write before it"
        );
        let failed = together!(sync, c;
            insert!(1).execute(c),
            insert!(2).execute(c),
            items::table.count().get_result::<i64>(c),
        );
        assert!(is_unique_violation(&failed.expect_err("duplicate")));
        assert_eq!(
            items::table.count().get_result::<i64>(c).expect("count"),
            1,
            "nothing after the failing statement ran"
        );
        let rows = [3, 4, 5];
        let ids = [6];
        execute_all!(sync, c;
            for id in rows => insert!(id).execute(c);
            for id in ids => insert!(id).execute(c);
        )
        .expect("all");
        assert_eq!(items::table.count().get_result::<i64>(c).expect("count"), 5);
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_pipelined_batch_runs_in_order_and_answers_its_first_error() {
        use diesel_async::RunQueryDsl;
        let pg = TempPostgres::start();
        let mut conn = AsyncPgConnection::establish(&pg.url())
            .await
            .expect("connect");
        conn.batch_execute(SCHEMA).await.expect("schema");
        let outcome = conn
            .transaction(async |c| {
                let (inserted, seen): (usize, i64) = together!(pipelined, c;
                    insert!(1).execute(c),
                    items::table.count().get_result(c),
                )?;
                assert_eq!(
                    (inserted, seen),
                    (1, 1),
                    "the read sees the write before it"
                );
                let rows = [2, 3, 4];
                execute_all!(pipelined, c;
                    for id in rows => insert!(id).execute(c);
                    for id in [5] => insert!(id).execute(c);
                )?;
                let seen: i64 = items::table.count().get_result(c).await?;
                assert_eq!(seen, 5);
                // The duplicate fails first; the statements after it in
                // the batch are refused, but its own error is answered.
                together!(pipelined, c;
                    insert!(6).execute(c),
                    insert!(1).execute(c),
                    items::table.count().get_result::<i64>(c),
                )
                .map(drop)
            })
            .await;
        assert!(is_unique_violation(&outcome.expect_err("duplicate")));
        let left: i64 = items::table
            .count()
            .get_result(&mut conn)
            .await
            .expect("count");
        assert_eq!(left, 0, "the failed transaction is rolled back whole");
    }
}
