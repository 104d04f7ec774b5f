//! Administrative procedures: the records (procedure versions, postings, dossier counts,
//! inspections, calendar days), every bad input refused with its line and nothing written,
//! the time warning kept with the version, and the completeness check (function, API, CSV,
//! command line) on a small fixture and on the sample data.

use serde_json::{json, Value};
use vanban::exchange::write::{write_records, WriteError, Writer};

use crate::db_test;
use crate::helpers::{TestApp, FIXTURE};

fn admin() -> Writer {
    Writer {
        actor: "user:quantri".into(),
        units: None,
        organisation: true,
        update: false,
        reason: None,
    }
}

fn procedure(code: &str) -> Value {
    json!({
        "kind": "procedure",
        "code": code,
        "name": "Đăng ký khai sinh",
        "field": "Hộ tịch",
        "levels": ["xa"],
        "agency": "Ủy ban nhân dân cấp xã",
        "channels": ["in_person", "online"],
        "dossier": [{"name": "Tờ khai", "originals": 1, "copies": 0, "form": "Mẫu 01"}],
        "statutory_days": 3,
        "local_days": 2,
        "fees": [{"name": "Lệ phí", "amount": 0}],
        "legal_basis": [{"authority": "HDND-96", "number": "05/2022/NQ-HĐND", "provision": "Điều 1"}],
        "online_level": "full",
        "decision": {"authority": "UBND-96", "number": "100/QĐ-UBND", "date": "2025-08-01"},
        "announcement": "new"
    })
}

fn posting(code: &str, from: &str) -> Value {
    json!({
        "kind": "posting",
        "procedure": code,
        "decision": {"authority": "UBND-96", "number": "100/QĐ-UBND"},
        "unit": "32200",
        "from": from
    })
}

fn lines(values: &[Value]) -> String {
    values
        .iter()
        .map(Value::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

fn with(mut v: Value, key: &str, value: Value) -> Value {
    v[key] = value;
    v
}

/// What the procedure tables and the audit trail hold (to prove nothing was written).
fn footprint(app: &TestApp) -> (usize, usize, i64) {
    let mut conn = app.pool.get().unwrap();
    let mut db = conn.db();
    let procedures = vanban::db::procedures::all_procedures(&mut db).unwrap();
    let units: Vec<i64> = vanban::db::queries::all_units(&mut db)
        .unwrap()
        .iter()
        .map(|u| u.id)
        .collect();
    let postings = vanban::db::procedures::postings_of_units(
        &mut db,
        &units,
        chrono::NaiveDate::from_ymd_opt(2100, 1, 1).unwrap(),
    )
    .unwrap();
    (
        procedures.len(),
        postings.len(),
        vanban::audit::head(&mut db).unwrap().0,
    )
}

/// Writes `body` through the API's all-or-nothing path and expects one invalid line.
fn refused(app: &TestApp, body: &str, line: usize, needle: &str) {
    let before = footprint(app);
    match write_records(&app.pool, &admin(), "api", body.as_bytes()) {
        Err(WriteError::Invalid(errors)) => {
            assert!(
                errors
                    .iter()
                    .any(|e| e.line == line && e.message.contains(needle)),
                "expected line {line} «{needle}», got {errors:#?}"
            );
        }
        other => panic!("expected a refusal naming line {line}, got {other:?}"),
    }
    assert_eq!(footprint(app), before, "nothing written");
}

fn setup(app: &TestApp) {
    app.import_str("f.jsonl", FIXTURE).unwrap();
}

db_test!(bad_procedure_codes_are_refused_with_their_line, |app| {
    setup(&app);
    for bad in ["1.00422", "abc"] {
        let body = lines(&[procedure("1.001193"), procedure(bad)]);
        refused(&app, &body, 2, "mã thủ tục");
    }
    // The file import reports the line too and keeps the good one.
    let body = lines(&[procedure("1.00422"), procedure("1.001193")]);
    let report = app.import_str("p.jsonl", &body)?;
    assert_eq!(report.errors.len(), 1, "{:?}", report.errors);
    assert_eq!(report.errors[0].line, 1);
    assert!(report.errors[0]
        .to_string()
        .starts_with("p.jsonl:1: mã thủ tục «1.00422»"));
    assert_eq!(report.created, 1);
    Ok(())
});

db_test!(
    a_longer_local_time_is_kept_with_the_version_as_a_warning,
    |app| {
        setup(&app);
        let line = with(procedure("1.001193"), "local_days", json!(5));
        let body = lines(&[
            json!({"kind": "unit", "code": "32200", "name": "Xã Đầm Dơi", "level": "xa", "parent": "96", "valid_from": "2025-07-01"}),
            line,
        ]);
        let report = write_records(&app.pool, &admin(), "api", body.as_bytes())?;
        assert_eq!(report.warnings.len(), 1, "{report:?}");
        assert_eq!(report.warnings[0].line, 2);
        assert!(report.warnings[0].message.contains("1.001193"));
        assert!(report.warnings[0].message.contains("dài hơn"));
        let mut conn = app.pool.get()?;
        let p = vanban::db::procedures::procedure_by_code(&mut conn.db(), "1.001193")?.unwrap();
        let versions = vanban::db::procedures::versions_of(&mut conn.db(), p.id)?;
        assert_eq!(versions.len(), 1);
        let w = versions[0].time_warning.clone().unwrap_or_default();
        assert!(
            w.contains("5 ngày làm việc") && w.contains("3 ngày làm việc"),
            "{w}"
        );
        // A version within the statutory time has none.
        let ok = with(
            procedure("1.001194"),
            "decision",
            json!({"authority": "UBND-96", "number": "101/QĐ-UBND", "date": "2025-08-02"}),
        );
        let report = write_records(&app.pool, &admin(), "api", ok.to_string().as_bytes())?;
        assert!(report.warnings.is_empty());
        // The file import reports it as well.
        let again = with(
            with(procedure("1.001195"), "local_days", json!(9)),
            "decision",
            json!({"authority": "UBND-96", "number": "102/QĐ-UBND", "date": "2025-08-02"}),
        );
        let report = app.import_str("p.jsonl", &format!("\n{again}"))?;
        assert_eq!(report.warnings.len(), 1);
        assert_eq!(report.warnings[0].line, 2);
        Ok(())
    }
);

db_test!(negative_fees_and_missing_articles_are_refused, |app| {
    setup(&app);
    let fees = with(
        procedure("1.001193"),
        "fees",
        json!([{"name": "Lệ phí", "amount": -5000}]),
    );
    refused(&app, &lines(&[fees]), 1, "không được âm");
    let basis = with(
        procedure("1.001193"),
        "legal_basis",
        json!([{"authority": "HDND-96", "number": "05/2022/NQ-HĐND", "provision": "Điều 99"}]),
    );
    refused(
        &app,
        &lines(&[procedure("1.001194"), basis]),
        2,
        "không có Điều 99",
    );
    let missing_doc = with(
        procedure("1.001193"),
        "legal_basis",
        json!([{"authority": "HDND-96", "number": "77/2022/NQ-HĐND"}]),
    );
    refused(&app, &lines(&[missing_doc]), 1, "không tìm thấy văn bản");
    Ok(())
});

db_test!(a_version_is_never_overwritten, |app| {
    setup(&app);
    let first = procedure("1.001193");
    write_records(&app.pool, &admin(), "api", first.to_string().as_bytes())?;
    // The same line again changes nothing.
    let r = write_records(&app.pool, &admin(), "api", first.to_string().as_bytes())?;
    assert_eq!((r.created, r.unchanged), (0, 1));
    // Other content under the same decision is refused.
    refused(
        &app,
        &with(first.clone(), "name", json!("Đăng ký khai sinh (sửa)")).to_string(),
        1,
        "không bị ghi đè",
    );
    // A new decision makes a new version; the old one stays.
    let amended = with(
        with(first, "announcement", json!("amended")),
        "decision",
        json!({"authority": "UBND-96", "number": "200/QĐ-UBND", "date": "2026-02-10"}),
    );
    write_records(&app.pool, &admin(), "api", amended.to_string().as_bytes())?;
    let mut conn = app.pool.get()?;
    let p = vanban::db::procedures::procedure_by_code(&mut conn.db(), "1.001193")?.unwrap();
    let v = vanban::db::procedures::versions_of(&mut conn.db(), p.id)?;
    assert_eq!(v.len(), 2);
    assert_eq!(v[0].decision_number, "100/QĐ-UBND");
    assert_eq!(v[1].announcement, "amended");
    // Audited, and the search outbox names the procedure.
    let log = vanban::audit::history(&mut conn.db(), "procedure_version", &v[1].id.to_string())?;
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].actor, "user:quantri");
    let outbox = vanban::db::queries::outbox_after(&mut conn.db(), 0, 10_000)?;
    assert!(outbox
        .iter()
        .any(|(_, e, id)| e == "procedure" && *id == p.id));
    assert!(vanban::audit::verify(&mut conn.db())?.broken.is_none());
    Ok(())
});

db_test!(bad_postings_are_refused_with_their_line, |app| {
    setup(&app);
    let abolished = json!({
        "kind": "procedure", "code": "1.001194", "name": "Xác nhận thông tin hộ tịch", "levels": ["xa"],
        "decision": {"authority": "UBND-96", "number": "300/QĐ-UBND", "date": "2026-01-05"},
        "announcement": "abolished"
    });
    write_records(
        &app.pool,
        &admin(),
        "api",
        lines(&[procedure("1.001193"), procedure("1.001194"), abolished]).as_bytes(),
    )?;
    // Before the announcing decision (1 August 2025).
    refused(
        &app,
        &lines(&[posting("1.001193", "2025-07-31")]),
        1,
        "trước ngày ban hành quyết định công bố",
    );
    // An abolished procedure.
    let post_abolished = json!({
        "kind": "posting", "procedure": "1.001194",
        "decision": {"authority": "UBND-96", "number": "300/QĐ-UBND"},
        "unit": "32200", "from": "2026-01-10"
    });
    refused(&app, &lines(&[post_abolished]), 1, "đã bị bãi bỏ");
    // Overlapping postings at the same point (the second line overlaps the first).
    let first = with(posting("1.001193", "2025-08-05"), "to", json!("2025-12-31"));
    let second = posting("1.001193", "2025-12-01");
    refused(
        &app,
        &lines(&[first.clone(), second]),
        2,
        "không được trùng thời gian",
    );
    // At another point, or after the first ends, it is fine.
    let portal = with(posting("1.001193", "2025-12-01"), "point", json!("portal"));
    let later = posting("1.001193", "2026-01-01");
    let r = write_records(
        &app.pool,
        &admin(),
        "api",
        lines(&[first, portal, later]).as_bytes(),
    )?;
    assert_eq!(r.created, 3);
    // A unit of another level.
    let province = with(posting("1.001194", "2025-08-05"), "unit", json!("96"));
    refused(&app, &lines(&[province]), 1, "không thực hiện ở cấp tỉnh");
    Ok(())
});

db_test!(dossier_counts_are_checked, |app| {
    setup(&app);
    write_records(
        &app.pool,
        &admin(),
        "api",
        procedure("1.001193").to_string().as_bytes(),
    )?;
    let count = |received: i64, online: i64, on_time: i64| {
        json!({"kind": "dossier_count", "procedure": "1.001193", "unit": "32200", "month": "2026-03",
               "received": received, "online": online, "on_time": on_time})
    };
    refused(
        &app,
        &lines(&[count(10, 11, 5)]),
        1,
        "trực tuyến (11) lớn hơn",
    );
    refused(
        &app,
        &lines(&[count(10, 2, 12)]),
        1,
        "đúng hạn (12) lớn hơn",
    );
    refused(&app, &lines(&[count(-1, 0, 0)]), 1, "không được âm");
    let r = write_records(
        &app.pool,
        &admin(),
        "api",
        count(10, 4, 9).to_string().as_bytes(),
    )?;
    assert_eq!(r.created, 1);
    // A correction replaces the month's figures, audited with before and after.
    let r = write_records(
        &app.pool,
        &admin(),
        "api",
        count(12, 4, 11).to_string().as_bytes(),
    )?;
    assert_eq!(r.updated, 1);
    let mut conn = app.pool.get()?;
    let log = vanban::audit::history(&mut conn.db(), "dossier_count", "1.001193@32200/2026-03")?;
    assert_eq!(log.len(), 2);
    Ok(())
});

db_test!(
    the_check_finds_each_gap_and_the_api_and_cli_show_it,
    |app| {
        setup(&app);
        let second = with(
            with(procedure("1.001194"), "name", json!("Đăng ký kết hôn")),
            "legal_basis",
            json!([{"authority": "HDND-96", "number": "15/2018/NQ-HĐND", "provision": "Điều 2"}]),
        );
        let third = with(procedure("1.001195"), "name", json!("Đăng ký khai tử"));
        let body = lines(&[
            procedure("1.001193"),
            second,
            third,
            // Khai sinh posted on time (deadline: 5 working days after Friday 1 August 2025 = 8 August).
            posting("1.001193", "2025-08-08"),
            // Kết hôn posted late.
            posting("1.001194", "2025-08-11"),
            // Khai tử never posted.
            json!({"kind": "calendar_day", "date": "2025-08-06", "working": false, "note": "Ngày nghỉ thử nghiệm"}),
        ]);
        write_records(&app.pool, &admin(), "api", body.as_bytes())?;
        let mut conn = app.pool.get()?;
        let date = chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        let c = vanban::procedures::check::check_unit(
            &mut conn.db(),
            "32200",
            date,
            Default::default(),
        )?;
        assert_eq!(c.required, 3);
        let gaps: Vec<(String, String)> = c
            .gaps()
            .iter()
            .map(|g| (g.code.to_string(), g.kind.to_string()))
            .collect();
        // With 6 August off, the deadline moves to 11 August: kết hôn is on time.
        assert_eq!(
            gaps,
            vec![
                ("1.001194".into(), "basis_not_in_force".into()),
                ("1.001195".into(), "missing".into()),
            ]
        );
        assert_eq!(c.complete, 1);
        assert!(!c.is_complete);
        assert!((c.percent - 100.0 / 3.0).abs() < 1e-9);
        // A shorter deadline makes kết hôn late.
        let strict = vanban::procedures::check::Settings {
            deadline_working_days: 3,
        };
        let c3 = vanban::procedures::check::check_unit(&mut conn.db(), "32200", date, strict)?;
        assert!(c3
            .gaps()
            .iter()
            .any(|g| g.code == "1.001194" && g.kind == "late"));
        assert!(c3
            .gaps()
            .iter()
            .any(|g| g.code == "1.001193" && g.kind == "late"));
        // Before the deadline, the missing one is pending, not a gap.
        let early = chrono::NaiveDate::from_ymd_opt(2025, 8, 5).unwrap();
        let c0 = vanban::procedures::check::check_unit(
            &mut conn.db(),
            "32200",
            early,
            Default::default(),
        )?;
        assert_eq!(c0.pending, 3);
        let early_gaps: Vec<&str> = c0.gaps().iter().map(|g| g.kind).collect();
        assert_eq!(early_gaps, vec!["basis_not_in_force"]);
        drop(conn);

        let (status, v) = app
            .get_json("/api/v1/units/32200/completeness?date=2026-03-01")
            .await;
        assert_eq!(status, 200, "{v}");
        assert_eq!(v["required"], 3);
        assert_eq!(v["complete"], 1);
        assert_eq!(v["items"][2]["gaps"][0]["kind"], "missing");
        assert_eq!(v["items"][2]["gaps"][0]["label"], "Chưa niêm yết");
        let (status, ct, body) = app
            .get("/api/v1/units/32200/completeness?date=01/03/2026&format=csv")
            .await;
        assert_eq!(status, 200);
        assert!(ct.starts_with("text/csv"), "{ct}");
        assert_eq!(body.lines().count(), 3, "{body}");
        assert!(body.contains("1.001195") && body.contains("Chưa niêm yết"));
        let (status, v) = app.get_json("/api/v1/units/99999/completeness").await;
        assert_eq!(status, 404, "{v}");
        let (status, _) = app
            .get_json("/api/v1/units/32200/completeness?deadline_days=abc")
            .await;
        assert_eq!(status, 400);
        // Before the commune existed.
        let (status, _) = app
            .get_json("/api/v1/units/32200/completeness?date=2025-01-01")
            .await;
        assert_eq!(status, 422);

        let out = app.cli(&["check-listings", "--unit", "32200", "--date", "2026-03-01"]);
        assert_eq!(out.status.code(), Some(1), "{out:?}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("1/3 thủ tục"), "{text}");
        assert!(text.contains("Chưa niêm yết"), "{text}");
        // Nothing is required of the province here: complete.
        let out = app.cli(&["check-listings", "--unit", "96", "--date", "2026-03-01"]);
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        Ok(())
    }
);

db_test!(inspections_are_recorded_once, |app| {
    setup(&app);
    write_records(
        &app.pool,
        &admin(),
        "api",
        procedure("1.001193").to_string().as_bytes(),
    )?;
    let visit = json!({"kind": "inspection", "unit": "32200", "date": "2026-03-20", "inspector": "Nguyễn Văn Bình",
        "note": "Kiểm tra định kỳ", "findings": [{"procedure": "1.001193", "finding": "missing"}]});
    let r = write_records(&app.pool, &admin(), "api", visit.to_string().as_bytes())?;
    assert_eq!(r.created, 1);
    let r = write_records(&app.pool, &admin(), "api", visit.to_string().as_bytes())?;
    assert_eq!(r.unchanged, 1);
    refused(
        &app,
        &with(visit.clone(), "note", json!("Khác")).to_string(),
        1,
        "không bị ghi đè",
    );
    let bad = with(
        visit,
        "findings",
        json!([{"procedure": "1.001193", "finding": "lost"}]),
    );
    refused(
        &app,
        &with(bad, "date", json!("2026-03-21")).to_string(),
        1,
        "không hợp lệ",
    );
    let mut conn = app.pool.get()?;
    let unit = vanban::db::queries::unit_by_code(&mut conn.db(), "32200")?.unwrap();
    let list = vanban::db::procedures::inspections_of(&mut conn.db(), unit.id)?;
    assert_eq!(list.len(), 1);
    assert_eq!(
        vanban::db::procedures::findings_of(&mut conn.db(), list[0].id)?.len(),
        1
    );
    Ok(())
});

db_test!(the_sample_shows_real_gaps, |app| {
    let report = vanban::exchange::load_sample(&app.pool)?.unwrap();
    assert!(report.errors.is_empty(), "{:#?}", report.errors);
    // The one procedure committed longer than the law allows.
    assert_eq!(report.warnings.len(), 1, "{:#?}", report.warnings);
    let mut conn = app.pool.get()?;
    assert!(vanban::db::procedures::all_procedures(&mut conn.db())?.len() >= 60);
    let date = chrono::NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
    let all =
        vanban::procedures::check::check_province(&mut conn.db(), "96", date, Default::default())?;
    let by = |code: &str| all.iter().find(|c| c.unit.code == code).unwrap();
    let kinds = |code: &str| -> Vec<String> {
        by(code).gaps().iter().map(|g| g.kind.to_string()).collect()
    };
    assert!(by("32152").is_complete, "{:#?}", by("32152").gaps());
    assert!(by("32152").required >= 35);
    assert_eq!(kinds("32155").iter().filter(|k| *k == "missing").count(), 1);
    assert_eq!(kinds("32155").iter().filter(|k| *k == "late").count(), 3);
    assert_eq!(
        kinds("32167").iter().filter(|k| *k == "outdated").count(),
        3
    );
    assert_eq!(
        kinds("32167")
            .iter()
            .filter(|k| *k == "not_required")
            .count(),
        1
    );
    assert_eq!(kinds("32182"), vec!["missing"; 4]);
    let province = kinds("96");
    assert!(
        province.contains(&"basis_not_in_force".to_string()),
        "{province:?}"
    );
    assert_eq!(
        province.iter().filter(|k| *k == "missing").count(),
        1,
        "{province:?}"
    );
    // Communes of before 2025 are not checked after they ended.
    assert!(all.iter().all(|c| c.unit.code != "32158"));
    Ok(())
});

db_test!(
    an_officer_writes_procedure_records_of_their_units_only,
    |app| {
        setup(&app);
        write_records(
            &app.pool,
            &admin(),
            "api",
            procedure("1.001193").to_string().as_bytes(),
        )?;
        let commune = {
            let mut conn = app.pool.get()?;
            vanban::db::queries::unit_by_code(&mut conn.db(), "32200")?
                .unwrap()
                .id
        };
        let officer = Writer {
            actor: "user:canbo.xa".into(),
            units: Some(std::collections::HashSet::from([commune])),
            organisation: false,
            update: false,
            reason: None,
        };
        // Postings and counts at the commune: yes.
        let r = write_records(
            &app.pool,
            &officer,
            "api",
            posting("1.001193", "2025-08-05").to_string().as_bytes(),
        )?;
        assert_eq!(r.created, 1);
        // A procedure announced by the province, a posting at the province, a calendar day: no.
        for line in [
            procedure("1.001194"),
            with(posting("1.001193", "2025-08-05"), "unit", json!("96")),
            json!({"kind": "calendar_day", "date": "2026-01-02", "working": false, "note": "Nghỉ"}),
        ] {
            match write_records(&app.pool, &officer, "api", line.to_string().as_bytes()) {
                Err(WriteError::Forbidden(lines)) => assert_eq!(lines[0].line, 1),
                other => panic!("expected a refusal for {line}, got {other:?}"),
            }
        }
        Ok(())
    }
);

db_test!(
    a_withdrawn_legal_basis_is_not_in_force_at_the_check,
    |app| {
        setup(&app);
        let body = lines(&[procedure("1.001193"), posting("1.001193", "2025-08-08")]);
        write_records(&app.pool, &admin(), "api", body.as_bytes())?;
        let date = chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        let check = |app: &TestApp| {
            let mut conn = app.pool.get().unwrap();
            vanban::procedures::check::check_unit(&mut conn.db(), "32200", date, Default::default())
                .unwrap()
        };
        assert_eq!(check(&app).complete, 1);
        // 05/2022/NQ-HĐND, its legal basis, was entered in error and is withdrawn.
        let basis = crate::review::document_id(&app, "HDND-96", "05/2022/NQ-HDND");
        let c = crate::authkit::Client::new(&app).await;
        let s = crate::authkit::session(
            &app,
            crate::authkit::add_user(&app, "quantri", "admin", &[]),
        );
        let r = crate::editing::post(
            &c,
            &s,
            &format!("/documents/{basis}/rut"),
            vec![
                ("reason".into(), "Nhập nhầm".into()),
                ("confirm".into(), "true".into()),
            ],
        )
        .await;
        assert_eq!(r.status, 303, "{}", r.body);
        let after = check(&app);
        assert_eq!(after.complete, 0);
        let gaps: Vec<(&str, &str)> = after.gaps().iter().map(|g| (g.kind, g.detail)).collect();
        assert_eq!(gaps.len(), 1, "{gaps:?}");
        assert_eq!(gaps[0].0, "basis_not_in_force");
        assert!(
            gaps[0].1.contains("05/2022/NQ-HĐND: đã rút (nhập nhầm)"),
            "{gaps:?}"
        );
        Ok(())
    }
);

/// Runs `f` on four threads at the same moment, each with its own connection, as requests
/// arriving together (a server's first seconds); their results in thread order.
fn together<T: Send + 'static>(
    app: &TestApp,
    f: impl Fn(&mut vanban::db::Db<'_>) -> anyhow::Result<T> + Send + Sync + 'static,
) -> anyhow::Result<Vec<T>> {
    let f = std::sync::Arc::new(f);
    let start = std::sync::Arc::new(std::sync::Barrier::new(4));
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let (f, start, pool) = (f.clone(), start.clone(), app.pool.clone());
            std::thread::spawn(move || -> anyhow::Result<T> {
                let mut conn = pool.get()?;
                start.wait();
                f(&mut conn.db())
            })
        })
        .collect();
    let mut got = Vec::new();
    for t in threads {
        got.push(
            t.join()
                .map_err(|_| anyhow::anyhow!("a request thread panicked"))??,
        );
    }
    Ok(got)
}

db_test!(
    requests_arriving_together_load_todays_catalogue_once,
    |app| {
        vanban::exchange::load_sample(&app.pool)?.unwrap();
        let cache = std::sync::Arc::new(vanban::app::procedures::ListingCache::default());
        let graphs = vanban::registry::status::SharedGraph::default();
        let today = vanban::clock::today();
        let c = cache.clone();
        let got = together(&app, move |db| {
            c.catalogue(db, &graphs, today)
                .map_err(|e| anyhow::anyhow!("{e:?}"))
        })?;
        assert_eq!(cache.loads(), 1, "one load, the others waited for it");
        let (version, first) = &got[0];
        for (v, c) in &got {
            assert_eq!(v, version);
            assert!(std::sync::Arc::ptr_eq(c, first), "the same catalogue");
        }
        assert!(
            !first.entries.is_empty(),
            "the sample's procedures are in it"
        );
        Ok(())
    }
);

db_test!(
    requests_arriving_together_load_the_registrys_graph_once,
    |app| {
        vanban::exchange::load_sample(&app.pool)?.unwrap();
        let graphs = vanban::registry::status::SharedGraph::default();
        let today = vanban::clock::today();
        let got = together(&app, move |db| {
            let statuses = graphs.statuses(db, today)?;
            Ok((graphs.graph(db)?, statuses))
        })?;
        // One graph loaded and one day's statuses derived: every request holds the same.
        let (graph, statuses) = &got[0];
        assert!(!statuses.is_empty());
        for (g, s) in &got {
            assert!(std::sync::Arc::ptr_eq(g, graph), "the same graph");
            assert!(std::sync::Arc::ptr_eq(s, statuses), "the same statuses");
        }
        Ok(())
    }
);
