//! Inspection pages: a unit's visits and completeness over time (`/units/{code}/inspections`),
//! the form an inspector fills in on site (`/units/{code}/inspections/new?date=`, posted to
//! `/inspections`), and one visit compared with the system's check (`/inspections/{id}`).
//! A refused form is shown again with what was typed and the reason; nothing is written.

mod form;

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use chrono::Datelike;
use serde::{Deserialize, Serialize};

use super::{base_context, render, render_status, PageError};
use crate::app::inspections::{history, inspection, record};
use crate::app::procedures::completeness::check_unit;
use crate::app::AppState;
use crate::auth::Actor;
use crate::clock::today;
use crate::domain::inspection::FindingCode;
use crate::domain::listing::GapKind;
use crate::domain::text::date_vn;
use crate::error::AppError;
use crate::procedures::check::{Completeness, Settings};
use crate::procedures::inspections::InspectionError;
pub use form::InspectionForm;

#[derive(Serialize)]
struct VisitRow {
    id: i64,
    date: String,
    inspector: String,
    note: String,
    findings: usize,
    system_percent: String,
    inspected_percent: String,
    differ: usize,
    not_in_report: usize,
}

fn pct(p: Option<f64>) -> String {
    crate::domain::text::percent_vn(p)
}

/// A unit's visits and its completeness over time.
pub async fn unit_page(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let reference = path.into_inner();
    let h = match history(&state, reference.clone()).await {
        Ok(h) => h,
        Err(e) => {
            return super::unit_error_page(&state, e, &reference, today(), |s| {
                (
                    format!("/units/{}/inspections", s.reference),
                    format!("Kiểm tra niêm yết tại {}", s.name),
                )
            })
            .await
        }
    };
    let points: Vec<_> = h
        .points
        .iter()
        .map(|p| (p.date, p.system_percent, p.inspected_percent))
        .collect();
    let notice = crate::app::units::notice_of(&state, h.unit.id, today()).await?;
    let mut ctx = base_context("units", "");
    ctx.insert("notice", &notice);
    ctx.insert("unit", &h.unit);
    ctx.insert("chart", &super::charts::history_svg(&points, 720, 240));
    let rows: Vec<VisitRow> = h
        .visits
        .iter()
        .map(|v| VisitRow {
            id: v.id,
            date: date_vn(v.date),
            inspector: v.inspector.clone(),
            note: v.note.clone(),
            findings: v.findings,
            system_percent: pct(Some(v.system_percent)),
            inspected_percent: pct(v.inspected_percent),
            differ: v.differ,
            not_in_report: v.not_in_report,
        })
        .collect();
    ctx.insert("visits", &rows);
    let history: Vec<(String, String, String, String)> = h
        .points
        .iter()
        .rev()
        .map(|p| {
            (
                date_vn(p.date),
                format!("{}/{}", p.complete, p.required),
                pct(Some(p.system_percent)),
                pct(p.inspected_percent),
            )
        })
        .collect();
    ctx.insert("history", &history);
    ctx.insert("today_iso", &today().to_string());
    Ok(render("inspections.html", &ctx)?)
}

#[derive(Debug, Default, Deserialize)]
pub struct NewQuery {
    pub date: Option<String>,
}

#[derive(Serialize)]
struct FormRow {
    code: String,
    name: String,
    system: String,
    system_label: String,
    /// Codes this procedure accepts.
    options: Vec<(&'static str, &'static str)>,
    value: String,
    note: String,
    extra: bool,
}

fn form_rows(c: &Completeness, typed: &HashMap<String, (String, String)>) -> Vec<FormRow> {
    let required: Vec<(&'static str, &'static str)> = FindingCode::all()
        .into_iter()
        .filter(|f| *f != FindingCode::Gap(GapKind::NotRequired))
        .map(|f| (f.code(), f.label()))
        .collect();
    let nr = FindingCode::Gap(GapKind::NotRequired);
    let mut rows = Vec::new();
    for i in &c.items {
        let (system, label) = match i.gaps.first() {
            Some(g) => (g.kind.clone(), g.label.clone()),
            None if i.pending => ("ok".to_string(), "Còn trong hạn niêm yết".to_string()),
            None => ("ok".to_string(), FindingCode::Ok.label().to_string()),
        };
        let (value, note) = typed.get(&i.code).cloned().unwrap_or_default();
        rows.push(FormRow {
            code: i.code.clone(),
            name: i.name.clone(),
            system,
            system_label: label,
            options: required.clone(),
            value,
            note,
            extra: false,
        });
    }
    for e in &c.extra {
        if rows.iter().any(|r| r.code == e.code) {
            continue;
        }
        let (value, note) = typed.get(&e.code).cloned().unwrap_or_default();
        rows.push(FormRow {
            code: e.code.clone(),
            name: e.name.clone(),
            system: nr.code().to_string(),
            system_label: nr.label().to_string(),
            options: vec![(nr.code(), nr.label())],
            value,
            note,
            extra: true,
        });
    }
    rows
}

fn form_context(
    c: &Completeness,
    date: &str,
    note: &str,
    typed: &HashMap<String, (String, String)>,
    error: Option<(&str, String)>,
) -> tera::Context {
    let mut ctx = base_context("units", "");
    ctx.insert("unit", &c.unit);
    ctx.insert("date", date);
    ctx.insert("date_vn", &date_vn(c.date));
    ctx.insert("today_iso", &today().to_string());
    ctx.insert("note", note);
    ctx.insert("rows", &form_rows(c, typed));
    if let Some((code, message)) = error {
        if code == InspectionError::NoFindings.code() {
            // Nothing chosen is no fault to report by its code: say what to do.
            ctx.insert("error", "Chưa chọn kết quả cho thủ tục nào. Chọn kết quả cho từng thủ tục đã kiểm tra, hoặc bấm «Ghi biên bản: tất cả khớp» để ghi mọi thủ tục để trống theo ghi nhận của hệ thống, chỉ chọn riêng những thủ tục khác.");
        } else {
            ctx.insert("error_code", code);
            ctx.insert("error", &message);
        }
    }
    ctx
}

/// The form: every procedure the unit must post on the day, and postings that no longer apply.
pub async fn new_form(
    state: web::Data<AppState>,
    path: web::Path<String>,
    q: web::Query<NewQuery>,
) -> Result<HttpResponse, PageError> {
    let date = crate::app::parse_date(q.date.as_deref())?;
    if date > today() {
        return Err(AppError::from(InspectionError::FutureDate {
            date: date_vn(date),
            today: date_vn(today()),
        })
        .into());
    }
    let reference = path.into_inner();
    let c = match check_unit(&state, reference.clone(), date, Settings::default()).await {
        Ok(c) => c,
        // A unit abolished by the day of the visit: no form (its postings are now the
        // successor's); the inspector is told so and pointed to the successors' forms.
        Err(e) => {
            return super::unit_error_page(&state, e, &reference, date, |s| {
                (
                    format!("/units/{}/inspections/new?date={date}", s.reference),
                    format!(
                        "Ghi biên bản kiểm tra tại {} ngày {}",
                        s.name,
                        date_vn(date)
                    ),
                )
            })
            .await
        }
    };
    let ctx = form_context(&c, &date.to_string(), "", &HashMap::new(), None);
    Ok(render("inspection_form.html", &ctx)?)
}

/// The visit's day as the form gives it, if it is one and not in the future.
fn form_date(raw: &str) -> Option<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .or_else(|_| chrono::NaiveDate::parse_from_str(raw, "%d/%m/%Y"))
        .ok()
        .filter(|d| *d <= today())
}

/// Records a visit; a refusal shows the form again with what was typed. «Tất cả khớp»
/// (`all_match`) records every procedure left blank as the system's check of the day has it.
pub async fn create(
    state: web::Data<AppState>,
    actor: Actor,
    form: web::Form<InspectionForm>,
) -> Result<HttpResponse, PageError> {
    let mut form = form.into_inner();
    if form.all_match {
        // The system's check of the day gives each procedure left blank its finding.
        if let Some(date) = form_date(&form.date) {
            if let Ok(c) = check_unit(&state, form.unit.clone(), date, Settings::default()).await {
                let rows = form_rows(&c, &HashMap::new());
                form.fill_unmarked(rows.iter().map(|r| (r.code.as_str(), r.system.as_str())));
            }
        }
    }
    let typed = form.typed();
    let visit = form.into_visit();
    let result = record(&state, actor, visit.clone()).await?;
    let err = match result {
        Ok(id) => {
            return Ok(HttpResponse::SeeOther()
                .insert_header((
                    actix_web::http::header::LOCATION,
                    format!("/inspections/{id}"),
                ))
                .finish())
        }
        Err(e) => e,
    };
    // Shown again on the form when the unit can be checked (an unknown unit is an error page):
    // a day that is missing, unreadable or in the future is refused beside the date field, the
    // list being today's meanwhile.
    let status = StatusCode::from_u16(err.status()).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
    let day = form_date(&visit.date);
    let Ok(c) = check_unit(
        &state,
        visit.unit.clone(),
        day.unwrap_or_else(today),
        Settings::default(),
    )
    .await
    else {
        return Err(AppError::from(err).into());
    };
    let mut ctx = form_context(
        &c,
        &visit.date,
        &visit.note,
        &typed,
        Some((err.code(), err.to_string())),
    );
    if day.is_none() {
        ctx.insert("error_field", "date");
    }
    Ok(render_status(status, "inspection_form.html", &ctx)?)
}

/// One visit, compared with the system's check of its day.
pub async fn page(
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    let v = inspection(&state, path.into_inner()).await?;
    let notice = crate::app::units::notice_of(&state, v.unit.id, today()).await?;
    let mut ctx = base_context("units", "");
    ctx.insert("notice", &notice);
    ctx.insert("date_vn", &date_vn(v.date));
    ctx.insert("date_iso", &v.date.to_string());
    ctx.insert("system_percent", &pct(Some(v.system_percent)));
    ctx.insert("inspected_percent", &pct(v.inspected_percent));
    ctx.insert("v", &v);
    Ok(render("inspection.html", &ctx)?)
}

/// A finding as the printed report lists it.
#[derive(Serialize)]
struct ReportRow<'a> {
    code: &'a str,
    name: &'a str,
    inspector_label: &'a str,
    inspector_note: Option<&'a str>,
}

/// The printable report of a visit (biên bản kiểm tra), under its unit's address: the
/// procedures the inspector recorded, by code, with the summary and signature blocks. The
/// route admits inspectors, administrators and the unit's officers (who sign for the unit)
/// within their scope; a visit of another unit is not found at this address.
pub async fn report(
    state: web::Data<AppState>,
    path: web::Path<(String, i64)>,
) -> Result<HttpResponse, PageError> {
    let (code, id) = path.into_inner();
    let v = inspection(&state, id).await?;
    if v.unit.code != code {
        return Err(AppError::NotFound(format!(
            "Đơn vị {code} không có biên bản kiểm tra số {id}."
        ))
        .into());
    }
    let mut findings: Vec<ReportRow<'_>> = v
        .rows
        .iter()
        .filter_map(|r| {
            Some(ReportRow {
                code: &r.code,
                name: &r.name,
                inspector_label: r.inspector_label.as_deref()?,
                inspector_note: r.inspector_note.as_deref(),
            })
        })
        .collect();
    findings.sort_by(|a, b| a.code.cmp(b.code));
    let ok = FindingCode::Ok.label();
    let ok_count = findings.iter().filter(|r| r.inspector_label == ok).count();
    let notice = crate::app::units::notice_of(&state, v.unit.id, today()).await?;
    let mut ctx = base_context("units", "");
    ctx.insert("notice", &notice);
    ctx.insert("v", &v);
    ctx.insert("findings", &findings);
    ctx.insert("ok_count", &ok_count);
    ctx.insert("gap_count", &(findings.len() - ok_count));
    ctx.insert("date_vn", &date_vn(v.date));
    ctx.insert("day", &format!("{:02}", v.date.day()));
    ctx.insert("month", &format!("{:02}", v.date.month()));
    ctx.insert("year", &v.date.year());
    ctx.insert("place", &crate::domain::text::place_of_unit(&v.unit.name));
    ctx.insert("system_percent", &pct(Some(v.system_percent)));
    ctx.insert("inspected_percent", &pct(v.inspected_percent));
    Ok(render("inspection_report.html", &ctx)?)
}
