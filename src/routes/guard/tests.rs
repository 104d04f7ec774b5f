//! Tests of the guard's pure parts: transport, client address, paths, bodies, bearer.

use super::*;

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

#[test]
fn https_is_believed_from_tls_or_a_trusted_proxy_only() {
    let sec = Security {
        trusted_proxies: vec![ip("10.0.0.1")],
        loopback: false,
        ..Security::default()
    };
    assert_eq!(transport(true, None, None, &sec), Transport::Https);
    assert_eq!(
        transport(false, Some(ip("10.0.0.1")), Some("https"), &sec),
        Transport::Https
    );
    assert_eq!(
        transport(false, Some(ip("10.0.0.2")), Some("https"), &sec),
        Transport::PlainHttp
    );
    assert_eq!(
        transport(false, Some(ip("10.0.0.1")), Some("http"), &sec),
        Transport::PlainHttp
    );
    let local = Security::default();
    assert_eq!(
        transport(false, Some(ip("127.0.0.1")), None, &local),
        Transport::LoopbackHttp
    );
    assert_eq!(
        transport(false, Some(ip("127.0.0.1")), Some("https"), &local),
        Transport::LoopbackHttp
    );
}

#[test]
fn forwarded_for_counts_only_behind_trusted_proxies() {
    let trusted = [ip("10.0.0.1"), ip("10.0.0.2")];
    assert_eq!(
        client_ip(Some(ip("203.0.113.9")), Some("1.2.3.4"), &trusted),
        "203.0.113.9"
    );
    assert_eq!(
        client_ip(
            Some(ip("10.0.0.1")),
            Some("1.2.3.4, 198.51.100.7"),
            &trusted
        ),
        "198.51.100.7"
    );
    assert_eq!(
        client_ip(
            Some(ip("10.0.0.1")),
            Some("198.51.100.7, 10.0.0.2"),
            &trusted
        ),
        "198.51.100.7"
    );
    assert_eq!(
        client_ip(Some(ip("10.0.0.1")), Some("junk"), &trusted),
        "10.0.0.1"
    );
    assert_eq!(client_ip(Some(ip("10.0.0.1")), None, &trusted), "10.0.0.1");
    assert_eq!(client_ip(None, Some("1.2.3.4"), &trusted), "unknown");
}

#[test]
fn control_characters_in_a_path_are_found_however_spelled() {
    assert!(has_control("/documents/%0A"));
    assert!(has_control("/a%00b"));
    assert!(has_control("/a%7f"));
    assert!(has_control("/a\tb"));
    assert!(!has_control("/documents/12%2F2021"));
    assert!(!has_control("/t%C3%ACm-ki%E1%BA%BFm"));
}

#[test]
fn the_body_budget_refuses_what_it_cannot_hold() {
    let b = crate::app::BodyBudget::new(100 * 1024);
    let first = b.take(60 * 1024);
    assert!(first.is_some());
    assert!(b.take(60 * 1024).is_none());
    drop(first);
    assert!(b.take(60 * 1024).is_some());
    assert!(b.take(usize::MAX).is_none());
}

#[test]
fn one_large_body_is_received_at_a_time() {
    let b = crate::app::BodyBudget::default();
    let first = b.take_large();
    assert!(first.is_some());
    assert!(b.take_large().is_none());
    // Small bodies are not held back by it.
    assert!(b.take(crate::app::LARGE_BODY).is_some());
    drop(first);
    assert!(b.take_large().is_some());
}

#[test]
fn bearer_scheme_only() {
    let mut h = HeaderMap::new();
    h.insert(
        header::AUTHORIZATION,
        HeaderValue::from_static("Bearer vb_x_y"),
    );
    assert_eq!(bearer(&h).as_deref(), Some("vb_x_y"));
    h.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic abc"));
    assert_eq!(bearer(&h), None);
}
