//! The job worker: every tick it claims due background jobs (post-call
//! processing) for a lease — in the database, so with several instances
//! each job runs once — and runs each in a task of its own. A job whose
//! worker died is claimed again once its lease lapses. On shutdown it
//! stops claiming and lets the jobs in flight finish within the grace.

use std::time::Duration;

use actix_web::web;
use hania_domain::services::JobRun;
use hania_http::AppState;
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::scheduler::shutdown_signal;

/// A running job worker.
pub struct JobWorker {
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

/// How the worker runs.
#[derive(Debug, Clone, Copy)]
pub struct JobSettings {
    /// How often it looks for due jobs.
    pub tick: Duration,
    /// How long a claim lasts.
    pub lease: Duration,
}

impl JobWorker {
    /// Starts the worker over the server's state, as `worker` (unique per
    /// process).
    pub fn spawn(state: web::Data<AppState>, settings: JobSettings, worker: String) -> Self {
        let (stop, stopped) = watch::channel(false);
        let task = tokio::spawn(run(state, settings, worker, stopped));
        Self { stop, task }
    }

    /// Stops claiming jobs and waits (at most `grace`) for the jobs in
    /// flight to finish.
    pub async fn stop(self, grace: Duration) {
        let _ = self.stop.send(true);
        if tokio::time::timeout(grace, self.task).await.is_err() {
            tracing::warn!("jobs: still in flight at the end of the shutdown grace");
        }
    }
}

/// A worker name unique to this process: host, process id, random suffix.
pub fn worker_name() -> String {
    let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "hania".into());
    let suffix = uuid::Uuid::new_v4().simple().to_string();
    format!("{host}:{}:{}", std::process::id(), &suffix[..8])
}

async fn run(
    state: web::Data<AppState>,
    settings: JobSettings,
    worker: String,
    mut stopped: watch::Receiver<bool>,
) {
    let lease = time::Duration::try_from(settings.lease).unwrap_or(time::Duration::minutes(2));
    let mut jobs = JoinSet::new();
    let mut signalled = std::pin::pin!(shutdown_signal());
    loop {
        tokio::select! {
            () = tokio::time::sleep(settings.tick) => {}
            _ = stopped.changed() => break,
            () = &mut signalled => break,
        }
        while jobs.try_join_next().is_some() {}
        let claimed = match state.chat.claim_jobs(&worker, lease).await {
            Ok(claimed) => claimed,
            Err(error) => {
                tracing::warn!(%error, "jobs: could not claim due jobs");
                continue;
            }
        };
        for job in claimed {
            let (state, worker) = (state.clone(), worker.clone());
            jobs.spawn(async move {
                let (id, kind, attempt) = (job.id, job.kind, job.attempts);
                let result = state.chat.run_job(&worker, &job).await;
                state.metrics.series().job_run(match &result {
                    Ok(JobRun::Done) => "done",
                    Ok(JobRun::Retry(..)) => "retry",
                    Ok(JobRun::Failed(_)) => "failed",
                    Ok(JobRun::Lost) => "lost",
                    Err(_) => "unrecorded",
                });
                match result {
                    Ok(JobRun::Done) => tracing::info!(%id, %kind, attempt, "job done"),
                    Ok(JobRun::Retry(at, error)) => {
                        tracing::warn!(%id, %kind, attempt, %error, retry_at = %at, "job failed; will retry")
                    }
                    Ok(JobRun::Failed(error)) => {
                        tracing::error!(%id, %kind, attempt, %error, "job failed for good")
                    }
                    Ok(JobRun::Lost) => tracing::warn!(%id, %kind, "job taken over by another worker"),
                    Err(error) => tracing::warn!(%id, %error, "job outcome not recorded; its lease will lapse"),
                }
            });
        }
    }
    tracing::info!(in_flight = jobs.len(), "jobs: stopped claiming");
    while jobs.join_next().await.is_some() {}
}
