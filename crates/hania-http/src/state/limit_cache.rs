//! A short-lived cache of each workspace's default hourly request limit,
//! so authenticating a key without a limit of its own does not read the
//! workspace on every request. A changed default applies within
//! [`LIMIT_TTL`].

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use hania_domain::ids::WorkspaceId;

/// How long a cached limit is used.
pub const LIMIT_TTL: Duration = Duration::from_secs(30);
/// Entries kept before expired ones are swept.
const SWEEP_AT: usize = 10_000;

/// Workspace default limits with their read time.
#[derive(Debug, Default)]
pub struct WorkspaceLimitCache {
    entries: Mutex<HashMap<WorkspaceId, (u32, Instant)>>,
}

impl WorkspaceLimitCache {
    /// The cached limit, if read less than [`LIMIT_TTL`] before `now`.
    pub fn get(&self, workspace: WorkspaceId, now: Instant) -> Option<u32> {
        let entries = self.entries.lock().ok()?;
        let (limit, read_at) = entries.get(&workspace)?;
        (now.saturating_duration_since(*read_at) < LIMIT_TTL).then_some(*limit)
    }

    /// Remembers a limit read at `now`.
    pub fn put(&self, workspace: WorkspaceId, limit: u32, now: Instant) {
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        if entries.len() >= SWEEP_AT {
            entries.retain(|_, (_, read_at)| now.saturating_duration_since(*read_at) < LIMIT_TTL);
            if entries.len() >= SWEEP_AT {
                entries.clear();
            }
        }
        entries.insert(workspace, (limit, now));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_kept_for_the_ttl_only() {
        let cache = WorkspaceLimitCache::default();
        let ws = WorkspaceId::from_uuid(uuid::Uuid::from_u128(1));
        let t0 = Instant::now();
        assert_eq!(cache.get(ws, t0), None);
        cache.put(ws, 600, t0);
        assert_eq!(cache.get(ws, t0 + LIMIT_TTL / 2), Some(600));
        assert_eq!(cache.get(ws, t0 + LIMIT_TTL), None);
    }

    #[test]
    fn a_full_cache_sweeps_expired_entries() {
        let cache = WorkspaceLimitCache::default();
        let t0 = Instant::now();
        for i in 0..SWEEP_AT as u128 {
            cache.put(WorkspaceId::from_uuid(uuid::Uuid::from_u128(i)), 1, t0);
        }
        let later = t0 + LIMIT_TTL;
        let fresh = WorkspaceId::from_uuid(uuid::Uuid::from_u128(u128::MAX));
        cache.put(fresh, 2, later);
        assert_eq!(cache.entries.lock().unwrap().len(), 1);
        assert_eq!(cache.get(fresh, later), Some(2));
    }
}
