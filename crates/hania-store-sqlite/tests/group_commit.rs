//! The group-commit writer: the jobs queued while one batch runs commit
//! together in one transaction; a job that fails is rolled back alone; a
//! batch whose commit fails answers every job with the error and stores
//! none of them; an answer comes only once its batch is committed.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a failure should panic.

use std::sync::mpsc;
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::sqlite::SqliteConnection;
use diesel::{Connection, RunQueryDsl};
use hania_domain::ports::StoreError;
use hania_store_diesel::conn::DbError;
use hania_store_diesel::writer::SqliteWriter;

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

struct Db {
    _dir: tempfile::TempDir,
    file: String,
}

impl Db {
    /// A file with two tables, `parents` and `items`; an item's parent is
    /// checked at `COMMIT` (a deferred reference), so one bad item fails
    /// the commit of its whole batch.
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("w.db").to_string_lossy().into_owned();
        let mut c = SqliteConnection::establish(&file).unwrap();
        c.batch_execute(
            "PRAGMA journal_mode = WAL;
             CREATE TABLE parents (id INTEGER PRIMARY KEY);
             INSERT INTO parents (id) VALUES (1);
             CREATE TABLE items (name TEXT PRIMARY KEY,
                 parent INTEGER NOT NULL REFERENCES parents (id) DEFERRABLE INITIALLY DEFERRED);",
        )
        .unwrap();
        Self { _dir: dir, file }
    }

    fn writer(&self) -> SqliteWriter {
        let file = self.file.clone();
        SqliteWriter::start(Box::new(move || {
            let mut c = SqliteConnection::establish(&file)?;
            c.batch_execute("PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;")
                .map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
            Ok(c)
        }))
        .unwrap()
    }

    /// Counts `items` on a connection of its own (what another request
    /// would see).
    fn count(&self, filter: &str) -> i64 {
        let mut c = SqliteConnection::establish(&self.file).unwrap();
        diesel::sql_query(format!("SELECT COUNT(*) AS n FROM items WHERE {filter}"))
            .get_result::<Count>(&mut c)
            .unwrap()
            .n
    }
}

fn insert(c: &mut SqliteConnection, name: &str, parent: i64) -> Result<(), DbError> {
    diesel::sql_query(format!(
        "INSERT INTO items (name, parent) VALUES ('{name}', {parent})"
    ))
    .execute(c)?;
    Ok(())
}

/// Sends a job that holds the writer until `release` is signalled, so the
/// jobs sent meanwhile queue up and form the next batch.
fn hold_the_writer(writer: &SqliteWriter) -> (mpsc::Sender<()>, tokio::task::JoinHandle<()>) {
    let (release, held) = mpsc::channel::<()>();
    let writer = writer.clone();
    let holder = tokio::spawn(async move {
        writer
            .write(move |c| {
                held.recv().unwrap();
                insert(c, "holder", 1)
            })
            .await
            .unwrap();
    });
    (release, holder)
}

/// Lets spawned jobs reach the writer's queue.
async fn settle() {
    tokio::time::sleep(Duration::from_millis(100)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_jobs_all_commit_and_a_failing_one_is_rolled_back_alone() {
    let db = Db::new();
    let writer = db.writer();
    let (release, holder) = hold_the_writer(&writer);
    settle().await;
    let mut jobs = Vec::new();
    for i in 0..40 {
        let writer = writer.clone();
        jobs.push(tokio::spawn(async move {
            writer
                .write(move |c| {
                    insert(c, &format!("ok-{i}"), 1)?;
                    if i == 7 {
                        // Written, then refused: its savepoint is undone.
                        insert(c, "undone", 1)?;
                        return Err(DbError(StoreError::NotFound));
                    }
                    Ok(i)
                })
                .await
        }));
    }
    settle().await;
    assert_eq!(
        db.count("1"),
        0,
        "nothing is committed while the writer is held"
    );
    release.send(()).unwrap();
    holder.await.unwrap();
    for (i, job) in jobs.into_iter().enumerate() {
        let answer = job.await.unwrap();
        if i == 7 {
            assert!(matches!(answer, Err(StoreError::NotFound)), "{answer:?}");
        } else {
            assert_eq!(answer.unwrap(), i);
        }
    }
    assert_eq!(db.count("name LIKE 'ok-%'"), 39);
    assert_eq!(db.count("name IN ('ok-7', 'undone')"), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_whose_commit_fails_stores_none_of_its_jobs() {
    let db = Db::new();
    let writer = db.writer();
    let (release, holder) = hold_the_writer(&writer);
    settle().await;
    let send = |name: &'static str, parent: i64| {
        let writer = writer.clone();
        tokio::spawn(async move { writer.write(move |c| insert(c, name, parent)).await })
    };
    let good = send("good", 1);
    // No parent 99: accepted by the statement, refused at COMMIT.
    let orphan = send("orphan", 99);
    settle().await;
    release.send(()).unwrap();
    holder.await.unwrap();
    assert!(
        good.await.unwrap().is_err(),
        "acknowledged an uncommitted job"
    );
    assert!(orphan.await.unwrap().is_err());
    assert_eq!(db.count("name IN ('good', 'orphan')"), 0);
    // The writer goes on with a fresh batch.
    writer.write(|c| insert(c, "after", 1)).await.unwrap();
    assert_eq!(db.count("name = 'after'"), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_that_panics_fails_its_batch_and_the_writer_goes_on() {
    let db = Db::new();
    let writer = db.writer();
    let panicked = writer
        .write(|c| -> Result<(), DbError> {
            insert(c, "before-panic", 1)?;
            panic!("a bug in a job")
        })
        .await;
    assert!(panicked.is_err());
    assert_eq!(db.count("name = 'before-panic'"), 0);
    writer.write(|c| insert(c, "after", 1)).await.unwrap();
    assert_eq!(db.count("name = 'after'"), 1);
}
