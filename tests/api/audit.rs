//! The audit trail: writes append hash-chained entries in their transaction, the database
//! refuses to change them or to insert anything but the next entry, and `audit verify` names
//! every tamper it can see: a broken link, a gap, a dropped, changed or disabled trigger, and,
//! with a checkpoint, a rewritten or cut trail.

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
    // Three triggers; on PostgreSQL also their two functions.
    let guards = if is_sqlite(&app) { 3 } else { 5 };
    assert!(
        text.contains(&format!("{guards} trigger/hàm đúng như migration")),
        "{text}"
    );
    let out = app.cli(&["audit", "checkpoint"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text.trim(), format!("{}:{}", log.len(), prev));

    let (status, v) = app.get_json("/api/v1/audit/checkpoint").await;
    assert_eq!(status, 200);
    assert_eq!(v["seq"], log.len() as i64);
    assert_eq!(v["hash"], prev);
    assert_eq!(v["checkpoint"], text.trim());
    // The checkpoint holds while nothing changed.
    let out = app.cli(&["audit", "verify", "--checkpoint", text.trim()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(
        stdout.contains(&format!("điểm kiểm tra {}: khớp", text.trim())),
        "{stdout}"
    );
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
    let report = app.import_update("g.jsonl", &changed)?;
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
    app.import_update("g.jsonl", &changed)?;
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

fn is_sqlite(app: &TestApp) -> bool {
    matches!(app.pool, vanban::db::DbPool::Sqlite(_))
}

/// Runs `setup` (e.g. a PRAGMA) then `q` on one connection; the database's refusal if any.
fn sql_after(app: &TestApp, setup: &str, q: &str) -> Result<usize, String> {
    use diesel::connection::SimpleConnection;
    let mut conn = app.pool.get().unwrap();
    let mut db = conn.db();
    vanban::with_db!(&mut db, c => {
        c.batch_execute(setup).unwrap();
        diesel::sql_query(q).execute(c)
    })
    .map_err(|e| e.to_string())
}

/// `audit verify` with these arguments: (exit code, standard output).
fn verify(app: &TestApp, extra: &[&str]) -> (Option<i32>, String) {
    let mut args = vec!["audit", "verify"];
    args.extend_from_slice(extra);
    let out = app.cli(&args);
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

fn checkpoint(app: &TestApp) -> String {
    let out = app.cli(&["audit", "checkpoint"]);
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// A row of the table as SQL values, with `seq`, `actor` and `prev_hash` replaced.
fn values(e: &vanban::audit::Entry, seq: i64, actor: &str, prev: &str) -> String {
    let q = |s: &str| format!("'{}'", s.replace('\'', "''"));
    let opt = |s: &Option<String>| s.as_deref().map_or("NULL".to_string(), q);
    format!(
        "({seq}, {}, {}, {}, {}, {}, {}, {}, {}, {})",
        q(&e.at),
        q(actor),
        q(&e.action),
        q(&e.entity),
        q(&e.entity_id),
        opt(&e.before),
        opt(&e.after),
        q(prev),
        q(&e.hash)
    )
}

/// The statement that puts the append-only guard of DELETE back exactly as the migration has it.
fn recreate_delete_guard(app: &TestApp) -> &'static str {
    if is_sqlite(app) {
        "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;"
    } else {
        "CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"
    }
}

fn drop_delete_guard(app: &TestApp) -> &'static str {
    if is_sqlite(app) {
        "DROP TRIGGER audit_log_no_delete"
    } else {
        "DROP TRIGGER audit_log_no_update ON audit_log"
    }
}

db_test!(inserts_that_do_not_continue_the_chain_are_refused, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    let before = entries(&app);
    let n = before.len() as i64;
    let head = before.last().unwrap().clone();
    let second = &before[1];
    let forged = values(second, 2, "user:mallory", &before[0].hash);
    let mut tampers = vec![
        // Past the head, or at the head without its hash.
        format!(
            "INSERT INTO audit_log VALUES {}",
            values(&head, n + 2, "user:mallory", &head.hash)
        ),
        format!(
            "INSERT INTO audit_log VALUES {}",
            values(&head, n + 1, "user:mallory", &before[0].hash)
        ),
        // An existing entry replaced by another.
        format!("INSERT INTO audit_log VALUES {forged} ON CONFLICT (seq) DO UPDATE SET actor = 'user:mallory'"),
        format!("INSERT INTO audit_log VALUES {forged} ON CONFLICT (seq) DO NOTHING"),
    ];
    let setups: &[&str] = if is_sqlite(&app) {
        tampers.push(format!("INSERT OR REPLACE INTO audit_log VALUES {forged}"));
        tampers.push(format!("REPLACE INTO audit_log VALUES {forged}"));
        tampers.push("UPDATE OR REPLACE audit_log SET seq = 1 WHERE seq = 2".into());
        // REPLACE's implicit delete fires delete triggers only with recursive_triggers on:
        // the refusal must not depend on it.
        &[
            "PRAGMA recursive_triggers = OFF",
            "PRAGMA recursive_triggers = ON",
        ]
    } else {
        &["SET session_replication_role = origin"]
    };
    for setup in setups {
        for q in &tampers {
            let err = sql_after(&app, setup, q).expect_err(q);
            assert!(err.contains("append-only"), "{setup}; {q}: {err}");
        }
    }
    assert_eq!(entries(&app), before, "nothing changed");
    let (code, text) = verify(&app, &[]);
    assert_eq!(code, Some(0), "{text}");
    // The application's own appends still continue the chain.
    let changed = FIXTURE.replace("nuôi tôm\"", "nuôi tôm, cua\"");
    assert_eq!(app.import_update("g.jsonl", &changed)?.updated, 1);
    assert_eq!(entries(&app).len() as i64, n + 1);
    let (code, text) = verify(&app, &[]);
    assert_eq!(code, Some(0), "{text}");
    Ok(())
});

// Someone with the database switches the guard off, edits entry 3 and recomputes every hash
// from there: the chain holds again, but the missing trigger and the checkpoint betray it.
db_test!(
    a_rehashed_chain_is_betrayed_by_its_guard_or_a_checkpoint,
    |app| {
        app.import_str("f.jsonl", FIXTURE)?;
        let recorded = checkpoint(&app);
        let n = entries(&app).len();
        let drop = if is_sqlite(&app) {
            "DROP TRIGGER audit_log_no_update"
        } else {
            "DROP TRIGGER audit_log_no_update ON audit_log"
        };
        sql(&app, drop).unwrap();
        let mut prev = entries(&app)[1].hash.clone();
        for mut e in entries(&app).into_iter().skip(2) {
            if e.seq == 3 {
                e.actor = "user:mallory".into();
            }
            e.prev_hash = prev;
            e.hash = vanban::audit::entry_hash(&e);
            sql(
                &app,
                &format!(
                "UPDATE audit_log SET actor = '{}', prev_hash = '{}', hash = '{}' WHERE seq = {}",
                e.actor, e.prev_hash, e.hash, e.seq
            ),
            )
            .unwrap();
            prev = e.hash;
        }
        assert_eq!(entries(&app).len(), n);
        let (code, text) = verify(&app, &[]);
        assert_eq!(code, Some(1), "{text}");
        assert!(
            text.contains(&format!("nhật ký kiểm toán nguyên vẹn: {n} mục")),
            "the chain itself holds: {text}"
        );
        assert!(
            text.contains("thiếu trigger bảo vệ «audit_log_no_update»"),
            "{text}"
        );
        assert!(text.contains("KHÔNG đáng tin"), "{text}");

        // The guard put back as it was: only the checkpoint kept elsewhere still tells.
        let recreate = if is_sqlite(&app) {
            "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;"
        } else {
            "CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"
        };
        sql(&app, recreate).unwrap();
        let (code, text) = verify(&app, &[]);
        assert_eq!(code, Some(0), "undetectable without a checkpoint: {text}");
        let (code, text) = verify(&app, &["--checkpoint", &recorded]);
        assert_eq!(code, Some(1), "{text}");
        assert!(
            text.contains(&format!(
                "điểm kiểm tra {recorded}: mục số {n} nay có mã băm"
            )),
            "{text}"
        );
        // An earlier checkpoint, before the edit, still holds and says so.
        let first = format!("2:{}", entries(&app)[1].hash);
        let (_, text) = verify(&app, &["--checkpoint", &first, "--checkpoint", &recorded]);
        assert!(
            text.contains(&format!("điểm kiểm tra {first}: khớp")),
            "{text}"
        );
        Ok(())
    }
);

db_test!(a_cut_tail_is_found_with_a_checkpoint, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    let (_, api) = app.get_json("/api/v1/audit/checkpoint").await;
    let recorded = api["checkpoint"].as_str().unwrap().to_string();
    let n = entries(&app).len() as i64;
    sql(&app, drop_delete_guard(&app)).unwrap();
    sql(
        &app,
        &format!("DELETE FROM audit_log WHERE seq > {}", n - 2),
    )
    .unwrap();
    sql(&app, recreate_delete_guard(&app)).unwrap();
    // The shorter trail is a valid chain under intact guards.
    let (code, text) = verify(&app, &[]);
    assert_eq!(code, Some(0), "{text}");
    let (code, text) = verify(&app, &["--checkpoint", &recorded]);
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains(&format!(
            "điểm kiểm tra {recorded}: nhật ký chỉ còn đến mục số {}, chưa tới mục số {n}",
            n - 2
        )),
        "{text}"
    );
    Ok(())
});

db_test!(a_gap_in_the_numbers_is_reported, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    let recorded = checkpoint(&app);
    let third = format!("3:{}", entries(&app)[2].hash);
    sql(&app, drop_delete_guard(&app)).unwrap();
    sql(&app, "DELETE FROM audit_log WHERE seq = 3").unwrap();
    sql(&app, recreate_delete_guard(&app)).unwrap();
    let (code, text) = verify(&app, &["--checkpoint", &recorded, "--checkpoint", &third]);
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("tại mục số 4: thiếu mục số 3: số thứ tự nhảy từ 2 lên 4"),
        "{text}"
    );
    assert!(text.contains("2 mục đầu tiên nguyên vẹn"), "{text}");
    assert!(
        text.contains(&format!(
            "điểm kiểm tra {third}: không còn mục số 3 (đã bị xoá)"
        )),
        "{text}"
    );
    Ok(())
});

db_test!(changed_disabled_and_foreign_triggers_are_reported, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    if is_sqlite(&app) {
        // The insert guard replaced by one that lets anything through.
        sql(&app, "DROP TRIGGER audit_log_append_at_head").unwrap();
        sql(
            &app,
            "CREATE TRIGGER audit_log_append_at_head BEFORE INSERT ON audit_log BEGIN SELECT 1; END;",
        )
        .unwrap();
    } else {
        sql(
            &app,
            "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_truncate",
        )
        .unwrap();
        sql(
            &app,
            "CREATE OR REPLACE FUNCTION audit_log_continue_chain() RETURNS trigger AS $$ BEGIN RETURN NEW; END; $$ LANGUAGE plpgsql",
        )
        .unwrap();
    }
    let foreign = if is_sqlite(&app) {
        "CREATE TRIGGER audit_log_helper AFTER INSERT ON audit_log BEGIN SELECT 1; END;"
    } else {
        "CREATE TRIGGER audit_log_helper AFTER INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_continue_chain()"
    };
    sql(&app, foreign).unwrap();
    let (code, text) = verify(&app, &[]);
    assert_eq!(code, Some(1), "{text}");
    if is_sqlite(&app) {
        assert!(
            text.contains(
                "trigger bảo vệ «audit_log_append_at_head» khác với định nghĩa của migration"
            ),
            "{text}"
        );
    } else {
        assert!(
            text.contains("trigger bảo vệ «audit_log_no_truncate» đã bị tắt"),
            "{text}"
        );
        assert!(
            text.contains(
                "hàm trigger «audit_log_continue_chain()» khác với định nghĩa của migration"
            ),
            "{text}"
        );
    }
    assert!(text.contains("trigger lạ «audit_log_helper»"), "{text}");
    Ok(())
});

#[test]
fn checkpoints_are_read_strictly() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_vanban"))
        .args(["audit", "verify", "--checkpoint", "12:abc"])
        .env(
            "VANBAN_DATABASE_URL",
            "sqlite:///nonexistent/never-opened.sqlite3",
        )
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("điểm kiểm tra «12:abc» không hợp lệ"), "{err}");
}
