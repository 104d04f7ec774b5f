//! Accounts made on the admin page: no default role, and a temporary password that must be
//! changed at the first sign-in (the guard leads every other page to the change form, on the
//! route that matched, whatever the path's spelling); the command line and the demo accounts
//! are not forced; an administrator's reset forces the change again. Both backends.

use actix_web::test::TestRequest;

use crate::authkit::{add_user, audit_len, cookie, count, session, Client, Resp, PASSWORD};
use crate::db_test;
use crate::helpers::{TestApp, FIXTURE};

const TEMPORARY: &str = "mật khẩu tạm thời 2026";
const CHANGE_PAGE: &str = "/account#doi-mat-khau";

/// The sample data and an administrator's session: (client, cookie secret, CSRF token).
async fn setup(app: &TestApp) -> anyhow::Result<(Client, String, String)> {
    app.import_str("f.jsonl", FIXTURE)?;
    let id = add_user(app, "quantri01", "admin", &[]);
    let (secret, csrf) = session(app, id);
    Ok((Client::new(app).await, secret, csrf))
}

/// `GET path` with the session `secret`.
async fn get_as(c: &Client, secret: &str, path: &str) -> Resp {
    c.send(TestRequest::get().uri(path).insert_header(cookie(secret)))
        .await
}

/// The account `username`.
fn account(app: &TestApp, username: &str) -> vanban::auth::users::User {
    let mut conn = app.pool.get().unwrap();
    vanban::auth::users::find_by_username(&mut conn.db(), username)
        .unwrap()
        .unwrap_or_else(|| panic!("no account {username}"))
}

fn user_id(app: &TestApp, username: &str) -> i64 {
    account(app, username).id
}

async fn create(c: &Client, secret: &str, csrf: &str, fields: &[(&str, &str)]) -> Resp {
    let mut form: Vec<(&str, &str)> = vec![("csrf_token", csrf)];
    form.extend_from_slice(fields);
    c.send(
        TestRequest::post()
            .uri("/admin/users")
            .insert_header(cookie(secret))
            .set_form(form),
    )
    .await
}

fn must_change(app: &TestApp, username: &str) -> bool {
    account(app, username).must_change_password
}

/// The session cookie a login answer sets.
fn session_of(r: &Resp) -> String {
    r.cookie("vanban_session")
        .unwrap_or_else(|| panic!("no session: {} {}", r.status, r.body))
}

db_test!(an_account_needs_a_chosen_role, |app| {
    let (c, secret, csrf) = setup(&app).await?;
    let page = get_as(&c, &secret, "/admin/users").await;
    assert_eq!(page.status, 200);
    assert!(
        page.body
            .contains(r#"<option value="" selected>— Chọn vai trò —</option>"#),
        "{}",
        page.body
    );
    let users = count(&app, "users");
    let trail = audit_len(&app);
    let r = create(
        &c,
        &secret,
        &csrf,
        &[
            ("username", "lan.nguyen"),
            ("display_name", "Nguyễn Thị Lan"),
            ("role", ""),
            ("scope", "32200"),
            ("password", TEMPORARY),
        ],
    )
    .await;
    assert_eq!(r.status, 400, "{}", r.body);
    // Beside the role field, which is marked invalid; what was typed is kept.
    assert!(
        r.body.contains(
            r#"<p class="field-error" id="role-error" role="alert">Chọn vai trò cho tài khoản"#
        ),
        "{}",
        r.body
    );
    assert!(r
        .body
        .contains(r#"aria-describedby="role-error" aria-invalid="true""#));
    assert!(r.body.contains(r#"value="lan.nguyen""#) && r.body.contains("Nguyễn Thị Lan"));
    assert!(r.body.contains(r#"value="32200""#));
    assert!(!r.body.contains("Lỗi 4"));
    // A role the code does not know: the same place.
    let r = create(
        &c,
        &secret,
        &csrf,
        &[
            ("username", "lan.nguyen"),
            ("role", "superuser"),
            ("password", TEMPORARY),
        ],
    )
    .await;
    assert_eq!(r.status, 400);
    assert!(r.body.contains(r#"id="role-error""#) && r.body.contains("«superuser»"));
    // A short password beside the password field, an unknown unit beside the scope.
    let r = create(
        &c,
        &secret,
        &csrf,
        &[
            ("username", "lan.nguyen"),
            ("role", "officer"),
            ("password", "ngắn"),
        ],
    )
    .await;
    assert_eq!(r.status, 400);
    assert!(r.body.contains(r#"id="password-error""#), "{}", r.body);
    let r = create(
        &c,
        &secret,
        &csrf,
        &[
            ("username", "lan.nguyen"),
            ("role", "officer"),
            ("scope", "99999"),
            ("password", TEMPORARY),
        ],
    )
    .await;
    assert_eq!(r.status, 400);
    assert!(r.body.contains(r#"id="scope-error""#) && r.body.contains("99999"));
    assert_eq!(count(&app, "users"), users, "nothing written");
    assert_eq!(audit_len(&app), trail);
    Ok(())
});

db_test!(
    a_temporary_password_is_changed_before_anything_else,
    |app| {
        let (c, secret, csrf) = setup(&app).await?;
        let r = create(
            &c,
            &secret,
            &csrf,
            &[
                ("username", "lan.nguyen"),
                ("role", "officer"),
                ("scope", "32200"),
                ("password", TEMPORARY),
            ],
        )
        .await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert!(must_change(&app, "lan.nguyen"));
        {
            let id = user_id(&app, "lan.nguyen");
            let mut conn = app.pool.get()?;
            let trail = vanban::audit::history(&mut conn.db(), "user", &id.to_string())?;
            assert_eq!(trail[0].action, "user.create");
            let after: serde_json::Value =
                serde_json::from_str(trail[0].after.as_deref().unwrap())?;
            assert_eq!(after["must_change_password"], true);
        }

        // Signing in leads to the change form, whatever page was asked for.
        let login = c.login("lan.nguyen", TEMPORARY, None).await;
        assert_eq!(login.status, 303, "{}", login.body);
        assert_eq!(login.header("location").as_deref(), Some(CHANGE_PAGE));
        let lan = session_of(&login);
        let get = |path: &str| TestRequest::get().uri(path).insert_header(cookie(&lan));
        // Every other page, however spelled, public ones included, leads there.
        for path in [
            "/",
            "/campaigns",
            "/viec-cua-toi",
            "/%61dmin/users",
            "/admin/users",
            "/%63ampaigns",
            "/units/32200/niem-yet",
            "/units/32200/ni%65m-yet",
        ] {
            let r = c.send(get(path)).await;
            assert_eq!(r.status, 303, "{path}: {}", r.body);
            assert_eq!(r.header("location").as_deref(), Some(CHANGE_PAGE), "{path}");
        }
        // A write is not done either, and the JSON API says why.
        let csrf_lan = {
            let page = c.send(get("/account")).await;
            assert_eq!(page.status, 200);
            assert!(page
                .body
                .contains("Mật khẩu của bạn do quản trị viên đặt tạm thời"));
            assert!(
                !page.body.contains("Tạo mã truy cập"),
                "no tokens before the change"
            );
            page.field("csrf_token").unwrap()
        };
        let tokens = count(&app, "api_tokens");
        let r = c
            .send(
                TestRequest::post()
                    .uri("/account/tokens")
                    .insert_header(cookie(&lan))
                    .set_form([
                        ("csrf_token", csrf_lan.as_str()),
                        ("name", "kịch bản"),
                        ("password", TEMPORARY),
                    ]),
            )
            .await;
        assert_eq!(r.status, 303);
        assert_eq!(r.header("location").as_deref(), Some(CHANGE_PAGE));
        assert_eq!(count(&app, "api_tokens"), tokens);
        let r = c.send(get("/api/v1/me")).await;
        assert_eq!(r.status, 403, "{}", r.body);
        assert_eq!(r.json()["code"], "password_change_required");
        // A token made on the command line for the account is refused too, until the change.
        let token = vanban::auth::cli::token(
            &app.pool,
            "lan.nguyen",
            "kịch bản",
            chrono::Duration::days(1),
        )?;
        let bearer = || ("Authorization", format!("Bearer {token}"));
        let r = c
            .send(TestRequest::get().uri("/api/v1/me").insert_header(bearer()))
            .await;
        assert_eq!(r.status, 403, "{}", r.body);
        assert_eq!(r.json()["code"], "password_change_required");

        // The change frees the account.
        let r = c
            .send(
                TestRequest::post()
                    .uri("/account/password")
                    .insert_header(cookie(&lan))
                    .set_form([
                        ("csrf_token", csrf_lan.as_str()),
                        ("current", TEMPORARY),
                        ("new_password", PASSWORD),
                        ("confirm", PASSWORD),
                    ]),
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert!(!must_change(&app, "lan.nguyen"));
        for path in ["/campaigns", "/", "/account"] {
            let r = c.send(get(path)).await;
            assert_eq!(r.status, 200, "{path}");
            assert!(!r.body.contains("do quản trị viên đặt tạm thời"));
        }
        let r = c.send(get("/admin/users")).await;
        assert_eq!(r.status, 403, "an officer still");
        let again = c.login("lan.nguyen", PASSWORD, None).await;
        assert_eq!(again.header("location").as_deref(), Some("/account"));
        Ok(())
    }
);

db_test!(command_line_and_demo_accounts_are_not_forced, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    add_user(&app, "thuhuong01", "officer", &["32200"]);
    assert!(!must_change(&app, "thuhuong01"));
    let c = Client::new(&app).await;
    let r = c.login("thuhuong01", PASSWORD, None).await;
    assert_eq!(r.header("location").as_deref(), Some("/account"));
    let s = session_of(&r);
    let r = get_as(&c, &s, "/campaigns").await;
    assert_eq!(r.status, 200);
    // `vanban user passwd` is the holder's (or the machine owner's) own choice.
    vanban::auth::cli::passwd(&app.pool, "thuhuong01", TEMPORARY)?;
    assert!(!must_change(&app, "thuhuong01"));

    let other = TestApp::sqlite()?;
    other.import_str("f.jsonl", FIXTURE)?;
    let made = vanban::auth::cli::demo_accounts(&other.pool)?;
    assert_eq!(made.len(), 4);
    for a in &made {
        assert!(!must_change(&other, a.username), "{}", a.username);
    }
    Ok(())
});

db_test!(an_administrators_reset_forces_a_change, |app| {
    let (c, secret, csrf) = setup(&app).await?;
    let lan = add_user(&app, "lan.nguyen", "officer", &["32200"]);
    let (lan_secret, _) = session(&app, lan);
    let reset = |password: &str, id: i64| {
        TestRequest::post()
            .uri(&format!("/admin/users/{id}/password"))
            .insert_header(cookie(&secret))
            .set_form([("csrf_token", csrf.as_str()), ("password", password)])
    };
    let trail = audit_len(&app);
    // Too short: beside the field, nothing written.
    let r = c.send(reset("ngắn", lan)).await;
    assert_eq!(r.status, 400);
    assert!(
        r.body
            .contains(r#"<p class="field-error" id="reset-error" role="alert">"#),
        "{}",
        r.body
    );
    assert!(r.body.contains(r#"aria-invalid="true""#));
    assert_eq!(audit_len(&app), trail);
    assert!(!must_change(&app, "lan.nguyen"));
    // One's own password is changed on the account page.
    let me = user_id(&app, "quantri01");
    let r = c.send(reset(TEMPORARY, me)).await;
    assert_eq!(r.status, 400);
    assert!(
        r.body
            .contains("được đổi ở trang Tài khoản (cần mật khẩu hiện tại)"),
        "{}",
        r.body
    );
    assert!(!must_change(&app, "quantri01"));

    let r = c.send(reset(TEMPORARY, lan)).await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(must_change(&app, "lan.nguyen"));
    {
        let mut conn = app.pool.get()?;
        let t = vanban::audit::history(&mut conn.db(), "user", &lan.to_string())?;
        let last = t.last().unwrap();
        assert_eq!(last.action, "user.password");
        assert_eq!(last.actor, "user:quantri01");
        let after: serde_json::Value = serde_json::from_str(last.after.as_deref().unwrap())?;
        assert_eq!(after["must_change_password"], true);
    }
    // The user's session ended; the next sign-in leads to the change form.
    let r = get_as(&c, &lan_secret, "/campaigns").await;
    assert_eq!(r.status, 303);
    assert!(r.header("location").unwrap().starts_with("/login"));
    let login = c.login("lan.nguyen", TEMPORARY, None).await;
    assert_eq!(login.header("location").as_deref(), Some(CHANGE_PAGE));
    let page = get_as(&c, &secret, &format!("/admin/users/{lan}")).await;
    assert!(page.body.contains("phải đổi ở lần đăng nhập tới"));
    Ok(())
});
