use proptest::prelude::*;

use super::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn p(key: &str, body: &str) -> Provision {
    let last = key.rsplit('/').next().unwrap();
    let (k, l) = last.split_once('-').unwrap();
    let kind = NodeKind::parse(k).unwrap();
    Provision {
        key: key.into(),
        kind,
        label: crate::domain::structure::node_label(kind, l),
        heading: String::new(),
        body: body.into(),
        parent: key.rsplit_once('/').map(|(p, _)| p.to_string()),
    }
}

fn text() -> Vec<Provision> {
    vec![
        p("dieu-1", "Phạm vi điều chỉnh."),
        p("dieu-2", "Mức thu."),
        p("dieu-2/khoan-1", "Mức thu cũ một."),
        p("dieu-2/khoan-2", "Mức thu cũ hai."),
        p("dieu-3", "Tổ chức thực hiện."),
    ]
}

fn src(id: i64) -> Source {
    Source {
        effect_id: id,
        document: format!("Quyết định số {id}/2024/QĐ-UBND"),
        url: Some(format!("/eli/vn/ubnd-96/quyet-dinh/2024/{id}")),
        provision: Some("dieu-1/khoan-2".into()),
    }
}

fn amend(key: &str, on: NaiveDate, wording: Option<&str>, id: i64) -> Change {
    Change {
        key: key.into(),
        kind: ChangeKind::Amend,
        on,
        wording: wording.map(String::from),
        source: src(id),
    }
}

#[test]
fn before_any_change_the_text_is_the_original() {
    let t = text_on(
        &text(),
        &[amend("dieu-2/khoan-2", d(2025, 1, 1), Some("Mới."), 7)],
        d(2024, 12, 31),
    );
    assert!(t.items.iter().all(|i| i.mark == Mark::Original));
    assert_eq!(t.item("dieu-2/khoan-2").unwrap().body, "Mức thu cũ hai.");
    assert!(t.footnotes.is_empty());
}

#[test]
fn a_recorded_amendment_gives_the_new_wording_and_keeps_the_old_with_its_period() {
    let t = text_on(
        &text(),
        &[amend("dieu-2/khoan-2", d(2025, 1, 1), Some("Mới."), 7)],
        d(2025, 1, 1),
    );
    let k = t.item("dieu-2/khoan-2").unwrap();
    assert_eq!(k.mark, Mark::Amended);
    assert_eq!(k.body, "Mới.");
    assert_eq!(k.earlier.len(), 1);
    assert_eq!(k.earlier[0].body.as_deref(), Some("Mức thu cũ hai."));
    assert_eq!(k.earlier[0].from, None);
    assert_eq!(k.earlier[0].until, d(2024, 12, 31));
    assert_eq!(k.footnote, Some(1));
    assert_eq!(
        t.footnotes[0].text,
        "Khoản này được sửa đổi, bổ sung theo quy định tại khoản 2 Điều 1 Quyết định số 7/2024/QĐ-UBND, có hiệu lực kể từ ngày 01/01/2025."
    );
    assert_eq!(
        t.footnotes[0].link.as_deref(),
        Some("/eli/vn/ubnd-96/quyet-dinh/2024/7#dieu-1-khoan-2")
    );
    // The article containing it is not marked.
    assert_eq!(t.item("dieu-2").unwrap().mark, Mark::Original);
}

#[test]
fn an_amendment_without_wording_is_a_gap_with_the_old_wording() {
    let t = text_on(
        &text(),
        &[amend("dieu-2", d(2025, 1, 1), None, 7)],
        d(2025, 6, 1),
    );
    let a = t.item("dieu-2").unwrap();
    assert_eq!(a.mark, Mark::Gap);
    assert_eq!(a.body, "Mức thu.");
    let k = t.item("dieu-2/khoan-1").unwrap();
    assert_eq!(k.mark, Mark::Gap);
    assert!(!k.change.as_ref().unwrap().direct);
    assert_eq!(k.footnote, None);
    assert_eq!(t.gaps().count(), 1);
    assert!(t.footnotes[0]
        .text
        .ends_with("; nội dung sửa đổi chưa được nhập."));
}

#[test]
fn a_second_wording_keeps_both_earlier_periods() {
    let t = text_on(
        &text(),
        &[
            amend("dieu-3", d(2025, 1, 1), Some("Hai."), 7),
            amend("dieu-3", d(2026, 1, 1), Some("Ba."), 8),
        ],
        d(2026, 2, 1),
    );
    let a = t.item("dieu-3").unwrap();
    assert_eq!(a.body, "Ba.");
    assert_eq!(a.earlier.len(), 2);
    assert_eq!(a.earlier[1].body.as_deref(), Some("Hai."));
    assert_eq!(a.earlier[1].from, Some(d(2025, 1, 1)));
    assert_eq!(a.earlier[1].until, d(2025, 12, 31));
    assert_eq!(a.earlier[1].by.as_ref().unwrap().effect_id, 7);
    assert_eq!(a.change.as_ref().unwrap().source.effect_id, 8);
}

#[test]
fn a_rewritten_article_holds_its_clauses() {
    let t = text_on(
        &text(),
        &[amend("dieu-2", d(2025, 1, 1), Some("Mức thu mới."), 7)],
        d(2025, 1, 1),
    );
    assert!(t.item("dieu-2/khoan-1").is_none());
    let a = t.item("dieu-2").unwrap();
    assert_eq!(
        a.earlier[0].body.as_deref(),
        Some("Mức thu.\n1. Mức thu cũ một.\n2. Mức thu cũ hai.")
    );
}

#[test]
fn a_repealed_provision_stays_visible_and_marked_and_ceasing_is_final() {
    let t = text_on(
        &text(),
        &[
            Change {
                key: "dieu-2/khoan-1".into(),
                kind: ChangeKind::Repeal,
                on: d(2025, 1, 1),
                wording: None,
                source: src(9),
            },
            amend("dieu-2/khoan-1", d(2025, 3, 1), Some("x"), 10),
        ],
        d(2025, 6, 1),
    );
    let k = t.item("dieu-2/khoan-1").unwrap();
    assert_eq!(k.mark, Mark::Ceased);
    assert_eq!(k.body, "Mức thu cũ một.");
    assert!(t.footnotes[0].text.starts_with("Khoản này bị bãi bỏ"));
}

#[test]
fn a_declared_expiry_is_cited_as_published() {
    let mut source = src(-3);
    source.document = "kết quả rà soát (quyết định rà soát số 3)".into();
    source.provision = None;
    let t = text_on(
        &text(),
        &[Change {
            key: "dieu-3".into(),
            kind: ChangeKind::Expire,
            on: d(2025, 1, 1),
            wording: None,
            source,
        }],
        d(2025, 1, 1),
    );
    assert_eq!(
        t.footnotes[0].text,
        "Điều này hết hiệu lực theo kết quả rà soát (quyết định rà soát số 3), từ ngày 01/01/2025."
    );
}

#[test]
fn an_added_article_follows_the_one_it_is_numbered_after() {
    let changes = [
        amend("dieu-2a", d(2025, 1, 1), Some("Điều mới."), 7),
        amend("dieu-2/khoan-3", d(2025, 1, 1), None, 7),
    ];
    let before = text_on(&text(), &changes, d(2024, 12, 31));
    assert!(before.item("dieu-2a").is_none());
    let t = text_on(&text(), &changes, d(2025, 1, 1));
    let keys: Vec<&str> = t.items.iter().map(|i| i.key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "dieu-1",
            "dieu-2",
            "dieu-2/khoan-1",
            "dieu-2/khoan-2",
            "dieu-2/khoan-3",
            "dieu-2a",
            "dieu-3"
        ]
    );
    let a = t.item("dieu-2a").unwrap();
    assert_eq!(a.mark, Mark::Added);
    assert_eq!(a.label, "Điều 2a");
    assert_eq!(a.body, "Điều mới.");
    assert_eq!(t.item("dieu-2/khoan-3").unwrap().mark, Mark::AddedGap);
    // Footnotes in text order.
    assert_eq!(t.footnotes[0].key, "dieu-2/khoan-3");
    assert_eq!(t.footnotes[1].key, "dieu-2a");
    assert!(t.footnotes[1].text.starts_with("Điều này được bổ sung"));
}

#[test]
fn an_unstructured_text_adds_nothing() {
    let t = text_on(
        &[],
        &[amend("dieu-2a", d(2025, 1, 1), None, 7)],
        d(2026, 1, 1),
    );
    assert!(t.items.is_empty());
}

fn keys() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("dieu-1".to_string()),
        Just("dieu-2".to_string()),
        Just("dieu-2/khoan-1".to_string()),
        Just("dieu-2/khoan-2".to_string()),
        Just("dieu-3".to_string()),
        Just("dieu-3a".to_string()),
        Just("dieu-2/khoan-3".to_string()),
    ]
}

fn changes() -> impl Strategy<Value = Vec<Change>> {
    proptest::collection::vec(
        (
            keys(),
            0..4u8,
            0..2000u64,
            proptest::option::of("[a-z]{1,8}"),
        )
            .prop_map(|(key, k, days, wording)| {
                let kind = [
                    ChangeKind::Amend,
                    ChangeKind::Replace,
                    ChangeKind::Repeal,
                    ChangeKind::Expire,
                ][k as usize];
                Change {
                    key,
                    kind,
                    on: d(2020, 1, 1) + Days::new(days),
                    wording: wording.filter(|_| kind == ChangeKind::Amend),
                    source: src(days as i64),
                }
            }),
        0..8,
    )
}

proptest! {
    #[test]
    fn before_every_change_the_text_is_the_original(cs in changes()) {
        let first = cs.iter().map(|c| c.on).min().unwrap_or(d(2030, 1, 1));
        let t = text_on(&text(), &cs, day_before(first));
        let original: Vec<(String, String)> =
            text().into_iter().map(|p| (p.key, p.body)).collect();
        let now: Vec<(String, String)> =
            t.items.iter().map(|i| (i.key.clone(), i.body.clone())).collect();
        prop_assert_eq!(now, original);
        prop_assert!(t.footnotes.is_empty());
    }

    #[test]
    fn a_change_never_shows_before_its_date(cs in changes(), days in 0..2200u64) {
        let date = d(2020, 1, 1) + Days::new(days);
        let t = text_on(&text(), &cs, date);
        for i in &t.items {
            if let Some(c) = &i.change {
                prop_assert!(c.on <= date);
            }
            for e in &i.earlier {
                prop_assert!(e.until < date);
            }
            if i.mark == Mark::Original {
                prop_assert!(i.footnote.is_none());
            }
        }
        let numbers: Vec<usize> = t.footnotes.iter().map(|f| f.number).collect();
        prop_assert_eq!(numbers, (1..=t.footnotes.len()).collect::<Vec<_>>());
    }
}

#[test]
fn a_quoted_wording_loses_the_number_the_label_shows() {
    assert_eq!(own_wording("2.", "", "2. Miễn thu."), "Miễn thu.");
    assert_eq!(own_wording("a)", "", " a) Trẻ em."), "Trẻ em.");
    assert_eq!(
        own_wording("Điều 5", "Mức thu", "Điều 5. Mức thu\n1. Mới."),
        "1. Mới."
    );
    assert_eq!(
        own_wording("Điều 5", "Mức thu", "Điều 5. Mức thu, lệ phí\n1. Mới."),
        "Mức thu, lệ phí\n1. Mới."
    );
    // Another number, or a number that only begins like the label, is kept.
    assert_eq!(own_wording("2.", "", "20.000 đồng."), "20.000 đồng.");
    assert_eq!(own_wording("Điều 5", "", "Điều 5a. Mới"), "Điều 5a. Mới");
    assert_eq!(own_wording("2.", "", "Miễn thu."), "Miễn thu.");
}
