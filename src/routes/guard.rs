//! Access control in two layers, both in front of every handler.
//!
//! **The front** (`front`, an app-wide middleware) runs before routing. It refuses a path with
//! a control character (400), decides how the request arrived (HTTPS directly or at a trusted
//! proxy, or plain http on loopback), the client's address and the server's origin (forwarded
//! headers count only from `trusted_proxies`), and who is asking (a bearer API token, else the
//! session cookie). It reads no body and decides no access: it only refuses a path that some
//! registered resource serves but the route table does not list for this method (405), so a
//! handler registered outside the table cannot be reached.
//!
//! **The route guard** (`route`) is attached by `routes::register` to each resource of the
//! route table, with that route's own rule: it runs only once the router has matched the
//! route, so access follows from what matched, never from how the path is spelled. It
//! checks where a state-changing request comes from (`Sec-Fetch-Site`, `Origin`), applies the
//! rule (anonymous → login page or 401; wrong role or a record outside the user's scope, read
//! from the router's own captures → 403), bounds the body (the route's largest body, a read
//! timeout, a budget of bodies held at once, one large body at a time) and only then reads a
//! form for its CSRF token — a multipart form only as far as its first part, where the forms
//! put the token, so a file is never held for the check.
//!
//! The front adds `Cache-Control: no-store` (signed-in requests and the login page) and HSTS
//! (HTTPS) to every answer, refusals included.

use std::net::IpAddr;
use std::rc::Rc;
use std::sync::Arc;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ResourceDef, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderMap, HeaderValue};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest, HttpResponse, ResponseError};
use futures_util::StreamExt;

use super::RouteDef;
use crate::app::AppState;
use crate::auth::roles::{Access, Decision, RecordOf};
use crate::auth::viewer::{self, Viewer};
use crate::auth::{csrf, session, Principal, RequestInfo, Security, Transport, Via};
use crate::auth::{Actor, MaybeActor};
use crate::error::AppError;

/// The largest form body a route accepts unless its table entry says otherwise (also
/// `FormConfig`'s limit); larger ones get 413 before anything is read.
pub const FORM_LIMIT: usize = 64 * 1024;
/// The route table, compiled for matching: which routes serve a path the router sees.
pub struct RouteIndex {
    entries: Vec<(&'static RouteDef, ResourceDef)>,
}

impl RouteIndex {
    pub fn new(routes: &'static [RouteDef]) -> RouteIndex {
        RouteIndex {
            entries: routes
                .iter()
                .map(|r| (r, ResourceDef::new(r.path)))
                .collect(),
        }
    }

    /// The first route for this method whose pattern matches the router's path (percent
    /// decoded as the router decodes it), as the router picks it.
    pub fn find(&self, method: &Method, path: &str) -> Option<&'static RouteDef> {
        self.entries
            .iter()
            .find(|(r, def)| r.method.matches(method) && def.is_match(path))
            .map(|(r, _)| *r)
    }
}

/// How the request arrived. `X-Forwarded-Proto` counts only from a trusted proxy.
pub fn transport(
    tls: bool,
    peer: Option<IpAddr>,
    forwarded_proto: Option<&str>,
    sec: &Security,
) -> Transport {
    let proxied_https = peer.is_some_and(|p| sec.trusted_proxies.contains(&p))
        && forwarded_proto
            .and_then(|v| v.split(',').next())
            .is_some_and(|p| p.trim().eq_ignore_ascii_case("https"));
    if tls || proxied_https {
        Transport::Https
    } else if sec.loopback {
        Transport::LoopbackHttp
    } else {
        Transport::PlainHttp
    }
}

/// The client's address: the peer, or behind trusted proxies the right-most
/// `X-Forwarded-For` entry that is not itself a trusted proxy (entries further left are
/// written by the client and cannot be believed).
pub fn client_ip(peer: Option<IpAddr>, forwarded_for: Option<&str>, trusted: &[IpAddr]) -> String {
    let Some(peer) = peer else {
        return "unknown".into();
    };
    if trusted.contains(&peer) {
        if let Some(xff) = forwarded_for {
            for part in xff.rsplit(',') {
                match part.trim().parse::<IpAddr>() {
                    Ok(ip) if trusted.contains(&ip) => continue,
                    Ok(ip) => return ip.to_string(),
                    Err(_) => break,
                }
            }
        }
    }
    peer.to_string()
}

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// The server's origin as the browser sees it.
fn expected_origin(req: &ServiceRequest, transport: Transport, trusted_peer: bool) -> String {
    let forwarded_host = if trusted_peer {
        header_str(req.headers(), "x-forwarded-host")
    } else {
        None
    };
    let host = forwarded_host
        .or_else(|| header_str(req.headers(), "host"))
        .map(String::from)
        .or_else(|| req.uri().authority().map(|a| a.to_string()))
        .unwrap_or_else(|| req.app_config().host().to_string());
    let scheme = if transport.secure() { "https" } else { "http" };
    format!("{scheme}://{host}")
}

/// `Authorization: Bearer …`, if that is the scheme used.
fn bearer(headers: &HeaderMap) -> Option<String> {
    let v = header_str(headers, "authorization")?;
    let (scheme, token) = v.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_string())
}

/// Request facts that shape every response, refusals included.
struct Finish {
    transport: Transport,
    signed_in: bool,
    no_store_path: bool,
    static_path: bool,
    stale_cookie: bool,
}

impl Finish {
    fn apply(&self, headers: &mut HeaderMap) {
        if (self.signed_in || self.no_store_path || self.stale_cookie) && !self.static_path {
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        }
        if self.transport.secure() {
            headers.insert(
                header::STRICT_TRANSPORT_SECURITY,
                HeaderValue::from_static("max-age=31536000"),
            );
        }
        if self.stale_cookie {
            let c = session::clear_cookie(self.transport.session_cookie(), self.transport.secure());
            if let Ok(v) = HeaderValue::from_str(&c) {
                headers.append(header::SET_COOKIE, v);
            }
        }
    }

    fn respond(&self, req: ServiceRequest, res: HttpResponse) -> ServiceResponse<BoxBody> {
        let mut res = req.into_response(res);
        self.apply(res.headers_mut());
        res
    }
}

/// An error as a problem document (API, token clients) or a page.
fn refusal(e: &AppError, problem: bool, viewer: Option<Rc<Viewer>>) -> HttpResponse {
    let mut res = if problem {
        e.error_response()
    } else {
        viewer::with(viewer, || crate::web::error_page(e))
    };
    if matches!(e, AppError::Unauthenticated | AppError::InvalidToken) && problem {
        res.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"vanban\""),
        );
    }
    res
}

fn login_redirect(req: &ServiceRequest) -> HttpResponse {
    let to = if req.method() == Method::GET {
        let target = req
            .uri()
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_else(|| "/".into());
        format!("/login?next={}", crate::web::public::urlencode(&target))
    } else {
        "/login".to_string()
    };
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, to))
        .finish()
}

/// The unit of the record a scoped route names: `Ok(None)` when there is no such record,
/// `Ok(Some(None))` for a record of a central authority (no unit).
fn record_unit(
    db: &mut crate::db::Db<'_>,
    record: RecordOf,
    value: &str,
) -> Result<Option<Option<i64>>, AppError> {
    use crate::db::scope;
    let id = || value.parse::<i64>().ok();
    Ok(match record {
        RecordOf::Document(_) => match id() {
            None => None,
            Some(id) => scope::document_unit(db, id)?,
        },
        RecordOf::Authority(_) => match id() {
            None => None,
            Some(id) => scope::authority_unit(db, id)?,
        },
        RecordOf::Unit(_) => scope::unit_by_code(db, value)?.map(Some),
        RecordOf::Procedure(_) => scope::procedure_unit(db, value)?,
    })
}

fn param_name(record: RecordOf) -> &'static str {
    match record {
        RecordOf::Document(p)
        | RecordOf::Authority(p)
        | RecordOf::Unit(p)
        | RecordOf::Procedure(p) => p,
    }
}

/// Whether the user's scope covers the record the route names (`Err(NotFound)` when the
/// record does not exist). `value` is the router's capture of the route's parameter.
async fn check_scope(
    state: &AppState,
    principal: Arc<Principal>,
    record: RecordOf,
    value: Option<String>,
) -> Result<bool, AppError> {
    let Some(value) = value else {
        return Err(AppError::Internal(format!(
            "scoped route without the path parameter {}",
            param_name(record)
        )));
    };
    let st = state.clone();
    web::block(move || {
        let mut conn = st.pool.get()?;
        let unit = record_unit(&mut conn.db(), record, &value)?
            .ok_or_else(|| AppError::NotFound("Không tìm thấy bản ghi.".into()))?;
        let org = st.org_cache.get(&st.pool)?;
        Ok(principal
            .scope
            .covers(unit, |u| org.all_unit_predecessors(u)))
    })
    .await?
}

/// The request body as the handler will read it: at most `limit` bytes, each part within
/// [`BODY_IDLE`] of the last and the whole within [`BODY_TOTAL`]; past either, the read
/// fails (the handler answers 413 or 408).
fn bounded_payload(payload: Payload, limit: usize, sec: &Security) -> Payload {
    let deadline = tokio::time::Instant::now() + sec.body_total;
    let idle = sec.body_idle;
    let stream = futures_util::stream::unfold(
        (payload, 0usize, false),
        move |(mut payload, seen, done)| async move {
            if done {
                return None;
            }
            let next = tokio::time::timeout_at(
                deadline.min(tokio::time::Instant::now() + idle),
                payload.next(),
            )
            .await;
            match next {
                Err(_) => Some((
                    Err(actix_web::error::PayloadError::Io(std::io::Error::new(
                        std::io::ErrorKind::TimedOut,
                        "hết thời gian chờ nhận dữ liệu",
                    ))),
                    (payload, seen, true),
                )),
                Ok(None) => None,
                Ok(Some(Err(e))) => Some((Err(e), (payload, seen, true))),
                Ok(Some(Ok(chunk))) => {
                    let seen = seen.saturating_add(chunk.len());
                    if seen > limit {
                        Some((
                            Err(actix_web::error::PayloadError::Overflow),
                            (payload, seen, true),
                        ))
                    } else {
                        Some((Ok(chunk), (payload, seen, false)))
                    }
                }
            }
        },
    );
    // Fused: a multipart reader polls again after the end, which `unfold` does not allow.
    Payload::Stream {
        payload: Box::pin(stream.fuse()),
    }
}

/// Reads a form body (at most `limit` bytes) and puts it back for the handler.
async fn read_form(req: &mut ServiceRequest, limit: usize) -> Result<web::Bytes, AppError> {
    let body = crate::app::body::read_body(req.take_payload(), limit).await?;
    req.set_payload(Payload::from(body.clone()));
    Ok(body)
}

/// Whether the path, percent-decoded, holds a control character (a newline, NUL, DEL…).
pub fn has_control(raw_path: &str) -> bool {
    percent_encoding::percent_decode_str(raw_path).any(|b| b < 0x20 || b == 0x7f)
}

/// Who looks at the page, with the header's count of their desk.
/// The page of the form sent to `path`: the page at the same address (a form that posts to
/// itself), else the page of this site the browser says it came from (`Referer`), else the
/// nearest page above the address (`/campaigns/7/start` → `/campaigns/7`).
pub fn form_page(
    index: &RouteIndex,
    path: &str,
    referer: Option<&str>,
    origin: &str,
) -> Option<String> {
    let is_page = |p: &str| {
        index
            .find(&Method::GET, p)
            .is_some_and(|r| r.answers == super::Answers::Page)
    };
    if is_page(path) {
        return Some(path.to_string());
    }
    if let Some(from) = referer
        .and_then(|r| r.strip_prefix(origin))
        .filter(|p| p.starts_with('/') && !p.starts_with("//"))
    {
        return Some(from.to_string());
    }
    let mut up = path.trim_end_matches('/');
    while let Some((parent, _)) = up.rsplit_once('/') {
        if parent.is_empty() {
            break;
        }
        if is_page(parent) {
            return Some(parent.to_string());
        }
        up = parent;
    }
    None
}

/// The viewer of a form sent from a page (a write outside the API), with the address of that
/// page for a refusal's link back.
fn form_viewer(
    viewer: Option<Rc<Viewer>>,
    req: &ServiceRequest,
    index: &RouteIndex,
    origin: &str,
) -> Option<Rc<Viewer>> {
    let mut viewer = viewer?;
    let path = req.match_info().as_str();
    let write = !path.starts_with("/api/")
        && index
            .find(req.method(), path)
            .is_some_and(|r| r.method.changes_state());
    if write {
        let referer = header_str(req.headers(), "referer");
        Rc::make_mut(&mut viewer).form_page = form_page(index, path, referer, origin);
    }
    Some(viewer)
}

async fn page_viewer(state: &AppState, p: Option<&Principal>, page: bool) -> Option<Rc<Viewer>> {
    let p = p?;
    Some(Rc::new(Viewer {
        desk_count: desk_count(state, p, page).await,
        ..Viewer::of(p)
    }))
}

/// How many things wait on the user's desk, for the header of a page; a failure only leaves the badge out (the page
/// itself does not depend on it), and is logged.
async fn desk_count(state: &AppState, p: &Principal, page: bool) -> Option<usize> {
    // Pages a browser shows only (not the API, not files), in a session free to use them.
    if !page || !matches!(p.via, Via::Session { .. }) || p.must_change_password {
        return None;
    }
    let started = std::time::Instant::now();
    match crate::app::desk::count(state, p).await {
        Ok(n) => {
            tracing::debug!(elapsed_us = started.elapsed().as_micros(), "desk count");
            Some(n)
        }
        Err(e) => {
            tracing::warn!(error = %e, "desk count");
            None
        }
    }
}

/// The app-wide front: transport, client address, origin and credentials of every request,
/// and the headers every answer needs. Reads no body and decides no access (see the module).
pub async fn front(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let api = req.path().starts_with("/api/");
    // The path the router matches: percent-decoded except for `/`, `%` and `+`.
    let router_path = req.match_info().as_str().to_string();
    let mut fin = Finish {
        transport: Transport::LoopbackHttp,
        signed_in: false,
        no_store_path: router_path == "/login",
        static_path: router_path.starts_with("/static/"),
        stale_cookie: false,
    };
    if has_control(req.path()) {
        let e = AppError::BadRequest("Địa chỉ có ký tự điều khiển, không hợp lệ.".into());
        return Ok(fin.respond(req, refusal(&e, api, None)));
    }
    let (Some(state), Some(index)) = (
        req.app_data::<web::Data<AppState>>().cloned(),
        req.app_data::<web::Data<RouteIndex>>().cloned(),
    ) else {
        let e = AppError::Internal("the guard needs the app state and the route index".into());
        return Ok(fin.respond(req, refusal(&e, api, None)));
    };
    let sec = &state.security;
    let peer = req.peer_addr().map(|a| a.ip());
    let trusted_peer = peer.is_some_and(|p| sec.trusted_proxies.contains(&p));
    fin.transport = transport(
        req.app_config().secure(),
        peer,
        header_str(req.headers(), "x-forwarded-proto"),
        sec,
    );
    let client_ip = client_ip(
        peer,
        header_str(req.headers(), "x-forwarded-for"),
        &sec.trusted_proxies,
    );
    let origin = expected_origin(&req, fin.transport, trusted_peer);

    // A resource that serves this path but is not in the table for this method: refused, so
    // nothing is reachable without a rule. (No resource at all: the 404 handler answers.)
    let route = index.find(req.method(), &router_path);
    if route.is_none() && req.resource_map().has_resource(&router_path) {
        return Ok(fin.respond(req, refusal(&AppError::MethodNotAllowed, api, None)));
    }

    // Who is asking. The metrics route takes its own token, not an account's.
    let cookies: Vec<String> = req
        .headers()
        .get_all(header::COOKIE)
        .filter_map(|v| v.to_str().ok())
        .map(String::from)
        .collect();
    let cookie = |name: &str| {
        session::read_cookie(cookies.iter().map(String::as_str), name).map(String::from)
    };
    let session_secret = cookie(fin.transport.session_cookie());
    let login_csrf = cookie(fin.transport.login_csrf_cookie());
    let now = crate::clock::now();
    let mut principal: Option<Arc<Principal>> = None;
    let own_credentials = route.is_some_and(|r| r.access == Access::Monitor);
    // Static files are the same for everyone: no session lookup for each stylesheet fetch.
    if fin.transport.credentials_allowed() && !fin.static_path && !own_credentials {
        if let Some(token) = bearer(req.headers()) {
            match crate::app::on_pool(&state, move |db| {
                Ok(crate::auth::principal_from_token(db, &token, now)?)
            })
            .await
            {
                Ok(Some(p)) => principal = Some(Arc::new(p)),
                Ok(None) => {
                    return Ok(fin.respond(req, refusal(&AppError::InvalidToken, true, None)))
                }
                Err(e) => return Ok(fin.respond(req, refusal(&e, true, None))),
            }
        } else if let Some(secret) = session_secret {
            match crate::app::on_pool(&state, move |db| {
                Ok(crate::auth::principal_from_session(db, &secret, now)?)
            })
            .await
            {
                Ok(Some(p)) => principal = Some(Arc::new(p)),
                Ok(None) => fin.stale_cookie = true,
                Err(e) => return Ok(fin.respond(req, refusal(&e, api, None))),
            }
        }
    }
    fin.signed_in = principal.is_some();
    // Only pages show the desk's count: not the API, files, feeds or the stylesheet.
    let page = !api
        && req.method() == Method::GET
        && route.is_some_and(|r| r.answers == super::Answers::Page);
    let viewer = page_viewer(&state, principal.as_deref(), page).await;
    let viewer = form_viewer(viewer, &req, &index, &origin);
    req.extensions_mut().insert(RequestInfo {
        transport: fin.transport,
        client_ip,
        login_csrf,
        origin,
    });
    if let Some(p) = principal {
        req.extensions_mut().insert(p);
    }
    let mut res = viewer::scope(viewer, next.call(req))
        .await?
        .map_into_boxed_body();
    fin.apply(res.headers_mut());
    Ok(res)
}

/// The guard of one route of the table, run once the router has matched it: the route's
/// own rule decides (see the module).
pub async fn route(
    def: &'static RouteDef,
    mut req: ServiceRequest,
    next: Next<BoxBody>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let api = def.path.starts_with("/api/");
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        let e = AppError::Internal("the route guard needs the app state".into());
        return Ok(req.into_response(refusal(&e, api, None)));
    };
    let info = req.extensions().get::<RequestInfo>().cloned();
    let Some(info) = info else {
        let e = AppError::Internal("the route guard runs behind the front".into());
        return Ok(req.into_response(refusal(&e, api, None)));
    };
    let principal = req.extensions().get::<Arc<Principal>>().cloned();
    let safe = matches!(*req.method(), Method::GET | Method::HEAD);
    let via_token = principal
        .as_ref()
        .is_some_and(|p| matches!(p.via, Via::Token { .. }));
    let asking = Asking {
        problem: api || via_token,
        principal,
        // A bearer token cannot be attached by another site: CSRF checks are for cookies only.
        cookie_write: !safe && !via_token,
    };
    if let Err(res) = admit(def, &state, &info, &asking, &req).await {
        return Ok(req.into_response(*res));
    }
    // The body: only now, and no larger than the route takes.
    let mut _held: Held = (None, None);
    if !safe {
        match bound_body(def, &state, &asking, &mut req) {
            Ok(permit) => _held = permit,
            Err(res) => return Ok(req.into_response(*res)),
        }
    }
    if asking.cookie_write {
        if let Err(e) = check_csrf_token(def, &info, &asking, &mut req).await {
            return Ok(req.into_response(asking.refuse(&e)));
        }
    }
    let res = next.call(req).await;
    drop(_held);
    res
}

/// Who is asking, as the route guard's steps need it.
struct Asking {
    /// Refusals as problem documents (API routes, token clients) rather than pages.
    problem: bool,
    principal: Option<Arc<Principal>>,
    /// A state-changing request carried by the session cookie (CSRF applies).
    cookie_write: bool,
}

impl Asking {
    fn viewer(&self) -> Option<Rc<Viewer>> {
        self.principal.as_deref().map(|p| Rc::new(Viewer::of(p)))
    }

    fn refuse(&self, e: &AppError) -> HttpResponse {
        refusal(e, self.problem, self.viewer())
    }
}

/// Where a state-changing request comes from, then the rule of the route that matched.
async fn admit(
    def: &'static RouteDef,
    state: &AppState,
    info: &RequestInfo,
    asking: &Asking,
    req: &ServiceRequest,
) -> Result<(), Box<HttpResponse>> {
    if asking.cookie_write {
        if let Err(r) = csrf::check_source(
            header_str(req.headers(), "sec-fetch-site"),
            header_str(req.headers(), "origin"),
            &info.origin,
        ) {
            return Err(Box::new(asking.refuse(&AppError::Csrf(r.message()))));
        }
    }
    if let Some(p) = asking.principal.as_ref().filter(|p| p.must_change_password) {
        if !def.free_before_password_change() {
            return Err(Box::new(match p.via {
                // A token of an account whose password an administrator set is refused until
                // the user has chosen their own (a reset usually means a credential leaked).
                Via::Token { .. } => refusal(&AppError::PasswordChangeRequired, true, None),
                Via::Session { .. } if asking.problem => {
                    refusal(&AppError::PasswordChangeRequired, true, None)
                }
                Via::Session { .. } => HttpResponse::SeeOther()
                    .insert_header((header::LOCATION, crate::auth::PASSWORD_CHANGE_PAGE))
                    .finish(),
            }));
        }
    }
    let decision = match def.access {
        Access::Monitor => {
            if monitor_allowed(&state.security, info, req.headers()) {
                Decision::Allow
            } else {
                let e = AppError::Forbidden(
                    "Chỉ địa chỉ giám sát được phép hoặc người có mã giám sát mới xem được số liệu này."
                        .into(),
                );
                return Err(Box::new(refusal(&e, true, None)));
            }
        }
        a => a.decide(asking.principal.as_ref().map(|p| p.role)),
    };
    match decision {
        Decision::Allow => Ok(()),
        Decision::Unauthenticated if asking.problem => {
            Err(Box::new(refusal(&AppError::Unauthenticated, true, None)))
        }
        Decision::Unauthenticated => Err(Box::new(login_redirect(req))),
        Decision::Forbidden => Err(Box::new(asking.refuse(&AppError::Forbidden(
            "Tài khoản của bạn không có quyền thực hiện thao tác này.".into(),
        )))),
        Decision::CheckScope(record) => {
            let value = req.match_info().get(param_name(record)).map(String::from);
            let Some(p) = asking.principal.clone() else {
                return Err(Box::new(refusal(
                    &AppError::Unauthenticated,
                    asking.problem,
                    None,
                )));
            };
            match check_scope(state, p, record, value).await {
                Ok(true) => Ok(()),
                Ok(false) => Err(Box::new(asking.refuse(&AppError::Forbidden(
                    "Bản ghi này nằm ngoài phạm vi đơn vị được giao cho tài khoản của bạn.".into(),
                )))),
                Err(e) => Err(Box::new(asking.refuse(&e))),
            }
        }
    }
}

/// What a request holds while its body is received and handled: its share of the budget of
/// bodies held at once, and for a large body the large-body slot.
type Held = (
    Option<tokio::sync::OwnedSemaphorePermit>,
    Option<tokio::sync::OwnedSemaphorePermit>,
);

/// 503 with `Retry-After`: a bound of bodies held at once is reached.
fn busy(asking: &Asking, e: &AppError) -> Box<HttpResponse> {
    let mut res = asking.refuse(e);
    res.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
    Box::new(res)
}

/// Holds the body to the route's largest (413 when it declares more), to one large body at a
/// time ([`LARGE_BODY`](crate::app::LARGE_BODY): another one meanwhile is answered 503
/// `upload-busy`) and to the budget of bodies held at once (503 `busy`), both with
/// `Retry-After`; what is taken is returned, to be held until the handler is done. A body of
/// unknown length counts as the route's largest.
fn bound_body(
    def: &'static RouteDef,
    state: &AppState,
    asking: &Asking,
    req: &mut ServiceRequest,
) -> Result<Held, Box<HttpResponse>> {
    let declared =
        header_str(req.headers(), "content-length").and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > def.max_body) {
        return Err(Box::new(asking.refuse(&AppError::PayloadTooLarge)));
    }
    let size = declared.unwrap_or(def.max_body);
    let mut held: Held = (None, None);
    if size > crate::app::LARGE_BODY {
        match state.bodies.take_large() {
            Some(slot) => held.1 = Some(slot),
            None => {
                return Err(busy(
                    asking,
                    &AppError::UploadBusy(
                        "Máy chủ đang nhận một tệp lớn khác. Xin thử gửi lại sau ít giây; dữ liệu của bạn chưa được lưu."
                            .into(),
                    ),
                ))
            }
        }
    }
    if size > 0 {
        match state.bodies.take(size) {
            Some(permit) => held.0 = Some(permit),
            None => {
                return Err(busy(
                    asking,
                    &AppError::Busy(
                        "Máy chủ đang nhận nhiều dữ liệu cùng lúc. Xin thử lại sau ít phút.".into(),
                    ),
                ))
            }
        }
    }
    let payload = req.take_payload();
    req.set_payload(bounded_payload(payload, def.max_body, &state.security));
    Ok(held)
}

/// The CSRF token of a cookie-carried write: the session's, or for the login form the
/// pre-session cookie's, given in the header or in the form (or upload) itself.
async fn check_csrf_token(
    def: &'static RouteDef,
    info: &RequestInfo,
    asking: &Asking,
    req: &mut ServiceRequest,
) -> Result<(), AppError> {
    let expected = if def.access == Access::Public {
        info.login_csrf.clone()
    } else {
        match asking.principal.as_ref().map(|p| &p.via) {
            Some(Via::Session { csrf_token, .. }) => Some(csrf_token.clone()),
            _ => None,
        }
    };
    let mut given = header_str(req.headers(), csrf::HEADER).map(String::from);
    let is_form = req
        .content_type()
        .eq_ignore_ascii_case("application/x-www-form-urlencoded");
    let is_upload = req
        .content_type()
        .eq_ignore_ascii_case("multipart/form-data");
    if given.is_none() && is_form {
        let body = read_form(req, def.max_body).await?;
        given = csrf::form_field(&body, csrf::FIELD);
    } else if given.is_none() && is_upload {
        given = first_part_token(req).await?;
        if given.is_none() {
            return Err(AppError::Csrf("Biểu mẫu gửi tệp không hợp lệ: thiếu mã chống giả mạo yêu cầu ở đầu biểu mẫu, nên tệp không được nhận. Hãy tải lại trang rồi gửi lại.".into()));
        }
    }
    let ok = matches!((&expected, &given), (Some(e), Some(g)) if csrf::tokens_match(e, g));
    if ok {
        Ok(())
    } else {
        Err(AppError::Csrf("Biểu mẫu đã hết hạn hoặc không hợp lệ (thiếu mã chống giả mạo yêu cầu). Hãy tải lại trang rồi thử lại.".into()))
    }
}

/// The CSRF token of a `multipart/form-data` body, read from its first part only (the forms
/// put it before the file): the body is read until that part has ended — at most
/// [`csrf::FIRST_PART_LIMIT`] bytes and whatever else its last chunk held — then handed on
/// whole, those chunks first, the rest still streaming. `None` when the first part is not the
/// token: the file is then never read.
async fn first_part_token(req: &mut ServiceRequest) -> Result<Option<String>, AppError> {
    let Some(boundary) = header_str(req.headers(), "content-type").and_then(csrf::boundary) else {
        return Ok(None);
    };
    let mut payload = req.take_payload();
    let mut chunks: Vec<web::Bytes> = Vec::new();
    let mut head: Vec<u8> = Vec::new();
    let token = loop {
        match csrf::first_part(&head, &boundary, csrf::FIELD) {
            csrf::FirstPart::Field(t) => break Some(t),
            csrf::FirstPart::Other => break None,
            csrf::FirstPart::NeedMore if head.len() >= csrf::FIRST_PART_LIMIT => break None,
            csrf::FirstPart::NeedMore => {}
        }
        match payload.next().await {
            None => break None,
            Some(Err(e)) => return Err(crate::app::body::body_error(e)),
            Some(Ok(chunk)) => {
                let room = csrf::FIRST_PART_LIMIT - head.len();
                head.extend_from_slice(&chunk[..chunk.len().min(room)]);
                chunks.push(chunk);
            }
        }
    };
    let replay = futures_util::stream::iter(chunks.into_iter().map(Ok));
    req.set_payload(Payload::Stream {
        payload: Box::pin(replay.chain(payload).fuse()),
    });
    Ok(token)
}

/// Whether the metrics may be read: from an address in `metrics_allow` (the resolved client
/// address: behind an untrusted peer, the peer), or with the configured metrics token.
fn monitor_allowed(sec: &Security, info: &RequestInfo, headers: &HeaderMap) -> bool {
    let from_allowed = info
        .client_ip
        .parse::<IpAddr>()
        .is_ok_and(|ip| sec.metrics_allow.contains(&ip));
    let with_token = match (&sec.metrics_token, bearer(headers)) {
        (Some(want), Some(given)) => csrf::tokens_match(want, &given),
        _ => false,
    };
    from_allowed || with_token
}

// The extractors of what the guard found (the user, the request facts): a handler that
// asks for them on a route the guard did not run on fails closed.

impl FromRequest for Actor {
    type Error = AppError;
    type Future = std::future::Ready<Result<Actor, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        std::future::ready(
            req.extensions()
                .get::<Arc<Principal>>()
                .cloned()
                .map(Actor)
                .ok_or(AppError::Unauthenticated),
        )
    }
}

impl FromRequest for MaybeActor {
    type Error = AppError;
    type Future = std::future::Ready<Result<MaybeActor, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        std::future::ready(Ok(MaybeActor(
            req.extensions().get::<Arc<Principal>>().cloned(),
        )))
    }
}

impl FromRequest for RequestInfo {
    type Error = AppError;
    type Future = std::future::Ready<Result<RequestInfo, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        std::future::ready(
            req.extensions()
                .get::<RequestInfo>()
                .cloned()
                .ok_or_else(|| AppError::Internal("the guard did not run".into())),
        )
    }
}

#[cfg(test)]
mod tests;
