use std::sync::Arc;

use hania_domain::bot::{Bot, BotStatus};
use hania_domain::ids::WorkspaceId;
use hania_domain::ports::{RunClaim, Storage};

use crate::fixture::*;

/// A stored bot scheduled every minute with a goal, due at `at(due)`.
async fn scheduled(store: &dyn Storage, ws: WorkspaceId, slug: &str, due: i64) -> Bot {
    let mut bot = bot(ws, slug, slug);
    bot.schedule = Some("* * * * *".parse().unwrap());
    bot.agent_goal = Some("Check the overnight orders".into());
    bot.next_run_at = Some(at(due));
    store.create_bot(&bot).await.unwrap();
    bot
}

fn claim(bot: &Bot, next: i64) -> RunClaim {
    RunClaim {
        workspace: bot.workspace_id,
        bot: bot.id,
        due_at: bot.next_run_at.unwrap(),
        next_run_at: Some(at(next)),
        started_at: at(5),
    }
}

/// Due bots are the active ones with a schedule and a goal whose
/// `next_run_at` has come, of every workspace, the longest overdue first.
pub async fn due_bots_are_active_scheduled_with_a_goal(store: &dyn Storage) {
    let (ws, other) = (workspace(store, 0).await, workspace(store, 0).await);
    let later = scheduled(store, ws, "later", 10).await;
    let due = scheduled(store, ws, "due", 0).await;
    let older = scheduled(store, other, "older", -30).await;
    let mut inactive = scheduled(store, ws, "inactive", -60).await;
    inactive.status = BotStatus::Inactive;
    store.update_bot(&inactive).await.unwrap();
    let mut goalless = scheduled(store, ws, "goalless", -60).await;
    goalless.agent_goal = None;
    store.update_bot(&goalless).await.unwrap();

    let found = store.due_bots(at(5), 10).await.unwrap();
    let ids: Vec<_> = found.iter().map(|b| b.id).collect();
    assert_eq!(ids, [older.id, due.id]);
    assert_eq!(found[1], due);
    assert_eq!(store.due_bots(at(5), 1).await.unwrap().len(), 1);
    let all = store.due_bots(at(10), 10).await.unwrap();
    assert!(all.iter().any(|b| b.id == later.id), "due at its very time");
}

/// A claim moves `next_run_at` and sets `last_run_at` once: a second
/// claim of the same slot, or a claim of an inactive bot, loses.
pub async fn a_run_slot_is_claimed_once(store: &dyn Storage) {
    let ws = workspace(store, 0).await;
    let bot = scheduled(store, ws, "agent", 0).await;
    assert!(store.claim_run(&claim(&bot, 60)).await.unwrap());
    assert!(!store.claim_run(&claim(&bot, 60)).await.unwrap());
    let stored = store.get_bot(ws, bot.id).await.unwrap();
    assert_eq!(
        (stored.next_run_at, stored.last_run_at),
        (Some(at(60)), Some(at(5)))
    );
    assert!(store.due_bots(at(5), 10).await.unwrap().is_empty());

    let mut gone = scheduled(store, ws, "gone", 0).await;
    gone.status = BotStatus::Inactive;
    store.update_bot(&gone).await.unwrap();
    assert!(!store.claim_run(&claim(&gone, 60)).await.unwrap());
    let other = workspace(store, 0).await;
    let theirs = RunClaim {
        workspace: other,
        ..claim(&scheduled(store, ws, "mine", 0).await, 60)
    };
    assert!(
        !store.claim_run(&theirs).await.unwrap(),
        "scoped by workspace"
    );
}

/// Sixteen claimers of one slot at once: exactly one wins.
pub async fn concurrent_claimers_of_a_slot_one_wins(store: &Arc<dyn Storage>) {
    let ws = workspace(store.as_ref(), 0).await;
    for round in 0..3 {
        let bot = scheduled(store.as_ref(), ws, &format!("agent-{round}"), 0).await;
        let claims = (0..16).map(|_| {
            let (store, claim) = (store.clone(), claim(&bot, 60));
            tokio::spawn(async move { store.claim_run(&claim).await.unwrap() })
        });
        let won: usize = futures::future::join_all(claims)
            .await
            .into_iter()
            .map(|r| usize::from(r.expect("a claimer panicked")))
            .sum();
        assert_eq!(won, 1, "round {round}");
    }
}
