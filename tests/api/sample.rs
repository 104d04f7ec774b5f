use crate::db_test;

db_test!(sample_data_loads_cleanly_and_every_page_renders, |app| {
    let report = vanban::exchange::load_sample(&app.pool)?
        .ok_or_else(|| anyhow::anyhow!("database was not empty"))?;
    assert!(report.errors.is_empty(), "{:#?}", report.errors);
    assert!(
        report.documents_created >= 30,
        "{} documents",
        report.documents_created
    );
    // A second start does not load it again.
    assert!(vanban::exchange::load_sample(&app.pool)?.is_none());
    let mut conn = app.pool.get()?;
    let findings = vanban::registry::check::run(&mut conn.db())?;
    let errors: Vec<_> = findings
        .iter()
        .filter(|f| f.severity == vanban::registry::check::Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(
        findings
            .iter()
            .filter(|f| f.code == "effective-too-soon")
            .count(),
        1,
        "the one deliberate warning"
    );
    drop(conn);
    let (_, v) = app.get_json("/api/v1/documents?per_page=200").await;
    let rows = v["rows"].as_array().cloned().unwrap_or_default();
    let mut statuses = std::collections::BTreeSet::new();
    for r in &rows {
        let id = r["id"].as_i64().unwrap_or_default();
        let (status, _, body) = app.get(&format!("/documents/{id}")).await;
        assert_eq!(status, 200, "document {id}: {body}");
        statuses.insert(r["status"]["code"].as_str().unwrap_or_default().to_string());
    }
    for s in [
        "con-hieu-luc",
        "het-hieu-luc-mot-phan",
        "het-hieu-luc-toan-bo",
        "chua-co-hieu-luc",
        "ngung-hieu-luc-mot-phan",
    ] {
        assert!(statuses.contains(s), "sample shows {s}: {statuses:?}");
    }
    for path in [
        "/",
        "/authorities",
        "/units",
        "/units/96",
        "/units/970",
        "/units/95",
    ] {
        let (status, _, _) = app.get(path).await;
        assert_eq!(status, 200, "{path}");
    }
    Ok(())
});
