//! HTML pages (tera, Vietnamese first). Templates and the stylesheet are embedded in the binary
//! so that one file runs anywhere, with no CDN.

pub mod account;
pub mod admin;
pub mod announce;
pub mod annual;
pub mod api_docs;
pub mod charts;
pub mod completeness;
pub mod consolidated;
pub mod contacts;
pub mod counter;
pub mod desk;
pub mod eli;
pub mod feeds;
pub mod http;
pub mod inspections;
pub mod intake;
pub mod observe;
pub mod originals;
pub mod procedure_forms;
pub mod procedures;
pub mod public;
pub mod qr;
pub mod register;
pub mod review;
pub mod scorecard;
pub mod search;
pub mod units;
pub mod view;
pub mod xlsx;
// ed: edit, correct, versions, withdraw.
pub mod editing;

use std::sync::OnceLock;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, ResponseError};

use crate::clock::today;

use crate::error::AppError;

const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/base.html")),
    (
        "reading_macros.html",
        include_str!("../../templates/reading_macros.html"),
    ),
    (
        "consolidated.html",
        include_str!("../../templates/consolidated.html"),
    ),
    (
        "consolidated_text.html",
        include_str!("../../templates/consolidated_text.html"),
    ),
    (
        "consolidated_file.html",
        include_str!("../../templates/consolidated_file.html"),
    ),
    ("api.html", include_str!("../../templates/api.html")),
    ("index.html", include_str!("../../templates/index.html")),
    (
        "unit_macros.html",
        include_str!("../../templates/unit_macros.html"),
    ),
    (
        "unit_find.html",
        include_str!("../../templates/unit_find.html"),
    ),
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
        "unit_contact.html",
        include_str!("../../templates/unit_contact.html"),
    ),
    (
        "number_notice.html",
        include_str!("../../templates/number_notice.html"),
    ),
    (
        "admin_scope_field.html",
        include_str!("../../templates/admin_scope_field.html"),
    ),
    (
        "unit_contact_form.html",
        include_str!("../../templates/unit_contact_form.html"),
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
        "review_confirm.html",
        include_str!("../../templates/review_confirm.html"),
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
    (
        "inspection_report.html",
        include_str!("../../templates/inspection_report.html"),
    ),
    ("desk.html", include_str!("../../templates/desk.html")),
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
    (
        "counter_postings.html",
        include_str!("../../templates/counter_postings.html"),
    ),
    (
        "announce_new.html",
        include_str!("../../templates/announce_new.html"),
    ),
    (
        "announce_preview.html",
        include_str!("../../templates/announce_preview.html"),
    ),
    (
        "announce_decision.html",
        include_str!("../../templates/announce_decision.html"),
    ),
    (
        "counter_counts.html",
        include_str!("../../templates/counter_counts.html"),
    ),
    // issue 16: a new document from its signed file, effects by hand
    (
        "intake_macros.html",
        include_str!("../../templates/intake_macros.html"),
    ),
    (
        "intake_new.html",
        include_str!("../../templates/intake_new.html"),
    ),
    (
        "intake_review.html",
        include_str!("../../templates/intake_review.html"),
    ),
    (
        "intake_effect.html",
        include_str!("../../templates/intake_effect.html"),
    ),
    // of: the originals of documents.
    (
        "document_files.html",
        include_str!("../../templates/document_files.html"),
    ),
    (
        "file_withdraw.html",
        include_str!("../../templates/file_withdraw.html"),
    ),
    (
        "file_attach.html",
        include_str!("../../templates/file_attach.html"),
    ),
    (
        "procedure_form_new.html",
        include_str!("../../templates/procedure_form_new.html"),
    ),
    // ed: edit, versions, withdrawal.
    (
        "edit_document.html",
        include_str!("../../templates/edit_document.html"),
    ),
    (
        "edit_withdraw.html",
        include_str!("../../templates/edit_withdraw.html"),
    ),
    (
        "versions.html",
        include_str!("../../templates/versions.html"),
    ),
    (
        "edit_effect.html",
        include_str!("../../templates/edit_effect.html"),
    ),
];

pub const STYLESHEET: &str = include_str!("../../static/vanban.css");
/// The site icon, at `/static/favicon.svg` (named by every page) and `/favicon.ico` (asked for by
/// browsers on pages that name none): without it every page logs a 404 in the browser console.
pub const FAVICON: &str = include_str!("../../static/favicon.svg");
/// The small script that enhances pages that work without it (the document page's tabs,
/// print and share buttons).
pub const SCRIPT: &str = include_str!("../../static/vanban.js");

/// The templates, parsed once. A template that fails to parse is a build defect caught by the
/// tests; at run time the error page falls back to plain text.
pub fn templates() -> Result<&'static tera::Tera, AppError> {
    static T: OnceLock<Result<tera::Tera, String>> = OnceLock::new();
    let t = T.get_or_init(|| {
        let mut t = tera::Tera::default();
        t.autoescape_on(vec![".html"]);
        t.set_escape_fn(crate::markup::escape_html);
        t.register_filter("so", number_filter);
        t.register_filter("phan_tram", percent_filter);
        t.add_raw_templates(TEMPLATES.iter().copied())
            .map_err(|e| format!("{e:?}"))?;
        Ok(t)
    });
    t.as_ref().map_err(|e| AppError::Internal(e.clone()))
}

/// `{{ n | so }}`: a count or decimal the Vietnamese way (`1.234`, `16,7`; `places`, default
/// 1, for non-integers); null is `—`.
fn number_filter(
    v: &tera::Value,
    args: &std::collections::HashMap<String, tera::Value>,
) -> tera::Result<tera::Value> {
    use crate::domain::text::{decimal_vn, number_vn};
    let places = args
        .get("places")
        .and_then(tera::Value::as_u64)
        .map_or(1, |p| p as usize);
    Ok(tera::Value::String(match v {
        tera::Value::Null => "—".to_string(),
        _ => match (v.as_i64(), v.as_f64()) {
            (Some(n), _) => number_vn(n),
            (None, Some(x)) => decimal_vn(x, places),
            _ => return Err(tera::Error::msg(format!("«so» cần một số, không phải {v}"))),
        },
    }))
}

/// `{{ p | phan_tram }}`: a percentage, `16,7%`; null (a share of nothing) is `—`.
fn percent_filter(
    v: &tera::Value,
    _: &std::collections::HashMap<String, tera::Value>,
) -> tera::Result<tera::Value> {
    match v {
        tera::Value::Null => Ok(tera::Value::String(crate::domain::text::percent_vn(None))),
        _ => v
            .as_f64()
            .map(|p| tera::Value::String(crate::domain::text::percent_vn(Some(p))))
            .ok_or_else(|| tera::Error::msg(format!("«phan_tram» cần một số, không phải {v}"))),
    }
}

/// The deployment's name, for the header and titles of every page: set once when the server
/// is built from its configuration (one deployment per process), the default until then.
static SITE: std::sync::RwLock<Option<crate::config::Site>> = std::sync::RwLock::new(None);

/// Names the deployment shown on every page.
pub fn set_site(site: crate::config::Site) {
    if let Ok(mut s) = SITE.write() {
        *s = Some(site);
    }
}

/// The deployment shown on pages.
pub fn site() -> crate::config::Site {
    SITE.read().ok().and_then(|s| s.clone()).unwrap_or_default()
}

/// Context values every page has.
pub fn base_context(nav: &str, q: &str) -> tera::Context {
    let mut c = tera::Context::new();
    c.insert("site", &site());
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

/// The context plus the signed-in user and the deployment's name, for the header of every
/// page.
fn with_viewer(ctx: &tera::Context) -> std::borrow::Cow<'_, tera::Context> {
    let viewer = crate::auth::viewer::current();
    if viewer.is_none() && ctx.contains_key("site") {
        return std::borrow::Cow::Borrowed(ctx);
    }
    let mut c = ctx.clone();
    if let Some(v) = viewer {
        c.insert("viewer", &*v);
    }
    if !c.contains_key("site") {
        c.insert("site", &site());
    }
    std::borrow::Cow::Owned(c)
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
    error_page_with(e, base_context("", ""), None)
}

/// The error page with a link back to the form that was sent (`back`: a path of this site).
pub fn error_page_back(e: &AppError, back: Option<&str>) -> HttpResponse {
    error_page_with(e, base_context("", ""), back)
}

/// A page about a unit that cannot be shown on the day asked because the unit was abolished by
/// then (a completeness check, an inspection form): the reason, the unit's succession notice,
/// and links to the same page of the units that took it over (`next`: address, text). Other
/// errors, and units that still exist, are the usual error page.
pub async fn unit_error_page(
    state: &crate::app::AppState,
    e: AppError,
    reference: &str,
    date: chrono::NaiveDate,
    next: impl Fn(&crate::registry::unit_tree::UnitLink) -> (String, String),
) -> Result<HttpResponse, PageError> {
    if !e.status_code().is_client_error() || e.status_code() == StatusCode::NOT_FOUND {
        return Err(e.into());
    }
    let Some(notice) = crate::app::units::unit_notice(state, reference.to_string(), date).await?
    else {
        return Err(e.into());
    };
    let links: Vec<serde_json::Value> = notice
        .successors
        .iter()
        .map(|s| {
            let (href, text) = next(s);
            serde_json::json!({ "href": href, "text": text })
        })
        .collect();
    let mut ctx = base_context("units", "");
    ctx.insert("notice", &notice);
    ctx.insert("next_steps", &links);
    Ok(error_page_with(&e, ctx, None))
}

fn error_page_with(e: &AppError, mut ctx: tera::Context, back: Option<&str>) -> HttpResponse {
    let status = e.status_code();
    if status.is_server_error() {
        tracing::error!(error = %e.chain(), "page failed");
    }
    ctx.insert("status", &status.as_u16());
    ctx.insert("title", e.title());
    ctx.insert("message", &e.public_message());
    // A form refused before it could be shown again: back to its page.
    let form_page = crate::auth::viewer::current().and_then(|v| v.form_page.clone());
    if let Some(b) = back
        .or(form_page.as_deref())
        .filter(|b| b.starts_with('/') && !b.starts_with("//"))
    {
        ctx.insert("back", b);
    }
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

/// The Vietnamese reason for a form body that could not be read, from the reader's words: a
/// form's own reason when it gave one in Vietnamese (`việc cần làm «x» không hợp lệ`), else
/// which field came twice or is missing, else a general one — never the reader's English.
pub fn form_message(reader: &str) -> String {
    // The reader's own prefix (`Parse error: `, `Query deserialize error: `) dropped.
    let inner = reader
        .rsplit_once("error: ")
        .map_or(reader, |(_, r)| r)
        .trim()
        .trim_end_matches('.');
    let field = |marker: &str| {
        let rest = &reader[reader.find(marker)? + marker.len()..];
        let name = rest.trim_start_matches([' ', '`']).split('`').next()?;
        (!name.is_empty()).then(|| name.to_string())
    };
    let what = if !inner.is_empty() && !inner.is_ascii() {
        inner.to_string()
    } else if let Some(f) = field("duplicate field") {
        format!("ô «{f}» được gửi nhiều lần")
    } else if let Some(f) = field("missing field") {
        format!("thiếu ô «{f}»")
    } else if reader.to_lowercase().contains("content type") {
        "dữ liệu không phải biểu mẫu của trang (sai kiểu nội dung)".to_string()
    } else {
        "có ô bị lặp lại, thiếu hoặc không đúng dạng".to_string()
    };
    format!(
        "Không đọc được biểu mẫu gửi lên: {what}. Không có gì được ghi. Hãy mở lại biểu mẫu, điền rồi gửi lại."
    )
}

/// A multipart form (a form with a file) that could not be read — not multipart at all, cut
/// short, garbled: the reason in Vietnamese (the reader's own words go to the log only).
pub fn unreadable_form(e: actix_multipart::MultipartError) -> AppError {
    tracing::debug!(error = %e, "multipart form could not be read");
    AppError::BadRequest(
        "Không đọc được biểu mẫu gửi lên: biểu mẫu có tệp phải được gửi nguyên vẹn từ trang của nó (multipart/form-data). Không có gì được ghi. Hãy mở lại biểu mẫu, chọn lại tệp rồi gửi."
            .into(),
    )
}

/// A form refused before it could be read: the error page with a link back to `back`, as a
/// page handler answers it.
pub fn refused_form(e: &AppError, back: &str) -> HttpResponse {
    error_page_back(e, Some(back))
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

pub async fn script() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/javascript; charset=utf-8")
        .insert_header(("Cache-Control", "public, max-age=3600"))
        .body(SCRIPT)
}

/// The absolute address of `path` (`/eli/vn/…`) on this deployment, for QR codes and shared
/// links. No base URL is configured: the origin is the one the reader reached
/// ([`crate::auth::origin_of`]: scheme and host, forwarded headers only from trusted proxies).
pub fn full_url(req: &HttpRequest, path: &str) -> String {
    format!("{}{path}", crate::auth::origin_of(req))
}

pub async fn favicon() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("image/svg+xml")
        .insert_header(("Cache-Control", "public, max-age=86400"))
        .body(FAVICON)
}

#[cfg(test)]
mod form_message_tests {
    use super::form_message;

    #[test]
    fn a_form_that_cannot_be_read_is_told_in_vietnamese() {
        let m = form_message("Url encoded payload deserialize error: duplicate field `reason`");
        assert!(m.contains("ô «reason» được gửi nhiều lần"), "{m}");
        assert!(!m.contains("deserialize"), "{m}");
        let m = form_message("Url encoded payload deserialize error: missing field `draft`");
        assert!(m.contains("thiếu ô «draft»"), "{m}");
        let m = form_message("Content type error");
        assert!(m.contains("sai kiểu nội dung"), "{m}");
        let m = form_message("Parse error");
        assert!(m.contains("không đúng dạng"), "{m}");
        let m = form_message("Parse error: việc cần làm «xoá» không hợp lệ.");
        assert!(
            m.contains(": việc cần làm «xoá» không hợp lệ. Không có gì"),
            "{m}"
        );
        let m = form_message("Query deserialize error: trường «%%%» không thuộc biểu mẫu");
        assert!(m.contains(": trường «%%%» không thuộc biểu mẫu."), "{m}");
    }
}

#[cfg(test)]
mod stylesheet_tests {
    use super::STYLESHEET;

    /// The stylesheet's blocks as a reader sees them: comments dropped, then for each line the
    /// depth of braces before it.
    fn depths(css: &str) -> Vec<(usize, &str)> {
        let (mut depth, mut in_comment, mut out) = (0usize, false, Vec::new());
        for line in css.lines() {
            out.push((depth, line));
            let mut rest = line;
            loop {
                if in_comment {
                    match rest.find("*/") {
                        Some(i) => {
                            in_comment = false;
                            rest = &rest[i + 2..];
                        }
                        None => break,
                    }
                } else {
                    let end = rest.find("/*").unwrap_or(rest.len());
                    for c in rest[..end].chars() {
                        match c {
                            '{' => depth += 1,
                            '}' => depth = depth.saturating_sub(1),
                            _ => {}
                        }
                    }
                    if end == rest.len() {
                        break;
                    }
                    in_comment = true;
                    rest = &rest[end + 2..];
                }
            }
        }
        out.push((depth, ""));
        out
    }

    /// Two rules appended to the stylesheet in parallel once left a block unclosed, and every
    /// rule after it silently stopped applying: every block closes, and a rule written at the
    /// start of a line (a top-level rule, by the file's own indentation) is at top level.
    #[test]
    fn every_block_closes_and_top_level_rules_are_at_top_level() {
        let lines = depths(STYLESHEET);
        for (n, (depth, line)) in lines.iter().enumerate() {
            let top_level_text =
                line.chars().next().is_some_and(|c| !c.is_whitespace()) && !line.starts_with('}');
            assert!(
                !(top_level_text && *depth > 0),
                "static/vanban.css line {}: «{line}» at depth {depth}",
                n + 1
            );
        }
        assert_eq!(lines.last().map(|l| l.0), Some(0), "a block is left open");
    }

    #[test]
    fn the_check_finds_an_unclosed_block() {
        let broken = "@media print {\n  .a {\n    color: red;\n/* next */\n.b {\n}\n";
        let lines = depths(broken);
        assert!(lines.iter().any(|(d, l)| *d > 0 && l.starts_with(".b")));
        assert_ne!(lines.last().map(|l| l.0), Some(0));
    }
}
