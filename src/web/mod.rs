//! HTML pages (tera, Vietnamese first). Templates and the stylesheet are embedded in the binary
//! so that one file runs anywhere, with no CDN.

pub mod account;
pub mod admin;
pub mod annual;
pub mod api_docs;
pub mod charts;
pub mod completeness;
pub mod eli;
pub mod feeds;
pub mod http;
pub mod inspections;
pub mod observe;
pub mod procedures;
pub mod public;
pub mod register;
pub mod review;
pub mod scorecard;
pub mod search;
pub mod view;
pub mod xlsx;

use std::sync::OnceLock;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, ResponseError};
use chrono::NaiveDate;

use crate::clock::today;

use crate::db::{Db, DbPool};
use crate::error::AppError;
use crate::registry::org::Org;

/// Shared state of the web layer.
#[derive(Clone)]
pub struct AppState {
    pub pool: DbPool,
    /// The search index of this instance (absent only in tests that do not search).
    pub search: Option<std::sync::Arc<crate::search::service::SearchService>>,
    /// Recent search results, valid until the index changes.
    pub search_cache: std::sync::Arc<crate::search::cache::ResultCache>,
    /// Authorities and units as the search parameters see them.
    pub org_cache: std::sync::Arc<OrgCache>,
    /// Trusted proxies and whether plain http is allowed (see `auth::guard`).
    pub security: std::sync::Arc<crate::auth::Security>,
    /// Document statuses, shared until the registry changes.
    pub statuses: std::sync::Arc<crate::registry::status::SharedGraph>,
    /// Prometheus metrics of this service.
    pub metrics: std::sync::Arc<observe::Metrics>,
    /// The procedure catalogue, unit listings and their public pages, kept until the
    /// database changes (see `web::procedures`).
    pub procedure_listings: std::sync::Arc<procedures::ListingCache>,
    /// Outbox entries the search index may lag behind before `/readyz` says not ready.
    pub ready_max_lag: i64,
    /// Targets of the reform scorecard (configuration `[scorecard]`).
    pub scorecard_targets: crate::domain::scorecard::Targets,
    /// Request bodies held at once (see `auth::guard::BODY_BUDGET`).
    pub bodies: std::sync::Arc<crate::auth::guard::BodyBudget>,
    /// Login throttle, password check queue and token lifetime (`[login]`, `[api_tokens]`).
    pub accounts: std::sync::Arc<crate::auth::AccountLimits>,
}

/// Authorities, units and successions, reloaded at most every [`OrgCache::TTL`]: every search
/// checks its parameters against them, and they change a few times a year.
#[derive(Default)]
pub struct OrgCache {
    held: std::sync::Mutex<Option<(std::time::Instant, std::sync::Arc<Org>)>>,
}

impl OrgCache {
    pub const TTL: std::time::Duration = std::time::Duration::from_secs(5);

    pub fn get(&self, pool: &DbPool) -> Result<std::sync::Arc<Org>, AppError> {
        if let Ok(held) = self.held.lock() {
            if let Some((at, org)) = held.as_ref() {
                if at.elapsed() < Self::TTL {
                    return Ok(org.clone());
                }
            }
        }
        let mut conn = pool.get()?;
        let org = std::sync::Arc::new(Org::load(&mut conn.db())?);
        if let Ok(mut held) = self.held.lock() {
            *held = Some((std::time::Instant::now(), org.clone()));
        }
        Ok(org)
    }
}

/// Result pages kept by default by [`crate::search::cache::ResultCache`].
pub const SEARCH_CACHE_ENTRIES: usize = 2048;

impl AppState {
    pub fn new(
        pool: DbPool,
        search: Option<std::sync::Arc<crate::search::service::SearchService>>,
        search_cache_entries: usize,
    ) -> AppState {
        AppState {
            pool,
            search,
            search_cache: std::sync::Arc::new(crate::search::cache::ResultCache::new(
                search_cache_entries,
            )),
            org_cache: std::sync::Arc::default(),
            security: std::sync::Arc::default(),
            statuses: std::sync::Arc::default(),
            metrics: std::sync::Arc::default(),
            procedure_listings: std::sync::Arc::default(),
            ready_max_lag: 1000,
            scorecard_targets: crate::domain::scorecard::Targets::default(),
            bodies: std::sync::Arc::new(crate::auth::guard::BodyBudget::default()),
            accounts: std::sync::Arc::default(),
        }
    }

    /// The same state with these account limits (tests use short delays and a small queue).
    pub fn with_accounts(mut self, settings: crate::auth::AccountSettings) -> AppState {
        self.accounts = std::sync::Arc::new(crate::auth::AccountLimits::new(settings));
        self
    }

    /// The same state with these deployment facts (proxies, loopback).
    pub fn with_security(mut self, security: crate::auth::Security) -> AppState {
        self.security = std::sync::Arc::new(security);
        self
    }
}

const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/base.html")),
    ("api.html", include_str!("../../templates/api.html")),
    ("index.html", include_str!("../../templates/index.html")),
    (
        "documents.html",
        include_str!("../../templates/documents.html"),
    ),
    (
        "document.html",
        include_str!("../../templates/document.html"),
    ),
    (
        "provision.html",
        include_str!("../../templates/provision.html"),
    ),
    (
        "authorities.html",
        include_str!("../../templates/authorities.html"),
    ),
    (
        "authority.html",
        include_str!("../../templates/authority.html"),
    ),
    ("units.html", include_str!("../../templates/units.html")),
    ("unit.html", include_str!("../../templates/unit.html")),
    ("error.html", include_str!("../../templates/error.html")),
    (
        "procedure_macros.html",
        include_str!("../../templates/procedure_macros.html"),
    ),
    (
        "procedures.html",
        include_str!("../../templates/procedures.html"),
    ),
    (
        "procedure.html",
        include_str!("../../templates/procedure.html"),
    ),
    (
        "unit_procedures.html",
        include_str!("../../templates/unit_procedures.html"),
    ),
    (
        "procedure_sheet.html",
        include_str!("../../templates/procedure_sheet.html"),
    ),
    ("search.html", include_str!("../../templates/search.html")),
    (
        "annual_list.html",
        include_str!("../../templates/annual_list.html"),
    ),
    (
        "campaigns.html",
        include_str!("../../templates/campaigns.html"),
    ),
    (
        "campaign.html",
        include_str!("../../templates/campaign.html"),
    ),
    (
        "register_import.html",
        include_str!("../../templates/register_import.html"),
    ),
    (
        "eli_not_found.html",
        include_str!("../../templates/eli_not_found.html"),
    ),
    (
        "completeness.html",
        include_str!("../../templates/completeness.html"),
    ),
    (
        "inspections.html",
        include_str!("../../templates/inspections.html"),
    ),
    (
        "inspection_form.html",
        include_str!("../../templates/inspection_form.html"),
    ),
    (
        "inspection.html",
        include_str!("../../templates/inspection.html"),
    ),
    (
        "scorecard.html",
        include_str!("../../templates/scorecard.html"),
    ),
    (
        "scorecard_province.html",
        include_str!("../../templates/scorecard_province.html"),
    ),
    ("login.html", include_str!("../../templates/login.html")),
    ("account.html", include_str!("../../templates/account.html")),
    (
        "admin_users.html",
        include_str!("../../templates/admin_users.html"),
    ),
    (
        "admin_user.html",
        include_str!("../../templates/admin_user.html"),
    ),
];

pub const STYLESHEET: &str = include_str!("../../static/vanban.css");
/// The site icon, at `/static/favicon.svg` (named by every page) and `/favicon.ico` (asked for by
/// browsers on pages that name none): without it every page logs a 404 in the browser console.
pub const FAVICON: &str = include_str!("../../static/favicon.svg");

/// The templates, parsed once. A template that fails to parse is a build defect caught by the
/// tests; at run time the error page falls back to plain text.
pub fn templates() -> Result<&'static tera::Tera, AppError> {
    static T: OnceLock<Result<tera::Tera, String>> = OnceLock::new();
    let t = T.get_or_init(|| {
        let mut t = tera::Tera::default();
        t.autoescape_on(vec![".html"]);
        t.set_escape_fn(escape_html);
        t.add_raw_templates(TEMPLATES.iter().copied())
            .map_err(|e| format!("{e:?}"))?;
        Ok(t)
    });
    t.as_ref().map_err(|e| AppError::Internal(e.clone()))
}

/// Escapes text for HTML element content and quoted attributes. Unlike tera's default it
/// leaves `/` alone, so document numbers (`15/2018/NQ-HĐND`) stay readable in the source.
pub fn escape_html(input: &str) -> String {
    let mut out = String::with_capacity(input.len() + 8);
    for c in input.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            c => out.push(c),
        }
    }
    out
}

/// Parses a date typed by a reader: `2024-05-01` or `01/05/2024`; empty means today.
pub fn parse_date(s: Option<&str>) -> Result<NaiveDate, AppError> {
    let s = s.map(str::trim).unwrap_or("");
    if s.is_empty() {
        return Ok(today());
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(s, "%d/%m/%Y"))
        .map_err(|_| AppError::BadRequest(format!("Ngày «{s}» không hợp lệ: nhập theo dạng năm-tháng-ngày (2024-05-01) hoặc ngày/tháng/năm (01/05/2024).")))
}

/// A query parameter's value, trimmed; `None` when absent or blank.
pub fn opt(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// A 400 naming the parameter.
pub fn bad_param(param: &str, msg: String) -> AppError {
    AppError::BadRequest(format!("Tham số «{param}»: {msg}"))
}

/// A numeric query parameter; a value that is not a number is a 400 naming the parameter.
pub fn number_param<T: std::str::FromStr>(
    param: &str,
    s: &Option<String>,
) -> Result<Option<T>, AppError> {
    match opt(s) {
        None => Ok(None),
        Some(v) => v
            .parse()
            .map(Some)
            .map_err(|_| bad_param(param, format!("«{v}» không phải là số hợp lệ."))),
    }
}

/// Context values every page has.
pub fn base_context(nav: &str, q: &str) -> tera::Context {
    let mut c = tera::Context::new();
    c.insert("today", &crate::domain::text::date_vn(today()));
    {
        use chrono::Datelike;
        c.insert("last_year", &(today().year() - 1));
    }
    c.insert("nav", nav);
    c.insert("q", q);
    c
}

pub fn render(name: &str, ctx: &tera::Context) -> Result<HttpResponse, AppError> {
    render_status(StatusCode::OK, name, ctx)
}

/// Renders a page with a status (a form shown again with its errors is a 400).
pub fn render_status(
    status: StatusCode,
    name: &str,
    ctx: &tera::Context,
) -> Result<HttpResponse, AppError> {
    let html = templates()?.render(name, &with_viewer(ctx))?;
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(html))
}

/// The context plus the signed-in user, for the header of every page.
fn with_viewer(ctx: &tera::Context) -> std::borrow::Cow<'_, tera::Context> {
    match crate::auth::viewer::current() {
        Some(v) => {
            let mut c = ctx.clone();
            c.insert("viewer", &*v);
            std::borrow::Cow::Owned(c)
        }
        None => std::borrow::Cow::Borrowed(ctx),
    }
}

/// An error on an HTML route: the same error, rendered as a Vietnamese page.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct PageError(#[from] pub AppError);

impl From<crate::db::DbError> for PageError {
    fn from(e: crate::db::DbError) -> Self {
        PageError(AppError::Db(e))
    }
}

impl From<actix_web::error::BlockingError> for PageError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        PageError(AppError::from(e))
    }
}

impl ResponseError for PageError {
    fn status_code(&self) -> StatusCode {
        self.0.status_code()
    }

    fn error_response(&self) -> HttpResponse {
        error_page(&self.0)
    }
}

pub fn error_page(e: &AppError) -> HttpResponse {
    let status = e.status_code();
    if status.is_server_error() {
        tracing::error!(error = %e.chain(), "page failed");
    }
    let mut ctx = base_context("", "");
    ctx.insert("status", &status.as_u16());
    ctx.insert("title", e.title());
    ctx.insert("message", &e.public_message());
    let body = templates()
        .and_then(|t| {
            t.render("error.html", &with_viewer(&ctx))
                .map_err(AppError::from)
        })
        .unwrap_or_else(|_| format!("{} — {}", e.title(), e.public_message()));
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(body)
}

/// Runs `f` with a database connection on the blocking pool.
pub async fn on_pool<T, F>(state: &AppState, f: F) -> Result<T, AppError>
where
    T: Send + 'static,
    F: FnOnce(&mut Db<'_>) -> Result<T, AppError> + Send + 'static,
{
    let pool = state.pool.clone();
    actix_web::web::block(move || {
        let mut conn = pool.get()?;
        let mut db = conn.db();
        f(&mut db)
    })
    .await?
}

/// Runs `f` in a write transaction off the async workers.
pub async fn with_write<T, F>(state: &AppState, f: F) -> Result<T, AppError>
where
    T: Send + 'static,
    F: FnOnce(&mut Db<'_>) -> Result<T, AppError> + Send + 'static,
{
    let pool = state.pool.clone();
    actix_web::web::block(move || {
        let mut conn = pool.get()?;
        conn.write(f)
    })
    .await?
}

/// The review tracker's view of a signed-in user: id, audit name, and the units their scope
/// covers (predecessors included).
pub fn reviewer(
    db: &mut Db<'_>,
    actor: &crate::auth::Actor,
) -> Result<crate::review::decisions::Person, AppError> {
    let org = Org::load(db)?;
    Ok(crate::review::decisions::Person {
        id: actor.user_id,
        actor: actor.actor(),
        units: actor.scope.expanded(|u| org.all_unit_predecessors(u)),
    })
}

/// Unknown paths: a page or a problem document depending on where they were asked.
pub async fn not_found(req: HttpRequest) -> HttpResponse {
    let e = AppError::NotFound(format!("Không có trang nào ở địa chỉ {}.", req.path()));
    if req.path().starts_with("/api/") {
        e.error_response()
    } else {
        error_page(&e)
    }
}

pub async fn stylesheet() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header(("Cache-Control", "public, max-age=3600"))
        .body(STYLESHEET)
}

pub async fn favicon() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("image/svg+xml")
        .insert_header(("Cache-Control", "public, max-age=86400"))
        .body(FAVICON)
}
