//! The outbound guard's policy: which addresses a server-side request to a
//! user-given URL (webhook tools, post-call hooks) may reach. Loopback,
//! private (RFC 1918, `fc00::/7`), link-local (`169.254.0.0/16` with the
//! cloud metadata address, `fe80::/10`), CGNAT (`100.64.0.0/10`),
//! unspecified, broadcast and multicast addresses are refused, also when
//! written inside IPv6 (IPv4-mapped, -compatible, NAT64, 6to4), unless they
//! lie in a network the operator allowed (`HANIA_OUTBOUND_ALLOW_NETS`).
//! Plain `http://` is only for allowed networks.
//!
//! The adapter that makes the request resolves the host, checks every
//! address here, connects to the checked address and follows no redirect.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

/// An IP network in CIDR notation (`10.0.0.0/8`, `fd00::/8`, or one
/// address).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpNet {
    addr: IpAddr,
    prefix: u8,
}

impl IpNet {
    /// Whether `ip` lies in the network (an IPv4 network also holds the
    /// IPv4-mapped IPv6 form of its addresses).
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = match (self.addr, ip) {
            (IpAddr::V4(_), IpAddr::V6(v6)) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            _ => ip,
        };
        match (self.addr, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                prefix_eq(&net.octets(), &ip.octets(), self.prefix)
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                prefix_eq(&net.octets(), &ip.octets(), self.prefix)
            }
            _ => false,
        }
    }
}

fn prefix_eq(a: &[u8], b: &[u8], prefix: u8) -> bool {
    let (bytes, bits) = (usize::from(prefix / 8), prefix % 8);
    if a[..bytes] != b[..bytes] {
        return false;
    }
    bits == 0 || (a[bytes] ^ b[bytes]) >> (8 - bits) == 0
}

impl FromStr for IpNet {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let bad = || format!("'{text}' is not a network such as 10.0.0.0/8 or fd00::/8");
        let (addr, prefix) = text.trim().split_once('/').unwrap_or((text.trim(), ""));
        let addr: IpAddr = addr.parse().map_err(|_| bad())?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = if prefix.is_empty() {
            max
        } else {
            prefix
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(bad)?
        };
        Ok(Self { addr, prefix })
    }
}

impl fmt::Display for IpNet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

/// Why an address may not be contacted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{address} is a {kind} address, which outbound requests may not reach")]
pub struct Refused {
    /// The refused address.
    pub address: IpAddr,
    /// Its kind, e.g. `loopback`.
    pub kind: &'static str,
}

/// The operator's outbound policy: the networks allowed on top of the
/// public internet.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutboundPolicy {
    allowed: Vec<IpNet>,
}

impl OutboundPolicy {
    /// The policy with `allowed` networks (none: only public addresses).
    pub fn new(allowed: Vec<IpNet>) -> Self {
        Self { allowed }
    }

    /// Parses `HANIA_OUTBOUND_ALLOW_NETS`: comma-separated CIDRs.
    ///
    /// # Errors
    /// Names the first entry that is not a network.
    pub fn from_allow_list(text: &str) -> Result<Self, String> {
        let allowed = text
            .split(',')
            .filter(|s| !s.trim().is_empty())
            .map(IpNet::from_str)
            .collect::<Result<_, _>>()?;
        Ok(Self { allowed })
    }

    /// Whether `ip` is in an allowed network.
    pub fn is_allowed_net(&self, ip: IpAddr) -> bool {
        self.allowed.iter().any(|net| net.contains(ip))
    }

    /// Whether any network is allowed (only then can plain `http://` ever
    /// be used).
    pub fn allows_any_net(&self) -> bool {
        !self.allowed.is_empty()
    }

    /// Checks one address a request would connect to.
    ///
    /// # Errors
    /// [`Refused`] for a non-public address outside the allowed networks.
    pub fn check(&self, ip: IpAddr) -> Result<(), Refused> {
        match special_kind(ip) {
            Some(kind) if !self.is_allowed_net(ip) => Err(Refused { address: ip, kind }),
            _ => Ok(()),
        }
    }
}

/// The kind of a non-public address, or `None` for a public one.
pub fn special_kind(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => v4_kind(v4),
        IpAddr::V6(v6) => v6_kind(v6),
    }
}

fn v4_kind(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, ..] = ip.octets();
    Some(match () {
        () if ip.is_unspecified() || a == 0 => "unspecified",
        () if ip.is_loopback() => "loopback",
        () if ip.is_private() => "private",
        () if ip == Ipv4Addr::new(169, 254, 169, 254) => "cloud metadata",
        () if ip.is_link_local() => "link-local",
        () if a == 100 && (64..128).contains(&b) => "shared (CGNAT)",
        () if ip.is_broadcast() => "broadcast",
        () if ip.is_multicast() || a >= 240 => "multicast or reserved",
        () => return None,
    })
}

fn v6_kind(ip: Ipv6Addr) -> Option<&'static str> {
    if let Some(v4) = embedded_v4(ip) {
        return v4_kind(v4);
    }
    let first = ip.segments()[0];
    Some(match () {
        () if ip.is_unspecified() => "unspecified",
        () if ip.is_loopback() => "loopback",
        () if first & 0xfe00 == 0xfc00 => "private (unique local)",
        () if first & 0xffc0 == 0xfe80 => "link-local",
        () if first & 0xffc0 == 0xfec0 => "site-local",
        () if ip.is_multicast() => "multicast",
        () => return None,
    })
}

/// The IPv4 address an IPv6 address carries: IPv4-mapped (`::ffff:a.b.c.d`),
/// IPv4-compatible (`::a.b.c.d`), NAT64 (`64:ff9b::a.b.c.d`) or 6to4
/// (`2002:aabb:ccdd::`).
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let s = ip.segments();
    let tail = Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
    match s {
        [0, 0, 0, 0, 0, 0xffff, _, _] => Some(tail),
        [0, 0, 0, 0, 0, 0, _, _] if !ip.is_loopback() && !ip.is_unspecified() => Some(tail),
        [0x64, 0xff9b, 0, 0, 0, 0, _, _] => Some(tail),
        [0x2002, hi, lo, ..] => Some(Ipv4Addr::new(
            (hi >> 8) as u8,
            hi as u8,
            (lo >> 8) as u8,
            lo as u8,
        )),
        _ => None,
    }
}

#[cfg(test)]
#[path = "outbound_tests.rs"]
mod tests;
