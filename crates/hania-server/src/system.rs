//! Production adapters of the domain's system ports.

use hania_domain::api_key::KEY_SECRET_BYTES;
use hania_domain::ports::{Clock, IdGenerator};
use time::OffsetDateTime;
use uuid::Uuid;

/// The real UTC clock, truncated to microseconds (what the stores keep).
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        let now = OffsetDateTime::now_utc();
        now.replace_nanosecond(now.microsecond() * 1_000)
            .unwrap_or(now)
    }
}

/// Random v4 UUIDs and key secrets from the operating system's CSPRNG.
pub struct RandomIds;

impl IdGenerator for RandomIds {
    fn new_id(&self) -> Uuid {
        Uuid::new_v4()
    }

    fn key_secret_bytes(&self) -> [u8; KEY_SECRET_BYTES] {
        let mut bytes = [0u8; KEY_SECRET_BYTES];
        if let Err(error) = getrandom::fill(&mut bytes) {
            // No entropy means no safe keys: refuse to continue.
            panic!("the operating system's random source failed: {error}");
        }
        bytes
    }
}
