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

/// An effect of 05/2022/NQ-HĐND dated before it was signed: an error of `vanban check`.
const EARLY_EFFECT: &str = r#"{"kind":"effect","acting":{"authority":"HDND-96","number":"05/2022/NQ-HĐND"},"target":{"authority":"UBND-970","number":"12/2021/QĐ-UBND"},"type":"repeal","provisions":["Điều 2"],"effective_on":"2022-01-01"}"#;

fn check_codes(app: &TestApp) -> anyhow::Result<Vec<String>> {
    let mut conn = app.pool.get()?;
    Ok(vanban::registry::check::run(&mut conn.db())?
        .into_iter()
        .map(|f| format!("{}: {}", f.code.code(), f.message))
        .collect())
}

/// Imports the fixture and the early effect, checks that `vanban check` reports it, withdraws
/// `doc` (the acting document or the target) and checks that the finding is gone.
async fn check_forgets_the_effect_when_withdrawing(app: &TestApp, doc: i64) -> anyhow::Result<()> {
    let before = check_codes(app)?;
    assert!(
        before
            .iter()
            .any(|f| f.starts_with("effect-before-acting-issued") && f.contains("12/2021/QĐ-UBND")),
        "{before:#?}"
    );
    let c = Client::new(app).await;
    let r = post(
        &c,
        &admin(app),
        &format!("/documents/{doc}/rut"),
        fields(REASON, true),
    )
    .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let after = check_codes(app)?;
    assert!(
        after
            .iter()
            .all(|f| !f.starts_with("effect-before-acting-issued")),
        "{after:#?}"
    );
    assert!(after.is_empty(), "{after:#?}");
    let out = app.cli(&["check"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    Ok(())
}

db_test!(check_no_longer_reads_a_withdrawn_documents_effects, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    let r = app.import_str("early.jsonl", EARLY_EFFECT)?;
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    let acting = replacing(&app);
    check_forgets_the_effect_when_withdrawing(&app, acting).await
});

db_test!(
    check_no_longer_reads_effects_on_a_withdrawn_document,
    |app| {
        app.import_str("f.jsonl", FIXTURE)?;
        let r = app.import_str("early.jsonl", EARLY_EFFECT)?;
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        let target = document_id(&app, "UBND-970", "12/2021/QD-UBND");
        check_forgets_the_effect_when_withdrawing(&app, target).await
    }
);

db_test!(
    search_drops_the_wording_a_withdrawn_amendment_wrote_into_its_target,
    |app| {
        use crate::wording_search::{articles, REGISTRY};
        app.import_str("r.jsonl", REGISTRY)?;
        let new = articles(&app, "kiêm nhiệm luân phiên").await;
        assert_eq!(new.first().map(|h| h.0.as_str()), Some("dieu-5"), "{new:?}");
        let c = Client::new(&app).await;
        let acting = document_id(&app, "UBND-96", "30/2020/QD-UBND");
        let r = post(
            &c,
            &admin(&app),
            &format!("/documents/{acting}/rut"),
            fields(REASON, true),
        )
        .await;
        assert_eq!(r.status, 303, "{}", r.body);
        // The indexer catches up (no full reindex): the target holds its own wording again.
        let gone = articles(&app, "kiêm nhiệm luân phiên").await;
        assert!(gone.is_empty(), "{gone:?}");
        let added = articles(&app, "chợ đêm").await;
        assert!(added.iter().all(|h| h.0 != "dieu-5a"), "{added:?}");
        let own = articles(&app, "phó trưởng ban chuyên trách").await;
        assert_eq!(own.first().map(|h| h.0.as_str()), Some("dieu-5"), "{own:?}");
        Ok(())
    }
);

db_test!(
    a_review_campaign_no_longer_counts_a_withdrawn_document,
    |app| {
        app.import_str("f.jsonl", FIXTURE)?;
        let (_, officer) = crate::review::token(&app, "canbo", "officer", &["32200"]);
        let c = Client::new(&app).await;
        let cid = crate::review::campaign_of(&c, &officer, 1).await;
        let in_scope = |app: &TestApp| {
            let mut conn = app.pool.get().unwrap();
            let d =
                vanban::review::dashboard::dashboard(&mut conn.db(), cid, vanban::clock::today())
                    .unwrap()
                    .unwrap();
            (d.total.in_scope, d.authorities.len())
        };
        assert_eq!(in_scope(&app), (1, 1));
        let one_stop = document_id(&app, "UBND-970", "12/2021/QD-UBND");
        let r = post(
            &c,
            &admin(&app),
            &format!("/documents/{one_stop}/rut"),
            fields(REASON, true),
        )
        .await;
        assert_eq!(r.status, 303, "{}", r.body);
        // The frozen list and the dashboard (and so the scorecard) drop it; a new campaign of
        // the same scope does not take it.
        assert_eq!(in_scope(&app), (0, 0));
        let mut conn = app.pool.get()?;
        assert!(vanban::review::campaigns::documents(&mut conn.db(), cid)?.is_empty());
        drop(conn);
        let r = crate::review::call(
            &c,
            "POST",
            "/api/v1/campaigns",
            &officer,
            Some(serde_json::json!({
                "name": "Rà soát lại", "kind": "reorganisation",
                "predecessor_unit": "970", "deadline": "2025-12-31"
            })),
            None,
        )
        .await;
        assert_eq!(r.status, 201, "{}", r.body);
        let again = r.json()["id"].as_i64().unwrap();
        let mut conn = app.pool.get()?;
        let c2 = vanban::review::campaigns::get(&mut conn.db(), again)?.unwrap();
        let scope = vanban::review::campaigns::documents_in_scope(
            &mut conn.db(),
            &c2,
            vanban::clock::today(),
        )?;
        assert!(scope.is_empty(), "{scope:?}");
        Ok(())
    }
);

db_test!(
    the_annual_list_no_longer_names_what_a_withdrawn_document_ended,
    |app| {
        app.import_str("f.jsonl", FIXTURE)?;
        let whole = |v: &serde_json::Value| v["whole"].to_string();
        let (status, v) = app.get_json("/api/v1/annual-lists/2022").await;
        assert_eq!(status, 200, "{v}");
        assert!(whole(&v).contains("15/2018/NQ-HĐND"), "{v}");
        let c = Client::new(&app).await;
        withdraw_as_admin(&app, &c, &admin(&app)).await;
        let (status, v) = app.get_json("/api/v1/annual-lists/2022").await;
        assert_eq!(status, 200, "{v}");
        assert!(!whole(&v).contains("15/2018/NQ-HĐND"), "{v}");
        assert!(!v.to_string().contains("05/2022/NQ-HĐND"), "{v}");
        Ok(())
    }
);
