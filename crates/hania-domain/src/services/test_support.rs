//! What the domain's tests share: a clock stopped at one instant, an id
//! generator and a stored account key.

use std::sync::Arc;

use time::OffsetDateTime;
use time::macros::datetime;
use uuid::Uuid;

use crate::ports::{MockClock, MockIdGenerator};

/// The instant every test clock shows.
pub const NOW: OffsetDateTime = datetime!(2026-11-21 10:00 UTC);

/// A clock that always reads [`NOW`].
pub fn stopped_clock() -> Arc<MockClock> {
    let mut clock = MockClock::new();
    clock.expect_now().return_const(NOW);
    Arc::new(clock)
}

/// An id generator giving fresh random ids, and secret bytes from them.
pub fn random_ids() -> Arc<MockIdGenerator> {
    let mut ids = MockIdGenerator::new();
    ids.expect_new_id().returning(Uuid::new_v4);
    ids.expect_key_secret_bytes().returning(|| {
        let mut bytes = [0; crate::api_key::KEY_SECRET_BYTES];
        bytes[..16].copy_from_slice(Uuid::new_v4().as_bytes());
        bytes
    });
    Arc::new(ids)
}

/// The stored account key of `secret` (`bots:read`, no limit, no expiry).
pub fn stored_key(secret: &crate::api_key::KeySecret) -> crate::api_key::ApiKey {
    use crate::ids::{ApiKeyId, WorkspaceId};
    crate::api_key::ApiKey {
        id: ApiKeyId::from_uuid(Uuid::from_u128(7)),
        workspace_id: WorkspaceId::from_uuid(Uuid::from_u128(1)),
        name: "ci".into(),
        kind: crate::api_key::KeyKind::Account,
        display_prefix: secret.display_prefix(),
        hash: secret.hash(),
        abilities: crate::ability::AbilitySet::parse(&["bots:read"]).unwrap(),
        rate_limit_per_hour: None,
        expires_at: None,
        revoked_at: None,
        created_at: NOW,
    }
}
