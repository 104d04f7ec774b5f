//! `/units/{code}/completeness?date=&deadline_days=&format=csv`: the completeness check of the
//! procedures posted at a unit, as a printable page (percentage, gaps, every required
//! procedure) or as the CSV list of gaps. Public, like the JSON API it links to: posting is
//! itself a duty of publicity, and the page shows nothing that is not posted on a wall.

use actix_web::{web, HttpResponse};
use serde::Serialize;

use super::{base_context, render, PageError};
use crate::app::procedures::completeness::{check_unit, gaps_csv, settings_of, CompletenessQuery};
use crate::app::{parse_date, AppState};
use crate::domain::procedure::PostingPoint;
use crate::domain::text::date_vn;
use crate::procedures::check::{self, Completeness};

#[derive(Serialize)]
struct GapRow {
    code: String,
    name: String,
    kind: String,
    label: String,
    detail: String,
}

#[derive(Serialize)]
struct ItemRow {
    code: String,
    name: String,
    field: String,
    decision: String,
    deadline: String,
    posted: String,
    points: String,
    state: &'static str,
    state_label: String,
}

fn items(c: &Completeness) -> Vec<ItemRow> {
    c.items
        .iter()
        .map(|i| {
            let (state, label) = if !i.gaps.is_empty() {
                (
                    "gap",
                    i.gaps
                        .iter()
                        .map(|g| g.label.as_str())
                        .collect::<Vec<_>>()
                        .join("; "),
                )
            } else if i.pending {
                ("pending", "Còn trong hạn niêm yết".to_string())
            } else {
                ("ok", "Đầy đủ, đúng hạn".to_string())
            };
            ItemRow {
                code: i.code.clone(),
                name: i.name.clone(),
                field: i.field.clone(),
                decision: format!("{} ngày {}", i.decision_number, date_vn(i.decision_date)),
                deadline: date_vn(i.deadline),
                posted: i.first_posted_on.map(date_vn).unwrap_or_default(),
                points: i
                    .posted_points
                    .iter()
                    .map(|p| PostingPoint::parse(p).map_or(p.as_str(), |x| x.label()))
                    .collect::<Vec<_>>()
                    .join(", "),
                state,
                state_label: label,
            }
        })
        .collect()
}

pub async fn page(
    state: web::Data<AppState>,
    path: web::Path<String>,
    q: web::Query<CompletenessQuery>,
) -> Result<HttpResponse, PageError> {
    let q = q.into_inner();
    let date = parse_date(q.date.as_deref())?;
    let settings = settings_of(&q)?;
    let csv = match crate::app::opt(&q.format) {
        None | Some("html") => false,
        Some("csv") => true,
        Some(other) => {
            return Err(crate::app::bad_param(
                "format",
                format!("«{other}» không hợp lệ (html, csv)."),
            )
            .into())
        }
    };
    let reference = path.into_inner();
    let c = match check_unit(&state, reference.clone(), date, settings).await {
        Ok(c) => c,
        // A unit abolished by the day: its notice, and the check at its successors.
        Err(e) => {
            return super::unit_error_page(&state, e, &reference, date, |s| {
                (
                    format!("/units/{}/completeness?date={date}", s.reference),
                    format!("Kiểm tra niêm yết tại {} ngày {}", s.name, date_vn(date)),
                )
            })
            .await
        }
    };
    if csv {
        let (body, name) = gaps_csv(&c)?;
        return Ok(HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header((
                "Content-Disposition",
                format!("attachment; filename=\"{name}\""),
            ))
            .body(body));
    }
    let gaps: Vec<GapRow> = c
        .gaps()
        .into_iter()
        .map(|g| GapRow {
            code: g.code.to_string(),
            name: g.name.to_string(),
            kind: g.kind.to_string(),
            label: g.label.to_string(),
            detail: g.detail.to_string(),
        })
        .collect();
    // An abolished unit's check names what became of it (the same notice as its page).
    let notice = crate::app::units::notice_of(&state, c.unit.id, c.date).await?;
    let mut ctx = base_context("units", "");
    ctx.insert("notice", &notice);
    let query = format!(
        "date={}{}",
        c.date,
        if c.settings.deadline_working_days != check::Settings::default().deadline_working_days {
            format!("&deadline_days={}", c.settings.deadline_working_days)
        } else {
            String::new()
        }
    );
    ctx.insert("c", &c);
    ctx.insert("date_iso", &c.date.to_string());
    ctx.insert("date_vn", &date_vn(c.date));
    ctx.insert(
        "percent",
        &crate::domain::text::share_vn(c.complete as u64, c.required as u64),
    );
    ctx.insert("gaps", &gaps);
    ctx.insert("items", &items(&c));
    ctx.insert(
        "csv_url",
        &format!("/units/{}/completeness?{query}&format=csv", c.unit.code),
    );
    ctx.insert(
        "api_url",
        &format!("/api/v1/units/{}/completeness?{query}", c.unit.code),
    );
    Ok(render("completeness.html", &ctx)?)
}
