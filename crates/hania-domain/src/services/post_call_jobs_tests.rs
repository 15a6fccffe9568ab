//! How a job's attempt ends: done, queued again with backoff, failed
//! after the last attempt, or lost to a worker that took the claim over.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use time::Duration;
use uuid::Uuid;

use super::tests::{CALL, Scripted, harness, steps_kept};
use crate::ids::JobId;
use crate::job::{Job, JobKind, JobState};
use crate::services::JobRun;
use crate::services::test_support::NOW;
use crate::services::turn_test_support::{Harness, WS};

fn job(attempts: u32) -> Job {
    Job {
        id: JobId::from_uuid(Uuid::from_u128(5)),
        kind: JobKind::PostCall,
        workspace_id: WS,
        conversation_id: CALL,
        state: JobState::Running,
        attempts,
        run_after: NOW,
        claimed_by: Some("w1".into()),
        claimed_until: Some(NOW + Duration::minutes(2)),
        last_error: None,
        created_at: NOW,
        updated_at: NOW,
    }
}

#[tokio::test]
async fn a_failed_job_is_queued_again_with_backoff_then_failed() {
    for (attempts, expected) in [(1, Some(NOW + Duration::seconds(5))), (5, None)] {
        let mut h = Harness::default();
        h.conversations
            .expect_get_conversation()
            .returning(|_, _| Err(crate::ports::StoreError::Unavailable("down".into())));
        h.jobs
            .expect_fail_job()
            .times(1)
            .returning(move |id, worker, error, run_after, _| {
                assert_eq!((id, worker), (JobId::from_uuid(Uuid::from_u128(5)), "w1"));
                assert!(!error.is_empty());
                assert_eq!(run_after, expected);
                Ok(true)
            });
        h.jobs.expect_finish_job().never();
        let run = h.service().run_job("w1", &job(attempts)).await.unwrap();
        match expected {
            Some(at) => assert!(matches!(run, JobRun::Retry(when, _) if when == at)),
            None => assert!(matches!(run, JobRun::Failed(_))),
        }
    }
}

#[tokio::test]
async fn a_worker_that_lost_its_claim_records_nothing() {
    let mut h = harness(None, true);
    let _steps = steps_kept(&mut h);
    h.executor = Arc::new(Scripted {
        script: Mutex::new(VecDeque::from([
            ("crm", true, false),
            ("slack", true, false),
        ])),
        seen: Mutex::new(Vec::new()),
    });
    h.jobs
        .expect_finish_job()
        .times(1)
        .returning(|_, _, _| Ok(false));
    let run = h.service().run_job("w1", &job(1)).await.unwrap();
    assert_eq!(run, JobRun::Lost);
}

#[tokio::test]
async fn the_job_of_a_deleted_call_fails_at_once() {
    let mut h = Harness::default();
    h.conversations
        .expect_get_conversation()
        .returning(|_, _| Err(crate::ports::StoreError::NotFound));
    h.jobs
        .expect_fail_job()
        .times(1)
        .returning(|_, _, _, run_after, _| {
            assert_eq!(run_after, None, "no retry");
            Ok(true)
        });
    let run = h.service().run_job("w1", &job(1)).await.unwrap();
    assert!(matches!(run, JobRun::Failed(_)), "{run:?}");
}
