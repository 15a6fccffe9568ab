//! What the service tests share: a clock stopped at one instant and an id
//! generator.

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
