//! `vanban backup FILE` while another thread writes, `vanban backup --verify`, restoring, bad
//! inputs; and `vanban user token`.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use diesel::Connection;
use vanban::backup::VerifyReport;
use vanban::db::DbPool;

use crate::db_test;
use crate::helpers::{TestApp, FIXTURE};

fn text(o: &[u8]) -> String {
    String::from_utf8_lossy(o).into_owned()
}

/// One new document per line number, written by the "writer" thread.
fn doc(i: usize) -> String {
    format!(
        r#"{{"kind":"document","authority":"UBND-96","type":"Quyết định","number":"{i}/2024/QĐ-UBND","title":"Quyết định sao lưu số {i}","issued_on":"2024-01-02","effective_on":"2024-01-15","text":"Điều 1. Nội dung\nNội dung số {i}."}}"#
    )
}

/// Verifies a backup, then restores it where the test can read it.
fn restore(app: &TestApp, file: &Path) -> (VerifyReport, DbPool) {
    if app.url.starts_with("postgres") {
        let scratch = app.scratch_pg_database();
        let report = vanban::backup::verify(file, Some(&scratch))
            .unwrap_or_else(|e| panic!("verify {}: {e}", file.display()));
        (report, DbPool::connect(&scratch, 2).unwrap())
    } else {
        let report = vanban::backup::verify(file, None)
            .unwrap_or_else(|e| panic!("verify {}: {e}", file.display()));
        let copy = app.dir.path().join(format!(
            "restored-{}",
            file.file_name().unwrap().to_string_lossy()
        ));
        std::fs::copy(file, &copy).unwrap();
        let pool = DbPool::connect(&format!("sqlite://{}", copy.display()), 2).unwrap();
        (report, pool)
    }
}

fn export(pool: &DbPool) -> String {
    let mut conn = pool.get().unwrap();
    let mut out = Vec::new();
    vanban::exchange::export::export_jsonl(&mut conn.db(), &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

/// The numbers `i` of the writer's documents present in a database.
fn written(pool: &DbPool) -> Vec<usize> {
    let mut v: Vec<usize> = export(pool)
        .lines()
        .filter_map(|l| {
            let j: serde_json::Value = serde_json::from_str(l).ok()?;
            j["number"]
                .as_str()?
                .strip_suffix("/2024/QĐ-UBND")?
                .parse()
                .ok()
        })
        .collect();
    v.sort_unstable();
    v
}

/// `vanban backup --verify FILE` (into a scratch database on PostgreSQL).
pub(crate) fn verify_backup(app: &TestApp, file: &Path) -> std::process::Output {
    if app.url.starts_with("postgres") {
        let scratch = app.scratch_pg_database();
        app.cli(&[
            "backup",
            "--verify",
            file.to_str().unwrap(),
            "--scratch-url",
            &scratch,
        ])
    } else {
        app.cli(&["backup", "--verify", file.to_str().unwrap()])
    }
}

fn backup_dir(app: &TestApp) -> PathBuf {
    let d = app.dir.path().join("backups");
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn no_partial_files(dir: &Path) {
    for e in std::fs::read_dir(dir).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        assert!(!name.contains(".partial"), "left behind: {name}");
    }
}

db_test!(
    backups_taken_during_writes_are_consistent_and_restore,
    |app| {
        app.import_str("f.jsonl", FIXTURE)?;
        let dir = backup_dir(&app);
        // A writer thread imports one document per transaction (each with its audit entries)
        // while the backups are taken by the command line against the same database.
        let stop = Arc::new(AtomicBool::new(false));
        let writer = {
            let (pool, stop) = (app.pool.clone(), stop.clone());
            std::thread::spawn(move || {
                let mut i = 0;
                while !stop.load(Ordering::SeqCst) || i < 40 {
                    let r = vanban::exchange::import::import_reader(
                        &pool,
                        "writer.jsonl",
                        doc(i).as_bytes(),
                        None,
                    )
                    .unwrap();
                    assert!(r.errors.is_empty(), "{:?}", r.errors);
                    i += 1;
                }
                i
            })
        };
        let mut backups = Vec::new();
        for k in 0..3 {
            std::thread::sleep(std::time::Duration::from_millis(150));
            let file = dir.join(format!("during-{k}.backup"));
            let out = app.cli(&["backup", file.to_str().unwrap()]);
            assert!(
                out.status.success(),
                "{}{}",
                text(&out.stdout),
                text(&out.stderr)
            );
            assert!(text(&out.stdout).contains("đã sao lưu"));
            backups.push(file);
        }
        stop.store(true, Ordering::SeqCst);
        let total = writer.join().unwrap();
        no_partial_files(&dir);

        let mut seen = Vec::new();
        for file in &backups {
            let (report, pool) = restore(&app, file);
            assert!(report.ok(), "{report:?}");
            assert!(report.migrations_current);
            assert!(report.audit.broken.is_none());
            // A consistent snapshot of one writer holds a prefix of its documents, each with its
            // audit entry: no document without its trail, none missing before the last.
            let docs = written(&pool);
            let n = docs.len();
            assert_eq!(docs, (0..n).collect::<Vec<_>>(), "{}", file.display());
            let mut conn = pool.get()?;
            let fixture_docs = report.count("documents").unwrap() - n as i64;
            assert!(fixture_docs > 0);
            let creates = vanban::with_db!(&mut conn.db(), c => {
                use diesel::prelude::*;
                use vanban::db::schema::audit_log;
                audit_log::table
                    .filter(audit_log::actor.eq("import:writer.jsonl"))
                    .filter(audit_log::entity.eq("document"))
                    .count()
                    .get_result::<i64>(c)
            })?;
            assert_eq!(creates, n as i64, "{}", file.display());
            if app.url.starts_with("sqlite") {
                assert_eq!(report.integrity.as_deref(), Some("ok"));
            }
            seen.push(n);
        }
        assert!(
            seen.last().unwrap() < &total,
            "the backups ran while writing"
        );

        // After the writes: the restored copy has exactly the documents of the database.
        let file = dir.join("after.backup");
        let out = app.cli(&["backup", file.to_str().unwrap()]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let verify = verify_backup(&app, &file);
        let stdout = text(&verify.stdout);
        assert!(verify.status.success(), "{stdout}{}", text(&verify.stderr));
        assert!(stdout.contains("nhật ký kiểm toán nguyên vẹn"), "{stdout}");
        assert!(stdout.contains("(hiện hành)"), "{stdout}");
        assert!(stdout.contains("bản sao lưu dùng được"), "{stdout}");
        let (report, pool) = restore(&app, &file);
        assert_eq!(export(&pool), app.export()?);
        assert_eq!(written(&pool).len(), total);
        assert_eq!(report.count("documents"), Some(app.count_documents()?));
        let mut conn = app.pool.get()?;
        let head = vanban::audit::head(&mut conn.db())?;
        assert_eq!(
            (report.audit.head_seq, report.audit.head_hash.clone()),
            head
        );
        Ok(())
    }
);

db_test!(bad_backup_inputs_are_refused_and_leave_nothing, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    let dir = backup_dir(&app);
    let fails = |args: &[&str], message: &str| {
        let out = app.cli(args);
        assert!(!out.status.success(), "{args:?} succeeded");
        let err = text(&out.stderr);
        assert!(err.contains(message), "expected «{message}» in: {err}");
    };

    // Unwritable: a directory that is a file, and one that does not exist.
    let blocker = dir.join("a-file");
    std::fs::write(&blocker, "x")?;
    let under_file = blocker.join("x.backup");
    fails(&["backup", under_file.to_str().unwrap()], "không ghi được");
    let missing = dir.join("no-such-dir").join("x.backup");
    fails(&["backup", missing.to_str().unwrap()], "không ghi được");
    assert!(!missing.exists());

    // An existing file is kept unless --force.
    let existing = dir.join("existing.backup");
    std::fs::write(&existing, "keep me")?;
    fails(&["backup", existing.to_str().unwrap()], "đã có");
    assert_eq!(std::fs::read_to_string(&existing)?, "keep me");
    let out = app.cli(&["backup", "--force", existing.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_ne!(std::fs::read(&existing)?, b"keep me");
    let (report, _) = restore(&app, &existing);
    assert!(report.ok());

    // Files that are not backups.
    let junk = dir.join("junk.backup");
    std::fs::write(&junk, "không phải bản sao lưu")?;
    fails(
        &["backup", "--verify", junk.to_str().unwrap()],
        "không phải bản sao lưu của vanban",
    );
    fails(
        &["backup", "--verify", dir.join("none").to_str().unwrap()],
        "không đọc được",
    );
    let other = dir.join("other.sqlite3");
    {
        let mut c = diesel::sqlite::SqliteConnection::establish(other.to_str().unwrap())?;
        diesel::connection::SimpleConnection::batch_execute(
            &mut c,
            "CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1);",
        )?;
    }
    fails(
        &["backup", "--verify", other.to_str().unwrap()],
        "không phải bản sao lưu của vanban",
    );

    if app.url.starts_with("postgres") {
        // A dump needs a scratch database, an empty one, and pg_dump on the PATH.
        fails(
            &["backup", "--verify", existing.to_str().unwrap()],
            "--scratch-url",
        );
        fails(
            &[
                "backup",
                "--verify",
                existing.to_str().unwrap(),
                "--scratch-url",
                &app.url,
            ],
            "không trống",
        );
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_vanban"))
            .args(["backup", dir.join("nopath.backup").to_str().unwrap()])
            .env("VANBAN_DATABASE_URL", &app.url)
            .env("PATH", "/nonexistent")
            .output()?;
        assert!(!out.status.success());
        assert!(
            text(&out.stderr).contains("không tìm thấy lệnh «pg_dump»"),
            "{}",
            text(&out.stderr)
        );
        assert!(!dir.join("nopath.backup").exists());
    } else {
        // A copy whose audit trail was altered does not verify (exit 1, entry named).
        let altered = dir.join("altered.backup");
        std::fs::copy(&existing, &altered)?;
        {
            let mut c = diesel::sqlite::SqliteConnection::establish(altered.to_str().unwrap())?;
            diesel::connection::SimpleConnection::batch_execute(
                &mut c,
                "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET actor = 'ai đó' WHERE seq = 2;",
            )?;
        }
        let out = app.cli(&["backup", "--verify", altered.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
        assert!(
            text(&out.stdout).contains("bị phá vỡ tại mục số 2"),
            "{}",
            text(&out.stdout)
        );
        assert!(
            text(&out.stdout).contains("thiếu trigger bảo vệ «audit_log_no_update»"),
            "{}",
            text(&out.stdout)
        );
        // A database that is not there.
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_vanban"))
            .args(["backup", dir.join("x.backup").to_str().unwrap()])
            .env(
                "VANBAN_DATABASE_URL",
                format!("sqlite://{}", dir.join("nothing.sqlite3").display()),
            )
            .output()?;
        assert!(!out.status.success());
        assert!(!dir.join("x.backup").exists());
        assert!(!dir.join("nothing.sqlite3").exists());
    }
    no_partial_files(&dir);
    Ok(())
});

db_test!(
    user_token_prints_a_working_token_once_and_is_audited,
    |app| {
        app.import_str("f.jsonl", FIXTURE)?;
        crate::authkit::add_user(&app, "canbo", "officer", &["970"]);
        let before = crate::authkit::audit_len(&app);
        let out = app.cli(&["user", "token", "canbo", "--name", "kiểm thử tải"]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let token = text(&out.stdout).trim().to_string();
        assert!(vanban::auth::tokens::well_formed(&token), "{token}");
        assert_eq!(crate::authkit::audit_len(&app), before + 1);
        {
            let mut conn = app.pool.get()?;
            let last = vanban::audit::history(&mut conn.db(), "api_token", "1")?;
            assert_eq!(last.len(), 1);
            assert_eq!(last[0].actor, "cli");
            assert_eq!(last[0].action, "api_token.create");
            assert!(!last[0].after.as_deref().unwrap_or("").contains(&token));
        }
        let client = crate::authkit::Client::new(&app).await;
        let r = client
            .send(
                actix_web::test::TestRequest::get()
                    .uri("/api/v1/me")
                    .insert_header(("Authorization", format!("Bearer {token}"))),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.json()["username"], "canbo");

        // Refusals: status 1, a message, nothing written.
        let before = crate::authkit::audit_len(&app);
        let out = app.cli(&["user", "token", "khongco"]);
        assert_eq!(out.status.code(), Some(1));
        assert!(text(&out.stderr).contains("Không có tài khoản «khongco»"));
        assert!(app.cli(&["user", "disable", "canbo"]).status.success());
        let before_disabled = crate::authkit::audit_len(&app);
        assert!(before_disabled > before);
        let out = app.cli(&["user", "token", "canbo"]);
        assert_eq!(out.status.code(), Some(1));
        assert!(
            text(&out.stderr).contains("đang bị khoá"),
            "{}",
            text(&out.stderr)
        );
        assert!(text(&out.stdout).trim().is_empty());
        assert_eq!(crate::authkit::audit_len(&app), before_disabled);
        Ok(())
    }
);

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

// A backup holds every account's password hash: it is created readable by its owner only,
// whatever the umask (here none at all), and replacing a world-readable file with --force
// leaves an owner-only one.
#[cfg(unix)]
db_test!(backups_are_created_readable_by_their_owner_only, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    let dir = backup_dir(&app);
    let run = |args: &str| {
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("umask 000; exec \"$VANBAN\" backup {args}"))
            .env("VANBAN", env!("CARGO_BIN_EXE_vanban"))
            .env("VANBAN_DATABASE_URL", &app.url)
            .env("RUST_LOG", "error")
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
    };
    let file = dir.join("private.backup");
    run(&format!("'{}'", file.display()));
    assert_eq!(mode(&file), 0o600, "{}", file.display());

    let replaced = dir.join("was-public.backup");
    std::fs::write(&replaced, "old")?;
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&replaced, std::fs::Permissions::from_mode(0o644))?;
    }
    run(&format!("--force '{}'", replaced.display()));
    assert_eq!(mode(&replaced), 0o600);
    // Still a backup that restores.
    let (report, _) = restore(&app, &file);
    assert!(report.ok(), "{report:?}");
    no_partial_files(&dir);
    Ok(())
});
