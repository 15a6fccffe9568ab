//! The URLs outbound requests may be configured with, checked when a tool
//! is created or changed: the shape of [`WEBHOOK_URL_PATTERN`] (which the
//! API documents), a URL `url` parses, and the [`OutboundPolicy`] for what
//! the URL names itself (an IPv4 literal, `http://`). Host names are
//! resolved and checked again at each call.

use std::net::IpAddr;
use std::sync::OnceLock;

use url::{Host, Url};

use crate::outbound::OutboundPolicy;
use crate::validation::ValidationError;

/// Longest URL.
pub const MAX_URL_CHARS: usize = 2_048;

/// An `http(s)` URL with a DNS name (whose last label starts with a
/// letter) or an IPv4 address, an optional port (1 to 65535), then an
/// optional path and query of URL characters; no user info, no fragment,
/// no IPv6 literal.
pub const WEBHOOK_URL_PATTERN: &str = concat!(
    "^https?://",
    "(?:(?:(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)*[A-Za-z](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)",
    "|(?:(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9]))",
    "(?::(?:[1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5]))?",
    "(?:[/?][A-Za-z0-9._~!$&'()*+,;=:@%/?-]*)?$",
);

fn pattern() -> &'static regex_lite::Regex {
    static PATTERN: OnceLock<regex_lite::Regex> = OnceLock::new();
    PATTERN.get_or_init(|| {
        // The pattern is a constant checked by the tests below.
        regex_lite::Regex::new(WEBHOOK_URL_PATTERN).unwrap_or_else(|_| unreachable!())
    })
}

impl OutboundPolicy {
    /// Checks a configured URL; errors name `field`.
    ///
    /// # Errors
    /// A malformed URL, an IPv4 literal the policy refuses, or `http://`
    /// where no allowed network could be reached.
    pub fn check_url(&self, field: &str, text: &str) -> Result<Url, ValidationError> {
        let refuse = |message: String| ValidationError::new(field, message);
        if text.chars().count() > MAX_URL_CHARS {
            return Err(refuse(format!(
                "must be at most {MAX_URL_CHARS} characters"
            )));
        }
        if !pattern().is_match(text) {
            return Err(refuse(
                "must be an https:// URL with a host name or IPv4 address (no user info, fragment or spaces)".into(),
            ));
        }
        let url = Url::parse(text).map_err(|e| refuse(format!("is not a valid URL ({e})")))?;
        let literal = match url.host() {
            Some(Host::Ipv4(v4)) => Some(IpAddr::V4(v4)),
            Some(Host::Ipv6(v6)) => Some(IpAddr::V6(v6)),
            _ => None,
        };
        if let Some(ip) = literal {
            self.check(ip)
                .map_err(|refused| refuse(refused.to_string()))?;
        }
        if url.scheme() == "http" {
            let reachable = match literal {
                Some(ip) => self.is_allowed_net(ip),
                None => self.allows_any_net(),
            };
            if !reachable {
                return Err(refuse(
                    "must use https:// (plain http:// only to networks in HANIA_OUTBOUND_ALLOW_NETS)".into(),
                ));
            }
        }
        Ok(url)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pattern_compiles() {
        assert!(regex_lite::Regex::new(WEBHOOK_URL_PATTERN).is_ok());
    }

    #[test]
    fn urls_are_checked_for_shape_literal_addresses_and_scheme() {
        let open = OutboundPolicy::default();
        for good in [
            "https://api.example.com/orders/lookup",
            "https://api.example.com:8443/a?b=c&d=%20",
            "https://localhost.example/x",
            "https://8.8.8.8/hook",
            "https://a/",
            "https://API.Example.COM",
        ] {
            assert!(open.check_url("config.url", good).is_ok(), "{good}");
        }
        for (bad, says) in [
            ("ftp://x.com", "https://"),
            ("https://", "https://"),
            ("https:///path", "https://"),
            ("https://user:pw@x.com/", "user info"),
            ("https://x.com/#frag", "fragment"),
            ("https://x.com/a b", "spaces"),
            ("https://[::1]/", "IPv4"),
            ("https://[abc", "https://"),
            ("https://x.com:0/", "https://"),
            ("https://x.com:65536/", "https://"),
            ("https://1.2.3.999/", "https://"),
            ("https://127.0.0.2/", "loopback"),
            ("https://169.254.169.254/latest/meta-data", "cloud metadata"),
            ("https://10.0.0.1/", "private"),
            ("http://api.example.com/", "https://"),
            ("http://8.8.8.8/", "https://"),
        ] {
            let error = open.check_url("config.url", bad).unwrap_err();
            assert_eq!(error.field, "config.url");
            assert!(error.message.contains(says), "{bad}: {error}");
        }
    }

    #[test]
    fn allowed_networks_open_private_addresses_and_plain_http() {
        let lab = OutboundPolicy::from_allow_list("10.0.0.0/8").unwrap();
        assert!(lab.check_url("u", "http://10.1.2.3:8080/hook").is_ok());
        assert!(lab.check_url("u", "https://10.1.2.3/hook").is_ok());
        assert!(lab.check_url("u", "http://hooks.internal/x").is_ok());
        assert!(lab.check_url("u", "http://8.8.8.8/").is_err());
        assert!(lab.check_url("u", "https://127.0.0.1/").is_err());
    }
}
