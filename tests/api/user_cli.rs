//! `vanban user add|passwd|disable|enable|list`, and the demo accounts of `serve --demo`.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use crate::authkit::{add_user, count, session, PASSWORD};
use crate::db_test;
use crate::helpers::{TestApp, FIXTURE};

/// Runs the binary with `stdin` as its standard input.
fn cli_in(app: &TestApp, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_vanban"))
        .args(args)
        .env("VANBAN_DATABASE_URL", &app.url)
        .env("RUST_LOG", "error")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(mut i) = child.stdin.take() {
        let _ = i.write_all(stdin.as_bytes());
    }
    child.wait_with_output().unwrap()
}

fn text(o: &[u8]) -> String {
    String::from_utf8_lossy(o).into_owned()
}

fn refused(o: &Output, message: &str) {
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}{}",
        text(&o.stdout),
        text(&o.stderr)
    );
    let err = text(&o.stderr);
    assert!(err.contains(message), "expected «{message}» in: {err}");
}

db_test!(user_commands_add_change_disable_and_list, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    let pw = format!("{PASSWORD}\n");
    let add = |args: &[&str], stdin: &str| {
        let mut a = vec!["user", "add"];
        a.extend_from_slice(args);
        cli_in(&app, &a, stdin)
    };
    let ok = add(
        &[
            "Lan.Nguyen",
            "--role",
            "officer",
            "--scope",
            "32200",
            "--scope",
            "970",
            "--name",
            "Nguyễn Thị Lan",
            "--password-stdin",
        ],
        &pw,
    );
    assert!(ok.status.success(), "{}", text(&ok.stderr));
    assert!(text(&ok.stdout).contains("Đã tạo tài khoản lan.nguyen"));

    // Errors: clear Vietnamese messages, status 1, nothing written.
    let audit = crate::authkit::audit_len(&app);
    refused(
        &add(
            &["lan.nguyen", "--role", "officer", "--password-stdin"],
            &pw,
        ),
        "đã được dùng",
    );
    refused(
        &add(&["minh", "--role", "root", "--password-stdin"], &pw),
        "Vai trò «root» không hợp lệ",
    );
    refused(
        &add(
            &[
                "minh",
                "--role",
                "officer",
                "--scope",
                "32200",
                "--scope",
                "99999",
                "--password-stdin",
            ],
            &pw,
        ),
        "Không có đơn vị hành chính mã «99999»",
    );
    refused(
        &add(
            &["minh", "--role", "officer", "--password-stdin"],
            "ngắn quá\n",
        ),
        "Mật khẩu quá ngắn",
    );
    refused(
        &add(
            &["minh", "--role", "officer", "--password-stdin"],
            "MatKhau123456\n",
        ),
        "quá phổ biến",
    );
    refused(
        &add(&["minh", "--role", "officer", "--password-stdin"], ""),
        "Không có mật khẩu",
    );
    refused(
        &add(&["minh", "--role", "officer"], &pw),
        "--password-stdin",
    );
    refused(
        &add(&["mi\u{7}nh", "--role", "officer", "--password-stdin"], &pw),
        "Tên đăng nhập «mi\\u{7}nh» không hợp lệ",
    );
    refused(
        &add(
            &[
                "minh",
                "--role",
                "officer",
                "--name",
                "a\u{1b}b",
                "--password-stdin",
            ],
            &pw,
        ),
        "Họ tên hiển thị không hợp lệ",
    );
    assert_eq!(count(&app, "users"), 1);
    assert_eq!(count(&app, "user_scopes"), 2);
    assert_eq!(crate::authkit::audit_len(&app), audit);

    let list = app.cli(&["user", "list"]);
    assert!(list.status.success());
    let out = text(&list.stdout);
    assert!(
        out.contains("lan.nguyen")
            && out.contains("officer")
            && out.contains("32200,970")
            && out.contains("Nguyễn Thị Lan"),
        "{out}"
    );
    assert!(out.contains("hoạt động"));

    // passwd: a new hash, every session ended.
    let id = {
        let mut conn = app.pool.get()?;
        vanban::auth::users::find_by_username(&mut conn.db(), "lan.nguyen")?
            .unwrap()
            .id
    };
    session(&app, id);
    let new = "thuyền về có nhớ bến chăng";
    let o = cli_in(
        &app,
        &["user", "passwd", "lan.nguyen", "--password-stdin"],
        &format!("{new}\r\n"),
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_eq!(count(&app, "sessions"), 0);
    let hash = {
        let mut conn = app.pool.get()?;
        vanban::auth::users::find(&mut conn.db(), id)?
            .unwrap()
            .password_hash
    };
    assert_eq!(
        vanban::auth::password::verify(new, &hash),
        vanban::auth::password::Verified::Ok
    );
    refused(
        &cli_in(
            &app,
            &["user", "passwd", "khongco", "--password-stdin"],
            &pw,
        ),
        "Không có tài khoản «khongco»",
    );
    refused(
        &cli_in(
            &app,
            &["user", "passwd", "lan.nguyen", "--password-stdin"],
            "lan.nguyen\n",
        ),
        "Mật khẩu quá ngắn",
    );

    // disable: sessions end at once; enable.
    session(&app, id);
    let o = app.cli(&["user", "disable", "lan.nguyen"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_eq!(count(&app, "sessions"), 0);
    assert!(text(&app.cli(&["user", "list"]).stdout).contains("đã khoá"));
    refused(
        &app.cli(&["user", "disable", "khongco"]),
        "Không có tài khoản",
    );
    assert!(app.cli(&["user", "enable", "lan.nguyen"]).status.success());

    // Every change is in the trail, by the command line, without password hashes.
    let mut conn = app.pool.get()?;
    let trail = vanban::audit::history(&mut conn.db(), "user", &id.to_string())?;
    let actions: Vec<&str> = trail.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "user.create",
            "user.password",
            "user.disable",
            "user.enable"
        ]
    );
    assert!(trail.iter().all(|e| e.actor == "cli"));
    let created: serde_json::Value =
        serde_json::from_str(trail[0].after.as_deref().unwrap_or("null"))?;
    assert_eq!(created["scope"], serde_json::json!(["32200", "970"]));
    assert_eq!(created["role"], "officer");
    for e in &trail {
        let t = format!("{:?}{:?}", e.before, e.after);
        assert!(!t.contains("argon2") && !t.contains(&hash), "{t}");
    }
    Ok(())
});

db_test!(demo_accounts_one_per_role_only_once, |app| {
    vanban::exchange::load_sample(&app.pool)?;
    let made = vanban::auth::cli::demo_accounts(&app.pool)?;
    let names: Vec<&str> = made.iter().map(|a| a.username).collect();
    assert_eq!(names, ["quantri", "canbo", "pheduyet", "thanhtra"]);
    let roles: Vec<&str> = made.iter().map(|a| a.role.as_str()).collect();
    assert_eq!(roles, ["admin", "officer", "approver", "inspector"]);
    assert_eq!(made[1].scope, ["32152", "32155", "32167", "32182"]);
    let mut conn = app.pool.get()?;
    for a in &made {
        let u = vanban::auth::users::find_by_username(&mut conn.db(), a.username)?.unwrap();
        assert_eq!(
            vanban::auth::password::verify(&a.password, &u.password_hash),
            vanban::auth::password::Verified::Ok
        );
    }
    assert_ne!(made[0].password, made[1].password);
    assert!(
        vanban::auth::cli::demo_accounts(&app.pool)?.is_empty(),
        "only when no account exists"
    );
    assert_eq!(count(&app, "users"), 4);
    // With an account already there, none are made.
    let other = TestApp::sqlite()?;
    add_user(&other, "quantri2", "admin", &[]);
    assert!(vanban::auth::cli::demo_accounts(&other.pool)?.is_empty());
    Ok(())
});
