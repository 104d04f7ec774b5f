//! Login throttling (per account name through the database, per client address) and the
//! bounded password check queue, on both backends. Delays are configured short so that the
//! tests stay fast; the schedule itself is unit-tested in `auth::limits`.

use std::rc::Rc;
use std::time::{Duration, Instant};

use actix_web::test::TestRequest;

use crate::authkit::{add_user, count, session, sql, Client, Resp, PASSWORD};
use crate::db_test;
use crate::helpers::TestApp;

const WRONG: &str = "không phải mật khẩu này";

/// Account settings with the given schedule (free failures, first and longest delay in ms).
fn settings(free: u32, first_ms: u64, max_ms: u64) -> vanban::auth::AccountSettings {
    vanban::auth::AccountSettings {
        throttle: vanban::auth::limits::Policy {
            free_failures: free,
            first_delay: Duration::from_millis(first_ms),
            max_delay: Duration::from_millis(max_ms),
            ..Default::default()
        },
        ..Default::default()
    }
}

async fn client_with(app: &TestApp, s: vanban::auth::AccountSettings) -> Rc<Client> {
    Rc::new(Client::with_state(app.state().await.with_accounts(s)).await)
}

/// A login from `ip` (the peer address the guard resolves), with a fresh form token.
async fn login_from(c: &Client, ip: &str, username: &str, password: &str) -> Resp {
    let csrf = c.login_form().await;
    c.send(
        TestRequest::post()
            .uri("/login")
            .peer_addr(format!("{ip}:40000").parse().unwrap())
            .insert_header(("Cookie", format!("vanban_csrf={csrf}")))
            .set_form([
                ("csrf_token", csrf.as_str()),
                ("username", username),
                ("password", password),
            ]),
    )
    .await
}

/// Sends `n` wrong logins for `username` at once; returns the answers.
async fn burst(c: &Rc<Client>, username: &str, n: usize) -> Vec<Resp> {
    let mut tasks = Vec::new();
    for _ in 0..n {
        let c = c.clone();
        let name = username.to_string();
        tasks.push(actix_web::rt::spawn(async move {
            c.login(&name, WRONG, None).await
        }));
    }
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.unwrap());
    }
    out
}

fn retry_after(r: &Resp) -> u64 {
    r.header("retry-after")
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no Retry-After on {}: {}", r.status, r.body))
}

db_test!(parallel_wrong_guesses_are_taken_one_at_a_time, |app| {
    add_user(&app, "thuhuong01", "officer", &[]);
    // 5 free failures, then 200 ms doubling up to 800 ms.
    let c = client_with(&app, settings(5, 200, 800)).await;
    let t = Instant::now();
    for _ in 0..4 {
        assert_eq!(c.login("thuhuong01", WRONG, None).await.status, 401);
    }
    let fifth = Instant::now();
    assert_eq!(c.login("thuhuong01", WRONG, None).await.status, 401);
    assert!(
        t.elapsed() < Duration::from_secs(5),
        "free failures wait nothing"
    );
    // Ten guesses at once: the first is checked 200 ms after the fifth, the second 400 ms
    // later; the third would be further than the longest delay and is refused unchecked.
    let answers = burst(&c, "thuhuong01", 10).await;
    let elapsed = fifth.elapsed();
    let checked = answers.iter().filter(|r| r.status == 401).count();
    let refused: Vec<&Resp> = answers.iter().filter(|r| r.status == 429).collect();
    assert_eq!(checked + refused.len(), 10, "{answers:?}");
    assert!(
        (2..=3).contains(&checked),
        "{checked} checked: parallel guesses cannot skip the delay"
    );
    assert!(
        elapsed >= Duration::from_millis(600),
        "the checks were spaced: {elapsed:?}"
    );
    for r in &refused {
        assert!(retry_after(r) >= 1);
        assert!(r.body.contains("Vui lòng thử lại sau"), "{}", r.body);
        assert!(r.cookie("vanban_session").is_none());
    }
    // Only the checked guesses are recorded.
    assert_eq!(count(&app, "login_failures"), 5 + checked as i64);
    Ok(())
});

db_test!(the_owner_gets_in_after_at_most_the_current_delay, |app| {
    add_user(&app, "thuhuong01", "officer", &[]);
    let c = client_with(&app, settings(2, 200, 800)).await;
    // An attacker's guesses, one after another: each waits its turn, none is refused.
    let t = Instant::now();
    for _ in 0..5 {
        assert_eq!(c.login("thuhuong01", WRONG, None).await.status, 401);
    }
    let sixth = Instant::now();
    assert_eq!(c.login("thuhuong01", WRONG, None).await.status, 401);
    // 0 + 0 + 200 + 400 + 800 + 800 ms of delays.
    assert!(
        t.elapsed() >= Duration::from_millis(2200),
        "{:?}",
        t.elapsed()
    );
    // The owner: waits the current delay (800 ms after the sixth guess's turn), then is in.
    let r = c.login("thuhuong01", PASSWORD, None).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let waited = sixth.elapsed();
    assert!(
        waited >= Duration::from_millis(800) && waited < Duration::from_secs(10),
        "{waited:?}"
    );
    // A success clears the name's failures: the next wrong guess waits nothing.
    assert_eq!(count(&app, "login_throttle"), 0);
    let t = Instant::now();
    assert_eq!(c.login("thuhuong01", WRONG, None).await.status, 401);
    assert!(
        t.elapsed() < Duration::from_millis(1000),
        "{:?}",
        t.elapsed()
    );
    Ok(())
});

db_test!(several_instances_share_one_throttle, |app| {
    add_user(&app, "thuhuong01", "officer", &[]);
    // The delay is the longest one from the second failure on, so that a guess reserved
    // behind another one is always too far ahead.
    let s = settings(2, 1000, 1000);
    let a = client_with(&app, s).await;
    // Another instance: its own pool and state over the same database.
    let other = vanban::db::DbPool::connect(&app.url, 4)?;
    let state_b = vanban::app::AppState::new(other, Some(app.search.clone()), 16).with_accounts(s);
    let b = Rc::new(Client::with_state(state_b).await);
    assert_eq!(a.login("thuhuong01", WRONG, None).await.status, 401);
    let second = Instant::now();
    assert_eq!(a.login("thuhuong01", WRONG, None).await.status, 401);
    // The third guess, on the other instance, waits the delay the second one set.
    assert_eq!(b.login("thuhuong01", WRONG, None).await.status, 401);
    assert!(
        second.elapsed() >= Duration::from_millis(1000),
        "{:?}",
        second.elapsed()
    );
    // Two guesses at once on the two instances: one is checked, the other refused.
    let (ra, rb) = {
        let (a, b) = (a.clone(), b.clone());
        let ta = actix_web::rt::spawn(async move { a.login("thuhuong01", WRONG, None).await });
        let tb = actix_web::rt::spawn(async move { b.login("thuhuong01", WRONG, None).await });
        (ta.await.unwrap(), tb.await.unwrap())
    };
    let mut statuses = [ra.status, rb.status];
    statuses.sort();
    assert_eq!(statuses, [401, 429], "{} / {}", ra.body, rb.body);
    Ok(())
});

db_test!(unknown_names_are_throttled_like_known_ones, |app| {
    add_user(&app, "thuhuong01", "officer", &[]);
    let c = Client::new(&app).await;
    // Both names with guesses reserved five minutes ahead (as a flood would leave them).
    for name in ["thuhuong01", "khongtontai01"] {
        sql(
            &app,
            &format!(
                "INSERT INTO login_throttle (username, failures, next_attempt_at, last_attempt_at) \
                 VALUES ('{name}', 40, '{}', '{}')",
                (vanban::clock::now() + chrono::Duration::minutes(5)).format("%Y-%m-%d %H:%M:%S"),
                vanban::clock::now().format("%Y-%m-%d %H:%M:%S"),
            ),
        );
    }
    let csrf = c.login_form().await;
    let known = c.login_with(&csrf, "thuhuong01", PASSWORD, None).await;
    let unknown = c.login_with(&csrf, "khongtontai01", PASSWORD, None).await;
    assert_eq!(known.status, 429, "even the right password: {}", known.body);
    assert_eq!(unknown.status, 429);
    assert_eq!(
        known.body.replace("thuhuong01", "X"),
        unknown.body.replace("khongtontai01", "X"),
        "the refusal does not tell whether the account exists"
    );
    assert!(
        known.body.contains("Vui lòng thử lại sau 4 phút"),
        "{}",
        known.body
    );
    let secs = retry_after(&known);
    assert!((230..=240).contains(&secs), "{secs}");
    assert!(known.cookie("vanban_session").is_none());
    assert_eq!(count(&app, "login_failures"), 0, "nothing was checked");
    Ok(())
});

db_test!(an_address_with_100_failures_in_an_hour_gets_429, |app| {
    add_user(&app, "thuhuong01", "officer", &[]);
    add_user(&app, "minhanh02", "officer", &[]);
    let c = Client::new(&app).await;
    let record = |ip: &str, n: usize, minutes_ago: i64| {
        let mut conn = app.pool.get().unwrap();
        let at = vanban::clock::now() - chrono::Duration::minutes(minutes_ago);
        for i in 0..n {
            vanban::auth::limits::record(&mut conn.db(), &format!("ten{i}"), ip, at).unwrap();
        }
    };
    // Failures older than the hour do not count; 99 within it still let the owner in.
    record("203.0.113.7", 100, 61);
    record("203.0.113.7", 99, 45);
    let r = login_from(&c, "203.0.113.7", "thuhuong01", PASSWORD).await;
    assert_eq!(r.status, 303, "{}", r.body);
    // The 100th failure, on any name: from then on the address is refused for every name,
    // whether it exists or not, without checking the password.
    let r = login_from(&c, "203.0.113.7", "khongtontai01", WRONG).await;
    assert_eq!(r.status, 401);
    let before = count(&app, "login_failures");
    let known = login_from(&c, "203.0.113.7", "minhanh02", PASSWORD).await;
    let unknown = login_from(&c, "203.0.113.7", "ai.do.khac", PASSWORD).await;
    for r in [&known, &unknown] {
        assert_eq!(r.status, 429, "{}", r.body);
        // Until the oldest failure of the hour (45 minutes ago) ages out: about 15 minutes.
        let secs = retry_after(r);
        assert!((14 * 60..=15 * 60).contains(&secs), "{secs}");
        assert!(r.body.contains("phút"), "{}", r.body);
    }
    assert_eq!(
        count(&app, "login_failures"),
        before,
        "refusals are not attempts"
    );
    // Another address is not affected.
    let r = login_from(&c, "198.51.100.20", "minhanh02", PASSWORD).await;
    assert_eq!(r.status, 303, "{}", r.body);
    Ok(())
});

/// A hash of `PASSWORD` that takes long to verify (many argon2 passes), to hold the queue.
fn slow_hash() -> String {
    use argon2::password_hash::{PasswordHasher, SaltString};
    argon2::Argon2::new(
        argon2::Algorithm::Argon2id,
        argon2::Version::V0x13,
        argon2::Params::new(19_456, 100, 1, None).unwrap(),
    )
    .hash_password(
        PASSWORD.as_bytes(),
        &SaltString::encode_b64(&[3u8; 16]).unwrap(),
    )
    .unwrap()
    .to_string()
}

db_test!(a_full_password_queue_answers_503_with_retry_after, |app| {
    let slow = add_user(&app, "chamchap", "officer", &[]);
    let other = add_user(&app, "thuhuong01", "officer", &[]);
    let hash = slow_hash();
    sql(
        &app,
        &format!("UPDATE users SET password_hash = '{hash}' WHERE id = {slow}"),
    );
    // One check at a time, one more waiting.
    let s = vanban::auth::AccountSettings {
        password_checks: 1,
        password_queue: 1,
        ..Default::default()
    };
    let state = app.state().await.with_accounts(s);
    let limits = state.accounts.clone();
    let c = Rc::new(Client::with_state(state).await);
    // Waits until `n` checks are running or waiting.
    let occupied = |n: usize| {
        let limits = limits.clone();
        async move {
            for _ in 0..500 {
                if limits.queue.occupied() == n {
                    return;
                }
                actix_web::rt::time::sleep(Duration::from_millis(10)).await;
            }
            panic!("the queue never held {n}");
        }
    };
    let t = Instant::now();
    let held = {
        let c = c.clone();
        actix_web::rt::spawn(async move {
            let r = c.login("chamchap", WRONG, None).await;
            (r, Instant::now())
        })
    };
    occupied(1).await;
    let waiting = {
        let c = c.clone();
        actix_web::rt::spawn(async move { c.login("thuhuong01", PASSWORD, None).await })
    };
    occupied(2).await;
    // Beyond the waiting room: refused at once, a known name as an unknown one.
    let csrf = c.login_form().await;
    let known = c.login_with(&csrf, "thuhuong01", WRONG, None).await;
    let unknown = c.login_with(&csrf, "khongtontai01", WRONG, None).await;
    let (secret, token) = session(&app, other);
    let mint = c
        .send(
            TestRequest::post()
                .uri("/account/tokens")
                .insert_header(crate::authkit::cookie(&secret))
                .set_form([
                    ("csrf_token", token.as_str()),
                    ("name", "đồng bộ"),
                    ("password", PASSWORD),
                ]),
        )
        .await;
    // An administrator creating an account: its password is hashed on the same queue.
    let admin = add_user(&app, "quantri", "admin", &[]);
    let (a_secret, a_csrf) = session(&app, admin);
    let users_before = count(&app, "users");
    let create = c
        .send(
            TestRequest::post()
                .uri("/admin/users")
                .insert_header(crate::authkit::cookie(&a_secret))
                .set_form([
                    ("csrf_token", a_csrf.as_str()),
                    ("username", "lan.nguyen"),
                    ("role", "officer"),
                    ("password", PASSWORD),
                ]),
        )
        .await;
    assert_eq!(create.status, 503, "{}", create.body);
    assert_eq!(retry_after(&create), 1);
    assert!(
        create.body.contains("tài khoản chưa được tạo"),
        "{}",
        create.body
    );
    assert_eq!(count(&app, "users"), users_before, "nothing created");
    let refused_at = Instant::now();
    for r in [&known, &unknown, &mint] {
        assert_eq!(r.status, 503, "{}", r.body);
        assert_eq!(retry_after(r), 1);
        assert!(r.body.contains("Hệ thống đang bận"), "{}", r.body);
    }
    assert_eq!(
        known.body.replace("thuhuong01", "X"),
        unknown.body.replace("khongtontai01", "X")
    );
    assert_eq!(count(&app, "api_tokens"), 0, "nothing created");
    // The held and the waiting checks complete.
    let (held, held_done) = held.await.unwrap();
    let waiting = waiting.await.unwrap();
    assert!(
        held_done > refused_at,
        "the slow check was still running when the others were refused ({:?})",
        t.elapsed()
    );
    assert_eq!(held.status, 401, "{}", held.body);
    assert_eq!(waiting.status, 303, "{}", waiting.body);
    // Free again.
    assert_eq!(c.login("thuhuong01", PASSWORD, None).await.status, 303);
    Ok(())
});

db_test!(
    parallel_attempts_from_one_address_cannot_pass_its_limit,
    |app| {
        // An address may fail 5 times in the hour; 12 guesses at once on 12 names.
        let s = vanban::auth::AccountSettings {
            throttle: vanban::auth::limits::Policy {
                address_failures: 5,
                ..Default::default()
            },
            ..Default::default()
        };
        let c = client_with(&app, s).await;
        let mut tasks = Vec::new();
        for i in 0..12 {
            let c = c.clone();
            tasks.push(actix_web::rt::spawn(async move {
                login_from(&c, "203.0.113.9", &format!("khach{i:02}"), WRONG).await
            }));
        }
        let mut statuses = Vec::new();
        for t in tasks {
            statuses.push(t.await.unwrap().status);
        }
        statuses.sort();
        let checked = statuses.iter().filter(|s| **s == 401).count();
        assert_eq!(checked, 5, "attempts in flight count too: {statuses:?}");
        assert_eq!(statuses.iter().filter(|s| **s == 429).count(), 7);
        assert_eq!(count(&app, "login_failures"), 5);
        Ok(())
    }
);
