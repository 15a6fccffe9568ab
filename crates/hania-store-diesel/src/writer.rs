//! Group commit for SQLite: one writer thread that owns one connection
//! and commits the write transactions of many concurrent requests in one
//! SQLite transaction.
//!
//! SQLite has one writer at a time. With every pool connection writing
//! for itself, concurrent turns queue on the file lock: a waiting
//! connection's busy handler sleeps (1, 2, 5, 10 ms …) before it tries
//! again, each transaction pays its own `BEGIN`/`COMMIT` and writes its
//! own copy of the hot pages (the billing row, the conversation, their
//! indexes) into the WAL, and each is a hop to the blocking pool.
//!
//! Here a request hands its transaction to the writer and waits. The
//! writer takes whatever is queued (up to [`MAX_BATCH`]), opens one
//! `BEGIN IMMEDIATE`, runs each job in a savepoint of its own (a job that
//! fails is rolled back alone; the others keep their work), commits once,
//! and only then answers every job of the batch: nothing is acknowledged
//! before it is committed. If the commit fails, every job of the batch
//! gets the error and none of them is stored. The writer never waits to
//! fill a batch: alone, a job commits at once; under load, the jobs that
//! arrived while one batch ran form the next.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc;

use diesel::sqlite::SqliteConnection;
use diesel::{Connection, ConnectionError};
use hania_domain::ports::StoreError;
use tokio::sync::oneshot;

use crate::conn::{DbError, map_diesel_error};

/// Most jobs committed in one transaction. It bounds how long one
/// transaction holds the file lock, and so how long a reader-turned-writer
/// on another connection may wait.
pub const MAX_BATCH: usize = 64;

/// Opens the writer's connection (and opens it again after a failure).
/// It MUST apply the store's connection settings (`busy_timeout`, foreign
/// keys, `synchronous`, no automatic checkpoints).
pub type OpenWriter = Box<dyn Fn() -> Result<SqliteConnection, ConnectionError> + Send>;

/// The handle requests send their write transactions through. Cloning it
/// is cheap; the writer thread ends when the last handle is dropped.
#[derive(Clone)]
pub struct SqliteWriter {
    jobs: mpsc::Sender<Box<dyn Job>>,
}

impl SqliteWriter {
    /// Starts the writer thread. Its connection is opened by `open` on the
    /// thread, before the first batch.
    pub fn start(open: OpenWriter) -> std::io::Result<Self> {
        let (jobs, queue) = mpsc::channel::<Box<dyn Job>>();
        std::thread::Builder::new()
            .name("hania-sqlite-writer".to_owned())
            .spawn(move || serve(&open, &queue))?;
        Ok(Self { jobs })
    }

    /// Runs `work` as one transaction (a savepoint of the writer's batch)
    /// and answers once the batch is committed: with `work`'s value, with
    /// its error (its writes rolled back), or with the commit's error.
    pub async fn write<R, F>(&self, work: F) -> Result<R, StoreError>
    where
        R: Send + 'static,
        F: FnOnce(&mut SqliteConnection) -> Result<R, DbError> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let job = Pending {
            work: Some(work),
            result: None,
            reply,
        };
        self.jobs.send(Box::new(job)).map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

fn stopped() -> StoreError {
    StoreError::Unavailable("the SQLite writer stopped".to_owned())
}

/// One request's transaction, type-erased for the queue.
trait Job: Send {
    /// Runs the work in a savepoint of the open transaction and keeps its
    /// result.
    fn run(&mut self, c: &mut SqliteConnection);
    /// Answers the request: its own result if the batch committed (or its
    /// own error), else the batch's error.
    fn finish(self: Box<Self>, batch: Result<(), &StoreError>);
}

struct Pending<F, R> {
    work: Option<F>,
    result: Option<Result<R, StoreError>>,
    reply: oneshot::Sender<Result<R, StoreError>>,
}

impl<F, R> Job for Pending<F, R>
where
    R: Send,
    F: FnOnce(&mut SqliteConnection) -> Result<R, DbError> + Send,
{
    fn run(&mut self, c: &mut SqliteConnection) {
        if let Some(work) = self.work.take() {
            self.result = Some(c.transaction(work).map_err(StoreError::from));
        }
    }

    fn finish(self: Box<Self>, batch: Result<(), &StoreError>) {
        let answer = match (self.result, batch) {
            (Some(Err(own)), _) => Err(own),
            (_, Err(error)) => Err(copy(error)),
            (Some(Ok(value)), Ok(())) => Ok(value),
            (None, Ok(())) => Err(StoreError::unexpected("a write job did not run")),
        };
        // A request that stopped waiting has no one to tell.
        let _ = self.reply.send(answer);
    }
}

/// The same error for another job of a failed batch.
fn copy(error: &StoreError) -> StoreError {
    match error {
        StoreError::NotFound => StoreError::NotFound,
        StoreError::Conflict(conflict) => StoreError::Conflict(*conflict),
        StoreError::Unavailable(what) => StoreError::Unavailable(what.clone()),
        StoreError::Unexpected(what) => StoreError::unexpected(what.to_string()),
    }
}

/// The writer thread: one batch per turn of the loop, until every handle
/// is gone.
fn serve(open: &OpenWriter, queue: &mpsc::Receiver<Box<dyn Job>>) {
    let mut conn: Option<SqliteConnection> = None;
    while let Ok(first) = queue.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let outcome = match &mut conn {
            Some(c) => commit(c, &mut batch),
            None => match open() {
                Ok(c) => commit(conn.insert(c), &mut batch),
                Err(error) => Err(StoreError::Unavailable(error.to_string())),
            },
        };
        if outcome.is_err() {
            // Whatever state a failed commit left the connection in, the
            // next batch starts on a fresh one.
            conn = None;
        }
        for job in batch {
            job.finish(outcome.as_ref().map(|_| ()));
        }
    }
}

/// Runs every job of the batch in one `BEGIN IMMEDIATE` … `COMMIT`.
fn commit(c: &mut SqliteConnection, batch: &mut [Box<dyn Job>]) -> Result<(), StoreError> {
    let ran = catch_unwind(AssertUnwindSafe(|| {
        c.immediate_transaction(|c| {
            for job in batch.iter_mut() {
                job.run(c);
            }
            Ok::<_, diesel::result::Error>(())
        })
    }));
    match ran {
        Ok(Ok(())) => Ok(()),
        Ok(Err(error)) => Err(map_diesel_error(error)),
        Err(_) => Err(StoreError::unexpected("a write job panicked")),
    }
}
