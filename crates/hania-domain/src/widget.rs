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

/// The `customer_id` a visitor's conversations carry.
pub fn visitor_customer_id(visitor: Uuid) -> String {
    format!("visitor:{}", visitor.simple())
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
