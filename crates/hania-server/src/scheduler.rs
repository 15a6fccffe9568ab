//! The scheduler: every tick it claims the agent runs that are due (the
//! claim happens in the database, so with several instances each slot
//! runs once) and runs each in a task of its own. On shutdown it stops
//! claiming and lets the runs in flight finish within the grace period.

use std::time::Duration;

use actix_web::web;
use hania_http::AppState;
use tokio::sync::watch;
use tokio::task::JoinSet;

/// A running scheduler.
pub struct Scheduler {
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl Scheduler {
    /// Starts ticking every `tick` over the server's state.
    pub fn spawn(state: web::Data<AppState>, tick: Duration) -> Self {
        let (stop, stopped) = watch::channel(false);
        let task = tokio::spawn(run(state, tick, stopped));
        Self { stop, task }
    }

    /// Stops claiming runs and waits (at most `grace`) for the runs in
    /// flight to finish.
    pub async fn stop(self, grace: Duration) {
        let _ = self.stop.send(true);
        if tokio::time::timeout(grace, self.task).await.is_err() {
            tracing::warn!("scheduler: runs still in flight at the end of the shutdown grace");
        }
    }
}

async fn run(state: web::Data<AppState>, tick: Duration, mut stopped: watch::Receiver<bool>) {
    let mut runs = JoinSet::new();
    let mut signalled = std::pin::pin!(shutdown_signal());
    loop {
        tokio::select! {
            () = tokio::time::sleep(tick) => {}
            _ = stopped.changed() => break,
            () = &mut signalled => break,
        }
        while runs.try_join_next().is_some() {}
        let claimed = match state.chat.claim_due_runs().await {
            Ok(claimed) => claimed,
            Err(error) => {
                tracing::warn!(%error, "scheduler: could not claim due runs");
                continue;
            }
        };
        for run in claimed {
            let state = state.clone();
            runs.spawn(async move {
                let bot = run.bot.id;
                let result = state.chat.run_scheduled(&run).await;
                state.count_scheduled_run(result.as_ref().err());
                match result {
                    Ok(reply) => tracing::info!(%bot, conversation = %reply.conversation_id, "scheduled run done"),
                    Err(error) => tracing::warn!(%bot, %error, "scheduled run failed"),
                }
            });
        }
    }
    tracing::info!(in_flight = runs.len(), "scheduler: stopped claiming runs");
    while runs.join_next().await.is_some() {}
}

/// Resolves on SIGINT or SIGTERM (as the HTTP server shuts down).
pub(crate) async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term = match signal(SignalKind::terminate()) {
            Ok(term) => term,
            Err(_) => return std::future::pending().await,
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
