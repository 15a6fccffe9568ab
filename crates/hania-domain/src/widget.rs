//! The widget's public side: which browser origins a widget key serves,
//! and the signed visitor tokens that tie conversations to one browser.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use uuid::Uuid;

use crate::ids::ApiKeyId;

/// Whether a request from `origin` (`scheme://host[:port]`, as browsers
/// send it) may use a key listing `allowed`: the host matches an entry
/// exactly, or is a subdomain of a `*.` entry; the port is the entry's
/// (none: the scheme's default); the scheme is `https`, or `http` for
/// `localhost` only.
pub fn origin_allowed(allowed: &[String], origin: &str) -> bool {
    let Some((scheme, rest)) = origin.trim().split_once("://") else {
        return false;
    };
    let scheme = scheme.to_ascii_lowercase();
    let rest = rest.to_ascii_lowercase();
    if rest.is_empty() || rest.contains(['/', '?', '#', '@']) {
        return false;
    }
    let (host, port) = match rest.rsplit_once(':') {
        Some((host, port)) if !host.ends_with(']') || port.is_empty() => (host, Some(port)),
        _ => (rest.as_str(), None),
    };
    let port = match (scheme.as_str(), port) {
        ("https", Some("443")) | ("http", Some("80")) => None,
        (_, port) => port,
    };
    match scheme.as_str() {
        "https" => {}
        "http" if host == "localhost" => {}
        _ => return false,
    }
    allowed.iter().any(|entry| {
        let (entry_host, entry_port) = match entry.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (entry.as_str(), None),
        };
        let host_matches = match entry_host.strip_prefix("*.") {
            Some(parent) => host
                .strip_suffix(parent)
                .is_some_and(|sub| sub.len() > 1 && sub.ends_with('.')),
            None => host == entry_host,
        };
        host_matches && port == entry_port
    })
}

type HmacSha256 = Hmac<Sha256>;

const TOKEN_PREFIX: &str = "vt1";

fn signature(secret: &[u8], key: ApiKeyId, visitor: Uuid) -> String {
    // HMAC accepts a key of any length.
    let mut mac = HmacSha256::new_from_slice(secret).unwrap_or_else(|_| unreachable!());
    mac.update(format!("{key}.{visitor}").as_bytes());
    crate::hex::encode(&mac.finalize().into_bytes())
}

/// The token of `visitor` for widget key `key`: `vt1.<visitor>.<hex
/// HMAC-SHA256(secret, "<key>.<visitor>")>`. Verifying it needs the
/// secret only, no store lookup.
pub fn visitor_token(secret: &[u8], key: ApiKeyId, visitor: Uuid) -> String {
    format!(
        "{TOKEN_PREFIX}.{}.{}",
        visitor.simple(),
        signature(secret, key, visitor)
    )
}

/// The visitor a token names, if it was signed with `secret` for `key`
/// (a token of another key, or altered, names none).
pub fn verify_visitor_token(secret: &[u8], key: ApiKeyId, token: &str) -> Option<Uuid> {
    let mut parts = token.trim().split('.');
    let (Some(TOKEN_PREFIX), Some(visitor), Some(mac), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    let visitor = Uuid::try_parse(visitor).ok()?;
    let expected = signature(secret, key, visitor);
    use subtle::ConstantTimeEq;
    bool::from(expected.as_bytes().ct_eq(mac.as_bytes())).then_some(visitor)
}

/// The visitor a first message with an `Idempotency-Key` mints: derived
/// from the key (HMAC under the server secret, so not guessable from it),
/// so a retry of that message is the same visitor and gets the same token.
pub fn visitor_for_retry(secret: &[u8], key: ApiKeyId, idempotency_key: &str) -> Uuid {
    let mut mac = HmacSha256::new_from_slice(secret).unwrap_or_else(|_| unreachable!());
    mac.update(format!("retry.{key}.{idempotency_key}").as_bytes());
    let digest = mac.finalize().into_bytes();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_random_bytes(bytes).into_uuid()
}

/// The `customer_id` a visitor's conversations carry.
pub fn visitor_customer_id(visitor: Uuid) -> String {
    format!("visitor:{}", visitor.simple())
}

/// Longest user id a site may verify.
pub const MAX_USER_ID_CHARS: usize = 200;

/// The `user_hash` a site computes for one of its logged-in users: lowercase
/// hex HMAC-SHA256 of the user id (UTF-8) under the key's identity secret
/// (its text, UTF-8).
pub fn user_hash(identity_secret: &str, user_id: &str) -> String {
    let mut mac =
        HmacSha256::new_from_slice(identity_secret.as_bytes()).unwrap_or_else(|_| unreachable!());
    mac.update(user_id.as_bytes());
    crate::hex::encode(&mac.finalize().into_bytes())
}

/// Whether `hash` is the [`user_hash`] of `user_id` (hex in either case,
/// compared in constant time). An empty, over-long or control-character
/// user id never verifies.
pub fn user_verified(identity_secret: &str, user_id: &str, hash: &str) -> bool {
    if user_id.is_empty()
        || user_id.chars().count() > MAX_USER_ID_CHARS
        || user_id.chars().any(char::is_control)
    {
        return false;
    }
    use subtle::ConstantTimeEq;
    let expected = user_hash(identity_secret, user_id);
    let given = hash.trim().to_ascii_lowercase();
    bool::from(expected.as_bytes().ct_eq(given.as_bytes()))
}

/// The `customer_id` a verified user's conversations carry (the same on
/// every device).
pub fn user_customer_id(user_id: &str) -> String {
    format!("user:{user_id}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allowed() -> Vec<String> {
        [
            "shop.example.com",
            "*.example.org",
            "localhost:3000",
            "dev.example.net:8443",
        ]
        .map(String::from)
        .to_vec()
    }

    #[test]
    fn origins_match_host_wildcard_port_and_scheme() {
        let a = allowed();
        for ok in [
            "https://shop.example.com",
            "https://SHOP.example.com:443",
            "https://eu.example.org",
            "https://a.b.example.org",
            "http://localhost:3000",
            "https://localhost:3000",
            "https://dev.example.net:8443",
        ] {
            assert!(origin_allowed(&a, ok), "{ok}");
        }
        for refused in [
            "",
            "null",
            "shop.example.com",
            "http://shop.example.com",
            "https://evil.com",
            "https://shop.example.com.evil.com",
            "https://evilshop.example.com",
            "https://example.org",
            "https://badexample.org",
            "https://shop.example.com:8443",
            "http://localhost:3001",
            "http://localhost",
            "https://dev.example.net",
            "https://shop.example.com/path",
            "https://user@shop.example.com",
            "ftp://shop.example.com",
        ] {
            assert!(!origin_allowed(&a, refused), "{refused}");
        }
        assert!(!origin_allowed(&[], "https://shop.example.com"));
    }

    #[test]
    fn a_retried_first_message_is_the_same_visitor() {
        let key = ApiKeyId::from_uuid(Uuid::new_v4());
        let first = visitor_for_retry(b"secret", key, "retry-1");
        assert_eq!(first, visitor_for_retry(b"secret", key, "retry-1"));
        assert_ne!(first, visitor_for_retry(b"secret", key, "retry-2"));
        assert_ne!(first, visitor_for_retry(b"other", key, "retry-1"));
        assert_eq!(first.get_version_num(), 4);
    }

    #[test]
    fn user_hashes_are_hmac_sha256_of_the_user_id() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        assert_eq!(
            user_hash("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        let hash = user_hash("hania_is_s3cret", "user-42");
        assert!(user_verified("hania_is_s3cret", "user-42", &hash));
        assert!(user_verified(
            "hania_is_s3cret",
            "user-42",
            &hash.to_uppercase()
        ));
        assert!(!user_verified("hania_is_other", "user-42", &hash));
        assert!(!user_verified("hania_is_s3cret", "user-43", &hash));
        assert!(!user_verified("hania_is_s3cret", "user-42", &hash[1..]));
        assert!(!user_verified(
            "hania_is_s3cret",
            "",
            &user_hash("hania_is_s3cret", "")
        ));
        let long = "u".repeat(MAX_USER_ID_CHARS + 1);
        assert!(!user_verified("k", &long, &user_hash("k", &long)));
        assert!(!user_verified("k", "a\nb", &user_hash("k", "a\nb")));
        assert_eq!(user_customer_id("user-42"), "user:user-42");
    }

    #[test]
    fn visitor_tokens_verify_only_for_their_key_and_secret() {
        let (key, other) = (
            ApiKeyId::from_uuid(Uuid::new_v4()),
            ApiKeyId::from_uuid(Uuid::new_v4()),
        );
        let visitor = Uuid::new_v4();
        let token = visitor_token(b"secret", key, visitor);
        assert!(token.starts_with("vt1."));
        assert_eq!(verify_visitor_token(b"secret", key, &token), Some(visitor));
        assert_eq!(verify_visitor_token(b"secret", other, &token), None);
        assert_eq!(verify_visitor_token(b"other", key, &token), None);
        let forged = format!(
            "vt1.{}.{}",
            Uuid::new_v4().simple(),
            token.rsplit('.').next().unwrap()
        );
        assert_eq!(verify_visitor_token(b"secret", key, &forged), None);
        assert_eq!(verify_visitor_token(b"secret", key, "garbage"), None);
        assert_eq!(
            verify_visitor_token(b"secret", key, &format!("{token}.x")),
            None
        );
    }
}
