//! The store's maintenance thread: it copies the WAL into the database
//! file (the pool's connections and the writer never checkpoint in a
//! `COMMIT`) and refreshes the planner's statistics.
//!
//! It is a thread of its own, on a connection of its own, at a lower
//! scheduling priority (nice 10): a checkpoint copies every page written
//! since the last one, and on a server with one core that copying, at the
//! same priority as the requests, stalled them for milliseconds twice a
//! second. Lowered, it takes the core's idle time first and still gets
//! about a tenth of it under full load.

use std::time::{Duration, Instant};

use diesel::ConnectionError;
use diesel::connection::SimpleConnection;
use diesel::sqlite::SqliteConnection;

/// How often the WAL is copied into the database file.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(500);

/// Refreshes the planner's statistics of every table that needs it,
/// reading at most about a thousand rows per index (so it stays quick at
/// millions of rows). Without them SQLite guesses, and walks the newest
/// first index of a million conversations for one external call id.
/// Run before the pool's connections open (they load the statistics),
/// and every [`REFRESH_EVERY`] by the maintenance thread.
pub(crate) const REFRESH_STATISTICS: &str =
    "PRAGMA analysis_limit = 1000; PRAGMA optimize = 0x10002;";

/// How often the statistics are refreshed.
const REFRESH_EVERY: Duration = Duration::from_secs(3600);

/// The maintenance thread's niceness (0 is the requests'; 19 the lowest).
const NICENESS: i32 = 10;

/// Opens the thread's connection (again after a failure).
pub(crate) type Open = Box<dyn Fn() -> Result<SqliteConnection, ConnectionError> + Send>;

/// Whether the store is still in use (its pool has a handle).
pub(crate) type Alive = Box<dyn Fn() -> bool + Send>;

/// Starts the thread. It stops within [`CHECKPOINT_EVERY`] of `alive`
/// turning false.
pub(crate) fn start(alive: Alive, open: Open) -> std::io::Result<()> {
    std::thread::Builder::new()
        .name("hania-sqlite-maint".to_owned())
        .spawn(move || run(&alive, &open))
        .map(drop)
}

fn run(alive: &Alive, open: &Open) {
    lower_priority();
    let mut conn: Option<SqliteConnection> = None;
    let mut refreshed = Instant::now();
    loop {
        std::thread::sleep(CHECKPOINT_EVERY);
        if !alive() {
            return;
        }
        let c = match &mut conn {
            Some(c) => c,
            None => match open() {
                Ok(c) => conn.insert(c),
                Err(error) => {
                    tracing::warn!(%error, "the maintenance connection did not open");
                    continue;
                }
            },
        };
        // PASSIVE: it copies what no reader still needs and never waits.
        if let Err(error) = c.batch_execute("PRAGMA wal_checkpoint(PASSIVE);") {
            tracing::warn!(%error, "WAL checkpoint failed");
            conn = None;
            continue;
        }
        if refreshed.elapsed() >= REFRESH_EVERY {
            refreshed = Instant::now();
            if let Err(error) = c.batch_execute(REFRESH_STATISTICS) {
                tracing::warn!(%error, "refreshing the planner's statistics failed");
            }
        }
    }
}

/// Lowers this thread's priority (Linux: niceness is per thread). A
/// failure leaves it at the requests' priority, which only costs latency.
fn lower_priority() {
    #[cfg(target_os = "linux")]
    if let Err(error) =
        rustix::process::setpriority_process(Some(rustix::thread::gettid()), NICENESS)
    {
        tracing::debug!(%error, "could not lower the maintenance thread's priority");
    }
}
