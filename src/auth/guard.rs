//! The guard in front of every route (an app-wide middleware). For each request it:
//!
//! 1. finds the route's access rule in the route table; a path that exists but has no entry
//!    for the method is refused (405), so a route registered outside the table cannot be
//!    reached;
//! 2. decides how the request arrived (HTTPS directly or at a trusted proxy, or plain http on
//!    loopback) and the client's address;
//! 3. finds who is asking: a bearer API token, else the session cookie;
//! 4. for a state-changing request made with cookies, checks where it comes from
//!    (`Sec-Fetch-Site`, `Origin`);
//! 5. applies the rule: anonymous → login (pages) or 401 (API); wrong role or a record outside
//!    the user's scope → 403;
//! 6. checks the CSRF token of a state-changing request made with cookies;
//! 7. runs the handler with the user available to it and to the templates, then adds
//!    `Cache-Control: no-store` (signed-in requests and the login page) and HSTS (HTTPS).

use std::net::IpAddr;
use std::rc::Rc;
use std::sync::Arc;

use actix_web::body::{BodyStream, BoxBody, MessageBody};
use actix_web::dev::{Path as RoutePath, Payload, ResourceDef, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderMap, HeaderValue};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::{web, HttpMessage, HttpResponse, ResponseError};
use diesel::prelude::*;

use super::roles::{Access, Decision, RecordOf};
use super::viewer::{self, Viewer};
use super::{csrf, session, Principal, RequestInfo, Security, Transport, Via};
use crate::error::AppError;
use crate::routes::{RouteDef, Verb};
use crate::web::AppState;

/// The largest form body accepted (also `FormConfig`'s limit); larger ones get 413.
pub const FORM_LIMIT: usize = 64 * 1024;
/// The largest file upload form (a review register), its body read here for the CSRF token.
pub const UPLOAD_LIMIT: usize = crate::api::register::REGISTER_LIMIT + 64 * 1024;

/// The route table, compiled for matching. Kept in the app data next to the routes it was
/// built from.
pub struct RouteIndex {
    entries: Vec<(Verb, ResourceDef, Access)>,
}

impl RouteIndex {
    pub fn new(routes: &[RouteDef]) -> RouteIndex {
        RouteIndex {
            entries: routes
                .iter()
                .map(|r| (r.method, ResourceDef::new(r.path), r.access))
                .collect(),
        }
    }

    /// The first route for this method whose pattern matches, as the router picks it.
    pub fn find(&self, method: &Method, path: &str) -> Option<(Access, &ResourceDef)> {
        self.entries
            .iter()
            .find(|(v, def, _)| v.matches(method) && def.is_match(path))
            .map(|(_, def, a)| (*a, def))
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
    use crate::db::schema::{authorities, documents, units};
    let id = || value.parse::<i64>().ok();
    Ok(match record {
        RecordOf::Document(_) => match id() {
            None => None,
            Some(id) => crate::with_db!(db, c => documents::table
                .inner_join(authorities::table)
                .filter(documents::id.eq(id))
                .select(authorities::unit_id)
                .first::<Option<i64>>(c)
                .optional())?,
        },
        RecordOf::Authority(_) => match id() {
            None => None,
            Some(id) => crate::with_db!(db, c => authorities::table
                .find(id)
                .select(authorities::unit_id)
                .first::<Option<i64>>(c)
                .optional())?,
        },
        RecordOf::Unit(_) => crate::with_db!(db, c => units::table
            .filter(units::code.eq(value))
            .select(units::id)
            .first::<i64>(c)
            .optional())?
        .map(Some),
    })
}

fn param_name(record: RecordOf) -> &'static str {
    match record {
        RecordOf::Document(p) | RecordOf::Authority(p) | RecordOf::Unit(p) => p,
    }
}

/// Whether the user's scope covers the record the path names (`Err(NotFound)` when the record
/// does not exist).
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

/// Reads a form body (at most `limit` bytes) and puts it back for the handler.
async fn read_form(req: &mut ServiceRequest, limit: usize) -> Result<web::Bytes, AppError> {
    let declared =
        header_str(req.headers(), "content-length").and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(AppError::PayloadTooLarge);
    }
    let payload = req.take_payload();
    let body = match actix_web::body::to_bytes_limited(BodyStream::new(payload), limit).await {
        Ok(Ok(b)) => b,
        Ok(Err(e)) => {
            return Err(AppError::BadRequest(format!(
                "Không đọc được dữ liệu gửi lên: {e}"
            )))
        }
        Err(_) => return Err(AppError::PayloadTooLarge),
    };
    req.set_payload(Payload::from(body.clone()));
    Ok(body)
}

pub async fn guard(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let path = req.path().to_string();
    let api = path.starts_with("/api/");
    let mut fin = Finish {
        transport: Transport::LoopbackHttp,
        signed_in: false,
        no_store_path: path == "/login",
        static_path: path.starts_with("/static/"),
        stale_cookie: false,
    };
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

    // 1. The rule. A path that exists without an entry for this method is refused.
    let method = req.method().clone();
    let safe = method == Method::GET || method == Method::HEAD;
    let (access, def) = match index.find(&method, &path) {
        Some((a, d)) => (a, Some(d)),
        None if req.match_pattern().is_some() => {
            return Ok(fin.respond(req, refusal(&AppError::MethodNotAllowed, api, None)));
        }
        // No such page: the 404 handler answers.
        None => (Access::Public, None),
    };

    // 2. Who is asking.
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
    let now = super::now();
    let mut principal: Option<Arc<Principal>> = None;
    // Static files are the same for everyone: no session lookup for each stylesheet fetch.
    if fin.transport.credentials_allowed() && !fin.static_path {
        if let Some(token) = bearer(req.headers()) {
            match crate::web::with_db(&state, move |db| {
                Ok(super::principal_from_token(db, &token, now)?)
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
            match crate::web::with_db(&state, move |db| {
                Ok(super::principal_from_session(db, &secret, now)?)
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
    let via_token = principal
        .as_ref()
        .is_some_and(|p| matches!(p.via, Via::Token { .. }));
    let problem = api || via_token;
    let viewer_of = || principal.as_deref().map(|p| Rc::new(Viewer::of(p)));
    // A bearer token cannot be attached by another site: CSRF checks are for cookies only.
    let cookie_write = !safe && !via_token;

    // 3. Where a state-changing request comes from.
    if cookie_write {
        let expected = expected_origin(&req, fin.transport, trusted_peer);
        if let Err(r) = csrf::check_source(
            header_str(req.headers(), "sec-fetch-site"),
            header_str(req.headers(), "origin"),
            &expected,
        ) {
            let e = AppError::Csrf(r.message());
            return Ok(fin.respond(req, refusal(&e, problem, viewer_of())));
        }
    }

    // 4. The rule.
    match access.decide(principal.as_ref().map(|p| p.role)) {
        Decision::Allow => {}
        Decision::Unauthenticated => {
            let res = if problem {
                refusal(&AppError::Unauthenticated, true, None)
            } else {
                login_redirect(&req)
            };
            return Ok(fin.respond(req, res));
        }
        Decision::Forbidden => {
            let e = AppError::Forbidden(
                "Tài khoản của bạn không có quyền thực hiện thao tác này.".into(),
            );
            return Ok(fin.respond(req, refusal(&e, problem, viewer_of())));
        }
        Decision::CheckScope(record) => {
            let value = def.and_then(|d| {
                let mut p = RoutePath::new(path.clone());
                d.capture_match_info(&mut p);
                p.get(param_name(record)).map(String::from)
            });
            let Some(p) = principal.clone() else {
                return Ok(fin.respond(req, refusal(&AppError::Unauthenticated, problem, None)));
            };
            match check_scope(&state, p, record, value).await {
                Ok(true) => {}
                Ok(false) => {
                    let e = AppError::Forbidden(
                        "Bản ghi này nằm ngoài phạm vi đơn vị được giao cho tài khoản của bạn."
                            .into(),
                    );
                    return Ok(fin.respond(req, refusal(&e, problem, viewer_of())));
                }
                Err(e) => return Ok(fin.respond(req, refusal(&e, problem, viewer_of()))),
            }
        }
    }

    // 5. The CSRF token: the session's, or for the login form the pre-session cookie's.
    if cookie_write {
        let expected = if access == Access::Public {
            login_csrf.clone()
        } else {
            match principal.as_ref().map(|p| &p.via) {
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
        if given.is_none() && (is_form || is_upload) {
            let limit = if is_upload { UPLOAD_LIMIT } else { FORM_LIMIT };
            match read_form(&mut req, limit).await {
                Ok(body) if is_upload => {
                    given = csrf::multipart_field(req.headers(), body, csrf::FIELD).await
                }
                Ok(body) => given = csrf::form_field(&body, csrf::FIELD),
                Err(e) => return Ok(fin.respond(req, refusal(&e, problem, viewer_of()))),
            }
        }
        let ok = matches!((&expected, &given), (Some(e), Some(g)) if csrf::tokens_match(e, g));
        if !ok {
            let e = AppError::Csrf("Biểu mẫu đã hết hạn hoặc không hợp lệ (thiếu mã chống giả mạo yêu cầu). Hãy tải lại trang rồi thử lại.".into());
            return Ok(fin.respond(req, refusal(&e, problem, viewer_of())));
        }
    }

    // 6. The handler, with the user and the request facts available.
    req.extensions_mut().insert(RequestInfo {
        transport: fin.transport,
        client_ip,
        login_csrf,
    });
    if let Some(p) = &principal {
        req.extensions_mut().insert(p.clone());
    }
    let mut res = viewer::scope(viewer_of(), next.call(req))
        .await?
        .map_into_boxed_body();
    fin.apply(res.headers_mut());
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn https_is_believed_from_tls_or_a_trusted_proxy_only() {
        let sec = Security {
            trusted_proxies: vec![ip("10.0.0.1")],
            loopback: false,
        };
        assert_eq!(transport(true, None, None, &sec), Transport::Https);
        assert_eq!(
            transport(false, Some(ip("10.0.0.1")), Some("https"), &sec),
            Transport::Https
        );
        assert_eq!(
            transport(false, Some(ip("10.0.0.2")), Some("https"), &sec),
            Transport::PlainHttp
        );
        assert_eq!(
            transport(false, Some(ip("10.0.0.1")), Some("http"), &sec),
            Transport::PlainHttp
        );
        let local = Security::default();
        assert_eq!(
            transport(false, Some(ip("127.0.0.1")), None, &local),
            Transport::LoopbackHttp
        );
        assert_eq!(
            transport(false, Some(ip("127.0.0.1")), Some("https"), &local),
            Transport::LoopbackHttp
        );
    }

    #[test]
    fn forwarded_for_counts_only_behind_trusted_proxies() {
        let trusted = [ip("10.0.0.1"), ip("10.0.0.2")];
        assert_eq!(
            client_ip(Some(ip("203.0.113.9")), Some("1.2.3.4"), &trusted),
            "203.0.113.9"
        );
        assert_eq!(
            client_ip(
                Some(ip("10.0.0.1")),
                Some("1.2.3.4, 198.51.100.7"),
                &trusted
            ),
            "198.51.100.7"
        );
        assert_eq!(
            client_ip(
                Some(ip("10.0.0.1")),
                Some("198.51.100.7, 10.0.0.2"),
                &trusted
            ),
            "198.51.100.7"
        );
        assert_eq!(
            client_ip(Some(ip("10.0.0.1")), Some("junk"), &trusted),
            "10.0.0.1"
        );
        assert_eq!(client_ip(Some(ip("10.0.0.1")), None, &trusted), "10.0.0.1");
        assert_eq!(client_ip(None, Some("1.2.3.4"), &trusted), "unknown");
    }

    #[test]
    fn bearer_scheme_only() {
        let mut h = HeaderMap::new();
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer vb_x_y"),
        );
        assert_eq!(bearer(&h).as_deref(), Some("vb_x_y"));
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic abc"));
        assert_eq!(bearer(&h), None);
    }
}
