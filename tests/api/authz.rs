//! The authorisation matrix. Every route of the table × every kind of caller × spellings of
//! its path, written as raw request bytes to a real server (an HTTP client library could
//! normalise `%61` to `a` on its way), against an answer key kept here, apart from the route
//! table: a route missing from the key fails, and so does a route whose behaviour differs
//! from its line, whichever spelling reaches it.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;

use actix_web::test::TestRequest;
use vanban::auth::{Access, RecordOf, Role};
use vanban::db::DbPool;
use vanban::routes::{RouteDef, Verb, ROUTES};

use crate::authkit::{add_user, audit_len, session, Client};
use crate::db_test;
use crate::helpers::{TestApp, FIXTURE};

#[derive(Debug, Clone, Copy, PartialEq)]
enum Expect {
    /// Anyone, signed in or not.
    Anyone,
    /// Any signed-in user.
    SignedIn,
    /// Signed-in users of these roles, wherever their units are.
    Roles(&'static [&'static str]),
    /// Users of these roles whose units cover the record the path names.
    Scoped(&'static [&'static str]),
    /// Monitoring: an allowed address (the tests' loopback) or the metrics token.
    Monitor,
    /// Static files: the same for everyone, credentials not even read.
    Static,
}

use Expect::{Anyone, Monitor, Roles, Scoped, SignedIn, Static};

const REVIEWERS: &[&str] = &["admin", "officer"];
const MANAGERS: &[&str] = &["admin", "officer", "approver"];
const APPROVERS: &[&str] = &["approver", "admin"];
const INSPECTORS: &[&str] = &["inspector", "admin"];
const ADMINS: &[&str] = &["admin"];
/// The printable inspection report: inspectors, administrators and the unit's officers.
const REPORT_READERS: &[&str] = &["inspector", "admin", "officer"];

/// The answer key: who may use each route. Written by hand from the rules in README
/// ("Security model"), not generated from `src/routes.rs`. A route is `Scoped` when a request
/// without a body already meets the scope check (in the route guard, or first thing in the
/// handler); the other scoped writes check what their body names, and `tests/api/scope.rs`
/// proves those with real bodies.
const EXPECTED: &[(&str, &str, Expect)] = &[
    ("GET", "/", Anyone),
    ("GET", "/healthz", Anyone),
    ("GET", "/feeds/{name}.atom", Anyone),
    ("GET", "/eli/vn/{authority}/{type}/{year}/{number}", Anyone),
    (
        "GET",
        "/eli/vn/{authority}/{type}/{year}/{number}/{rest:.+}",
        Anyone,
    ),
    ("GET", "/readyz", Anyone),
    ("GET", "/metrics", Monitor),
    ("GET", "/documents", Anyone),
    // A new document from its signed file (issue 16): officers and administrators.
    ("GET", "/documents/new", Roles(REVIEWERS)),
    ("POST", "/documents/new", Roles(REVIEWERS)),
    ("POST", "/documents/new/confirm", Roles(REVIEWERS)),
    ("GET", "/documents/{id}/tac-dong/moi", Scoped(REVIEWERS)),
    ("POST", "/documents/{id}/tac-dong/moi", Scoped(REVIEWERS)),
    ("GET", "/documents/{id}", Anyone),
    // fl: a file attached to an existing document.
    ("GET", "/documents/{id}/tep/moi", Scoped(REVIEWERS)),
    ("POST", "/documents/{id}/tep/moi", Scoped(REVIEWERS)),
    ("GET", "/documents/{id}/{key:.+}", Anyone),
    // ed: edit and correct (officers within their units), versions (public), withdrawal.
    ("GET", "/documents/{id}/sua", Scoped(REVIEWERS)),
    ("POST", "/documents/{id}/sua", Scoped(REVIEWERS)),
    ("GET", "/documents/{id}/phien-ban", Anyone),
    ("GET", "/documents/{id}/rut", Roles(ADMINS)),
    ("POST", "/documents/{id}/rut", Roles(ADMINS)),
    ("GET", "/effects/{id}/sua", Roles(REVIEWERS)),
    ("POST", "/effects/{id}/sua", Roles(REVIEWERS)),
    ("POST", "/effects/{id}/rut", Roles(REVIEWERS)),
    ("GET", "/authorities", Anyone),
    ("GET", "/authorities/{id}", Anyone),
    ("GET", "/units", Anyone),
    ("GET", "/units/tim.json", Anyone),
    ("GET", "/units/{code}", Anyone),
    ("GET", "/thu-tuc-tai-xa", Anyone),
    ("GET", "/open-data/don-vi-hanh-chinh.jsonl", Anyone),
    ("GET", "/search", Anyone),
    ("GET", "/api/v1/search", Anyone),
    ("GET", "/static/vanban.css", Static),
    ("GET", "/static/favicon.svg", Static),
    ("GET", "/static/vanban.js", Static),
    ("GET", "/favicon.ico", Anyone),
    ("GET", "/api/v1/openapi.json", Anyone),
    ("GET", "/api", Anyone),
    ("GET", "/api/v1/documents", Anyone),
    ("GET", "/api/v1/documents/{id}", Anyone),
    ("GET", "/api/v1/documents/{id}/status", Anyone),
    ("GET", "/api/v1/audit/checkpoint", Anyone),
    ("GET", "/procedures", Anyone),
    ("GET", "/procedures/cong-bo", Anyone),
    ("GET", "/procedures/cong-bo/moi", Roles(REVIEWERS)),
    ("POST", "/procedures/cong-bo/moi", Roles(REVIEWERS)),
    ("POST", "/procedures/cong-bo/moi/luu", Roles(REVIEWERS)),
    ("GET", "/procedures/{code}", Anyone),
    // pf: a procedure's forms.
    ("GET", "/procedures/{code}/mau-don/moi", Scoped(REVIEWERS)),
    ("POST", "/procedures/{code}/mau-don/moi", Scoped(REVIEWERS)),
    ("GET", "/procedures/{code}/mau-don/{id}", Anyone),
    ("GET", "/admin/procedure-forms/{id}/withdraw", Roles(ADMINS)),
    (
        "POST",
        "/admin/procedure-forms/{id}/withdraw",
        Roles(ADMINS),
    ),
    ("GET", "/units/{code}/procedures", Anyone),
    ("GET", "/units/{code}/procedures/sheet", Anyone),
    ("GET", "/api/v1/procedures", Anyone),
    ("GET", "/api/v1/procedures/{code}", Anyone),
    ("GET", "/api/v1/units/{code}/procedures", Anyone),
    ("GET", "/api/v1/units/{code}/completeness", Anyone),
    ("GET", "/units/{code}/completeness", Anyone),
    ("GET", "/units/{code}/inspections", SignedIn),
    ("GET", "/units/{code}/inspections/new", Scoped(INSPECTORS)),
    (
        "GET",
        "/units/{code}/inspections/{id}/bien-ban",
        Scoped(REPORT_READERS),
    ),
    ("GET", "/units/{code}/niem-yet", Scoped(REVIEWERS)),
    ("POST", "/units/{code}/niem-yet", Scoped(REVIEWERS)),
    ("GET", "/units/{code}/lien-he", Scoped(REVIEWERS)),
    ("POST", "/units/{code}/lien-he", Scoped(REVIEWERS)),
    ("GET", "/units/{code}/ho-so", Scoped(REVIEWERS)),
    ("POST", "/units/{code}/ho-so", Scoped(REVIEWERS)),
    ("POST", "/units/{code}/ho-so/tep", Scoped(REVIEWERS)),
    ("GET", "/api/v1/units/{code}/postings", Scoped(REVIEWERS)),
    ("POST", "/api/v1/units/{code}/postings", Scoped(REVIEWERS)),
    (
        "GET",
        "/api/v1/units/{code}/dossier-counts",
        Scoped(REVIEWERS),
    ),
    (
        "POST",
        "/api/v1/units/{code}/dossier-counts",
        Scoped(REVIEWERS),
    ),
    ("POST", "/inspections", Roles(INSPECTORS)),
    ("GET", "/inspections/{id}", SignedIn),
    ("GET", "/units/{code}/scorecard", SignedIn),
    ("GET", "/scorecard", SignedIn),
    ("POST", "/api/v1/inspections", Roles(INSPECTORS)),
    ("GET", "/api/v1/inspections/{id}", SignedIn),
    ("GET", "/api/v1/units/{code}/inspections", SignedIn),
    ("GET", "/api/v1/units/{code}/scorecard", SignedIn),
    ("GET", "/api/v1/scorecard", SignedIn),
    ("POST", "/api/v1/records", Roles(REVIEWERS)),
    ("GET", "/campaigns", SignedIn),
    ("POST", "/campaigns", Roles(MANAGERS)),
    ("GET", "/campaigns/{id}", SignedIn),
    ("GET", "/campaigns/{id}/register.{format}", SignedIn),
    ("POST", "/campaigns/{id}/register", Roles(REVIEWERS)),
    ("POST", "/campaigns/{id}/start", Scoped(MANAGERS)),
    ("POST", "/campaigns/{id}/decisions", Roles(REVIEWERS)),
    ("POST", "/campaigns/{id}/assignments", Roles(MANAGERS)),
    ("POST", "/decisions/{id}/approve", Roles(APPROVERS)),
    ("POST", "/decisions/{id}/return", Roles(APPROVERS)),
    ("POST", "/decisions/{id}/stages", Roles(REVIEWERS)),
    ("POST", "/decisions/{id}/close", Roles(REVIEWERS)),
    ("POST", "/api/v1/campaigns", Roles(MANAGERS)),
    ("GET", "/api/v1/campaigns/{id}", SignedIn),
    ("POST", "/api/v1/campaigns/{id}/start", Scoped(MANAGERS)),
    (
        "POST",
        "/api/v1/campaigns/{id}/assignments",
        Roles(MANAGERS),
    ),
    ("POST", "/api/v1/campaigns/{id}/register", Roles(REVIEWERS)),
    ("POST", "/api/v1/campaigns/{id}/decisions", Roles(REVIEWERS)),
    ("GET", "/api/v1/decisions/{id}", SignedIn),
    ("POST", "/api/v1/decisions/{id}/approve", Scoped(APPROVERS)),
    ("POST", "/api/v1/decisions/{id}/return", Roles(APPROVERS)),
    ("POST", "/api/v1/decisions/{id}/stages", Roles(REVIEWERS)),
    ("POST", "/api/v1/decisions/{id}/close", Roles(REVIEWERS)),
    ("GET", "/annual-lists/{year}", Anyone),
    ("POST", "/annual-lists/{year}/publish", Roles(APPROVERS)),
    ("GET", "/api/v1/annual-lists/{year}", Anyone),
    ("GET", "/login", Anyone),
    ("POST", "/login", Anyone),
    ("POST", "/logout", SignedIn),
    ("GET", "/account", SignedIn),
    ("GET", "/viec-cua-toi", SignedIn),
    ("POST", "/account/password", SignedIn),
    ("POST", "/account/tokens", SignedIn),
    ("POST", "/account/tokens/{id}/revoke", SignedIn),
    ("GET", "/api/v1/me", SignedIn),
    ("DELETE", "/api/v1/me/tokens/{id}", SignedIn),
    ("GET", "/admin/users", Roles(ADMINS)),
    ("POST", "/admin/users", Roles(ADMINS)),
    ("GET", "/admin/users/{id}", Roles(ADMINS)),
    ("POST", "/admin/users/{id}", Roles(ADMINS)),
    ("POST", "/admin/users/{id}/password", Roles(ADMINS)),
    ("POST", "/admin/users/{id}/disable", Roles(ADMINS)),
    ("POST", "/admin/users/{id}/enable", Roles(ADMINS)),
    // of: the originals of documents.
    ("GET", "/api/v1/documents/{id}/files", Anyone),
    ("POST", "/api/v1/documents/{id}/files", Scoped(REVIEWERS)),
    (
        "POST",
        "/api/v1/documents/{id}/files/{file}/withdraw",
        Roles(ADMINS),
    ),
    ("GET", "/admin/files/{id}/withdraw", Roles(ADMINS)),
    ("POST", "/admin/files/{id}/withdraw", Roles(ADMINS)),
];

/// Who asks.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Who {
    Anonymous,
    /// A session of a user of this role whose units cover the records used.
    Session(&'static str),
    /// A session of a user of this role whose units (Bạc Liêu) do not.
    OutOfScope(&'static str),
    /// An API token of the in-scope user of this role.
    Token(&'static str),
    /// The session of an account disabled since it signed in.
    DisabledSession,
    /// An API token of that account.
    DisabledToken,
}

const ROLES: [&str; 4] = ["admin", "officer", "approver", "inspector"];

fn callers() -> Vec<Who> {
    let mut v = vec![Who::Anonymous];
    for r in ROLES {
        v.extend([Who::Session(r), Who::OutOfScope(r), Who::Token(r)]);
    }
    v.extend([Who::DisabledSession, Who::DisabledToken]);
    v
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Outcome {
    Allowed,
    Unauthenticated,
    Forbidden,
    /// No route took the path (404, 400 or 405 before any handler).
    NotRouted,
}

fn expected(e: Expect, who: Who) -> Outcome {
    let (role, in_scope) = match who {
        // A token that no longer works is refused whatever the route.
        Who::DisabledToken if e != Monitor && e != Static => return Outcome::Unauthenticated,
        Who::Anonymous | Who::DisabledSession | Who::DisabledToken => (None, false),
        Who::Session(r) | Who::Token(r) => (Some(r), true),
        Who::OutOfScope(r) => (Some(r), false),
    };
    match (e, role) {
        (Anyone | Monitor | Static, _) => Outcome::Allowed,
        (_, None) => Outcome::Unauthenticated,
        (SignedIn, Some(_)) => Outcome::Allowed,
        (Roles(rs), Some(r)) if rs.contains(&r) => Outcome::Allowed,
        (Scoped(rs), Some(r)) if rs.contains(&r) && in_scope => Outcome::Allowed,
        (_, Some(_)) => Outcome::Forbidden,
    }
}

/// A whole answer read off the socket.
#[derive(Debug)]
struct Raw {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Raw {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn code(&self) -> String {
        serde_json::from_str::<serde_json::Value>(&self.body)
            .ok()
            .and_then(|v| v["code"].as_str().map(String::from))
            .unwrap_or_default()
    }
}

/// An HTTP/1.1 client over one kept-alive connection that writes requests byte for byte.
struct RawClient {
    port: u16,
    conn: Option<BufReader<TcpStream>>,
}

impl RawClient {
    fn new(port: u16) -> RawClient {
        RawClient { port, conn: None }
    }

    fn send(&mut self, request: &[u8], head: bool) -> Raw {
        for attempt in 0..2 {
            if self.conn.is_none() {
                let s = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
                s.set_nodelay(true).unwrap();
                self.conn = Some(BufReader::new(s));
            }
            let conn = self.conn.as_mut().unwrap();
            if conn.get_mut().write_all(request).is_ok() {
                if let Some(r) = read_response(conn, head) {
                    if r.header("connection")
                        .is_some_and(|c| c.eq_ignore_ascii_case("close"))
                    {
                        self.conn = None;
                    }
                    return r;
                }
            }
            // The server closed a kept-alive connection: once more on a new one.
            self.conn = None;
            assert_eq!(
                attempt,
                0,
                "no answer to {}",
                String::from_utf8_lossy(request)
            );
        }
        unreachable!()
    }
}

fn read_response(conn: &mut BufReader<TcpStream>, head: bool) -> Option<Raw> {
    let mut line = String::new();
    if conn.read_line(&mut line).ok()? == 0 {
        return None;
    }
    let status: u16 = line.split_whitespace().nth(1)?.parse().ok()?;
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        conn.read_line(&mut h).ok()?;
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        let (k, v) = h.split_once(':')?;
        headers.push((k.trim().to_string(), v.trim().to_string()));
    }
    let get = |n: &str| {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(n))
            .map(|(_, v): &(String, String)| v.clone())
    };
    let mut body = Vec::new();
    if !head && status != 304 && status != 204 {
        if get("transfer-encoding").is_some_and(|t| t.contains("chunked")) {
            loop {
                let mut size = String::new();
                conn.read_line(&mut size).ok()?;
                let n = usize::from_str_radix(size.trim(), 16).ok()?;
                let mut chunk = vec![0; n + 2];
                conn.read_exact(&mut chunk).ok()?;
                if n == 0 {
                    break;
                }
                body.extend_from_slice(&chunk[..n]);
            }
        } else if let Some(n) = get("content-length").and_then(|v| v.parse::<usize>().ok()) {
            body = vec![0; n];
            conn.read_exact(&mut body).ok()?;
        } else {
            conn.read_to_end(&mut body).ok()?;
        }
    }
    Some(Raw {
        status,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

/// Spellings of a path: `(spelling, same)`, where `same` says the router must take it for the
/// same route (letters percent-encoded), and otherwise it may also be no route at all.
fn spellings(path: &str) -> Vec<(String, bool)> {
    let enc = |s: &str, upper: bool| -> String {
        s.chars()
            .map(|c| {
                if c.is_ascii_alphabetic() {
                    if upper {
                        format!("%{:02X}", c as u32)
                    } else {
                        format!("%{:02x}", c as u32)
                    }
                } else {
                    c.to_string()
                }
            })
            .collect()
    };
    let segs: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let mut out = vec![(path.to_string(), true)];
    // Each segment with its letters percent-encoded, and then the whole path.
    for i in 0..segs.len() {
        if !segs[i].chars().any(|c| c.is_ascii_alphabetic()) {
            continue;
        }
        let mut s = segs.clone();
        let e = enc(segs[i], i % 2 == 1);
        s[i] = &e;
        out.push((format!("/{}", s.join("/")), true));
    }
    out.push((enc(path, true), true));
    let first = segs[0];
    let rest = segs[1..].join("/");
    let tail = if rest.is_empty() {
        String::new()
    } else {
        format!("/{rest}")
    };
    if !rest.is_empty() {
        out.push((format!("/{first}%2F{rest}"), false));
        out.push((format!("/{first}%2f{rest}"), false));
        out.push((format!("/{first}/./{rest}"), false));
        out.push((format!("/{first}//{rest}"), false));
    }
    out.push((
        format!("/{path}", path = path.trim_start_matches('/')).replacen('/', "//", 1),
        false,
    ));
    out.push((format!("{path}/"), false));
    out.push((format!("/x/..{path}"), false));
    out.push((format!("/{}{tail}", first.to_uppercase()), false));
    out.push((format!("/{first};v=1{tail}"), false));
    out.push((format!("{path};v=1"), false));
    out.dedup();
    out
}

/// The data the matrix acts on, and the callers' credentials.
struct World {
    pool: DbPool,
    port: u16,
    /// (who, user id, session secret, CSRF token, API token)
    callers: Vec<(Who, i64, String, String, Option<String>)>,
    fill: Vec<(&'static str, String)>,
}

fn new_session(pool: &DbPool, user: i64) -> (String, String) {
    let mut conn = pool.get().unwrap();
    let (secret, row) =
        vanban::auth::session::create(&mut conn.db(), user, vanban::clock::now()).unwrap();
    (secret, row.csrf_token)
}

fn head_seq(pool: &DbPool) -> i64 {
    let mut conn = pool.get().unwrap();
    vanban::audit::head(&mut conn.db()).unwrap().0
}

impl World {
    fn path_of(&self, route: &RouteDef) -> String {
        let mut p = route.path.to_string();
        for (k, v) in &self.fill {
            p = p.replace(k, v);
        }
        assert!(
            !p.contains('{'),
            "no value for a parameter of {}",
            route.path
        );
        p
    }

    fn request(&self, route: &RouteDef, path: &str, who: Who, login_csrf: &str) -> Vec<u8> {
        let method = route.method.as_str();
        let mut head = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        let entry = self.callers.iter().find(|c| c.0 == who);
        let mut csrf = None;
        let mut cookies = Vec::new();
        match (who, entry) {
            (Who::Token(_) | Who::DisabledToken, Some((_, _, _, _, Some(t)))) => {
                head.push_str(&format!("Authorization: Bearer {t}\r\n"));
            }
            (Who::Anonymous, _) => {}
            (_, Some((_, _, secret, token, _))) => {
                cookies.push(format!("vanban_session={secret}"));
                csrf = Some(token.clone());
            }
            (w, None) => panic!("no credentials for {w:?}"),
        }
        if route.access == Access::Public && route.method.changes_state() {
            cookies.push(format!("vanban_csrf={login_csrf}"));
            csrf = Some(login_csrf.to_string());
        }
        if !cookies.is_empty() {
            head.push_str(&format!("Cookie: {}\r\n", cookies.join("; ")));
        }
        if route.method.changes_state() {
            if let Some(t) = csrf {
                head.push_str(&format!("X-CSRF-Token: {t}\r\n"));
            }
            head.push_str("Content-Length: 0\r\n");
        }
        head.push_str("\r\n");
        head.into_bytes()
    }

    /// After a write that went through, the caller gets a fresh session (a logout ends it).
    fn renew(&mut self, who: Who) {
        let pool = self.pool.clone();
        if let Some(c) = self.callers.iter_mut().find(|c| c.0 == who) {
            if matches!(who, Who::Session(_) | Who::OutOfScope(_)) {
                let (s, t) = new_session(&pool, c.1);
                c.2 = s;
                c.3 = t;
            }
        }
    }
}

fn observed(route: &RouteDef, who: Who, r: &Raw, same: bool) -> Outcome {
    let api = route.path.starts_with("/api/");
    let problem = api || matches!(who, Who::Token(_) | Who::DisabledToken);
    match r.status {
        401 => {
            assert!(problem, "pages redirect to the login form instead of 401");
            assert!(
                ["unauthenticated", "invalid_token"].contains(&r.code().as_str()),
                "{}",
                r.body
            );
            Outcome::Unauthenticated
        }
        303 if r
            .header("location")
            .is_some_and(|l| l.starts_with("/login")) =>
        {
            assert!(!problem, "the API answers 401, not a redirect");
            Outcome::Unauthenticated
        }
        403 => {
            if problem {
                assert_ne!(r.code(), "csrf", "{}", r.body);
                assert!(!r.code().is_empty(), "{}", r.body);
            } else {
                assert!(r.body.contains("Không có quyền"), "{}", r.body);
            }
            Outcome::Forbidden
        }
        400 | 404 | 405 if !same => Outcome::NotRouted,
        s => {
            assert!(s < 500, "{s} {}", r.body);
            Outcome::Allowed
        }
    }
}

/// Runs every cell of `rows`; the number of requests sent.
fn run_matrix(world: &mut World, rows: &[(&'static RouteDef, Expect)]) -> usize {
    let mut client = RawClient::new(world.port);
    // The login form's pre-session token, for the one public write.
    let login = client.send(b"GET /login HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", false);
    let login_csrf = login
        .header("set-cookie")
        .and_then(|c| c.strip_prefix("vanban_csrf="))
        .and_then(|c| c.split(';').next())
        .unwrap_or_default()
        .to_string();
    assert!(!login_csrf.is_empty(), "{:?}", login.headers);
    let all = callers();
    let mut sent = 0;
    // Every cell that differs from the key, reported together.
    let mut wrong: Vec<String> = Vec::new();
    for (route, expect) in rows {
        let canonical = world.path_of(route);
        let public_read = matches!(expect, Anyone | Static) && !route.method.changes_state();
        for (spelling, same) in spellings(&canonical) {
            for who in &all {
                // Public pages: every caller on the canonical path, the anonymous on all.
                if public_read && spelling != canonical && *who != Who::Anonymous {
                    continue;
                }
                let want = expected(*expect, *who);
                let before = head_seq(&world.pool);
                let bytes = world.request(route, &spelling, *who, &login_csrf);
                let r = client.send(&bytes, route.method.as_str() == "HEAD");
                sent += 1;
                let got = observed(route, *who, &r, same);
                let ctx = format!(
                    "{} {spelling} as {who:?}: expected {want:?}, got {got:?}: {} {}",
                    route.method.as_str(),
                    r.status,
                    r.body.chars().take(200).collect::<String>()
                );
                // Another spelling may also be no route at all; an invalid token is refused
                // before any route is looked at.
                let refused_token = *who == Who::DisabledToken && got == Outcome::Unauthenticated;
                let fits = got == want || (!same && (got == Outcome::NotRouted || refused_token));
                if !fits {
                    wrong.push(ctx.clone());
                }
                if want != Outcome::Allowed {
                    assert_eq!(head_seq(&world.pool), before, "{ctx}: wrote");
                } else if route.method.changes_state() {
                    world.renew(*who);
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} cells differ from the answer key:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    sent
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

fn token_of(app: &TestApp, user: i64) -> String {
    let mut conn = app.pool.get().unwrap();
    conn.write(|db| vanban::auth::tokens::create(db, "matrix", user, "tests", vanban::clock::now()))
        .unwrap()
        .1
}

/// The rows of the table with their line of the key; a route without one fails.
fn rows() -> Vec<(&'static RouteDef, Expect)> {
    let mut rows = Vec::new();
    for route in ROUTES {
        let line = EXPECTED
            .iter()
            .find(|(m, p, _)| *m == route.method.as_str() && *p == route.path);
        let Some((_, _, expect)) = line else {
            panic!("{route:?} is not in the answer key: add the access it must have to EXPECTED");
        };
        rows.push((route, *expect));
    }
    for (m, p, _) in EXPECTED {
        assert!(
            ROUTES
                .iter()
                .any(|r| r.method.as_str() == *m && r.path == *p),
            "{m} {p} is in the answer key but not in the route table"
        );
    }
    rows
}

db_test!(
    authorisation_matrix_every_route_caller_and_spelling,
    |app| {
        app.import_str("f.jsonl", FIXTURE)?;
        app.import_str(
            "p.jsonl",
            &crate::procedure_forms::procedure_line("9.900001", "UBND-32200"),
        )?;
        // In scope: Xã Đầm Dơi, which took over the district of Đầm Dơi (970). Out of scope:
        // Bạc Liêu.
        let mut callers = Vec::new();
        for role in ROLES {
            let id = add_user(&app, role, role, &["32200"]);
            let (s, t) = session(&app, id);
            callers.push((Who::Session(role), id, s.clone(), t.clone(), None));
            callers.push((Who::Token(role), id, s, t, Some(token_of(&app, id))));
            let out = add_user(&app, &format!("{role}.baclieu"), role, &["95"]);
            let (s, t) = session(&app, out);
            callers.push((Who::OutOfScope(role), out, s, t, None));
        }
        let gone = add_user(&app, "daroi", "admin", &[]);
        let (s, t) = session(&app, gone);
        let tok = token_of(&app, gone);
        crate::authkit::sql(
            &app,
            &format!("UPDATE users SET disabled = TRUE WHERE id = {gone}"),
        );
        callers.push((Who::DisabledSession, gone, s.clone(), t.clone(), None));
        callers.push((Who::DisabledToken, gone, s, t, Some(tok)));

        // Records in the in-scope units: a started campaign over the former district's
        // documents and a decision proposed in it.
        let c = Client::new(&app).await;
        let officer_token = callers
            .iter()
            .find(|c| c.0 == Who::Token("officer"))
            .and_then(|c| c.4.clone())
            .unwrap();
        let cid = crate::review::campaign_of(&c, &officer_token, 1).await;
        let doc = doc_id(&app, "12/2021/QĐ-UBND");
        let decision = crate::review::propose(
            &c,
            &officer_token,
            cid,
            serde_json::json!({"document_id": doc, "kind": "keep", "reason": "Còn phù hợp"}),
        )
        .await;
        let target = add_user(&app, "muctieu", "inspector", &[]);

        let state = app.state().await;
        let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        let port = listener.local_addr()?.port();
        let server = actix_web::HttpServer::new(move || vanban::vanban_app!(state.clone()))
            .workers(2)
            .listen(listener)?
            .run();
        let handle = server.handle();
        actix_web::rt::spawn(server);

        let mut world = World {
            pool: app.pool.clone(),
            port,
            callers,
            fill: vec![
                ("{name}", "documents".into()),
                ("{authority}", "ubnd.huyen-dam-doi".into()),
                ("{type}", "quyet-dinh".into()),
                ("{year}", "2021".into()),
                ("{number}", "12".into()),
                ("{rest:.+}", "dieu-1".into()),
                ("{key:.+}", "dieu-1".into()),
                // A procedure announced by the in-scope commune (its forms' routes).
                ("/procedures/{code}", "/procedures/9.900001".into()),
                ("/mau-don/{id}", "/mau-don/999999".into()),
                ("{code}", "32200".into()),
                ("{format}", "csv".into()),
                ("/campaigns/{id}", format!("/campaigns/{cid}")),
                ("/decisions/{id}", format!("/decisions/{decision}")),
                ("/documents/{id}", format!("/documents/{doc}")),
                ("/effects/{id}", "/effects/1".into()),
                ("/tokens/{id}", "/tokens/999999".into()),
                ("/users/{id}", format!("/users/{target}")),
                ("/inspections/{id}", "/inspections/999999".into()),
                ("/authorities/{id}", "/authorities/1".into()),
                ("/files/{id}", "/files/999999".into()),
                ("/procedure-forms/{id}", "/procedure-forms/999999".into()),
                ("{file}", "999999".into()),
            ],
        };
        let rows = rows();
        let started = std::time::Instant::now();
        let sent = actix_web::rt::task::spawn_blocking(move || {
            let n = run_matrix(&mut world, &rows);
            (n, rows.len())
        })
        .await;
        handle.stop(false).await;
        let (sent, routes) = sent.unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()));
        assert_eq!(routes, ROUTES.len());
        assert!(sent > ROUTES.len() * 15, "{sent} requests");
        println!(
            "authorisation matrix: {sent} requests in {:.1?}",
            started.elapsed()
        );
        Ok(())
    }
);

/// The probe: a scoped route run through the same front, registration and route guard.
async fn probe() -> actix_web::HttpResponse {
    actix_web::HttpResponse::Ok().body("écrit")
}

static PROBE: &[RouteDef] = &[RouteDef {
    method: Verb::Post,
    path: "/probe/documents/{id}",
    access: Access::Scoped(&[Role::Admin, Role::Officer], RecordOf::Document("id")),
    answers: vanban::routes::Answers::Write,
    max_body: 1024,
    handler: |r| r.to(probe),
}];

db_test!(
    scoped_routes_check_the_record_against_the_users_units,
    |app| {
        app.import_str("f.jsonl", FIXTURE)?;
        let state = app.state().await;
        let c = crate::client!(actix_web::App::new()
            .app_data(actix_web::web::Data::new(state))
            .app_data(actix_web::web::Data::new(
                vanban::routes::guard::RouteIndex::new(PROBE)
            ))
            .wrap(actix_web::middleware::from_fn(vanban::routes::guard::front))
            .configure(|cfg| vanban::routes::register(cfg, PROBE)));
        let district = doc_id(&app, "12/2021/QĐ-UBND");
        let province = doc_id(&app, "15/2018/NQ-HĐND");
        let bac_lieu = doc_id(&app, "03/2019/NQ-HĐND");
        let officer = add_user(&app, "canbo", "officer", &["32200"]);
        let other = add_user(&app, "canbo.baclieu", "officer", &["95"]);
        let admin = add_user(&app, "quantri", "admin", &[]);
        let inspector = add_user(&app, "thanhtra", "inspector", &[]);
        let post = |user: i64, doc: &str| {
            let (secret, csrf) = session(&app, user);
            TestRequest::post()
                .uri(&format!("/probe/documents/{doc}"))
                .insert_header(("Cookie", format!("vanban_session={secret}")))
                .insert_header(("X-CSRF-Token", csrf))
        };
        let d = |id: i64| id.to_string();
        assert_eq!(c.send(post(officer, &d(district))).await.status, 200);
        assert_eq!(c.send(post(officer, &d(province))).await.status, 403);
        assert_eq!(c.send(post(officer, &d(bac_lieu))).await.status, 403);
        assert_eq!(c.send(post(other, &d(bac_lieu))).await.status, 200);
        assert_eq!(c.send(post(other, &d(district))).await.status, 403);
        assert_eq!(c.send(post(admin, &d(province))).await.status, 200);
        assert_eq!(c.send(post(inspector, &d(district))).await.status, 403);
        assert_eq!(c.send(post(officer, "999999")).await.status, 404);
        // The record the router captured is the one checked, however the path spells it.
        let spelled: String = province
            .to_string()
            .bytes()
            .map(|b| format!("%{b:02X}"))
            .collect();
        assert_eq!(c.send(post(officer, &spelled)).await.status, 403);
        assert_eq!(c.send(post(admin, &spelled)).await.status, 200);
        let r = c
            .send(
                TestRequest::post()
                    .uri(&format!("/pr%6Fbe/documents/{province}"))
                    .insert_header((
                        "Cookie",
                        format!("vanban_session={}", session(&app, officer).0),
                    ))
                    .insert_header(("X-CSRF-Token", session(&app, officer).1)),
            )
            .await;
        assert_eq!(r.status, 403, "{}", r.body);
        // Without its token, even in scope: refused.
        let (secret, _) = session(&app, officer);
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
    for path in ["/sneaky", "/documents", "/%73neaky", "/%64ocuments"] {
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
    let _ = audit_len(&app);
    Ok(())
});

db_test!(
    no_body_is_read_before_the_route_and_the_caller_are_accepted,
    |app| {
        app.import_str("f.jsonl", FIXTURE)?;
        let officer = add_user(&app, "canbo", "officer", &["32200"]);
        let (secret, csrf) = session(&app, officer);
        let state = app.state().await;
        let c = Client::with_state(state).await;
        let big = "x".repeat(200 * 1024);
        // No route: 404, whatever the body.
        let r = c
            .send(
                TestRequest::post()
                    .uri("/khong-co")
                    .insert_header(("Content-Type", "multipart/form-data; boundary=b"))
                    .set_payload(big.clone()),
            )
            .await;
        assert_eq!(r.status, 404, "{}", r.body);
        // Anonymous on a protected write: refused before the body (a redirect, not a 413).
        let r = c
            .send(
                TestRequest::post()
                    .uri("/campaigns/1/register")
                    .insert_header(("Content-Type", "multipart/form-data; boundary=b"))
                    .set_payload(big.clone()),
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        // The login form takes a small form only: 413 from its declared length.
        let r = c
            .send(
                TestRequest::post()
                    .uri("/login")
                    .insert_header(("Content-Type", "multipart/form-data; boundary=b"))
                    .set_payload(big.clone()),
            )
            .await;
        assert_eq!(r.status, 413, "{}", r.body);
        // Signed in, allowed, but over the route's own bound.
        let r = c
            .send(
                TestRequest::post()
                    .uri("/campaigns")
                    .insert_header(("Cookie", format!("vanban_session={secret}")))
                    .insert_header(("X-CSRF-Token", csrf.as_str()))
                    .insert_header(("Content-Type", "application/x-www-form-urlencoded"))
                    .set_payload(format!("name={big}")),
            )
            .await;
        assert_eq!(r.status, 413, "{}", r.body);
        Ok(())
    }
);
