//! Helpers for the account tests: accounts and sessions made directly in the database, and a
//! client that keeps one app service and reads whole responses.

use std::future::Future;
use std::pin::Pin;

use actix_web::http::header::HeaderMap;
use actix_web::test::{self, TestRequest};

use crate::helpers::TestApp;

/// A password that meets the rule.
pub const PASSWORD: &str = "gió đưa cành trúc la đà";

pub fn add_user(app: &TestApp, username: &str, role: &str, scope: &[&str]) -> i64 {
    let scope: Vec<String> = scope.iter().map(|s| s.to_string()).collect();
    vanban::auth::cli::add(&app.pool, username, role, &scope, None, PASSWORD)
        .unwrap_or_else(|e| panic!("add {username}: {e}"))
}

/// A live session for the user: (cookie secret, CSRF token).
pub fn session(app: &TestApp, user_id: i64) -> (String, String) {
    let mut conn = app.pool.get().unwrap();
    let (secret, row) =
        vanban::auth::session::create(&mut conn.db(), user_id, vanban::clock::now()).unwrap();
    (secret, row.csrf_token)
}

pub fn cookie(secret: &str) -> (&'static str, String) {
    ("Cookie", format!("vanban_session={secret}"))
}

pub fn audit_len(app: &TestApp) -> i64 {
    let mut conn = app.pool.get().unwrap();
    vanban::audit::head(&mut conn.db()).unwrap().0
}

/// Runs SQL on the test database (to age sessions, break things, count rows).
pub fn sql(app: &TestApp, q: &str) {
    use diesel::RunQueryDsl;
    let mut conn = app.pool.get().unwrap();
    vanban::with_db!(&mut conn.db(), c => diesel::sql_query(q).execute(c))
        .unwrap_or_else(|e| panic!("{q}: {e}"));
}

pub fn count(app: &TestApp, table: &str) -> i64 {
    use diesel::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut conn = app.pool.get().unwrap();
    let q = format!("SELECT COUNT(*) AS n FROM {table}");
    let n: N = vanban::with_db!(&mut conn.db(), c => diesel::sql_query(&q).get_result(c)).unwrap();
    n.n
}

/// The boundary of the multipart bodies the tests send.
pub const BOUNDARY: &str = "----vanbanTepGoc7MA4YWxkTrZu0gW";

/// One part of a multipart body: a short field, or a file (field `file`) with its name.
pub enum Part<'a> {
    Field(&'a str, &'a str),
    File(&'a str, &'a [u8]),
}

/// A multipart body of `parts`, in order (the upload forms and the files API).
pub fn multipart(parts: &[Part<'_>]) -> Vec<u8> {
    let mut b = Vec::new();
    for p in parts {
        match p {
            Part::Field(k, v) => b.extend_from_slice(
                format!(
                    "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
                )
                .as_bytes(),
            ),
            Part::File(name, bytes) => {
                b.extend_from_slice(
                    format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                        .as_bytes(),
                );
                b.extend_from_slice(bytes);
                b.extend_from_slice(b"\r\n");
            }
        }
    }
    b.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    b
}

/// The `Content-Type` header of a [`multipart`] body.
pub fn multipart_type() -> (&'static str, String) {
    (
        "Content-Type",
        format!("multipart/form-data; boundary={BOUNDARY}"),
    )
}

/// A whole response.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: String,
    /// The body as sent (for files that are not text).
    pub bytes: Vec<u8>,
}

impl Resp {
    pub async fn read<B: actix_web::body::MessageBody>(
        r: actix_web::dev::ServiceResponse<B>,
    ) -> Resp {
        let status = r.status().as_u16();
        let headers = r.headers().clone();
        let body = test::read_body(r).await;
        Resp {
            status,
            headers,
            body: String::from_utf8_lossy(&body).into_owned(),
            bytes: body.to_vec(),
        }
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(String::from)
    }

    pub fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all("set-cookie")
            .filter_map(|v| v.to_str().ok())
            .map(String::from)
            .collect()
    }

    /// The value a `Set-Cookie` gives to `name`.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.set_cookies().iter().find_map(|c| {
            let (k, rest) = c.split_once('=')?;
            (k == name).then(|| rest.split(';').next().unwrap_or("").to_string())
        })
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or(serde_json::Value::Null)
    }

    /// The value of a hidden form field named `name` (the first one).
    pub fn field(&self, name: &str) -> Option<String> {
        let marker = format!("name=\"{name}\" value=\"");
        let at = self.body.find(&marker)? + marker.len();
        Some(self.body[at..].split('"').next()?.to_string())
    }
}

type Call = Box<dyn Fn(TestRequest) -> Pin<Box<dyn Future<Output = Resp>>>>;

/// One app service for a whole test.
pub struct Client {
    call: Call,
}

/// A [`Client`] around any `App`.
#[macro_export]
macro_rules! client {
    ($app:expr) => {{
        let svc = std::rc::Rc::new(actix_web::test::init_service($app).await);
        $crate::authkit::Client::from_fn(Box::new(move |req: actix_web::test::TestRequest| {
            let svc = svc.clone();
            Box::pin(async move {
                $crate::authkit::Resp::read(
                    actix_web::test::call_service(&*svc, req.to_request()).await,
                )
                .await
            })
        }))
    }};
}

impl Client {
    pub fn from_fn(call: Call) -> Client {
        Client { call }
    }

    pub async fn new(app: &TestApp) -> Client {
        let state = app.state().await;
        client!(vanban::vanban_app!(state))
    }

    pub async fn with_state(state: vanban::app::AppState) -> Client {
        client!(vanban::vanban_app!(state))
    }

    pub async fn send(&self, req: TestRequest) -> Resp {
        (self.call)(req).await
    }

    /// The login form: its CSRF cookie value and token (the same).
    pub async fn login_form(&self) -> String {
        let r = self.send(TestRequest::get().uri("/login")).await;
        assert_eq!(r.status, 200, "{}", r.body);
        let token = r.field("csrf_token").unwrap_or_default();
        assert_eq!(r.cookie("vanban_csrf").as_deref(), Some(token.as_str()));
        token
    }

    /// Posts the login form (with a fresh pre-session token) and returns the answer.
    pub async fn login(&self, username: &str, password: &str, extra_cookie: Option<&str>) -> Resp {
        let csrf = self.login_form().await;
        self.login_with(&csrf, username, password, extra_cookie)
            .await
    }

    /// Posts the login form with a given pre-session token (cookie and field).
    pub async fn login_with(
        &self,
        csrf: &str,
        username: &str,
        password: &str,
        extra_cookie: Option<&str>,
    ) -> Resp {
        let mut cookies = format!("vanban_csrf={csrf}");
        if let Some(c) = extra_cookie {
            cookies.push_str("; ");
            cookies.push_str(c);
        }
        self.send(
            TestRequest::post()
                .uri("/login")
                .insert_header(("Cookie", cookies))
                .set_form([
                    ("csrf_token", csrf),
                    ("username", username),
                    ("password", password),
                    ("next", "/account"),
                ]),
        )
        .await
    }
}
