//! The legal cases of `domain::issuers`, one row each, naming the article it implements.

use super::*;
use proptest::prelude::*;
use AuthorityKind::{Central, ChuTichUbnd, Hdnd, Ubnd};
use UnitLevel::{Huyen, Tinh, Xa};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn n(s: &str) -> DocumentNumber {
    DocumentNumber::parse(s).unwrap()
}

#[test]
fn minimum_gap_by_signing_date_and_level() {
    // (article, level, signed, days)
    let cases = [
        (
            "Luật 80/2015 Điều 151.1: tỉnh 10 ngày",
            Tinh,
            "2018-05-02",
            10,
        ),
        (
            "Luật 80/2015 Điều 151.1: huyện 7 ngày",
            Huyen,
            "2018-05-02",
            7,
        ),
        ("Luật 80/2015 Điều 151.1: xã 7 ngày", Xa, "2024-12-31", 7),
        (
            "Luật 80/2015 Điều 151.1: last day of the 2015 law",
            Huyen,
            "2025-03-31",
            7,
        ),
        (
            "Luật 64/2025 Điều 53.1: huyện 10 ngày from 1/4/2025",
            Huyen,
            "2025-04-01",
            10,
        ),
        ("Luật 64/2025 Điều 53.1: xã 10 ngày", Xa, "2025-09-10", 10),
        (
            "Luật 64/2025 Điều 53.1: tỉnh 10 ngày",
            Tinh,
            "2026-01-05",
            10,
        ),
    ];
    for (article, level, signed, days) in cases {
        assert_eq!(minimum_gap(level, d(signed)).days, days, "{article}");
    }
    assert_eq!(minimum_gap(Xa, d("2025-03-31")).article, article::GAP_2015);
    assert_eq!(minimum_gap(Xa, d("2025-04-01")).article, article::GAP_2025);
}

/// (article, kind, level, type, signed, allowed)
const ISSUER_CASES: &[(&str, AuthorityKind, UnitLevel, &str, &str, bool)] = &[
    (
        "Luật 31/2004 Điều 1: Chỉ thị của UBND huyện",
        Ubnd,
        Huyen,
        "Chỉ thị",
        "2015-03-01",
        true,
    ),
    (
        "Luật 31/2004 Điều 1: Nghị quyết của HĐND xã",
        Hdnd,
        Xa,
        "Nghị quyết",
        "2010-01-01",
        true,
    ),
    (
        "Luật 80/2015 Điều 4: Chỉ thị no longer a legal normative document",
        Ubnd,
        Tinh,
        "Chỉ thị",
        "2016-07-01",
        false,
    ),
    (
        "Luật 80/2015 Điều 4.13: Nghị quyết của HĐND tỉnh",
        Hdnd,
        Tinh,
        "Nghị quyết",
        "2018-12-07",
        true,
    ),
    (
        "Luật 80/2015 Điều 4.14: Quyết định của UBND tỉnh",
        Ubnd,
        Tinh,
        "Quyết định",
        "2019-03-01",
        true,
    ),
    (
        "Luật 80/2015 Điều 4.17: Quyết định của UBND huyện",
        Ubnd,
        Huyen,
        "Quyết định",
        "2021-02-01",
        true,
    ),
    (
        "Luật 80/2015 Điều 4.19: Quyết định của UBND xã",
        Ubnd,
        Xa,
        "Quyết định",
        "2019-05-06",
        true,
    ),
    (
        "Luật 80/2015 Điều 4: HĐND issues no Quyết định",
        Hdnd,
        Tinh,
        "Quyết định",
        "2019-05-06",
        false,
    ),
    (
        "Luật 80/2015 Điều 4: Chủ tịch UBND tỉnh issues none",
        ChuTichUbnd,
        Tinh,
        "Quyết định",
        "2024-06-01",
        false,
    ),
    (
        "Luật 64/2025 Điều 4: Chủ tịch UBND tỉnh before 1/7/2025",
        ChuTichUbnd,
        Tinh,
        "Quyết định",
        "2025-06-30",
        false,
    ),
    (
        "Luật 64/2025 Điều 4: UBND huyện issues none from 1/4/2025",
        Ubnd,
        Huyen,
        "Quyết định",
        "2025-04-01",
        false,
    ),
    (
        "Luật 64/2025 Điều 4: UBND xã issues none from 1/4/2025",
        Ubnd,
        Xa,
        "Quyết định",
        "2025-05-15",
        false,
    ),
    (
        "Luật 64/2025 Điều 4: HĐND xã issues none before 1/7/2025",
        Hdnd,
        Xa,
        "Nghị quyết",
        "2025-06-30",
        false,
    ),
    (
        "Luật 64/2025 Điều 4: Quyết định của UBND tỉnh",
        Ubnd,
        Tinh,
        "Quyết định",
        "2025-05-15",
        true,
    ),
    (
        "Luật 87/2025 Điều 1: Quyết định của Chủ tịch UBND tỉnh",
        ChuTichUbnd,
        Tinh,
        "Quyết định",
        "2025-07-01",
        true,
    ),
    (
        "Luật 87/2025 Điều 1: Nghị quyết của HĐND xã",
        Hdnd,
        Xa,
        "Nghị quyết",
        "2025-07-01",
        true,
    ),
    (
        "Luật 87/2025 Điều 1: Quyết định của UBND xã",
        Ubnd,
        Xa,
        "Quyết định",
        "2025-09-10",
        true,
    ),
    (
        "Luật 72/2025: district bodies ended on 30/6/2025",
        Hdnd,
        Huyen,
        "Nghị quyết",
        "2025-08-01",
        false,
    ),
    (
        "Luật 87/2025 Điều 1: Chủ tịch UBND xã issues none",
        ChuTichUbnd,
        Xa,
        "Quyết định",
        "2026-01-01",
        false,
    ),
    (
        "Luật 87/2025 Điều 1: Chỉ thị stays outside",
        Ubnd,
        Tinh,
        "Chỉ thị",
        "2026-01-01",
        false,
    ),
];

#[test]
fn issuer_type_table_by_date() {
    for &(article, kind, level, doc_type, signed, allowed) in ISSUER_CASES {
        let got = may_issue(kind, level, doc_type, d(signed));
        assert_eq!(
            matches!(got, Competence::Allowed { .. }),
            allowed,
            "{article}: {got:?}"
        );
    }
    assert_eq!(
        may_issue(Central, Tinh, "Luật", d("2020-01-01")),
        Competence::NotLocal
    );
    assert_eq!(
        may_issue(ChuTichUbnd, Tinh, "Quyết định", d("2025-06-30")),
        Competence::NotAllowed {
            article: article::TYPES_2025
        }
    );
}

#[test]
fn symbol_names_the_type() {
    // (rule, number, filed as, contradiction)
    let cases = [
        (
            "NQ-HĐND is a Nghị quyết",
            "15/2018/NQ-HĐND",
            "Nghị quyết",
            None,
        ),
        (
            "NQ-HĐND filed as a Quyết định",
            "15/2018/NQ-HĐND",
            "Quyết định",
            Some("Nghị quyết"),
        ),
        (
            "QĐ-UBND is a Quyết định",
            "20/2019/QĐ-UBND",
            "Quyết định",
            None,
        ),
        (
            "QĐ folded (qd-ubnd)",
            "20/2019/qd-ubnd",
            "Nghị quyết",
            Some("Quyết định"),
        ),
        (
            "CT-UBND is a Chỉ thị",
            "12/CT-UBND",
            "Quyết định",
            Some("Chỉ thị"),
        ),
        ("NĐ-CP is a Nghị định", "34/2016/NĐ-CP", "Nghị định", None),
        ("QH13 names no type", "80/2015/QH13", "Luật", None),
        (
            "VBHN is a consolidated text",
            "01/VBHN-VPQH",
            "Văn bản hợp nhất",
            None,
        ),
    ];
    for (rule, number, doc_type, want) in cases {
        assert_eq!(symbol_contradicts(&n(number), doc_type), want, "{rule}");
    }
}

#[test]
fn default_normative_from_type_and_number() {
    // (rule, type, number, signed, normative)
    let cases = [
        (
            "Luật 80/2015 Điều 4: Chỉ thị after 1/7/2016",
            "Chỉ thị",
            "12/2018/CT-UBND",
            "2018-01-22",
            false,
        ),
        (
            "Luật 31/2004 Điều 1: Chỉ thị before 1/7/2016",
            "Chỉ thị",
            "05/2015/CT-UBND",
            "2015-04-01",
            true,
        ),
        (
            "Luật 80/2015 Điều 8: individual decision without a year",
            "Quyết định",
            "1825/QĐ-UBND",
            "2019-09-05",
            false,
        ),
        (
            "Luật 80/2015 Điều 8: number with its year",
            "Quyết định",
            "18/2016/QĐ-UBND",
            "2016-07-25",
            true,
        ),
        (
            "Luật 80/2015 Điều 8: Nghị quyết with its year",
            "Nghị quyết",
            "15/2018/NQ-HĐND",
            "2018-12-07",
            true,
        ),
        (
            "consolidated text keeps its form",
            "Văn bản hợp nhất",
            "01/VBHN-VPQH",
            "2020-01-01",
            true,
        ),
        ("unnumbered act", "Hiến pháp", "HP2013", "2013-11-28", true),
    ];
    for (rule, doc_type, number, signed, want) in cases {
        assert_eq!(
            default_normative(doc_type, &n(number), d(signed)),
            want,
            "{rule}"
        );
    }
}

fn any_date() -> impl Strategy<Value = NaiveDate> {
    (0i64..15_000).prop_map(|k| d("1997-01-01") + chrono::Duration::days(k))
}

fn any_level() -> impl Strategy<Value = UnitLevel> {
    prop::sample::select(UnitLevel::ALL.to_vec())
}

fn any_kind() -> impl Strategy<Value = AuthorityKind> {
    prop::sample::select(AuthorityKind::ALL.to_vec())
}

proptest! {
    /// Luật 64/2025 Điều 53.1: one gap for every local document from 1/4/2025; before, never
    /// more than the provincial 10 days (Luật 80/2015 Điều 151.1).
    #[test]
    fn gap_is_ten_days_from_2025(level in any_level(), signed in any_date()) {
        let gap = minimum_gap(level, signed);
        if signed >= LAW_2025_FROM {
            prop_assert_eq!(gap.days, 10);
        } else {
            prop_assert!(gap.days == 10 || gap.days == 7);
        }
    }

    /// Luật 64/2025 Điều 4: between 1/4 and 30/6/2025 only provincial HĐND and UBND issue;
    /// from 1/7/2025 no district body issues (Luật 72/2025).
    #[test]
    fn no_district_issuer_after_the_2025_law(kind in any_kind(), level in any_level(), signed in any_date(), t in prop::sample::select(crate::domain::kinds::DOCUMENT_TYPES.to_vec())) {
        let got = may_issue(kind, level, t, signed);
        if kind == AuthorityKind::Central {
            prop_assert_eq!(got, Competence::NotLocal);
        } else if signed >= LAW_2025_FROM && (level == Huyen || (level == Xa && signed < AMENDMENT_2025_FROM)) {
            prop_assert!(matches!(got, Competence::NotAllowed { .. }), "{:?}", got);
        }
        if t != "Nghị quyết" && t != "Quyết định" && t != "Chỉ thị" {
            prop_assert!(!matches!(got, Competence::Allowed { .. }), "{:?}", got);
        }
    }

    /// Luật 80/2015 Điều 8: a symbol opening with the type's abbreviation never contradicts it.
    #[test]
    fn matching_symbol_never_contradicts(seq in 1u32..9999, year in 1997u32..2030, issuer in "[A-ZĐ]{2,6}", pick in 0usize..3) {
        let (abbr, t) = [("NQ", "Nghị quyết"), ("QĐ", "Quyết định"), ("CT", "Chỉ thị")][pick];
        let number = n(&format!("{seq}/{year}/{abbr}-{issuer}"));
        prop_assert_eq!(symbol_contradicts(&number, t), None);
        prop_assert_eq!(symbol_type(&number), Some(t));
        prop_assert!(default_normative("Quyết định", &number, d("2020-01-01")));
    }
}
