//! The import of units and successions in batches (one read of the units, successions and
//! audit entries written together at the end of each transaction) gives what writing the
//! records one transaction at a time gives: the same units, successions and audit trail.

use std::collections::HashSet;

use crate::db_test;

/// The lines of the country's file about Cà Mau and Bạc Liêu: both provinces, their
/// districts and communes before and from 1 July 2025, and the successions among them.
fn two_provinces() -> Vec<String> {
    let mut keep: HashSet<String> = ["95", "96"].iter().map(|s| s.to_string()).collect();
    let mut out = Vec::new();
    for line in vanban::exchange::COUNTRY_UNITS.lines() {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        match v["kind"].as_str() {
            Some("unit") => {
                let code = v["code"].as_str().unwrap().to_string();
                let parent = v["parent"].as_str().map(|p| p.split('@').next().unwrap());
                if keep.contains(&code) && parent.is_none()
                    || parent.is_some_and(|p| keep.contains(p))
                {
                    keep.insert(code);
                    out.push(line.to_string());
                }
            }
            Some("succession") => {
                let code = |k: &str| {
                    v[k].as_str()
                        .unwrap()
                        .split('@')
                        .next()
                        .unwrap()
                        .to_string()
                };
                if keep.contains(&code("predecessor")) && keep.contains(&code("successor")) {
                    out.push(line.to_string());
                }
            }
            _ => {}
        }
    }
    out
}

/// What the audit trail says, without the times and hashes.
fn trail(app: &crate::helpers::TestApp) -> anyhow::Result<Vec<(String, String, String, String)>> {
    let mut conn = app.pool.get()?;
    let mut db = conn.db();
    let v = vanban::audit::verify(&mut db)?;
    assert!(v.broken.is_none(), "{:?}", v.broken);
    let entries = vanban::db::audit::page_after(&mut db, 0, 100_000)?;
    Ok(entries
        .into_iter()
        .map(|e| (e.action, e.entity, e.entity_id, e.after.unwrap_or_default()))
        .collect())
}

db_test!(batched_unit_import_equals_one_record_at_a_time, |app| {
    let lines = two_provinces();
    assert!(lines.len() > 200, "{}", lines.len());
    let batched = app.import_str("u.jsonl", &(lines.join("\n") + "\n"))?;
    assert!(batched.errors.is_empty(), "{:?}", batched.errors);
    assert_eq!(batched.created, lines.len());

    let other = crate::helpers::TestApp::sqlite()?;
    for line in &lines {
        let r = other.import_str("u.jsonl", line)?;
        assert!(r.errors.is_empty(), "{line}: {:?}", r.errors);
    }
    assert_eq!(app.export()?, other.export()?);
    assert_eq!(trail(&app)?, trail(&other)?);

    // A second import changes nothing and appends nothing.
    let before = trail(&app)?.len();
    let again = app.import_str("u.jsonl", &(lines.join("\n") + "\n"))?;
    assert_eq!(
        (again.created, again.updated, again.unchanged),
        (0, 0, lines.len())
    );
    assert_eq!(trail(&app)?.len(), before);

    // A batch mixing units, an authority between them and a bad line: the trail keeps the
    // order of the records and the bad line is reported alone.
    let mixed = r#"{"kind":"unit","code":"99001","name":"Xã Thử Một","level":"xa","parent":"96","valid_from":"2025-07-01"}
{"kind":"authority","code":"UBND-99001","name":"Ủy ban nhân dân xã Thử Một","type":"ubnd","unit":"99001"}
{"kind":"unit","code":"99002","name":"Xã Thử Hai","level":"xa","parent":"không-có","valid_from":"2025-07-01"}
{"kind":"succession","predecessor":"32179","successor":"99001","on":"2025-07-01"}
"#;
    let r = app.import_str("m.jsonl", mixed)?;
    assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
    assert_eq!(r.errors[0].line, 3);
    let t = trail(&app)?;
    let last: Vec<(&str, &str)> = t[t.len() - 3..]
        .iter()
        .map(|(_, entity, id, _)| (entity.as_str(), id.as_str()))
        .collect();
    assert_eq!(
        last,
        [
            ("unit", "99001@2025-07-01"),
            ("authority", "UBND-99001"),
            ("succession", "32179>99001@2025-07-01"),
        ]
    );
    Ok(())
});
