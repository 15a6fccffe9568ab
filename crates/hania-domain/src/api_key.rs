//! API keys: account keys (`hania_sk_…`) for server-to-server calls and
//! widget keys (`hania_pk_…`) bound to one bot for the embeddable widget.
//! Only a SHA-256 hash of the secret and a short display prefix are stored.

use std::fmt;

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use time::OffsetDateTime;

use crate::ability::AbilitySet;
use crate::ids::{ApiKeyId, BotId, WorkspaceId};

/// Prefix of account (secret) keys.
pub const ACCOUNT_KEY_PREFIX: &str = "hania_sk_";
/// Prefix of widget (public) keys.
pub const WIDGET_KEY_PREFIX: &str = "hania_pk_";
/// Random bytes in a key secret (160 bits).
pub const KEY_SECRET_BYTES: usize = 20;
/// Hex characters of the secret kept in the display prefix.
const DISPLAY_HEX_CHARS: usize = 4;
/// Highest hourly request limit a key may have.
pub const MAX_RATE_LIMIT_PER_HOUR: u32 = 100_000_000;

/// Checks a key's hourly request limit: 1 to [`MAX_RATE_LIMIT_PER_HOUR`].
pub fn validate_rate_limit(limit: u32) -> Result<u32, crate::validation::ValidationError> {
    if (1..=MAX_RATE_LIMIT_PER_HOUR).contains(&limit) {
        Ok(limit)
    } else {
        Err(crate::validation::ValidationError::new(
            "rate_limit_per_hour",
            format!("must be between 1 and {MAX_RATE_LIMIT_PER_HOUR}"),
        ))
    }
}

/// Default hourly request limit of a widget key.
pub const DEFAULT_WIDGET_RATE_LIMIT_PER_HOUR: u32 = 1000;
/// Requests per hour of each widget visitor when the key sets no other.
pub const DEFAULT_VISITOR_RATE_LIMIT_PER_HOUR: u32 = 60;

/// Which family a key belongs to; decides its prefix and what it may call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyFamily {
    /// `hania_sk_…`: the account API.
    Account,
    /// `hania_pk_…`: the widget chat endpoints only.
    Widget,
}

impl KeyFamily {
    /// The secret's prefix.
    pub const fn prefix(self) -> &'static str {
        match self {
            KeyFamily::Account => ACCOUNT_KEY_PREFIX,
            KeyFamily::Widget => WIDGET_KEY_PREFIX,
        }
    }

    /// The stored name of the family.
    pub const fn as_str(self) -> &'static str {
        match self {
            KeyFamily::Account => "account",
            KeyFamily::Widget => "widget",
        }
    }

    /// Parses a stored family name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "account" => Some(KeyFamily::Account),
            "widget" => Some(KeyFamily::Widget),
            _ => None,
        }
    }
}

/// The plaintext of a key. Shown once at creation, never stored; its `Debug`
/// output is redacted.
#[derive(Clone, PartialEq, Eq)]
pub struct KeySecret(String);

impl KeySecret {
    /// Builds a secret of `family` from 160 random bits.
    pub fn from_random(family: KeyFamily, random: [u8; KEY_SECRET_BYTES]) -> Self {
        Self(format!(
            "{}{}",
            family.prefix(),
            crate::hex::encode(&random)
        ))
    }

    /// Accepts text that has the exact shape of a key: a known prefix and 40
    /// lowercase hex characters. Anything else is `None`.
    pub fn parse(text: &str) -> Option<Self> {
        Self::family_of(text)?;
        Some(Self(text.to_owned()))
    }

    /// The family a well-formed key text belongs to.
    pub fn family_of(text: &str) -> Option<KeyFamily> {
        let (family, rest) = if let Some(rest) = text.strip_prefix(ACCOUNT_KEY_PREFIX) {
            (KeyFamily::Account, rest)
        } else {
            (KeyFamily::Widget, text.strip_prefix(WIDGET_KEY_PREFIX)?)
        };
        let well_formed = rest.len() == 2 * KEY_SECRET_BYTES
            && rest
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        well_formed.then_some(family)
    }

    /// The family of this secret.
    pub fn family(&self) -> KeyFamily {
        if self.0.starts_with(WIDGET_KEY_PREFIX) {
            KeyFamily::Widget
        } else {
            KeyFamily::Account
        }
    }

    /// The full plaintext, to show the user once.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The short prefix kept for display, e.g. `hania_sk_1a2b`.
    pub fn display_prefix(&self) -> String {
        let prefix_len = self.family().prefix().len();
        self.0[..prefix_len + DISPLAY_HEX_CHARS].to_owned()
    }

    /// The SHA-256 of the whole key, which is what is stored.
    pub fn hash(&self) -> KeyHash {
        KeyHash(Sha256::digest(self.0.as_bytes()).into())
    }
}

impl fmt::Debug for KeySecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeySecret({}…)", self.display_prefix())
    }
}

/// SHA-256 of a key's plaintext.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyHash(pub [u8; 32]);

impl KeyHash {
    /// Lowercase hex, as stored.
    pub fn to_hex(&self) -> String {
        crate::hex::encode(&self.0)
    }

    /// Parses 64 hex characters.
    pub fn from_hex(hex: &str) -> Option<Self> {
        if hex.len() != 64 || !hex.is_ascii() {
            return None;
        }
        let mut out = [0u8; 32];
        for (i, byte) in out.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok()?;
        }
        Some(Self(out))
    }

    /// Compares in constant time.
    pub fn matches(&self, other: &KeyHash) -> bool {
        self.0.ct_eq(&other.0).into()
    }
}

/// Settings that only widget keys have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WidgetKeySettings {
    /// The one bot the key can chat with.
    pub bot_id: BotId,
    /// Origins (host names, optionally with port) allowed to use the key.
    pub allowed_domains: Vec<String>,
    /// An inactive widget key is refused like a revoked one.
    pub is_active: bool,
    /// Requests per hour of each visitor (each browser) using the key.
    pub visitor_rate_limit_per_hour: u32,
    /// The key's own text, kept because widget keys are public by design
    /// (the embed code shows it); `None` for keys made before it was kept.
    pub key_text: Option<String>,
    /// The secret a site signs its logged-in users' ids with (`user_hash`
    /// = hex HMAC-SHA256 of the user id under it); shown once, when made.
    pub identity_secret: Option<String>,
}

/// Kind of key, with the kind's own settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyKind {
    /// Account key for the native and compat APIs.
    Account,
    /// Public widget key.
    Widget(WidgetKeySettings),
}

impl KeyKind {
    /// The key family of this kind.
    pub fn family(&self) -> KeyFamily {
        match self {
            KeyKind::Account => KeyFamily::Account,
            KeyKind::Widget(_) => KeyFamily::Widget,
        }
    }
}

/// A stored API key.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiKey {
    /// Key id.
    pub id: ApiKeyId,
    /// Owning workspace.
    pub workspace_id: WorkspaceId,
    /// Human label.
    pub name: String,
    /// Account or widget, with widget settings.
    pub kind: KeyKind,
    /// Display prefix of the secret, e.g. `hania_sk_1a2b`.
    pub display_prefix: String,
    /// SHA-256 of the secret.
    pub hash: KeyHash,
    /// What the key may do (empty for widget keys).
    pub abilities: AbilitySet,
    /// Requests per hour; `None` uses the workspace default.
    pub rate_limit_per_hour: Option<u32>,
    /// After this instant the key is refused.
    pub expires_at: Option<OffsetDateTime>,
    /// Set when revoked; a revoked key is refused at once.
    pub revoked_at: Option<OffsetDateTime>,
    /// Creation time.
    pub created_at: OffsetDateTime,
}

impl ApiKey {
    /// The widget settings of a widget key (`None` for account keys).
    pub fn widget(&self) -> Option<&WidgetKeySettings> {
        match &self.kind {
            KeyKind::Widget(settings) => Some(settings),
            KeyKind::Account => None,
        }
    }

    /// Whether the key may authenticate a request at `now`: not revoked, not
    /// expired and, for widget keys, active.
    pub fn is_usable_at(&self, now: OffsetDateTime) -> bool {
        let active = match &self.kind {
            KeyKind::Account => true,
            KeyKind::Widget(settings) => settings.is_active,
        };
        active && self.revoked_at.is_none() && self.expires_at.is_none_or(|at| now < at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_have_the_documented_shape() {
        let secret = KeySecret::from_random(KeyFamily::Account, [0xab; KEY_SECRET_BYTES]);
        assert_eq!(secret.expose().len(), 9 + 40);
        assert!(secret.expose().starts_with("hania_sk_abab"));
        assert_eq!(secret.display_prefix(), "hania_sk_abab");
        assert_eq!(KeySecret::parse(secret.expose()), Some(secret.clone()));
        assert!(!format!("{secret:?}").contains(&"ab".repeat(20)));
        let widget = KeySecret::from_random(KeyFamily::Widget, [1; KEY_SECRET_BYTES]);
        assert_eq!(widget.family(), KeyFamily::Widget);
    }

    #[test]
    fn malformed_key_text_is_rejected() {
        for bad in [
            "",
            "hania_sk_",
            "hania_sk_ABABABABABABABABABABABABABABABABABABABAB",
            "hania_xx_abababababababababababababababababababab",
            "hania_sk_abababababababababababababababababababa",
            "hania_sk_ababababababababababababababababababababab",
        ] {
            assert!(KeySecret::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn hashes_round_trip_and_compare() {
        let secret = KeySecret::from_random(KeyFamily::Account, [7; KEY_SECRET_BYTES]);
        let hash = secret.hash();
        assert_eq!(KeyHash::from_hex(&hash.to_hex()), Some(hash));
        assert!(hash.matches(&secret.hash()));
        let other = KeySecret::from_random(KeyFamily::Account, [8; KEY_SECRET_BYTES]).hash();
        assert!(!hash.matches(&other));
        assert!(KeyHash::from_hex("zz").is_none());
    }
}
