//! The normative attribute of documents (issue 15, item 5): its default from type and number,
//! its place in the JSON Lines interchange, the migration that gives stored rows the default,
//! and `vanban check` leaving non-normative documents outside the law's rules.

use diesel_migrations::MigrationHarness;

use crate::db_test;
use crate::helpers::{TestApp, FIXTURE};

/// Beyond FIXTURE: a Chỉ thị of 2018 and an individual decision (not normative by default), a
/// resolution stated not normative, a decision without a year stated normative.
const MORE: &str = r#"{"kind":"document","authority":"UBND-96","type":"Chỉ thị","number":"12/CT-UBND","title":"Chỉ thị về phòng chống thiên tai","issued_on":"2018-01-22","effective_on":"2018-01-22","text":"Nội dung."}
{"kind":"document","authority":"UBND-96","type":"Quyết định","number":"1825/QĐ-UBND","title":"Công bố thủ tục hành chính","issued_on":"2019-09-05","effective_on":"2019-09-05","text":"Điều 1. Công bố."}
{"kind":"document","authority":"HDND-96","type":"Nghị quyết","number":"09/2023/NQ-HĐND","title":"Nghị quyết cá biệt","issued_on":"2023-07-14","effective_on":"2023-07-15","normative":false,"text":"Điều 1. A"}
{"kind":"document","authority":"UBND-96","type":"Quyết định","number":"77/QĐ-UBND","title":"Quy định ghi thiếu năm","issued_on":"2023-03-01","effective_on":"2023-03-15","normative":true,"text":"Điều 1. A"}
"#;

/// (number, normative) of every document, by number.
fn normative(app: &TestApp) -> anyhow::Result<Vec<(String, bool)>> {
    let mut conn = app.pool.get()?;
    let mut out: Vec<(String, bool)> =
        vanban::db::queries::documents_page(&mut conn.db(), 0, 1000)?
            .into_iter()
            .map(|d| (d.number, d.normative))
            .collect();
    out.sort();
    Ok(out)
}

fn expected() -> Vec<(String, bool)> {
    let mut v: Vec<(String, bool)> = [
        ("12/CT-UBND", false),
        ("1825/QĐ-UBND", false),
        ("09/2023/NQ-HĐND", false),
        ("77/QĐ-UBND", true),
        ("15/2018/NQ-HĐND", true),
        ("20/2019/QĐ-UBND", true),
        ("08/2020/NQ-HĐND", true),
        ("05/2022/NQ-HĐND", true),
        ("03/2019/NQ-HĐND", true),
        ("12/2021/QĐ-UBND", true),
    ]
    .into_iter()
    .map(|(n, b)| (n.to_string(), b))
    .collect();
    v.sort();
    v
}

db_test!(
    normative_defaults_from_type_and_number_and_round_trips,
    |app| {
        app.import_str("f.jsonl", FIXTURE)?;
        let r = app.import_str("more.jsonl", MORE)?;
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        assert_eq!(normative(&app)?, expected());
        // Export states the attribute only where it differs from the default.
        let first = app.export()?;
        let stated: Vec<&str> = first
            .lines()
            .filter(|l| l.contains("\"normative\""))
            .collect();
        assert_eq!(stated.len(), 2, "{stated:#?}");
        assert!(stated
            .iter()
            .any(|l| l.contains("09/2023/NQ-HĐND") && l.contains("\"normative\":false")));
        assert!(stated
            .iter()
            .any(|l| l.contains("77/QĐ-UBND") && l.contains("\"normative\":true")));
        // Import → export → import keeps the bytes and the values.
        let other = if app.url.starts_with("postgres") {
            TestApp::postgres()?.ok_or_else(|| anyhow::anyhow!("no PostgreSQL"))?
        } else {
            TestApp::sqlite()?
        };
        let r = other.import_str("export.jsonl", &first)?;
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        assert_eq!(other.export()?, first);
        assert_eq!(normative(&other)?, expected());
        Ok(())
    }
);

db_test!(the_law_rules_leave_non_normative_documents_out, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    app.import_str("more.jsonl", MORE)?;
    let mut conn = app.pool.get()?;
    let findings = vanban::registry::check::run(&mut conn.db())?;
    // The Chỉ thị, the individual decision and the resolution stated non-normative take effect
    // at once, yet no gap nor issuer-type warning; the decision stated normative is a
    // Quyết định of the provincial committee, 14 days after signing: none either.
    assert_eq!(findings, vec![], "{findings:#?}");
    drop(conn);
    // Stating the Chỉ thị normative brings it under the issuer-type table and the gap rule.
    let line = MORE
        .lines()
        .next()
        .unwrap_or_default()
        .replace(r#""text""#, r#""normative":true,"text""#);
    let r = app.import_update("ct.jsonl", &line)?;
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    let mut conn = app.pool.get()?;
    let mut codes: Vec<&str> = vanban::registry::check::run(&mut conn.db())?
        .iter()
        .map(|f| f.code.code())
        .collect();
    codes.sort_unstable();
    assert_eq!(codes, ["effective-too-soon", "issuer-cannot-issue"]);
    Ok(())
});

db_test!(the_migration_gives_stored_documents_the_default, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    app.import_str("more.jsonl", MORE)?;
    // Back to before the attribute existed (reverting any later migration too), then forward.
    {
        let mut conn = app.pool.get()?;
        loop {
            let version = match &mut conn {
                vanban::db::Conn::Sqlite(c) => c
                    .revert_last_migration(vanban::db::SQLITE_MIGRATIONS)
                    .map(|v| v.to_string()),
                vanban::db::Conn::Pg(c) => c
                    .revert_last_migration(vanban::db::POSTGRES_MIGRATIONS)
                    .map(|v| v.to_string()),
            }
            .map_err(|e| anyhow::anyhow!("{e}"))?;
            if version.starts_with("2026-12-02-000019") || version.contains("000019") {
                break;
            }
        }
    }
    app.pool.migrate()?;
    // Stored rows get the default: the explicit values of MORE were not kept by the revert.
    let mut want = expected();
    for (number, normative) in &mut want {
        if number == "09/2023/NQ-HĐND" {
            *normative = true;
        }
        if number == "77/QĐ-UBND" {
            *normative = false;
        }
    }
    assert_eq!(normative(&app)?, want);
    Ok(())
});
