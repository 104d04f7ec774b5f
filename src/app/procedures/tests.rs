//! Unit tests of the listing read model.

use super::filters::{online_matches, parse_filters, ListingQuery};
use super::views::money;
use crate::domain::procedure::OnlineLevel;

#[test]
fn money_is_written_the_vietnamese_way() {
    assert_eq!(money(0), "Không thu");
    assert_eq!(money(8000), "8.000 đồng");
    assert_eq!(money(1_500_000), "1.500.000 đồng");
    assert_eq!(money(500), "500 đồng");
}

#[test]
fn online_filters_map_legacy_levels() {
    assert!(online_matches(
        OnlineLevel::Full,
        Some(OnlineLevel::Legacy(4))
    ));
    assert!(online_matches(
        OnlineLevel::Partial,
        Some(OnlineLevel::Legacy(3))
    ));
    assert!(online_matches(
        OnlineLevel::None,
        Some(OnlineLevel::Legacy(2))
    ));
    assert!(!online_matches(
        OnlineLevel::Legacy(4),
        Some(OnlineLevel::Full)
    ));
    assert!(!online_matches(OnlineLevel::Full, None));
}

#[test]
fn bad_filters_name_their_parameter() {
    let q = |k: &str, v: &str| {
        let mut q = ListingQuery::default();
        match k {
            "level" => q.level = Some(v.into()),
            "online" => q.online = Some(v.into()),
            "channel" => q.channel = Some(v.into()),
            "page" => q.page = Some(v.into()),
            _ => q.per_page = Some(v.into()),
        }
        q
    };
    for (k, v) in [
        ("level", "phuong"),
        ("online", "5"),
        ("channel", "fax"),
        ("page", "0"),
        ("per_page", "201"),
        ("per_page", "x"),
    ] {
        let e = parse_filters(&q(k, v)).unwrap_err();
        assert!(e.public_message().contains(&format!("«{k}»")), "{k}: {e}");
    }
    assert!(parse_filters(&q("per_page", "200")).is_ok());
}
