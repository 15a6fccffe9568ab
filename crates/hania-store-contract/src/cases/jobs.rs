//! Jobs (claims, leases, retries) and recorded calls.

use std::sync::Arc;

use hania_domain::call::RecordedCall;
use hania_domain::conversation::Channel;
use hania_domain::ids::{BotId, ConversationId, JobId, WorkspaceId};
use hania_domain::job::{JobState, NewJob};
use hania_domain::message::Role;
use hania_domain::ports::Storage;

use crate::fixture::{at, id, message, new_conversation, stored_bot, workspace};
use crate::{assert_conflict, assert_not_found};

fn job(ws: WorkspaceId, conversation: ConversationId, due: i64) -> NewJob {
    NewJob::post_call(id(), ws, conversation, at(due))
}

fn call(ws: WorkspaceId, bot: BotId, external: &str, turns: usize) -> RecordedCall {
    let mut conversation = new_conversation(ws, bot, Channel::Voice, 0);
    conversation.external_call_id = Some(external.into());
    let messages = (0..turns)
        .map(|i| {
            let role = if i % 2 == 0 {
                Role::User
            } else {
                Role::Assistant
            };
            message(role, &format!("turn {i}"), i as i64)
        })
        .collect();
    RecordedCall {
        job: job(ws, conversation.id, 0),
        conversation,
        ended_at: at(600),
        messages,
    }
}

/// A call is stored ended, with its messages in order and its job; the
/// same external call id twice for one bot is refused and stores nothing.
pub async fn calls_are_recorded_once_with_their_job(store: &dyn Storage) {
    let ws = workspace(store, 0).await;
    let bot = stored_bot(store, ws, "voice").await;
    let first = call(ws, bot, "CA-1", 3);
    let stored = store.record_call(&first).await.unwrap();
    assert_eq!(
        (stored.channel, stored.ended_at),
        (Channel::Voice, Some(at(600)))
    );
    assert_eq!(stored.message_count, 3);
    let read = store
        .get_conversation(ws, first.conversation.id)
        .await
        .unwrap();
    assert_eq!(read, stored);
    let contents: Vec<String> = store
        .list_messages(ws, stored.id)
        .await
        .unwrap()
        .into_iter()
        .map(|m| format!("{}:{}:{}", m.position, m.role.as_str(), m.content))
        .collect();
    assert_eq!(
        contents,
        ["1:user:turn 0", "2:assistant:turn 1", "3:user:turn 2"]
    );
    let jobs = store.list_jobs(Some(JobState::Queued), 10).await.unwrap();
    assert_eq!(jobs.len(), 1);
    assert_eq!(
        (
            jobs[0].conversation_id,
            jobs[0].workspace_id,
            jobs[0].attempts
        ),
        (stored.id, ws, 0)
    );

    let again = call(ws, bot, "CA-1", 2);
    assert_conflict!(store.record_call(&again).await, CallExists);
    assert_not_found!(store.get_conversation(ws, again.conversation.id).await);
    assert_eq!(
        store.list_jobs(None, 10).await.unwrap().len(),
        1,
        "no job either"
    );
    let other_bot = stored_bot(store, ws, "other").await;
    store
        .record_call(&call(ws, other_bot, "CA-1", 1))
        .await
        .unwrap();
    let foreign = workspace(store, 0).await;
    assert_not_found!(store.record_call(&call(foreign, bot, "CA-2", 1)).await);
}

/// Due jobs are claimed oldest first for a lease, once; a lapsed claim
/// is claimed again; only the holder ends an attempt.
pub async fn jobs_are_claimed_for_a_lease_and_retried(store: &dyn Storage) {
    let ws = workspace(store, 0).await;
    let (early, late, later) = (job(ws, id(), 10), job(ws, id(), 20), job(ws, id(), 100));
    for j in [&late, &later, &early] {
        store.enqueue_job(j).await.unwrap();
    }
    let claimed = store.claim_jobs("w1", at(50), at(170), 10).await.unwrap();
    let ids: Vec<JobId> = claimed.iter().map(|j| j.id).collect();
    assert_eq!(ids, [early.id, late.id], "due ones, oldest first");
    assert!(claimed.iter().all(|j| j.state == JobState::Running
        && j.attempts == 1
        && j.claimed_by.as_deref() == Some("w1")
        && j.claimed_until == Some(at(170))));
    assert!(
        store
            .claim_jobs("w2", at(60), at(180), 10)
            .await
            .unwrap()
            .is_empty()
    );

    assert!(store.finish_job(early.id, "w1", at(61)).await.unwrap());
    assert!(
        !store.finish_job(early.id, "w1", at(62)).await.unwrap(),
        "once"
    );
    assert!(
        !store
            .fail_job(late.id, "w2", "not mine", Some(at(70)), at(62))
            .await
            .unwrap()
    );
    assert!(
        store
            .fail_job(late.id, "w1", "answered 503", Some(at(200)), at(63))
            .await
            .unwrap()
    );

    // The crashed-worker case: w3 claims `later` and never comes back.
    let taken = store.claim_jobs("w3", at(150), at(160), 10).await.unwrap();
    assert_eq!(taken.iter().map(|j| j.id).collect::<Vec<_>>(), [later.id]);
    let retaken = store.claim_jobs("w4", at(201), at(300), 10).await.unwrap();
    let mut ids: Vec<JobId> = retaken.iter().map(|j| j.id).collect();
    ids.sort();
    let mut expected = vec![late.id, later.id];
    expected.sort();
    assert_eq!(ids, expected, "the retry is due and w3's lease lapsed");
    let late_now = retaken.iter().find(|j| j.id == late.id).unwrap();
    assert_eq!(
        (late_now.attempts, late_now.last_error.as_deref()),
        (2, Some("answered 503"))
    );
    assert!(
        !store.finish_job(later.id, "w3", at(202)).await.unwrap(),
        "w3 lost it"
    );
    assert!(
        store
            .fail_job(later.id, "w4", "gave up", None, at(203))
            .await
            .unwrap()
    );
    assert!(store.finish_job(late.id, "w4", at(204)).await.unwrap());

    let states: Vec<(JobId, JobState)> = store
        .list_jobs(None, 10)
        .await
        .unwrap()
        .into_iter()
        .map(|j| (j.id, j.state))
        .collect();
    assert_eq!(states.len(), 3);
    assert!(states.contains(&(early.id, JobState::Done)));
    assert!(states.contains(&(late.id, JobState::Done)));
    assert!(states.contains(&(later.id, JobState::Failed)));
    assert_eq!(
        store
            .list_jobs(Some(JobState::Failed), 10)
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(
        store
            .claim_jobs("w5", at(10_000), at(10_100), 10)
            .await
            .unwrap()
            .is_empty()
    );
}

/// Eight workers claiming twenty jobs at once: each job goes to one.
pub async fn concurrent_job_claimers_take_each_job_once(store: &Arc<dyn Storage>) {
    let ws = workspace(store.as_ref(), 0).await;
    for _ in 0..20 {
        store.enqueue_job(&job(ws, id(), 0)).await.unwrap();
    }
    let workers = (0..8).map(|w| {
        let store = store.clone();
        tokio::spawn(async move {
            let mut mine = Vec::new();
            loop {
                let got = store
                    .claim_jobs(&format!("w{w}"), at(10), at(100), 3)
                    .await
                    .unwrap();
                if got.is_empty() {
                    return mine;
                }
                mine.extend(got.into_iter().map(|j| j.id));
            }
        })
    });
    let mut all: Vec<JobId> = futures::future::join_all(workers)
        .await
        .into_iter()
        .flat_map(|r| r.expect("a worker panicked"))
        .collect();
    assert_eq!(all.len(), 20, "every job claimed");
    all.sort();
    all.dedup();
    assert_eq!(all.len(), 20, "none twice");
}
