//! Tests of the audit trail's chain, checkpoints and guard definitions.

use super::*;

fn entry(seq: i64, prev: &str) -> Entry {
    let mut e = Entry {
        seq,
        at: "2026-11-27T01:02:03.000004Z".into(),
        actor: "user:lan".into(),
        action: "update".into(),
        entity: "document".into(),
        entity_id: "7".into(),
        before: Some(r#"{"title":"A"}"#.into()),
        after: Some(r#"{"title":"B"}"#.into()),
        prev_hash: prev.into(),
        hash: String::new(),
    };
    e.hash = entry_hash(&e);
    e
}

#[test]
fn every_field_is_covered_by_the_hash() {
    let e = entry(1, GENESIS);
    assert_eq!(e.hash.len(), 64);
    let variants: Vec<Entry> = vec![
        Entry {
            seq: 2,
            ..e.clone()
        },
        Entry {
            at: "2026-11-27T01:02:03.000005Z".into(),
            ..e.clone()
        },
        Entry {
            actor: "user:mai".into(),
            ..e.clone()
        },
        Entry {
            action: "create".into(),
            ..e.clone()
        },
        Entry {
            entity: "effect".into(),
            ..e.clone()
        },
        Entry {
            entity_id: "8".into(),
            ..e.clone()
        },
        Entry {
            before: None,
            ..e.clone()
        },
        Entry {
            after: Some(r#"{"title":"C"}"#.into()),
            ..e.clone()
        },
        Entry {
            prev_hash: "1".repeat(64),
            ..e.clone()
        },
    ];
    for v in variants {
        assert_ne!(entry_hash(&v), e.hash, "{v:?}");
    }
}

#[test]
fn changes_name_only_what_differs() {
    let c = changes(
        Some(r#"{"title":"A","number":"1/2020","end_on":null}"#),
        Some(r#"{"title":"B","number":"1/2020","end_on":"2025-01-01"}"#),
    );
    let fields: Vec<&str> = c.iter().map(|c| c.field.as_str()).collect();
    assert_eq!(fields, ["end_on", "title"]);
    assert_eq!((c[1].before.as_str(), c[1].after.as_str()), ("A", "B"));
    assert_eq!(c[0].before, "—");
    // A creation lists every field.
    assert_eq!(changes(None, Some(r#"{"a":1,"b":"x"}"#)).len(), 2);
    assert!(changes(Some("{}"), Some("{}")).is_empty());
}

#[test]
fn checkpoints_are_read_strictly() {
    let h = "ab".repeat(32);
    let cp: Checkpoint = format!("12:{}", h.to_uppercase()).parse().unwrap();
    assert_eq!(
        cp,
        Checkpoint {
            seq: 12,
            hash: h.clone()
        }
    );
    assert_eq!(cp.to_string(), format!("12:{h}"));
    assert_eq!(cp.to_string().parse::<Checkpoint>(), Ok(cp));
    assert!(format!("0:{GENESIS}").parse::<Checkpoint>().is_ok());
    for bad in [
        format!("12 {h}"),
        format!("-1:{h}"),
        format!("x:{h}"),
        "12:abc".to_string(),
        format!("12:{}", "g".repeat(64)),
        format!("0:{h}"),
        String::new(),
    ] {
        let err = bad.parse::<Checkpoint>().expect_err(&bad);
        assert!(err.contains("không hợp lệ"), "{err}");
    }
}

#[test]
fn the_expected_guards_come_from_the_migrations() {
    let sqlite: Vec<String> = guards::sqlite_triggers(include_str!(
        "../../migrations/sqlite/2026-11-27-000003_accounts/up.sql"
    ))
    .into_iter()
    .chain(guards::sqlite_triggers(include_str!(
        "../../migrations/sqlite/2026-12-01-000007_audit_guard/up.sql"
    )))
    .map(|(name, def)| {
        assert!(def.starts_with(&format!("CREATE TRIGGER {name} ")), "{def}");
        assert!(def.ends_with(" END"), "{def}");
        name
    })
    .collect();
    assert_eq!(
        sqlite,
        [
            "audit_log_no_update",
            "audit_log_no_delete",
            "audit_log_append_at_head"
        ]
    );
    let pg: Vec<String> = guards::pg_functions(include_str!(
        "../../migrations/postgres/2026-12-01-000007_audit_guard/up.sql"
    ))
    .into_iter()
    .map(|(name, body)| {
        assert!(body.contains("RAISE EXCEPTION"), "{body}");
        name
    })
    .collect();
    assert_eq!(pg, ["audit_log_continue_chain"]);
    assert_eq!(guards::squash("  a \n\t b  "), "a b");
}

#[test]
fn a_gap_names_the_missing_numbers() {
    let a = entry(1, GENESIS);
    let r = check_link(2, &a.hash, &entry(3, &a.hash)).unwrap();
    assert!(
        r.starts_with("thiếu mục số 2: số thứ tự nhảy từ 1 lên 3"),
        "{r}"
    );
    let r = check_link(2, &a.hash, &entry(5, &a.hash)).unwrap();
    assert!(r.starts_with("thiếu các mục số 2–4"), "{r}");
}

#[test]
fn links_are_checked_in_order() {
    let a = entry(1, GENESIS);
    let b = entry(2, &a.hash);
    assert_eq!(check_link(1, GENESIS, &a), None);
    assert_eq!(check_link(2, &a.hash, &b), None);
    // A missing entry, a foreign link, an edited entry.
    assert!(check_link(2, &a.hash, &entry(3, &a.hash)).is_some());
    assert!(check_link(2, GENESIS, &b).is_some());
    let edited = Entry {
        actor: "user:mallory".into(),
        ..b.clone()
    };
    assert!(check_link(2, &a.hash, &edited).is_some_and(|r| r.contains("bị sửa")));
}
