use diesel::RunQueryDsl;

use crate::db_test;
use crate::helpers::{TestApp, FIXTURE};

fn findings(app: &TestApp) -> anyhow::Result<Vec<vanban::registry::check::Finding>> {
    let mut conn = app.pool.get()?;
    Ok(vanban::registry::check::run(&mut conn.db())?)
}

fn sql(app: &TestApp, q: &str) -> anyhow::Result<()> {
    let mut conn = app.pool.get()?;
    match &mut conn {
        vanban::db::Conn::Sqlite(c) => diesel::sql_query(q).execute(&mut **c)?,
        vanban::db::Conn::Pg(c) => diesel::sql_query(q).execute(&mut **c)?,
    };
    Ok(())
}

db_test!(clean_data_has_no_finding, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    assert_eq!(findings(&app)?, vec![]);
    let out = app.cli(&["check"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    Ok(())
});

db_test!(check_names_each_offending_record, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    // A cycle and an effect dated before its acting document exist (import accepts them).
    let extra = r#"{"kind":"effect","acting":{"authority":"HDND-96","number":"15/2018/NQ-HĐND"},"target":{"authority":"HDND-96","number":"08/2020/NQ-HĐND"},"type":"amend","provisions":["Điều 1"],"effective_on":"2021-01-01"}
{"kind":"effect","acting":{"authority":"HDND-96","number":"05/2022/NQ-HĐND"},"target":{"authority":"UBND-970","number":"12/2021/QĐ-UBND"},"type":"repeal","provisions":["Điều 2"],"effective_on":"2022-01-01"}
{"kind":"document","authority":"UBND-96","type":"Quyết định","number":"30/2023/QĐ-UBND","title":"Có hiệu lực quá sớm","issued_on":"2023-03-01","effective_on":"2023-03-04","text":"Điều 1. A"}
"#;
    let r = app.import_str("extra.jsonl", extra)?;
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    // Damage only possible from outside vanban.
    sql(
        &app,
        "UPDATE documents SET effective_on = '2015-01-01' WHERE number = '03/2019/NQ-HĐND'",
    )?;
    sql(
        &app,
        "UPDATE documents SET end_on = '2021-01-01' WHERE number = '12/2021/QĐ-UBND'",
    )?;
    sql(
        &app,
        "UPDATE documents SET end_on = '2019-01-01' WHERE number = '20/2019/QĐ-UBND'",
    )?;
    // A clause of an article the target does not have (a new article itself, Điều 9, would be
    // an addition by amendment: Luật 80/2015, Điều 154 khoản 1 điểm b).
    sql(&app, "UPDATE effects SET provisions = '[\"dieu-9/khoan-1\"]' WHERE kind = 'amend' AND provisions = '[\"dieu-2/khoan-1\"]'")?;
    sql(&app, "UPDATE documents SET number = '15/2018/NQ-HĐND', number_key = 'damaged' WHERE number = '05/2022/NQ-HĐND'")?;
    let f = findings(&app)?;
    let codes: Vec<&str> = f.iter().map(|f| f.code.code()).collect();
    for code in [
        "effect-cycle",
        "effect-before-acting-issued",
        "effective-before-issue",
        "end-before-effective",
        "missing-provision",
        "duplicate-number",
        "effective-too-soon",
    ] {
        assert!(codes.contains(&code), "{code} missing from {f:#?}");
    }
    let text = |code: &str| {
        f.iter()
            .find(|x| x.code == code)
            .map(|x| x.message.clone())
            .unwrap_or_default()
    };
    assert!(text("effective-before-issue").contains("03/2019/NQ-HĐND (HDND-95"));
    assert!(text("end-before-effective").contains("20/2019/QĐ-UBND"));
    assert!(text("missing-provision").contains("Điều 9"));
    assert!(
        text("effect-cycle").contains("15/2018/NQ-HĐND")
            && text("effect-cycle").contains("08/2020/NQ-HĐND")
    );
    assert!(text("effect-before-acting-issued").contains("12/2021/QĐ-UBND"));
    assert!(text("effective-too-soon").contains("30/2023/QĐ-UBND"));
    let warnings = f
        .iter()
        .filter(|x| x.severity == vanban::registry::check::Severity::Warning)
        .count();
    assert_eq!(warnings, 1);
    let out = app.cli(&["check"]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("LỖI [effect-cycle]"), "{stdout}");
    assert!(stdout.contains("CẢNH BÁO [effective-too-soon]"));
    Ok(())
});

db_test!(each_finding_names_its_article_in_text_and_json, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    // A district decision signed on 2/4/2025, 7 days before it takes effect: the 2025 law's
    // gap (Luật 64/2025, Điều 53) and its issuer table (district bodies issue none).
    let late = r#"{"kind":"document","authority":"UBND-970","type":"Quyết định","number":"02/2025/QĐ-UBND","title":"Quy chế","issued_on":"2025-04-02","effective_on":"2025-04-09","text":"Điều 1. A"}"#;
    let r = app.import_str("late.jsonl", late)?;
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    let out = app.cli(&["check", "--json"]);
    assert_eq!(out.status.code(), Some(0), "warnings only");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    let rows = v.as_array().cloned().unwrap_or_default();
    let article = |code: &str| {
        rows.iter()
            .find(|f| f["code"] == code)
            .and_then(|f| f["article"].as_str())
            .map(str::to_string)
    };
    assert_eq!(
        article("effective-too-soon").as_deref(),
        Some("Luật 64/2025/QH15, Điều 53 khoản 1")
    );
    assert_eq!(
        article("issuer-cannot-issue").as_deref(),
        Some("Luật 64/2025/QH15, Điều 4")
    );
    assert!(rows.iter().all(|f| f["severity"] == "Warning"), "{v:#}");
    let out = app.cli(&["check"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("ít hơn 10 ngày")
            && stdout.contains("(căn cứ: Luật 64/2025/QH15, Điều 53 khoản 1)"),
        "{stdout}"
    );
    assert!(stdout.contains("0 lỗi, 2 cảnh báo"), "{stdout}");
    Ok(())
});

/// README's table of checks lists every finding code with its class.
#[test]
fn readme_lists_every_check_with_its_class() {
    use vanban::registry::check::{FindingCode, Severity};
    let readme = include_str!("../../README.md");
    for code in FindingCode::ALL {
        let class = match code.severity() {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let row = format!("| `{}` | {class}", code.code());
        assert!(readme.contains(&row), "README lacks «{row}»");
    }
}
