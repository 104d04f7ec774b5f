//! The audit trail: writes append hash-chained entries in their transaction, the database
//! refuses to change them, and `audit verify` names the first entry that was tampered with.

use diesel::RunQueryDsl;

use crate::db_test;
use crate::helpers::{TestApp, FIXTURE};

fn entries(app: &TestApp) -> Vec<vanban::audit::Entry> {
    use diesel::prelude::*;
    use vanban::db::schema::audit_log;
    let mut conn = app.pool.get().unwrap();
    let mut db = conn.db();
    vanban::with_db!(&mut db, c => audit_log::table
        .order(audit_log::seq.asc())
        .select(vanban::audit::Entry::as_select())
        .load(c))
    .unwrap()
}

/// Runs raw SQL; returns the database's error message if it refuses.
fn sql(app: &TestApp, q: &str) -> Result<usize, String> {
    let mut conn = app.pool.get().unwrap();
    let mut db = conn.db();
    vanban::with_db!(&mut db, c => diesel::sql_query(q).execute(c)).map_err(|e| e.to_string())
}

db_test!(imports_are_recorded_in_a_valid_chain, |app| {
    let report = app.import_str("f.jsonl", FIXTURE)?;
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let log = entries(&app);
    let written = report.created + report.updated;
    assert_eq!(log.len(), written, "one entry per record written");
    assert!(log.iter().all(|e| e.actor == "import:f.jsonl"));
    assert!(log
        .iter()
        .any(|e| e.entity == "document" && e.action == "create" && e.before.is_none()));
    // Entries are numbered from 1 without gaps, each linked to the one before.
    let mut prev = vanban::audit::GENESIS.to_string();
    for (i, e) in log.iter().enumerate() {
        assert_eq!(e.seq, i as i64 + 1);
        assert_eq!(e.prev_hash, prev);
        assert_eq!(vanban::audit::entry_hash(e), e.hash);
        prev = e.hash.clone();
    }
    // Importing the same file again writes nothing and records nothing.
    app.import_str("f.jsonl", FIXTURE)?;
    assert_eq!(entries(&app).len(), log.len());

    let out = app.cli(&["audit", "verify"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains(&format!("{} mục", log.len())), "{text}");
    let out = app.cli(&["audit", "checkpoint"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text.trim(), format!("{} {}", log.len(), prev));

    let (status, v) = app.get_json("/api/v1/audit/checkpoint").await;
    assert_eq!(status, 200);
    assert_eq!(v["seq"], log.len() as i64);
    assert_eq!(v["hash"], prev);
    Ok(())
});

db_test!(an_update_keeps_what_was_there_before, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    let changed = FIXTURE.replace(
        "Quy định mức hỗ trợ nuôi tôm\"",
        "Quy định mức hỗ trợ nuôi tôm và cua\"",
    );
    assert_ne!(
        changed, FIXTURE,
        "the fixture has the title this test changes"
    );
    let report = app.import_str("g.jsonl", &changed)?;
    assert_eq!(report.updated, 1);
    let last = entries(&app).pop().unwrap();
    assert_eq!(
        (last.action.as_str(), last.entity.as_str()),
        ("update", "document")
    );
    assert_eq!(last.actor, "import:g.jsonl");
    let before: serde_json::Value = serde_json::from_str(last.before.as_deref().unwrap())?;
    let after: serde_json::Value = serde_json::from_str(last.after.as_deref().unwrap())?;
    assert_eq!(before["title"], "Quy định mức hỗ trợ nuôi tôm");
    assert_eq!(after["title"], "Quy định mức hỗ trợ nuôi tôm và cua");
    assert_eq!(before["text_sha256"].as_str().map(str::len), Some(64));
    Ok(())
});

db_test!(the_database_refuses_to_change_entries, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    let before = entries(&app);
    for q in [
        "UPDATE audit_log SET actor = 'user:mallory' WHERE seq = 1",
        "DELETE FROM audit_log WHERE seq = 2",
        "DELETE FROM audit_log",
    ] {
        let err = sql(&app, q).expect_err(q);
        assert!(err.contains("append-only"), "{q}: {err}");
    }
    if !matches!(app.pool, vanban::db::DbPool::Sqlite(_)) {
        let err = sql(&app, "TRUNCATE audit_log").expect_err("truncate");
        assert!(err.contains("append-only"), "{err}");
    }
    assert_eq!(entries(&app), before, "nothing changed");
    Ok(())
});

db_test!(verify_names_the_first_tampered_entry, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    let n = entries(&app).len();
    assert!(n >= 5);
    // Someone with the database itself switches the protection off and edits entry 3.
    if matches!(app.pool, vanban::db::DbPool::Sqlite(_)) {
        sql(&app, "DROP TRIGGER audit_log_no_update").unwrap();
    } else {
        sql(
            &app,
            "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update",
        )
        .unwrap();
    }
    sql(
        &app,
        "UPDATE audit_log SET actor = 'user:mallory' WHERE seq = 3",
    )
    .unwrap();
    let out = app.cli(&["audit", "verify"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("tại mục số 3"), "{text}");
    assert!(text.contains("2 mục đầu tiên nguyên vẹn"), "{text}");
    Ok(())
});

/// A copy of the SQLite file is corrupted by hand: an entry's content changed and the hash
/// recomputed, so only the link from the next entry betrays it.
#[actix_web::test]
async fn verify_finds_a_rewritten_entry_in_a_copied_file() -> anyhow::Result<()> {
    let app = TestApp::sqlite()?;
    app.import_str("f.jsonl", FIXTURE)?;
    let n = entries(&app).len() as i64;
    let src = app.url.trim_start_matches("sqlite://").to_string();
    let copy = app.dir.path().join("copy.sqlite3");
    {
        let mut conn = app.pool.get()?;
        let mut db = conn.db();
        vanban::with_db!(&mut db, c => diesel::sql_query(format!("VACUUM INTO '{}'", copy.display())).execute(c))?;
    }
    assert!(std::path::Path::new(&src).exists());
    let url = format!("sqlite://{}", copy.display());
    let pool = vanban::db::DbPool::connect(&url, 1)?;
    {
        let mut conn = pool.get()?;
        let mut db = conn.db();
        let mut e = vanban::with_db!(&mut db, c => {
            use diesel::prelude::*;
            use vanban::db::schema::audit_log;
            audit_log::table
                .filter(audit_log::seq.eq(4))
                .select(vanban::audit::Entry::as_select())
                .first(c)
        })?;
        e.after = Some(r#"{"title":"đã sửa"}"#.into());
        e.hash = vanban::audit::entry_hash(&e);
        vanban::with_db!(&mut db, c => diesel::sql_query("DROP TRIGGER audit_log_no_update").execute(c))?;
        vanban::with_db!(&mut db, c => diesel::sql_query(format!(
            "UPDATE audit_log SET after = '{}', hash = '{}' WHERE seq = 4",
            e.after.clone().unwrap_or_default(),
            e.hash
        ))
        .execute(c))?;
    }
    drop(pool);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_vanban"))
        .args(["audit", "verify"])
        .env("VANBAN_DATABASE_URL", &url)
        .output()?;
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("tại mục số 5"),
        "entry 5 no longer links: {text}"
    );
    // The original is intact.
    let out = app.cli(&["audit", "verify"]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains(&format!("{n} mục")));
    Ok(())
}

db_test!(signed_in_users_see_a_documents_history, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    let changed = FIXTURE.replace(
        "Quy định mức hỗ trợ nuôi tôm\"",
        "Quy định mức hỗ trợ nuôi tôm và cua\"",
    );
    app.import_str("g.jsonl", &changed)?;
    let (_, docs) = app.get_json("/api/v1/documents?q=15%2F2018").await;
    let id = docs["rows"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|r| r["number"] == "15/2018/NQ-HĐND")
        .and_then(|r| r["id"].as_i64())
        .unwrap();
    let client = crate::authkit::Client::new(&app).await;
    // The older address leads to the document's stable one.
    let r = client
        .send(actix_web::test::TestRequest::get().uri(&format!("/documents/{id}")))
        .await;
    assert_eq!(r.status, 301);
    let path = r.header("location").unwrap();

    let public = client
        .send(actix_web::test::TestRequest::get().uri(&path))
        .await;
    assert_eq!(public.status, 200);
    assert!(
        !public.body.contains("Nhật ký thay đổi"),
        "not for the public"
    );

    let user = crate::authkit::add_user(&app, "thanhtra", "inspector", &[]);
    let (secret, _) = crate::authkit::session(&app, user);
    let r = client
        .send(
            actix_web::test::TestRequest::get()
                .uri(&path)
                .insert_header(crate::authkit::cookie(&secret)),
        )
        .await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("Nhật ký thay đổi"), "{}", r.body);
    assert!(r.body.contains("import:f.jsonl") && r.body.contains("import:g.jsonl"));
    assert!(
        r.body
            .contains("nuôi tôm → Quy định mức hỗ trợ nuôi tôm và cua"),
        "the change is shown"
    );
    assert_eq!(r.header("cache-control").as_deref(), Some("no-store"));
    Ok(())
});
