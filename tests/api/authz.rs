//! The authorisation matrix, generated from the route table: every route that changes state
//! or needs an account × anonymous, each role, and a user outside the scope → the expected
//! answer. The expected access of each route is written here, independently of the table: a
//! route added to the table without a line here fails the test, and so does a route whose
//! behaviour does not match its line.

use actix_web::test::TestRequest;
use vanban::auth::{Access, RecordOf, Role};
use vanban::routes::{RouteDef, Verb, ROUTES};

use crate::authkit::{add_user, audit_len, session, Client, Resp};
use crate::db_test;
use crate::helpers::{TestApp, FIXTURE};

#[derive(Debug, Clone, Copy)]
enum Expect {
    /// Anyone, signed in or not.
    Anyone,
    /// Any signed-in user.
    SignedIn,
    /// Signed-in users of these roles.
    Roles(&'static [&'static str]),
    /// Users of these roles whose scope covers the record.
    Scoped(&'static [&'static str]),
}

/// Who may use each route that changes state or needs an account.
const EXPECTED: &[(&str, &str, Expect)] = &[
    ("POST", "/login", Expect::Anyone),
    (
        "POST",
        "/annual-lists/{year}/publish",
        Expect::Roles(&["approver", "admin"]),
    ),
    ("GET", "/campaigns", Expect::SignedIn),
    (
        "POST",
        "/campaigns",
        Expect::Roles(&["admin", "officer", "approver"]),
    ),
    ("GET", "/campaigns/{id}", Expect::SignedIn),
    (
        "POST",
        "/decisions/{id}/stages",
        Expect::Roles(&["admin", "officer"]),
    ),
    ("GET", "/campaigns/{id}/register.{format}", Expect::SignedIn),
    (
        "POST",
        "/campaigns/{id}/register",
        Expect::Roles(&["admin", "officer"]),
    ),
    (
        "POST",
        "/api/v1/campaigns/{id}/register",
        Expect::Roles(&["admin", "officer"]),
    ),
    (
        "POST",
        "/campaigns/{id}/start",
        Expect::Roles(&["admin", "officer", "approver"]),
    ),
    (
        "POST",
        "/campaigns/{id}/decisions",
        Expect::Roles(&["admin", "officer"]),
    ),
    (
        "POST",
        "/campaigns/{id}/assignments",
        Expect::Roles(&["admin", "officer", "approver"]),
    ),
    (
        "POST",
        "/decisions/{id}/close",
        Expect::Roles(&["admin", "officer"]),
    ),
    (
        "POST",
        "/decisions/{id}/approve",
        Expect::Roles(&["approver", "admin"]),
    ),
    (
        "POST",
        "/decisions/{id}/return",
        Expect::Roles(&["approver", "admin"]),
    ),
    (
        "POST",
        "/api/v1/campaigns",
        Expect::Roles(&["admin", "officer", "approver"]),
    ),
    ("GET", "/api/v1/campaigns/{id}", Expect::SignedIn),
    (
        "POST",
        "/api/v1/campaigns/{id}/assignments",
        Expect::Roles(&["admin", "officer", "approver"]),
    ),
    (
        "POST",
        "/api/v1/campaigns/{id}/start",
        Expect::Roles(&["admin", "officer", "approver"]),
    ),
    (
        "POST",
        "/api/v1/campaigns/{id}/decisions",
        Expect::Roles(&["admin", "officer"]),
    ),
    ("GET", "/api/v1/decisions/{id}", Expect::SignedIn),
    (
        "POST",
        "/api/v1/decisions/{id}/approve",
        Expect::Roles(&["approver", "admin"]),
    ),
    (
        "POST",
        "/api/v1/decisions/{id}/return",
        Expect::Roles(&["approver", "admin"]),
    ),
    (
        "POST",
        "/api/v1/decisions/{id}/stages",
        Expect::Roles(&["admin", "officer"]),
    ),
    (
        "POST",
        "/api/v1/decisions/{id}/close",
        Expect::Roles(&["admin", "officer"]),
    ),
    (
        "POST",
        "/api/v1/records",
        Expect::Roles(&["admin", "officer"]),
    ),
    ("GET", "/units/{code}/inspections", Expect::SignedIn),
    (
        "GET",
        "/units/{code}/inspections/new",
        Expect::Roles(&["inspector", "admin"]),
    ),
    (
        "POST",
        "/inspections",
        Expect::Roles(&["inspector", "admin"]),
    ),
    ("GET", "/inspections/{id}", Expect::SignedIn),
    ("GET", "/units/{code}/scorecard", Expect::SignedIn),
    ("GET", "/scorecard", Expect::SignedIn),
    (
        "POST",
        "/api/v1/inspections",
        Expect::Roles(&["inspector", "admin"]),
    ),
    ("GET", "/api/v1/inspections/{id}", Expect::SignedIn),
    ("GET", "/api/v1/units/{code}/inspections", Expect::SignedIn),
    ("GET", "/api/v1/units/{code}/scorecard", Expect::SignedIn),
    ("GET", "/api/v1/scorecard", Expect::SignedIn),
    ("POST", "/logout", Expect::SignedIn),
    ("GET", "/account", Expect::SignedIn),
    ("POST", "/account/password", Expect::SignedIn),
    ("POST", "/account/tokens", Expect::SignedIn),
    ("POST", "/account/tokens/{id}/revoke", Expect::SignedIn),
    ("GET", "/api/v1/me", Expect::SignedIn),
    ("DELETE", "/api/v1/me/tokens/{id}", Expect::SignedIn),
    ("GET", "/admin/users", Expect::Roles(&["admin"])),
    ("POST", "/admin/users", Expect::Roles(&["admin"])),
    ("GET", "/admin/users/{id}", Expect::Roles(&["admin"])),
    ("POST", "/admin/users/{id}", Expect::Roles(&["admin"])),
    (
        "POST",
        "/admin/users/{id}/disable",
        Expect::Roles(&["admin"]),
    ),
    (
        "POST",
        "/admin/users/{id}/enable",
        Expect::Roles(&["admin"]),
    ),
];

/// Who asks: anonymous, one user per role (the officer's scope covers the record used for
/// scoped routes), and an officer whose scope does not.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Who {
    Anonymous,
    Role(&'static str),
    OfficerOutOfScope,
}

const WHO: &[Who] = &[
    Who::Anonymous,
    Who::Role("admin"),
    Who::Role("officer"),
    Who::Role("approver"),
    Who::Role("inspector"),
    Who::OfficerOutOfScope,
];

#[derive(Debug, PartialEq)]
enum Outcome {
    Allowed,
    Unauthenticated,
    Forbidden,
}

fn expected(e: Expect, who: Who) -> Outcome {
    let role = match who {
        Who::Anonymous => None,
        Who::Role(r) => Some(r),
        Who::OfficerOutOfScope => Some("officer"),
    };
    match (e, role) {
        (Expect::Anyone, _) => Outcome::Allowed,
        (_, None) => Outcome::Unauthenticated,
        (Expect::SignedIn, Some(_)) => Outcome::Allowed,
        (Expect::Roles(rs), Some(r)) => {
            if rs.contains(&r) {
                Outcome::Allowed
            } else {
                Outcome::Forbidden
            }
        }
        (Expect::Scoped(rs), Some(r)) => {
            if rs.contains(&r) && who != Who::OfficerOutOfScope {
                Outcome::Allowed
            } else {
                Outcome::Forbidden
            }
        }
    }
}

fn observed(path: &str, r: &Resp) -> Outcome {
    let api = path.starts_with("/api/");
    match r.status {
        401 => {
            assert!(
                api,
                "{path}: pages redirect to the login form instead of 401"
            );
            assert_eq!(r.json()["code"], "unauthenticated", "{path}");
            Outcome::Unauthenticated
        }
        303 if r
            .header("location")
            .is_some_and(|l| l.starts_with("/login")) =>
        {
            assert!(!api, "{path}: the API answers 401, not a redirect");
            Outcome::Unauthenticated
        }
        403 => {
            if api {
                assert_eq!(r.json()["code"], "forbidden", "{path}");
            } else {
                assert!(r.body.contains("Không có quyền"), "{path}: {}", r.body);
            }
            Outcome::Forbidden
        }
        s => {
            assert!(s < 500, "{path}: {s} {}", r.body);
            Outcome::Allowed
        }
    }
}

fn checked_routes() -> Vec<&'static RouteDef> {
    ROUTES
        .iter()
        .filter(|r| r.method.changes_state() || r.access != Access::Public)
        .collect()
}

/// The matrix over `routes`, with path parameters filled by `fill`.
async fn run_matrix(
    app: &TestApp,
    c: &Client,
    routes: &[(&RouteDef, Expect)],
    users: &[(Who, i64)],
    fill: &dyn Fn(&RouteDef) -> String,
) -> usize {
    let mut checked = 0;
    for (route, expect) in routes {
        for who in WHO {
            let path = fill(route);
            let mut req = match route.method {
                Verb::Get => TestRequest::get(),
                Verb::Post => TestRequest::post(),
                Verb::Delete => TestRequest::delete(),
            }
            .uri(&path);
            // A fresh session per request: a logout or a disable must not leak into the next.
            let user = users.iter().find(|(w, _)| w == who).map(|(_, id)| *id);
            let mut cookies = Vec::new();
            let mut token = None;
            if let Some(id) = user {
                let (secret, csrf) = session(app, id);
                cookies.push(format!("vanban_session={secret}"));
                token = Some(csrf);
            }
            if route.access == Access::Public && route.method.changes_state() {
                // The login form's pre-session token.
                let csrf = c.login_form().await;
                cookies.push(format!("vanban_csrf={csrf}"));
                token = Some(csrf);
            }
            if !cookies.is_empty() {
                req = req.insert_header(("Cookie", cookies.join("; ")));
            }
            if route.method.changes_state() {
                if let Some(t) = &token {
                    req = req.insert_header(("X-CSRF-Token", t.as_str()));
                }
            }
            let before = audit_len(app);
            let r = c.send(req).await;
            let got = observed(&path, &r);
            let want = expected(*expect, *who);
            assert_eq!(
                got,
                want,
                "{} {path} as {who:?}: {} {}",
                route.method.as_str(),
                r.status,
                r.body
            );
            if want != Outcome::Allowed {
                assert_eq!(
                    audit_len(app),
                    before,
                    "{} {path} as {who:?} wrote",
                    route.method.as_str()
                );
            }
            checked += 1;
        }
    }
    checked
}

fn doc_id(app: &TestApp, number: &str) -> i64 {
    use diesel::prelude::*;
    use vanban::db::schema::documents;
    let mut conn = app.pool.get().unwrap();
    vanban::with_db!(&mut conn.db(), c => documents::table
        .filter(documents::number.eq(number))
        .select(documents::id)
        .first::<i64>(c))
    .unwrap()
}

async fn principals(app: &TestApp) -> Vec<(Who, i64)> {
    vec![
        (Who::Role("admin"), add_user(app, "quantri", "admin", &[])),
        // Xã Đầm Dơi, which took over the district of Đầm Dơi (970).
        (
            Who::Role("officer"),
            add_user(app, "canbo", "officer", &["32200"]),
        ),
        (
            Who::Role("approver"),
            add_user(app, "pheduyet", "approver", &[]),
        ),
        (
            Who::Role("inspector"),
            add_user(app, "thanhtra", "inspector", &[]),
        ),
        // Bạc Liêu only.
        (
            Who::OfficerOutOfScope,
            add_user(app, "canbo.baclieu", "officer", &["95"]),
        ),
    ]
}

db_test!(authorisation_matrix_from_the_route_table, |app| {
    app.import_str("f.jsonl", FIXTURE)?;
    let users = principals(&app).await;
    // The record of scoped routes: a decision of the former district (in the officer's scope
    // through the 2025 succession, outside Bạc Liêu's).
    let in_scope_doc = doc_id(&app, "12/2021/QĐ-UBND");
    let target = add_user(&app, "muctieu", "inspector", &[]);
    let c = Client::new(&app).await;

    let mut rows = Vec::new();
    for route in checked_routes() {
        let line = EXPECTED
            .iter()
            .find(|(m, p, _)| *m == route.method.as_str() && *p == route.path);
        let Some((_, _, expect)) = line else {
            panic!("{route:?} is not in the authorisation matrix: add the access it must have to EXPECTED");
        };
        // The table's rule and the expected access agree in kind.
        match (route.access, expect) {
            (Access::Public, Expect::Anyone)
            | (Access::AnyUser, Expect::SignedIn)
            | (Access::Roles(_), Expect::Roles(_))
            | (Access::Scoped(..), Expect::Scoped(_)) => {}
            (a, e) => panic!("{route:?}: the table says {a:?}, the matrix expects {e:?}"),
        }
        rows.push((route, *expect));
    }
    for (m, p, _) in EXPECTED {
        assert!(
            ROUTES
                .iter()
                .any(|r| r.method.as_str() == *m && r.path == *p),
            "{m} {p} is expected but not in the route table"
        );
    }
    let fill = |r: &RouteDef| -> String {
        let id = match r.access {
            Access::Scoped(_, RecordOf::Document(_)) => in_scope_doc,
            _ => target,
        };
        r.path.replace("{id}", &id.to_string())
    };
    let n = run_matrix(&app, &c, &rows, &users, &fill).await;
    assert_eq!(n, rows.len() * WHO.len());
    assert!(n >= 14 * 6);
    Ok(())
});

async fn probe() -> actix_web::HttpResponse {
    actix_web::HttpResponse::Ok().body("écrit")
}

/// A scoped route, run through the same guard and registration as the real table.
static PROBE: &[RouteDef] = &[RouteDef {
    method: Verb::Post,
    path: "/probe/documents/{id}",
    access: Access::Scoped(&[Role::Admin, Role::Officer], RecordOf::Document("id")),
    handler: |r| r.to(probe),
}];

db_test!(
    scoped_routes_check_the_record_against_the_users_units,
    |app| {
        app.import_str("f.jsonl", FIXTURE)?;
        let users = principals(&app).await;
        let state = app.state().await;
        let c = crate::client!(actix_web::App::new()
            .app_data(actix_web::web::Data::new(state))
            .app_data(actix_web::web::Data::new(
                vanban::auth::guard::RouteIndex::new(PROBE)
            ))
            .wrap(actix_web::middleware::from_fn(vanban::auth::guard::guard))
            .configure(|cfg| vanban::routes::register(cfg, PROBE)));
        let district = doc_id(&app, "12/2021/QĐ-UBND");
        let province = doc_id(&app, "15/2018/NQ-HĐND");
        let bac_lieu = doc_id(&app, "03/2019/NQ-HĐND");

        // The generated matrix on the in-scope record.
        let rows = [(&PROBE[0], Expect::Scoped(&["admin", "officer"]))];
        let fill = |r: &RouteDef| r.path.replace("{id}", &district.to_string());
        run_matrix(&app, &c, &rows, &users, &fill).await;

        // Each officer on each record.
        let id_of = |w: Who| {
            users
                .iter()
                .find(|(x, _)| *x == w)
                .map(|(_, id)| *id)
                .unwrap_or_default()
        };
        let post = |who: Who, doc: i64| {
            let (secret, csrf) = session(&app, id_of(who));
            TestRequest::post()
                .uri(&format!("/probe/documents/{doc}"))
                .insert_header(("Cookie", format!("vanban_session={secret}")))
                .insert_header(("X-CSRF-Token", csrf))
        };
        let officer = Who::Role("officer");
        let other = Who::OfficerOutOfScope;
        assert_eq!(c.send(post(officer, district)).await.status, 200);
        assert_eq!(c.send(post(officer, province)).await.status, 403);
        assert_eq!(c.send(post(officer, bac_lieu)).await.status, 403);
        assert_eq!(c.send(post(other, bac_lieu)).await.status, 200);
        assert_eq!(c.send(post(other, district)).await.status, 403);
        assert_eq!(c.send(post(Who::Role("admin"), province)).await.status, 200);
        assert_eq!(c.send(post(officer, 999_999)).await.status, 404);
        // Without its token, even in scope: refused.
        let (secret, _) = session(&app, id_of(officer));
        let r = c
            .send(
                TestRequest::post()
                    .uri(&format!("/probe/documents/{district}"))
                    .insert_header(("Cookie", format!("vanban_session={secret}"))),
            )
            .await;
        assert_eq!(r.status, 403);
        Ok(())
    }
);

db_test!(a_route_served_outside_the_table_is_refused, |app| {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static CALLED: AtomicUsize = AtomicUsize::new(0);
    async fn sneaky() -> actix_web::HttpResponse {
        CALLED.fetch_add(1, Ordering::SeqCst);
        actix_web::HttpResponse::Ok().finish()
    }
    let id = add_user(&app, "quantri", "admin", &[]);
    let (secret, csrf) = session(&app, id);
    let state = app.state().await;
    let c = crate::client!(vanban::vanban_app!(state)
        .route("/sneaky", actix_web::web::post().to(sneaky))
        .route("/documents", actix_web::web::post().to(sneaky)));
    for path in ["/sneaky", "/documents"] {
        let r = c
            .send(
                TestRequest::post()
                    .uri(path)
                    .insert_header(("Cookie", format!("vanban_session={secret}")))
                    .insert_header(("X-CSRF-Token", csrf.as_str())),
            )
            .await;
        assert_eq!(r.status, 405, "{path}: {}", r.body);
    }
    assert_eq!(CALLED.load(Ordering::SeqCst), 0);
    Ok(())
});
