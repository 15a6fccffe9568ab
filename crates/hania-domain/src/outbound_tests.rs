use super::*;

fn ip(text: &str) -> IpAddr {
    text.parse().unwrap()
}

#[test]
fn non_public_addresses_are_refused_one_by_one() {
    let policy = OutboundPolicy::default();
    for (address, kind) in [
        ("127.0.0.1", "loopback"),
        ("127.0.0.2", "loopback"),
        ("0.0.0.0", "unspecified"),
        ("0.1.2.3", "unspecified"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("172.31.255.255", "private"),
        ("192.168.1.1", "private"),
        ("169.254.169.254", "cloud metadata"),
        ("169.254.0.1", "link-local"),
        ("100.64.0.1", "shared (CGNAT)"),
        ("100.127.255.255", "shared (CGNAT)"),
        ("255.255.255.255", "broadcast"),
        ("224.0.0.1", "multicast or reserved"),
        ("240.0.0.1", "multicast or reserved"),
        ("::1", "loopback"),
        ("::", "unspecified"),
        ("fc00::1", "private (unique local)"),
        ("fd00:ec2::254", "private (unique local)"),
        ("fe80::1", "link-local"),
        ("fec0::1", "site-local"),
        ("ff02::1", "multicast"),
        ("::ffff:127.0.0.1", "loopback"),
        ("::ffff:169.254.169.254", "cloud metadata"),
        ("::ffff:10.0.0.1", "private"),
        ("::127.0.0.1", "loopback"),
        ("64:ff9b::a9fe:a9fe", "cloud metadata"),
        ("2002:7f00:1::", "loopback"),
        ("2002:c0a8:101::1", "private"),
    ] {
        let refused = policy.check(ip(address)).unwrap_err();
        assert_eq!(refused.kind, kind, "{address}");
        assert!(
            refused.to_string().contains(&ip(address).to_string()),
            "{refused}"
        );
    }
}

#[test]
fn public_addresses_pass() {
    let policy = OutboundPolicy::default();
    for address in [
        "93.184.216.34",
        "8.8.8.8",
        "172.32.0.1",
        "100.63.255.255",
        "100.128.0.1",
        "169.253.0.1",
        "2606:2800:220:1:248:1893:25c8:1946",
        "::ffff:8.8.8.8",
        "64:ff9b::808:808",
        "2002:808:808::1",
    ] {
        assert_eq!(policy.check(ip(address)), Ok(()), "{address}");
    }
}

#[test]
fn allowed_networks_open_exactly_their_addresses() {
    let policy = OutboundPolicy::from_allow_list("10.0.0.0/8, 127.0.0.1,fd00::/8").unwrap();
    for address in ["10.9.8.7", "127.0.0.1", "::ffff:10.0.0.1", "fd12::1"] {
        assert_eq!(policy.check(ip(address)), Ok(()), "{address}");
    }
    for address in [
        "127.0.0.2",
        "192.168.0.1",
        "169.254.169.254",
        "fc00::1",
        "::1",
    ] {
        assert!(policy.check(ip(address)).is_err(), "{address}");
    }
    assert!(policy.allows_any_net());
    assert!(
        !OutboundPolicy::from_allow_list(" ")
            .unwrap()
            .allows_any_net()
    );
}

#[test]
fn networks_parse_strictly() {
    let net: IpNet = "192.168.0.0/16".parse().unwrap();
    assert!(net.contains(ip("192.168.255.1")) && !net.contains(ip("192.169.0.1")));
    let odd: IpNet = "10.128.0.0/9".parse().unwrap();
    assert!(odd.contains(ip("10.200.0.1")) && !odd.contains(ip("10.127.0.1")));
    assert!(
        "0.0.0.0/0"
            .parse::<IpNet>()
            .unwrap()
            .contains(ip("8.8.8.8"))
    );
    assert_eq!(net.to_string(), "192.168.0.0/16");
    for bad in [
        "10.0.0.0/33",
        "::/129",
        "example.com",
        "10.0.0/8",
        "10.0.0.0/x",
    ] {
        assert!(bad.parse::<IpNet>().is_err(), "{bad}");
    }
    let error = OutboundPolicy::from_allow_list("10.0.0.0/8,nope").unwrap_err();
    assert!(error.contains("'nope'"), "{error}");
}
