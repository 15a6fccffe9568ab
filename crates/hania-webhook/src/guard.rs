//! The outbound guard at call time: resolve the host once, refuse when any
//! of its addresses is refused by the policy, then connect only to those
//! checked addresses (the client is pinned to them: no second lookup) and
//! follow no redirect.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use hania_domain::outbound::OutboundPolicy;
use url::{Host, Url};

/// Where a call may connect: the host name and its checked addresses
/// (none for an IP literal, which the URL itself names).
pub(crate) struct Target {
    host: Option<String>,
    addrs: Vec<SocketAddr>,
}

/// Resolves and checks the URL's host.
pub(crate) async fn resolve(policy: &OutboundPolicy, url: &Url) -> Result<Target, String> {
    let port = url.port_or_known_default().unwrap_or(443);
    let host = match url.host() {
        Some(Host::Domain(name)) => name.to_owned(),
        Some(Host::Ipv4(v4)) => return checked(policy, IpAddr::V4(v4)).map(|()| literal()),
        Some(Host::Ipv6(v6)) => return checked(policy, IpAddr::V6(v6)).map(|()| literal()),
        None => return Err("the URL has no host".into()),
    };
    let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), port))
        .await
        .map_err(|_| format!("could not resolve {host}"))?
        .collect();
    if addrs.is_empty() {
        return Err(format!("{host} has no address"));
    }
    for addr in &addrs {
        checked(policy, addr.ip()).map_err(|e| format!("{host} resolves to {e}"))?;
    }
    if url.scheme() == "http" && !addrs.iter().all(|a| policy.is_allowed_net(a.ip())) {
        return Err(
            "plain http:// is only allowed to networks in HANIA_OUTBOUND_ALLOW_NETS".into(),
        );
    }
    Ok(Target {
        host: Some(host),
        addrs,
    })
}

fn literal() -> Target {
    Target {
        host: None,
        addrs: Vec::new(),
    }
}

fn checked(policy: &OutboundPolicy, ip: IpAddr) -> Result<(), String> {
    policy.check(ip).map_err(|refused| refused.to_string())
}

/// A client that reaches only the target's checked addresses, follows no
/// redirect and uses no proxy.
pub(crate) fn client(target: &Target, timeout: Duration) -> Result<reqwest::Client, String> {
    let mut builder = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .connect_timeout(timeout)
        .timeout(timeout);
    if let Some(host) = &target.host {
        builder = builder.resolve_to_addrs(host, &target.addrs);
    }
    builder
        .build()
        .map_err(|e| format!("could not prepare the call ({e})"))
}
