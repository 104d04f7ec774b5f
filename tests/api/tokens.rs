//! API token lifetime: minting asks for the password; tokens end with a password change, a
//! reset and a disable (and stay ended after enable); they expire; their last use is shown.

use std::io::Write;
use std::process::{Command, Stdio};

use actix_web::test::TestRequest;

use crate::authkit::{add_user, cookie, count, session, sql, Client, Resp, PASSWORD};
use crate::db_test;
use crate::helpers::TestApp;

/// Mints a token on `/account` with the given password field.
async fn mint(c: &Client, secret: &str, csrf: &str, name: &str, password: Option<&str>) -> Resp {
    let mut form = vec![("csrf_token", csrf), ("name", name)];
    if let Some(p) = password {
        form.push(("password", p));
    }
    c.send(
        TestRequest::post()
            .uri("/account/tokens")
            .insert_header(cookie(secret))
            .set_form(form),
    )
    .await
}

/// The token a creation page shows.
fn shown_token(r: &Resp) -> String {
    r.body
        .split("value=\"")
        .find(|s| s.starts_with("vb_"))
        .and_then(|s| s.split('"').next())
        .unwrap_or_default()
        .to_string()
}

/// A token minted with the right password.
async fn new_token(c: &Client, secret: &str, csrf: &str, name: &str) -> String {
    let r = mint(c, secret, csrf, name, Some(PASSWORD)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let t = shown_token(&r);
    assert!(vanban::auth::tokens::well_formed(&t), "{t}");
    t
}

async fn me_with(c: &Client, token: &str) -> Resp {
    c.send(
        TestRequest::get()
            .uri("/api/v1/me")
            .insert_header(("Authorization", format!("Bearer {token}"))),
    )
    .await
}

async fn account_page(c: &Client, secret: &str) -> Resp {
    c.send(
        TestRequest::get()
            .uri("/account")
            .insert_header(cookie(secret)),
    )
    .await
}

fn assert_refused(r: &Resp) {
    assert_eq!(r.status, 401, "{}", r.body);
    assert_eq!(r.json()["code"], "invalid_token");
    assert_eq!(
        r.header("content-type").as_deref(),
        Some("application/problem+json")
    );
    assert!(r.header("www-authenticate").is_some());
}

db_test!(minting_a_token_asks_for_the_current_password, |app| {
    let id = add_user(&app, "thuhuong01", "officer", &[]);
    let c = Client::new(&app).await;
    let (secret, csrf) = session(&app, id);
    let audit = crate::authkit::audit_len(&app);
    let r = mint(&c, &secret, &csrf, "đồng bộ", None).await;
    assert_eq!(r.status, 400);
    assert!(
        r.body
            .contains("Hãy nhập mật khẩu hiện tại của bạn để tạo mã truy cập."),
        "{}",
        r.body
    );
    let r = mint(&c, &secret, &csrf, "đồng bộ", Some("")).await;
    assert_eq!(r.status, 400);
    let r = mint(&c, &secret, &csrf, "đồng bộ", Some("sai mật khẩu rồi nhé")).await;
    assert_eq!(r.status, 400);
    assert!(
        r.body
            .contains("Mật khẩu hiện tại không đúng: chưa tạo mã truy cập."),
        "{}",
        r.body
    );
    assert!(
        r.body.contains("value=\"đồng bộ\""),
        "the name typed is kept"
    );
    assert_eq!(shown_token(&r), "");
    assert_eq!(count(&app, "api_tokens"), 0, "nothing created");
    assert_eq!(crate::authkit::audit_len(&app), audit, "nothing audited");
    // A wrong password counts like a failed login.
    assert_eq!(count(&app, "login_failures"), 1);
    // With the password: made, audited, living 90 days by default.
    let token = new_token(&c, &secret, &csrf, "đồng bộ").await;
    assert_eq!(me_with(&c, &token).await.status, 200);
    let mut conn = app.pool.get()?;
    let rows = vanban::auth::tokens::list_for_user(&mut conn.db(), id)?;
    assert_eq!(rows.len(), 1);
    let life = rows[0].expires_at - rows[0].created_at;
    assert_eq!(life, chrono::Duration::days(90));
    assert_eq!(crate::authkit::audit_len(&app), audit + 1);
    // The form on the page asks for it.
    let page = account_page(&c, &secret).await;
    assert!(page
        .body
        .contains("id=\"token-password\" name=\"password\""));
    // The lifetime is configuration.
    let s = vanban::auth::AccountSettings {
        token_lifetime: chrono::Duration::days(7),
        ..Default::default()
    };
    let short = Client::with_state(app.state().await.with_accounts(s)).await;
    new_token(&short, &secret, &csrf, "ngắn hạn").await;
    let rows = vanban::auth::tokens::list_for_user(&mut conn.db(), id)?;
    assert_eq!(
        rows[0].expires_at - rows[0].created_at,
        chrono::Duration::days(7)
    );
    Ok(())
});

db_test!(a_password_change_revokes_every_token, |app| {
    let id = add_user(&app, "thuhuong01", "officer", &[]);
    let c = Client::new(&app).await;
    let (secret, csrf) = session(&app, id);
    let first = new_token(&c, &secret, &csrf, "một").await;
    let second = new_token(&c, &secret, &csrf, "hai").await;
    assert_eq!(me_with(&c, &first).await.status, 200);
    let new = "trăm năm trong cõi người ta";
    let r = c
        .send(
            TestRequest::post()
                .uri("/account/password")
                .insert_header(cookie(&secret))
                .set_form([
                    ("csrf_token", csrf.as_str()),
                    ("current", PASSWORD),
                    ("new_password", new),
                    ("confirm", new),
                ]),
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_refused(&me_with(&c, &first).await);
    assert_refused(&me_with(&c, &second).await);
    let page = account_page(&c, &secret).await;
    assert!(
        page.body.contains("(mật khẩu đã được đổi hoặc đặt lại)"),
        "{}",
        page.body
    );
    let mut conn = app.pool.get()?;
    let trail = vanban::audit::history(&mut conn.db(), "api_token", "1")?;
    let after: serde_json::Value = serde_json::from_str(
        trail
            .last()
            .and_then(|e| e.after.as_deref())
            .unwrap_or("null"),
    )?;
    assert_eq!(after["reason"], "password");
    Ok(())
});

/// Runs the binary with `stdin` as its standard input.
fn cli_in(app: &TestApp, args: &[&str], stdin: &str) -> std::process::Output {
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

db_test!(a_password_reset_revokes_every_token, |app| {
    let id = add_user(&app, "thuhuong01", "officer", &[]);
    let c = Client::new(&app).await;
    let (secret, csrf) = session(&app, id);
    let token = new_token(&c, &secret, &csrf, "đồng bộ").await;
    // The command line still makes a token without a password (the machine's administrator).
    let out = app.cli(&["user", "token", "thuhuong01", "--name", "kịch bản"]);
    assert!(out.status.success(), "{out:?}");
    let cli_token = String::from_utf8(out.stdout)?.trim().to_string();
    assert_eq!(me_with(&c, &cli_token).await.status, 200);
    assert_eq!(me_with(&c, &token).await.status, 200);
    let out = cli_in(
        &app,
        &["user", "passwd", "thuhuong01", "--password-stdin"],
        "trăm năm trong cõi người ta\n",
    );
    assert!(out.status.success(), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("mã truy cập API đã bị thu hồi"));
    assert_refused(&me_with(&c, &token).await);
    assert_refused(&me_with(&c, &cli_token).await);
    let mut conn = app.pool.get()?;
    let rows = vanban::auth::tokens::list_for_user(&mut conn.db(), id)?;
    assert!(rows
        .iter()
        .all(|t| t.revoked_reason.as_deref() == Some("password")));
    Ok(())
});

db_test!(
    disabling_revokes_tokens_and_enabling_does_not_revive_them,
    |app| {
        let admin = add_user(&app, "quantri", "admin", &[]);
        let lan = add_user(&app, "thuhuong01", "officer", &[]);
        let c = Client::new(&app).await;
        let (secret, csrf) = session(&app, lan);
        let token = new_token(&c, &secret, &csrf, "đồng bộ").await;
        assert_eq!(me_with(&c, &token).await.status, 200);
        let (a_secret, a_csrf) = session(&app, admin);
        let act = |what: &str| {
            TestRequest::post()
                .uri(&format!("/admin/users/{lan}/{what}"))
                .insert_header(cookie(&a_secret))
                .set_form([("csrf_token", a_csrf.as_str())])
        };
        assert_eq!(c.send(act("disable")).await.status, 303);
        assert_refused(&me_with(&c, &token).await);
        assert_eq!(c.send(act("enable")).await.status, 303);
        let r = me_with(&c, &token).await;
        assert_refused(&r);
        let page = c
            .send(
                TestRequest::get()
                    .uri(&format!("/admin/users/{lan}?done=enabled"))
                    .insert_header(cookie(&a_secret)),
            )
            .await;
        assert!(page.body.contains("không được khôi phục"), "{}", page.body);
        // The user signs in again and makes a new token, which works.
        let (secret, csrf) = session(&app, lan);
        let fresh = new_token(&c, &secret, &csrf, "mới").await;
        assert_eq!(me_with(&c, &fresh).await.status, 200);
        assert_refused(&me_with(&c, &token).await);
        let mut conn = app.pool.get()?;
        let rows = vanban::auth::tokens::list_for_user(&mut conn.db(), lan)?;
        let old = rows.iter().find(|t| t.name == "đồng bộ").unwrap();
        assert_eq!(old.revoked_reason.as_deref(), Some("disabled"));
        Ok(())
    }
);

db_test!(an_expired_token_is_refused, |app| {
    let id = add_user(&app, "thuhuong01", "officer", &[]);
    let c = Client::new(&app).await;
    let (secret, csrf) = session(&app, id);
    let token = new_token(&c, &secret, &csrf, "đồng bộ").await;
    assert_eq!(me_with(&c, &token).await.status, 200);
    let past = (vanban::clock::now() - chrono::Duration::minutes(1)).format("%Y-%m-%d %H:%M:%S");
    sql(
        &app,
        &format!("UPDATE api_tokens SET expires_at = '{past}' WHERE user_id = {id}"),
    );
    let r = me_with(&c, &token).await;
    assert_refused(&r);
    assert!(
        r.json()["detail"]
            .as_str()
            .unwrap_or("")
            .contains("hết hạn"),
        "{}",
        r.body
    );
    let page = account_page(&c, &secret).await;
    assert!(page.body.contains("Đã hết hạn"), "{}", page.body);
    Ok(())
});

db_test!(the_last_use_of_a_token_is_shown, |app| {
    let id = add_user(&app, "thuhuong01", "officer", &[]);
    let c = Client::new(&app).await;
    let (secret, csrf) = session(&app, id);
    let token = new_token(&c, &secret, &csrf, "đồng bộ").await;
    let page = account_page(&c, &secret).await;
    assert!(page.body.contains("Chưa dùng"), "{}", page.body);
    assert!(page.body.contains("<th scope=\"col\">Hết hạn</th>"));
    assert_eq!(me_with(&c, &token).await.status, 200);
    let mut conn = app.pool.get()?;
    let used = vanban::auth::tokens::list_for_user(&mut conn.db(), id)?[0].last_used_at;
    let used = used.expect("recorded");
    let page = account_page(&c, &secret).await;
    assert!(!page.body.contains("Chưa dùng"), "{}", page.body);
    let shown = vanban::web::account::local_time(used);
    assert!(page.body.contains(&shown), "{shown}: {}", page.body);
    // Written at most once a minute: a second use right away writes nothing.
    assert_eq!(me_with(&c, &token).await.status, 200);
    let again = vanban::auth::tokens::list_for_user(&mut conn.db(), id)?[0].last_used_at;
    assert_eq!(again, Some(used));
    // A minute later it is written again.
    let earlier = (used - chrono::Duration::minutes(2)).format("%Y-%m-%d %H:%M:%S");
    sql(
        &app,
        &format!("UPDATE api_tokens SET last_used_at = '{earlier}' WHERE user_id = {id}"),
    );
    assert_eq!(me_with(&c, &token).await.status, 200);
    let later = vanban::auth::tokens::list_for_user(&mut conn.db(), id)?[0].last_used_at;
    assert!(later.is_some_and(|t| t >= used), "{later:?}");
    Ok(())
});

/// Reverts migrations down to (and including) `000006_tokens_throttle`.
fn revert_to_before_tokens_throttle(app: &TestApp) {
    use diesel_migrations::MigrationHarness;
    let mut conn = app.pool.get().unwrap();
    loop {
        let reverted = match &mut conn {
            vanban::db::Conn::Sqlite(c) => c
                .revert_last_migration(vanban::db::SQLITE_MIGRATIONS)
                .map(|v| v.to_string()),
            vanban::db::Conn::Pg(c) => c
                .revert_last_migration(vanban::db::POSTGRES_MIGRATIONS)
                .map(|v| v.to_string()),
        }
        .unwrap();
        if reverted.contains("000006") {
            break;
        }
        assert!(
            reverted.as_str() > "2026-12-01-000006",
            "000006 was not applied"
        );
    }
}

db_test!(
    tokens_made_before_the_migration_expire_90_days_after_creation,
    |app| {
        let id = add_user(&app, "thuhuong01", "officer", &[]);
        revert_to_before_tokens_throttle(&app);
        let now = vanban::clock::now();
        let (recent, recent_prefix) = vanban::auth::tokens::generate();
        let (old, old_prefix) = vanban::auth::tokens::generate();
        for (token, prefix, days_ago) in [(&recent, &recent_prefix, 10), (&old, &old_prefix, 100)] {
            // As diesel writes times: with microseconds.
            let created = (now - chrono::Duration::days(days_ago)).format("%Y-%m-%d %H:%M:%S%.6f");
            sql(
                &app,
                &format!(
                    "INSERT INTO api_tokens (user_id, name, prefix, token_hash, created_at) \
                 VALUES ({id}, 'cũ', '{prefix}', '{}', '{created}')",
                    vanban::auth::tokens::hash(token)
                ),
            );
        }
        app.pool.migrate()?;
        let c = Client::new(&app).await;
        assert_eq!(me_with(&c, &recent).await.status, 200);
        assert_refused(&me_with(&c, &old).await);
        let mut conn = app.pool.get()?;
        for t in vanban::auth::tokens::list_for_user(&mut conn.db(), id)? {
            let off = (t.expires_at - t.created_at - chrono::Duration::days(90)).abs();
            assert!(off < chrono::Duration::milliseconds(1), "{t:?}");
        }
        assert_eq!(count(&app, "login_throttle"), 0);
        Ok(())
    }
);

// A revoked token's reason is a code (owner, password, disabled): an unknown stored code is an
// internal error naming the row, never shown as "no reason"; a token revoked before reasons
// were kept (no code) still shows without one.
db_test!(
    an_unknown_stored_revoke_reason_is_an_internal_error_not_no_reason,
    |app| {
        let id = add_user(&app, "thuhuong02", "officer", &[]);
        let c = Client::new(&app).await;
        let (secret, csrf) = session(&app, id);
        new_token(&c, &secret, &csrf, "cũ").await;
        sql(
            &app,
            "UPDATE api_tokens SET revoked_at = created_at, revoked_reason = NULL",
        );
        let page = account_page(&c, &secret).await;
        assert_eq!(page.status, 200, "{}", page.body);
        sql(&app, "UPDATE api_tokens SET revoked_reason = 'stolen'");
        let mut conn = app.pool.get()?;
        let rows = vanban::auth::tokens::list_for_user(&mut conn.db(), id)?;
        let e = rows[0]
            .revoked_reason_stored(vanban::auth::tokens::RevokeReason::parse)
            .expect_err("an unknown code is corrupt");
        assert_eq!((e.table, e.column), ("api_tokens", "revoked_reason"));
        assert_eq!(e.row, rows[0].id.to_string());
        let page = account_page(&c, &secret).await;
        assert_eq!(page.status, 500, "{}", page.body);
        assert!(!page.body.contains("stolen"), "{}", page.body);
        Ok(())
    }
);
