//! Withdrawal of a document entered in error (`POST /documents/{id}/rut`, administrators, with
//! a reason and a confirmation): the record stays, but it and its effects act on no status (the
//! document it replaced is in force again), its addresses answer 410 with the reason (a page,
//! or the `document-withdrawn` problem), search, listings and feeds drop it, and the export
//! keeps it flagged for the importer to read back.

use vanban::web::public::urlencode;

use crate::authkit::{add_user, audit_len, session, Client};
use crate::db_test;
use crate::editing::{get, post};
use crate::helpers::{TestApp, FIXTURE};
use crate::review::document_id;

/// 05/2022/NQ-HĐND, which replaced 15/2018/NQ-HĐND (entered in error, in these tests).
fn replacing(app: &TestApp) -> i64 {
    document_id(app, "HDND-96", "05/2022/NQ-HDND")
}

fn replaced(app: &TestApp) -> i64 {
    document_id(app, "HDND-96", "15/2018/NQ-HDND")
}

fn fields(reason: &str, confirm: bool) -> Vec<(String, String)> {
    let mut f = vec![("reason".to_string(), reason.to_string())];
    if confirm {
        f.push(("confirm".into(), "true".into()));
    }
    f
}

const REASON: &str = "Nhập nhầm: nghị quyết này chưa được thông qua";

fn admin(app: &TestApp) -> (String, String) {
    session(app, add_user(app, "quantri", "admin", &[]))
}

async fn withdraw_as_admin(app: &TestApp, c: &Client, s: &(String, String)) {
    let id = replacing(app);
    let r = post(c, s, &format!("/documents/{id}/rut"), fields(REASON, true)).await;
    assert_eq!(r.status, 303, "{}", r.body);
}

db_test!(
    a_withdrawn_document_no_longer_ends_the_one_it_replaced,
    |app| {
        app.import_str("f.jsonl", FIXTURE)?;
        let old = replaced(&app);
        let (_, v) = app
            .get_json(&format!("/api/v1/documents/{old}/status?date=2024-01-01"))
            .await;
        assert_eq!(v["status"]["code"], "het-hieu-luc-toan-bo", "{v}");
        let c = Client::new(&app).await;
        let s = admin(&app);
        let before = audit_len(&app);
        withdraw_as_admin(&app, &c, &s).await;
        assert_eq!(audit_len(&app), before + 1, "one audit entry");
        let (status, v) = app
            .get_json(&format!("/api/v1/documents/{old}/status?date=2024-01-01"))
            .await;
        assert_eq!(status, 200);
        assert_ne!(v["status"]["code"], "het-hieu-luc-toan-bo", "{v}");
        // The audit entry names the reason.
        let id = replacing(&app);
        let mut conn = app.pool.get()?;
        let log = vanban::audit::history(&mut conn.db(), "document", &id.to_string())?;
        let last = log.last().unwrap();
        assert_eq!(last.action, "withdraw");
        assert!(last.after.as_deref().unwrap().contains(REASON));
        Ok(())
    }
);

db_test!(its_addresses_answer_410_with_the_reason, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    let c = Client::new(&app).await;
    let id = replacing(&app);
    let eli = get(&c, None, &format!("/documents/{id}")).await;
    let eli = eli.header("location").unwrap();
    withdraw_as_admin(&app, &c, &admin(&app)).await;
    for path in [
        format!("/documents/{id}"),
        format!("/documents/{id}/dieu-1"),
        format!("/documents/{id}/phien-ban"),
        eli.clone(),
        format!("{eli}/dieu-1"),
        format!("{eli}/2024-01-01"),
        format!("{eli}/2024-01-01/hop-nhat"),
    ] {
        let r = get(&c, None, &path).await;
        assert_eq!(r.status, 410, "{path}: {}", r.body);
        assert!(r.body.contains(REASON), "{path}: {}", r.body);
        assert!(r.body.contains("đã bị rút"), "{path}");
    }
    for path in [
        format!("/api/v1/documents/{id}"),
        format!("/api/v1/documents/{id}/status"),
    ] {
        let (status, v) = app.get_json(&path).await;
        assert_eq!(status, 410, "{path}: {v}");
        assert_eq!(v["code"], "document-withdrawn");
        assert!(v["detail"].as_str().unwrap().contains(REASON));
    }
    // Dropped from listings, the API's list and the feed.
    let list = get(&c, None, "/documents").await;
    assert!(!list.body.contains("05/2022/NQ-HĐND"), "listed");
    assert!(list.body.contains("15/2018/NQ-HĐND"));
    let (_, v) = app.get_json("/api/v1/documents").await;
    assert!(!v.to_string().contains("05/2022/NQ-HĐND"), "{v}");
    let feed = get(&c, None, "/feeds/documents.atom").await;
    assert_eq!(feed.status, 200);
    assert!(!feed.body.contains("05/2022/NQ-HĐND"), "in the feed");
    Ok(())
});

db_test!(search_no_longer_finds_it, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    let (_, v) = app
        .get_json(&format!(
            "/api/v1/search?q={}",
            urlencode("05/2022/NQ-HĐND")
        ))
        .await;
    assert!(v["hits"].to_string().contains("05/2022/NQ-HĐND"), "{v}");
    let c = Client::new(&app).await;
    withdraw_as_admin(&app, &c, &admin(&app)).await;
    let (status, v) = app
        .get_json(&format!(
            "/api/v1/search?q={}",
            urlencode("05/2022/NQ-HĐND")
        ))
        .await;
    assert_eq!(status, 200);
    assert!(!v["hits"].to_string().contains("05/2022/NQ-HĐND"), "{v}");
    Ok(())
});

db_test!(only_administrators_withdraw_once_with_a_reason, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    let c = Client::new(&app).await;
    let id = replacing(&app);
    let path = format!("/documents/{id}/rut");
    let officer = session(&app, add_user(&app, "canbo", "officer", &["96"]));
    let admin = admin(&app);
    let before = audit_len(&app);
    // An officer, even in scope: 403.
    let r = post(&c, &officer, &path, fields(REASON, true)).await;
    assert_eq!(r.status, 403, "{}", r.body);
    let r = get(&c, Some(&officer.0), &path).await;
    assert_eq!(r.status, 403, "{}", r.body);
    // An administrator: the form, then an empty reason or no confirmation beside their fields.
    let r = get(&c, Some(&admin.0), &path).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains(r#"<label for="w-reason">"#));
    let r = post(&c, &admin, &path, fields("   ", true)).await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains(r#"id="w-reason-error""#), "{}", r.body);
    let r = post(&c, &admin, &path, fields(REASON, false)).await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains(r#"id="w-confirm-error""#), "{}", r.body);
    assert_eq!(audit_len(&app), before, "nothing written");
    // Withdrawn; a second time is 410, and so is its edit form.
    let r = post(&c, &admin, &path, fields(REASON, true)).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let after = audit_len(&app);
    let r = post(&c, &admin, &path, fields("Lần nữa", true)).await;
    assert_eq!(r.status, 410, "{}", r.body);
    let r = get(&c, Some(&admin.0), &format!("/documents/{id}/sua")).await;
    assert_eq!(r.status, 410, "{}", r.body);
    let r = post(
        &c,
        &admin,
        &format!("/documents/{id}/sua"),
        vec![
            ("title".into(), "Sửa".into()),
            ("reason".into(), "Sửa".into()),
        ],
    )
    .await;
    assert_eq!(r.status, 410, "{}", r.body);
    assert_eq!(audit_len(&app), after);
    Ok(())
});

db_test!(export_keeps_the_flag_and_the_import_reads_it_back, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    let c = Client::new(&app).await;
    withdraw_as_admin(&app, &c, &admin(&app)).await;
    let out = app.export()?;
    let line = out
        .lines()
        .find(|l| l.contains("05/2022/NQ-HĐND") && l.contains(r#""kind":"document""#))
        .unwrap();
    assert!(
        line.contains(&format!(
            r#""withdrawn":{{"on":"{}","reason":"{REASON}"}}"#,
            vanban::clock::today()
        )),
        "{line}"
    );
    // The CSV export keeps it too, flagged in its status column.
    let mut csv = Vec::new();
    {
        let mut conn = app.pool.get()?;
        vanban::exchange::export::export_csv(&mut conn.db(), vanban::clock::today(), &mut csv)?;
    }
    let csv = String::from_utf8(csv)?;
    assert!(
        csv.lines()
            .any(|l| l.contains("05/2022/NQ-HĐND") && l.contains("Đã rút (nhập nhầm)")),
        "{csv}"
    );
    // Another registry reads it back: withdrawn there too, the old resolution in force.
    let other = TestApp::sqlite()?;
    let r = other.import_str("out.jsonl", &out)?;
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(other.export()?, out, "byte-identical");
    let (status, _) = other
        .get_json(&format!("/api/v1/documents/{}", replacing(&other)))
        .await;
    assert_eq!(status, 410);
    // The old file, without the flag, is a conflict: it does not silently bring it back.
    let r = app.import_str("f.jsonl", FIXTURE)?;
    assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
    assert!(r.errors[0].message.contains("withdrawn"), "{:?}", r.errors);
    Ok(())
});
