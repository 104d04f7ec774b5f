//! Login, sessions, CSRF, security headers, API tokens and bad input, on both backends.

use actix_web::test::TestRequest;

use crate::authkit::{add_user, audit_len, cookie, count, session, sql, Client, PASSWORD};
use crate::db_test;
use crate::helpers::FIXTURE;

const CSP: &str = "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

db_test!(wrong_password_and_unknown_user_get_the_same_answer, |app| {
    add_user(&app, "thuhuong01", "officer", &[]);
    let c = Client::new(&app).await;
    // One browser: the same pre-session token for every attempt.
    let csrf = c.login_form().await;
    let wrong = c
        .login_with(&csrf, "thuhuong01", "không phải mật khẩu này", None)
        .await;
    let unknown = c.login_with(&csrf, "khongtontai01", PASSWORD, None).await;
    assert_eq!(wrong.status, 401, "{}", wrong.body);
    assert_eq!(unknown.status, wrong.status);
    // The page shows back the name typed; apart from it, the answers are identical.
    assert_eq!(
        wrong.body.replace("thuhuong01", "X"),
        unknown.body.replace("khongtontai01", "X")
    );
    assert!(wrong
        .body
        .contains("Tên đăng nhập hoặc mật khẩu không đúng."));
    assert!(wrong.set_cookies().is_empty() && unknown.set_cookies().is_empty());
    // A disabled account with the right password: the same answer again.
    app.cli(&["user", "disable", "thuhuong01"]);
    let disabled = c.login_with(&csrf, "thuhuong01", PASSWORD, None).await;
    assert_eq!(disabled.status, 401);
    assert_eq!(disabled.body, wrong.body);
    // Each failure is recorded, known name or not.
    assert_eq!(count(&app, "login_failures"), 3);
    Ok(())
});

db_test!(after_five_failures_the_next_check_waits, |app| {
    add_user(&app, "thuhuong01", "officer", &[]);
    let c = Client::new(&app).await;
    // The first five are not delayed: `auth::limits` tests the delay itself (no timing here,
    // which a loaded machine made flaky).
    for _ in 0..5 {
        assert_eq!(
            c.login("thuhuong01", "sai mật khẩu rồi nhé", None)
                .await
                .status,
            401
        );
    }
    // Now 5: the next attempt waits a second, and the owner gets in.
    let t = std::time::Instant::now();
    assert_eq!(c.login("thuhuong01", PASSWORD, None).await.status, 303);
    assert!(
        t.elapsed() >= std::time::Duration::from_millis(900),
        "{:?}",
        t.elapsed()
    );
    Ok(())
});

db_test!(login_rotates_the_session_id, |app| {
    add_user(&app, "thuhuong01", "officer", &[]);
    let c = Client::new(&app).await;
    // A cookie planted before login (session fixation) is never adopted.
    let planted = "a".repeat(64);
    let r = c
        .login(
            "thuhuong01",
            PASSWORD,
            Some(&format!("vanban_session={planted}")),
        )
        .await;
    assert_eq!(r.status, 303);
    assert_eq!(r.header("location").as_deref(), Some("/account"));
    let first = r.cookie("vanban_session").unwrap_or_default();
    assert_eq!(first.len(), 64);
    assert_ne!(first, planted);
    let set = r
        .set_cookies()
        .into_iter()
        .find(|s| s.starts_with("vanban_session="))
        .unwrap_or_default();
    assert_eq!(
        set,
        format!("vanban_session={first}; Path=/; HttpOnly; SameSite=Lax; Max-Age=43200"),
        "plain http on loopback: no Secure, no __Host- prefix"
    );
    assert!(r
        .set_cookies()
        .iter()
        .any(|s| s.starts_with("vanban_csrf=;")));

    // Signing in again from a signed-in browser: a new id, and the old session is gone.
    let r = c
        .login(
            "thuhuong01",
            PASSWORD,
            Some(&format!("vanban_session={first}")),
        )
        .await;
    let second = r.cookie("vanban_session").unwrap_or_default();
    assert_eq!(second.len(), 64);
    assert_ne!(second, first);
    let me = |s: &str| {
        TestRequest::get()
            .uri("/api/v1/me")
            .insert_header(cookie(s))
    };
    assert_eq!(c.send(me(&first)).await.status, 401);
    assert_eq!(c.send(me(&second)).await.json()["username"], "thuhuong01");
    assert_eq!(count(&app, "sessions"), 1);
    // Only the id's hash is stored.
    let mut conn = app.pool.get()?;
    let hashes: Vec<String> = vanban::with_db!(&mut conn.db(), c => {
        use diesel::prelude::*;
        vanban::db::schema::sessions::table
            .select(vanban::db::schema::sessions::id_hash)
            .load(c)
    })?;
    assert_eq!(hashes, [vanban::auth::session::hash_secret(&second)]);
    Ok(())
});

db_test!(
    logout_ends_the_session_even_if_the_cookie_is_replayed,
    |app| {
        let id = add_user(&app, "thuhuong01", "officer", &[]);
        let c = Client::new(&app).await;
        let (secret, csrf) = session(&app, id);
        let r = c
            .send(
                TestRequest::post()
                    .uri("/logout")
                    .insert_header(cookie(&secret))
                    .set_form([("csrf_token", csrf.as_str())]),
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert!(r
            .set_cookies()
            .iter()
            .any(|s| s.starts_with("vanban_session=;") && s.contains("Max-Age=0")));
        assert_eq!(count(&app, "sessions"), 0);
        let page = c
            .send(
                TestRequest::get()
                    .uri("/account")
                    .insert_header(cookie(&secret)),
            )
            .await;
        assert_eq!(page.status, 303);
        assert_eq!(
            page.header("location").as_deref(),
            Some("/login?next=%2Faccount")
        );
        let api = c
            .send(
                TestRequest::get()
                    .uri("/api/v1/me")
                    .insert_header(cookie(&secret)),
            )
            .await;
        assert_eq!(api.status, 401);
        assert_eq!(api.json()["code"], "unauthenticated");
        Ok(())
    }
);

db_test!(
    a_disabled_users_live_session_stops_at_the_next_request,
    |app| {
        app.import_str("f.jsonl", FIXTURE)?;
        let admin = add_user(&app, "quantri", "admin", &[]);
        let lan = add_user(&app, "thuhuong01", "officer", &["32200"]);
        let c = Client::new(&app).await;
        let (lan_secret, _) = session(&app, lan);
        let me = || {
            TestRequest::get()
                .uri("/api/v1/me")
                .insert_header(cookie(&lan_secret))
        };
        let v = c.send(me()).await.json();
        assert_eq!(v["role"], "officer");
        assert_eq!(v["scope"], serde_json::json!(["32200"]));
        let (admin_secret, admin_csrf) = session(&app, admin);
        let r = c
            .send(
                TestRequest::post()
                    .uri(&format!("/admin/users/{lan}/disable"))
                    .insert_header(cookie(&admin_secret))
                    .set_form([("csrf_token", admin_csrf.as_str())]),
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(c.send(me()).await.status, 401);
        assert_eq!(
            count(&app, "sessions"),
            1,
            "only the administrator's session is left"
        );
        // Enabled again, the old session stays ended; a new login works.
        app.cli(&["user", "enable", "thuhuong01"]);
        assert_eq!(c.send(me()).await.status, 401);
        assert_eq!(c.login("thuhuong01", PASSWORD, None).await.status, 303);
        Ok(())
    }
);

db_test!(sessions_end_after_30_idle_minutes_or_12_hours, |app| {
    let id = add_user(&app, "thuhuong01", "officer", &[]);
    let c = Client::new(&app).await;
    let me = |s: &str| {
        TestRequest::get()
            .uri("/api/v1/me")
            .insert_header(cookie(s))
    };
    let hash = vanban::auth::session::hash_secret;
    let at = |minutes: i64| {
        (vanban::clock::now() - chrono::Duration::minutes(minutes))
            .format("%Y-%m-%d %H:%M:%S")
            .to_string()
    };

    // Idle for 29 minutes: still alive, and the use is recorded.
    let (s, _) = session(&app, id);
    sql(
        &app,
        &format!(
            "UPDATE sessions SET created_at = '{}', last_seen_at = '{}' WHERE id_hash = '{}'",
            at(29),
            at(29),
            hash(&s)
        ),
    );
    assert_eq!(c.send(me(&s)).await.status, 200);
    let mut conn = app.pool.get()?;
    let row = vanban::auth::session::lookup(&mut conn.db(), &s, vanban::clock::now())?.unwrap();
    assert!(vanban::clock::now() - row.last_seen_at < chrono::Duration::minutes(1));

    // Idle for 31 minutes: over, and deleted.
    let (s, _) = session(&app, id);
    sql(
        &app,
        &format!(
            "UPDATE sessions SET last_seen_at = '{}' WHERE id_hash = '{}'",
            at(31),
            hash(&s)
        ),
    );
    assert_eq!(c.send(me(&s)).await.status, 401);

    // Active a minute ago, but signed in 12 hours and a minute ago: over.
    let (s, _) = session(&app, id);
    sql(
        &app,
        &format!(
            "UPDATE sessions SET created_at = '{}', last_seen_at = '{}' WHERE id_hash = '{}'",
            at(12 * 60 + 1),
            at(1),
            hash(&s)
        ),
    );
    let r = c.send(me(&s)).await;
    assert_eq!(r.status, 401);
    assert_eq!(count(&app, "sessions"), 1, "expired sessions are deleted");
    // A page with the dead cookie is anonymous and tells the browser to drop it.
    let page = c
        .send(TestRequest::get().uri("/").insert_header(cookie(&s)))
        .await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("href=\"/login\""));
    assert!(page
        .set_cookies()
        .iter()
        .any(|c| c.starts_with("vanban_session=;")));
    Ok(())
});

db_test!(
    state_changes_need_this_sites_form_with_the_sessions_token,
    |app| {
        let lan = add_user(&app, "thuhuong01", "officer", &[]);
        let other = add_user(&app, "minhanh02", "officer", &[]);
        let c = Client::new(&app).await;
        let (secret, csrf) = session(&app, lan);
        let (_, other_csrf) = session(&app, other);
        let audit = audit_len(&app);
        let create = |token: Option<&str>| {
            let mut form = vec![("name", "kịch bản đồng bộ"), ("password", PASSWORD)];
            if let Some(t) = token {
                form.push(("csrf_token", t));
            }
            TestRequest::post()
                .uri("/account/tokens")
                .insert_header(cookie(&secret))
                .set_form(form)
        };
        let refused = [
            ("no token", c.send(create(None)).await),
            (
                "another session's token",
                c.send(create(Some(&other_csrf))).await,
            ),
            (
                "a made-up token",
                c.send(create(Some(&"0".repeat(64)))).await,
            ),
            (
                "Sec-Fetch-Site: cross-site",
                c.send(create(Some(&csrf)).insert_header(("Sec-Fetch-Site", "cross-site")))
                    .await,
            ),
            (
                "Sec-Fetch-Site: same-site",
                c.send(create(Some(&csrf)).insert_header(("Sec-Fetch-Site", "same-site")))
                    .await,
            ),
            (
                "Origin of another site",
                c.send(create(Some(&csrf)).insert_header(("Origin", "https://evil.example")))
                    .await,
            ),
            (
                "token in the header from another site",
                c.send(
                    TestRequest::delete()
                        .uri("/api/v1/me/tokens/1")
                        .insert_header(cookie(&secret))
                        .insert_header(("X-CSRF-Token", other_csrf.as_str())),
                )
                .await,
            ),
        ];
        for (what, r) in &refused {
            assert_eq!(r.status, 403, "{what}: {}", r.body);
        }
        assert!(refused[0]
            .1
            .body
            .contains("Biểu mẫu đã hết hạn hoặc không hợp lệ"));
        assert!(refused[3].1.body.contains("trang web khác"));
        assert_eq!(refused[6].1.json()["code"], "csrf");
        assert_eq!(count(&app, "api_tokens"), 0, "nothing written");
        assert_eq!(audit_len(&app), audit);

        // The same request from this site's form goes through.
        let ok = c
            .send(
                create(Some(&csrf))
                    .insert_header(("Sec-Fetch-Site", "same-origin"))
                    .insert_header(("Origin", "http://localhost:8080")),
            )
            .await;
        assert_eq!(ok.status, 200, "{}", ok.body);
        assert_eq!(count(&app, "api_tokens"), 1);

        // The login form: its token must match its cookie, and it must come from this site.
        let token = c.login_form().await;
        let login = |cookie_val: &str, form_token: &str| {
            TestRequest::post()
                .uri("/login")
                .insert_header(("Cookie", format!("vanban_csrf={cookie_val}")))
                .set_form([
                    ("csrf_token", form_token),
                    ("username", "thuhuong01"),
                    ("password", PASSWORD),
                ])
        };
        assert_eq!(c.send(login(&token, &csrf)).await.status, 403);
        assert_eq!(
            c.send(login(&token, &token).insert_header(("Sec-Fetch-Site", "cross-site")))
                .await
                .status,
            403
        );
        assert_eq!(
            c.send(
                TestRequest::post()
                    .uri("/login")
                    .set_form([("username", "thuhuong01"), ("password", PASSWORD)])
            )
            .await
            .status,
            403
        );
        assert_eq!(
            count(&app, "sessions"),
            2,
            "no session made by a refused login"
        );
        assert_eq!(c.send(login(&token, &token)).await.status, 303);
        Ok(())
    }
);

fn check_common_headers(what: &str, r: &crate::authkit::Resp) {
    assert_eq!(
        r.header("content-security-policy").as_deref(),
        Some(CSP),
        "{what}"
    );
    assert_eq!(
        r.header("x-content-type-options").as_deref(),
        Some("nosniff"),
        "{what}"
    );
    assert_eq!(
        r.header("referrer-policy").as_deref(),
        Some("strict-origin-when-cross-origin"),
        "{what}"
    );
}

db_test!(security_headers_on_every_kind_of_response, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    let id = add_user(&app, "thuhuong01", "officer", &[]);
    let c = Client::new(&app).await;
    let (secret, _) = session(&app, id);
    let get = |p: &str| TestRequest::get().uri(p);
    let cases = [
        ("public page", c.send(get("/documents")).await, 200, false),
        (
            "static file",
            c.send(get("/static/vanban.css")).await,
            200,
            false,
        ),
        (
            "error page",
            c.send(get("/khong-co-trang-nay")).await,
            404,
            false,
        ),
        (
            "API error",
            c.send(get("/api/v1/documents/999999")).await,
            404,
            false,
        ),
        ("login page", c.send(get("/login")).await, 200, true),
        (
            "authenticated page",
            c.send(get("/account").insert_header(cookie(&secret))).await,
            200,
            true,
        ),
        (
            "public page, signed in",
            c.send(get("/").insert_header(cookie(&secret))).await,
            200,
            true,
        ),
        (
            "authenticated API",
            c.send(get("/api/v1/me").insert_header(cookie(&secret)))
                .await,
            200,
            true,
        ),
        (
            "refusal",
            c.send(get("/admin/users").insert_header(cookie(&secret)))
                .await,
            403,
            true,
        ),
        (
            "redirect to login",
            c.send(get("/account")).await,
            303,
            false,
        ),
        (
            "wrong method",
            c.send(TestRequest::put().uri("/documents")).await,
            405,
            false,
        ),
    ];
    for (what, r, status, no_store) in &cases {
        assert_eq!(r.status, *status, "{what}: {}", r.body);
        check_common_headers(what, r);
        if *no_store {
            assert_eq!(
                r.header("cache-control").as_deref(),
                Some("no-store"),
                "{what}"
            );
        } else {
            assert_ne!(
                r.header("cache-control").as_deref(),
                Some("no-store"),
                "{what}"
            );
        }
        assert!(
            r.header("strict-transport-security").is_none(),
            "{what}: no HSTS over http"
        );
    }
    // The page of a signed-in user shows who it is, with a logout button.
    let page = &cases[5].1.body;
    assert!(page.contains("Đang đăng nhập: </span>thuhuong01"), "{page}");
    assert!(page.contains("action=\"/logout\""));
    Ok(())
});

db_test!(over_https_cookies_are_secure_and_hsts_is_sent, |app| {
    add_user(&app, "thuhuong01", "officer", &[]);
    let proxy: std::net::SocketAddr = "10.1.2.3:40000".parse()?;
    let state = app.state().await.with_security(vanban::auth::Security {
        trusted_proxies: vec![proxy.ip()],
        loopback: false,
        ..Default::default()
    });
    let c = Client::with_state(state).await;
    let https = |r: TestRequest| {
        r.peer_addr(proxy)
            .insert_header(("X-Forwarded-Proto", "https"))
            .insert_header(("Host", "vanban.example.vn"))
    };
    let form = c.send(https(TestRequest::get().uri("/login"))).await;
    assert_eq!(form.status, 200);
    let csrf = form.cookie("__Host-vanban-csrf").unwrap_or_default();
    assert!(form.set_cookies()[0].contains("; Secure; SameSite=Strict"));
    assert_eq!(
        form.header("strict-transport-security").as_deref(),
        Some("max-age=31536000")
    );
    let r = c
        .send(https(
            TestRequest::post()
                .uri("/login")
                .insert_header(("Cookie", format!("__Host-vanban-csrf={csrf}")))
                .insert_header(("Origin", "https://vanban.example.vn"))
                .insert_header(("Sec-Fetch-Site", "same-origin"))
                .set_form([
                    ("csrf_token", csrf.as_str()),
                    ("username", "thuhuong01"),
                    ("password", PASSWORD),
                ]),
        ))
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let secret = r.cookie("__Host-vanban").unwrap_or_default();
    assert!(r.set_cookies().contains(&format!(
        "__Host-vanban={secret}; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age=43200"
    )));
    let me = c
        .send(https(
            TestRequest::get()
                .uri("/api/v1/me")
                .insert_header(("Cookie", format!("__Host-vanban={secret}"))),
        ))
        .await;
    assert_eq!(me.status, 200);

    // The same server reached over plain http (not through the proxy): no sign-in at all,
    // and a session cookie is not accepted.
    let plain = |r: TestRequest| r.peer_addr("203.0.113.5:5000".parse().unwrap());
    let form = c.send(plain(TestRequest::get().uri("/login"))).await;
    assert_eq!(form.status, 403);
    assert!(form.body.contains("HTTPS"));
    let me = c
        .send(plain(TestRequest::get().uri("/api/v1/me").insert_header((
            "Cookie",
            format!("__Host-vanban={secret}; vanban_session={secret}"),
        ))))
        .await;
    assert_eq!(me.status, 401);
    // A forwarded header from an untrusted peer is not believed.
    let spoofed = c
        .send(
            TestRequest::get()
                .uri("/login")
                .peer_addr("203.0.113.5:5000".parse()?)
                .insert_header(("X-Forwarded-Proto", "https")),
        )
        .await;
    assert_eq!(spoofed.status, 403);
    Ok(())
});

db_test!(bad_input_is_refused_without_harm, |app| {
    let admin = add_user(&app, "quantri", "admin", &[]);
    let c = Client::new(&app).await;
    let (secret, csrf) = session(&app, admin);
    let users_before = count(&app, "users");

    // A form body over the limit (64 KiB): 413, on the login form and signed in.
    let csrf_login = c.login_form().await;
    let big = "x".repeat(80 * 1024);
    let r = c
        .send(
            TestRequest::post()
                .uri("/login")
                .insert_header(("Cookie", format!("vanban_csrf={csrf_login}")))
                .set_form([
                    ("csrf_token", csrf_login.as_str()),
                    ("username", big.as_str()),
                ]),
        )
        .await;
    assert_eq!(r.status, 413, "{}", r.body);
    check_common_headers("413", &r);
    let r = c
        .send(
            TestRequest::post()
                .uri("/account/tokens")
                .insert_header(cookie(&secret))
                .set_form([("name", big.as_str()), ("csrf_token", csrf.as_str())]),
        )
        .await;
    assert_eq!(r.status, 413);
    // The same body with the token first and no declared length is still cut off.
    let body = format!("csrf_token={csrf}&name={big}");
    let r = c
        .send(
            TestRequest::post()
                .uri("/account/tokens")
                .insert_header(cookie(&secret))
                .insert_header(("Content-Type", "application/x-www-form-urlencoded"))
                .insert_header(("X-CSRF-Token", csrf.as_str()))
                .set_payload(body),
        )
        .await;
    assert_eq!(r.status, 413, "the form extractor's own limit");

    // A password of 129 characters: refused when set, at login and on account creation.
    let long: String = "gió đưa cành trúc ".repeat(8).chars().take(129).collect();
    assert_eq!(long.chars().count(), 129);
    let create = |username: &str, password: &str| {
        TestRequest::post()
            .uri("/admin/users")
            .insert_header(cookie(&secret))
            .set_form([
                ("csrf_token", csrf.as_str()),
                ("username", username),
                ("role", "officer"),
                ("password", password),
            ])
    };
    let r = c.send(create("lan.nguyen", &long)).await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r
        .body
        .contains("Mật khẩu quá dài: tối đa 128 ký tự (đang có 129)."));
    let max: String = long.chars().take(128).collect();
    let r = c.send(create("lan.nguyen", &max)).await;
    assert_eq!(r.status, 303, "128 characters are fine: {}", r.body);
    let r = c.login("lan.nguyen", &long, None).await;
    assert_eq!(r.status, 400);
    let r = c
        .send(
            TestRequest::post()
                .uri("/account/password")
                .insert_header(cookie(&secret))
                .set_form([
                    ("csrf_token", csrf.as_str()),
                    ("current", PASSWORD),
                    ("new_password", long.as_str()),
                    ("confirm", long.as_str()),
                ]),
        )
        .await;
    assert_eq!(r.status, 400);
    assert!(r.body.contains("tối đa 128 ký tự"));

    // User names with control characters.
    for name in ["lan\u{0}", "lan\nquantri", "lan\u{1b}[31m", "lan\u{7f}"] {
        let r = c.send(create(name, PASSWORD)).await;
        assert_eq!(r.status, 400, "{name:?}");
        assert!(r.body.contains("không hợp lệ"));
        assert!(!r.body.contains('\u{1b}') && !r.body.contains('\u{0}'));
        let r = c.login(name, PASSWORD, None).await;
        assert_eq!(r.status, 400, "{name:?}");
    }
    assert_eq!(count(&app, "users"), users_before + 1);

    // Session cookies of random bytes: anonymous, never a 500.
    use rand::{Rng, RngCore};
    let mut rng = rand::rngs::OsRng;
    for i in 0..40 {
        let len = rng.gen_range(1..200);
        let mut bytes = vec![0u8; len];
        rng.fill_bytes(&mut bytes);
        let value: Vec<u8> = if i % 2 == 0 {
            // Visible ASCII, as a browser would send.
            bytes
                .iter()
                .map(|b| b'!' + b % 94)
                .filter(|b| *b != b';')
                .collect()
        } else {
            // Anything a header may carry.
            bytes
                .into_iter()
                .filter(|b| *b >= 0x20 && *b != 0x7f)
                .collect()
        };
        let mut header = b"vanban_session=".to_vec();
        header.extend(&value);
        let Ok(v) = actix_web::http::header::HeaderValue::from_bytes(&header) else {
            continue;
        };
        for path in ["/", "/account", "/api/v1/me"] {
            let r = c
                .send(
                    TestRequest::get()
                        .uri(path)
                        .insert_header(("Cookie", v.clone())),
                )
                .await;
            assert!(
                matches!(r.status, 200 | 303 | 401),
                "{path} with {value:?}: {} {}",
                r.status,
                r.body
            );
        }
    }
    // A bearer token of junk: 401, not a 500.
    let r = c
        .send(
            TestRequest::get()
                .uri("/api/v1/me")
                .insert_header(("Authorization", "Bearer vb_<script>_x")),
        )
        .await;
    assert_eq!(r.status, 401);
    assert_eq!(r.json()["code"], "invalid_token");
    Ok(())
});

db_test!(api_tokens_act_for_their_user_until_revoked, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    let id = add_user(&app, "thuhuong01", "officer", &["32200"]);
    let c = Client::new(&app).await;
    let (secret, csrf) = session(&app, id);
    let r = c
        .send(
            TestRequest::post()
                .uri("/account/tokens")
                .insert_header(cookie(&secret))
                .set_form([
                    ("csrf_token", csrf.as_str()),
                    ("name", "đồng bộ cổng"),
                    ("password", PASSWORD),
                ]),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("cache-control").as_deref(), Some("no-store"));
    let token = new_token(&r);
    assert!(vanban::auth::tokens::well_formed(&token), "{token}");
    // Shown once: the account page lists the prefix only.
    let page = c
        .send(
            TestRequest::get()
                .uri("/account")
                .insert_header(cookie(&secret)),
        )
        .await;
    assert!(!page.body.contains(&token));
    assert!(page.body.contains(&token[..11]));
    // Stored hashed.
    let mut conn = app.pool.get()?;
    let stored: Vec<String> = vanban::with_db!(&mut conn.db(), c => {
        use diesel::prelude::*;
        vanban::db::schema::api_tokens::table
            .select(vanban::db::schema::api_tokens::token_hash)
            .load(c)
    })?;
    assert_eq!(stored, [vanban::auth::tokens::hash(&token)]);

    let bearer = || ("Authorization", format!("Bearer {token}"));
    let me = c
        .send(TestRequest::get().uri("/api/v1/me").insert_header(bearer()))
        .await;
    assert_eq!(me.status, 200, "{}", me.body);
    assert_eq!(me.json()["role"], "officer");
    assert_eq!(me.json()["scope"], serde_json::json!(["32200"]));
    assert_eq!(me.json()["authenticated_by"], "token");
    assert_eq!(me.header("cache-control").as_deref(), Some("no-store"));
    let tokens = vanban::auth::tokens::list_for_user(&mut conn.db(), id)?;
    assert!(tokens[0].last_used_at.is_some());
    // Role and scope are the user's: no administration.
    let admin = c
        .send(
            TestRequest::get()
                .uri("/admin/users")
                .insert_header(bearer()),
        )
        .await;
    assert_eq!(admin.status, 403);
    assert_eq!(admin.json()["code"], "forbidden");
    // No CSRF token needed with a bearer token (no cookie involved).
    let r = c
        .send(
            TestRequest::delete()
                .uri(&format!("/api/v1/me/tokens/{}", tokens[0].id))
                .insert_header(bearer()),
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.body);
    let again = c
        .send(TestRequest::get().uri("/api/v1/me").insert_header(bearer()))
        .await;
    assert_eq!(again.status, 401);
    assert_eq!(again.json()["code"], "invalid_token");
    assert!(again.header("www-authenticate").is_some());
    // The trail has the creation and the revocation, without the secret.
    let trail = vanban::audit::history(&mut conn.db(), "api_token", &tokens[0].id.to_string())?;
    let actions: Vec<&str> = trail.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["api_token.create", "api_token.revoke"]);
    assert!(trail.iter().all(|e| e.actor == "user:thuhuong01"));
    for e in &trail {
        let text = format!("{:?}{:?}", e.before, e.after);
        assert!(
            !text.contains(&token) && !text.contains(&stored[0]),
            "{text}"
        );
    }
    // A disabled user's tokens stop working too.
    let r = c
        .send(
            TestRequest::post()
                .uri("/account/tokens")
                .insert_header(cookie(&secret))
                .set_form([
                    ("csrf_token", csrf.as_str()),
                    ("name", "thứ hai"),
                    ("password", PASSWORD),
                ]),
        )
        .await;
    let second = new_token(&r);
    let me2 = || {
        TestRequest::get()
            .uri("/api/v1/me")
            .insert_header(("Authorization", format!("Bearer {second}")))
    };
    assert_eq!(c.send(me2()).await.status, 200);
    app.cli(&["user", "disable", "thuhuong01"]);
    assert_eq!(c.send(me2()).await.status, 401);
    Ok(())
});

/// The token a creation page shows.
fn new_token(r: &crate::authkit::Resp) -> String {
    r.body
        .split("value=\"")
        .find(|s| s.starts_with("vb_"))
        .and_then(|s| s.split('"').next())
        .unwrap_or_default()
        .to_string()
}

db_test!(a_weaker_hash_is_upgraded_at_login, |app| {
    use argon2::password_hash::{PasswordHasher, SaltString};
    let id = add_user(&app, "thuhuong01", "officer", &[]);
    let weak = argon2::Argon2::new(
        argon2::Algorithm::Argon2id,
        argon2::Version::V0x13,
        argon2::Params::new(4096, 1, 1, None).unwrap(),
    )
    .hash_password(
        PASSWORD.as_bytes(),
        &SaltString::encode_b64(&[9u8; 16]).unwrap(),
    )
    .unwrap()
    .to_string();
    sql(
        &app,
        &format!("UPDATE users SET password_hash = '{weak}' WHERE id = {id}"),
    );
    let c = Client::new(&app).await;
    assert_eq!(
        c.login("thuhuong01", "sai rồi sai rồi sai", None)
            .await
            .status,
        401
    );
    let mut conn = app.pool.get()?;
    let u = vanban::auth::users::find(&mut conn.db(), id)?.unwrap();
    assert_eq!(u.password_hash, weak, "a wrong password changes nothing");
    assert_eq!(c.login("thuhuong01", PASSWORD, None).await.status, 303);
    let u = vanban::auth::users::find(&mut conn.db(), id)?.unwrap();
    assert!(
        u.password_hash
            .starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{}",
        u.password_hash
    );
    assert_eq!(
        vanban::auth::password::verify(PASSWORD, &u.password_hash),
        vanban::auth::password::Verified::Ok
    );
    let trail = vanban::audit::history(&mut conn.db(), "user", &id.to_string())?;
    assert_eq!(
        trail.last().map(|e| e.action.as_str()),
        Some("user.password_rehash")
    );
    Ok(())
});

db_test!(changing_my_password_ends_my_other_sessions, |app| {
    let id = add_user(&app, "thuhuong01", "officer", &[]);
    let c = Client::new(&app).await;
    let (mine, csrf) = session(&app, id);
    let (other, _) = session(&app, id);
    let change = |current: &str, new: &str, confirm: &str| {
        TestRequest::post()
            .uri("/account/password")
            .insert_header(cookie(&mine))
            .set_form([
                ("csrf_token", csrf.as_str()),
                ("current", current),
                ("new_password", new),
                ("confirm", confirm),
            ])
    };
    let new = "trăm năm trong cõi người ta";
    let r = c.send(change("không đúng mật khẩu", new, new)).await;
    assert_eq!(r.status, 400);
    assert!(r.body.contains("Mật khẩu hiện tại không đúng."));
    assert_eq!(count(&app, "login_failures"), 1);
    let r = c
        .send(change(PASSWORD, new, "trăm năm trong cõi người"))
        .await;
    assert_eq!(r.status, 400);
    assert!(r.body.contains("không khớp"));
    let r = c
        .send(change(PASSWORD, "matkhau123456", "matkhau123456"))
        .await;
    assert_eq!(r.status, 400);
    assert!(r.body.contains("quá phổ biến"));
    let r = c.send(change(PASSWORD, new, new)).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let me = |s: &str| {
        TestRequest::get()
            .uri("/api/v1/me")
            .insert_header(cookie(s))
    };
    assert_eq!(c.send(me(&mine)).await.status, 200, "this session stays");
    assert_eq!(c.send(me(&other)).await.status, 401, "the others end");
    assert_eq!(c.login("thuhuong01", PASSWORD, None).await.status, 401);
    assert_eq!(c.login("thuhuong01", new, None).await.status, 303);
    Ok(())
});

db_test!(
    an_unknown_stored_role_is_an_internal_error_and_signs_no_one_in,
    |app| {
        let id = add_user(&app, "thuhuong01", "officer", &[]);
        let (secret, _) = session(&app, id);
        {
            // The schema's CHECK refuses the code: set aside on this connection, as a role
            // dropped by a later version or a hand edit would leave it.
            use diesel::connection::SimpleConnection;
            let mut conn = app.pool.get()?;
            let update = format!("UPDATE users SET role = 'root' WHERE id = {id};");
            match &mut conn.db() {
                vanban::db::Db::Sqlite(c) => c.batch_execute(&format!(
                    "PRAGMA ignore_check_constraints = ON; {update} \
                     PRAGMA ignore_check_constraints = OFF;"
                ))?,
                vanban::db::Db::Pg(c) => c.batch_execute(&format!(
                    "ALTER TABLE users DROP CONSTRAINT users_role_check; {update}"
                ))?,
            }
        }
        let c = Client::new(&app).await;
        // The session's user cannot be read: an internal error, not a visitor nor a role.
        let (k, v) = cookie(&secret);
        let r = c
            .send(
                TestRequest::get()
                    .uri("/api/v1/me")
                    .insert_header((k, v.clone())),
            )
            .await;
        assert_eq!(r.status, 500, "{}", r.body);
        assert!(!r.body.contains("root"), "{}", r.body);
        let r = c
            .send(TestRequest::get().uri("/account").insert_header((k, v)))
            .await;
        assert_eq!(r.status, 500, "{}", r.body);
        // Nor can the account sign in with its right password.
        let csrf = c.login_form().await;
        let r = c.login_with(&csrf, "thuhuong01", PASSWORD, None).await;
        assert_eq!(r.status, 500, "{}", r.body);
        assert!(r
            .set_cookies()
            .iter()
            .all(|s| !s.contains("vanban_session=")));
        Ok(())
    }
);
