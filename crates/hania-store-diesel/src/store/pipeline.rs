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

/// Runs two or three statements (each an expression over the connection
/// `$c`) as one batch; evaluates to `QueryResult<(A, B[, C])>`, the first
/// error if any failed. After an error PostgreSQL refuses the rest of the
/// transaction, and SQLite's stops at it, so a caller returns it.
macro_rules! together {
    (sync, $c:ident; $a:expr, $b:expr $(,)?) => {{
        match { let $c = &mut *$c; $a } {
            Ok(a) => { let $c = &mut *$c; $b }.map(|b| (a, b)),
            Err(error) => Err(error),
        }
    }};
    (sync, $c:ident; $a:expr, $b:expr, $d:expr $(,)?) => {{
        match $crate::store::pipeline::together!(sync, $c; $a, $b) {
            Ok((a, b)) => { let $c = &mut *$c; $d }.map(|d| (a, b, d)),
            Err(error) => Err(error),
        }
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
