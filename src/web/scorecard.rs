//! The reform scorecard pages: one unit (`/units/{code}/scorecard?year=&format=csv`) with each
//! figure's numerator, denominator, target and the records behind it, and a province's units
//! side by side (`/scorecard?province=&year=&format=csv`). Signed-in users: the review figures
//! come from the review tracker, which is not public.

use actix_web::{web, HttpResponse};
use chrono::Datelike;
use serde::Serialize;

use super::charts::{bars_svg, Bar};
use super::{base_context, render, PageError};
use crate::app::scorecard::{load_province, load_unit, province_code, year_of, ScorecardQuery};
use crate::app::AppState;
use crate::clock::today;
use crate::domain::scorecard::{Figure, Indicator};
use crate::domain::text::date_vn;
use crate::error::AppError;
use crate::procedures::scorecard::{self as sc, Scorecard};

fn wants_csv(q: &ScorecardQuery) -> Result<bool, AppError> {
    match crate::app::opt(&q.format) {
        None | Some("html") => Ok(false),
        Some("csv") => Ok(true),
        Some(other) => Err(crate::app::bad_param(
            "format",
            format!("«{other}» không hợp lệ (html, csv)."),
        )),
    }
}

fn csv_response(cards: &[Scorecard], name: &str) -> Result<HttpResponse, AppError> {
    let mut body = Vec::new();
    sc::write_csv(cards, &mut body).map_err(|e| AppError::internal("ghi CSV", e))?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{name}.csv\""),
        ))
        .body(body))
}

/// A figure as a page shows it.
#[derive(Serialize)]
struct FigureRow<'a> {
    f: &'a Figure,
    percent: String,
    target: String,
    /// Where the records behind it are.
    href: String,
}

fn fmt_pct(p: Option<f64>) -> String {
    crate::domain::text::percent_vn(p)
}

fn figure_rows(s: &Scorecard) -> Vec<FigureRow<'_>> {
    s.figures
        .iter()
        .map(|f| {
            let target = match (f.indicator, f.target, f.cut_target) {
                (_, _, Some(cut)) => format!("100% thủ tục cắt giảm ≥ {cut}%"),
                (_, Some(t), None) => format!("≥ {t}%"),
                (_, None, None) => "Không đặt".to_string(),
            };
            let href = match f.indicator {
                Indicator::Posted => {
                    format!("/units/{}/completeness?date={}", s.unit.code, s.as_of)
                }
                other => format!("#chi-tiet-{}", other.code()),
            };
            FigureRow {
                f,
                percent: fmt_pct(f.percent),
                target,
                href,
            }
        })
        .collect()
}

fn years() -> Vec<i32> {
    let now = today().year();
    ((now - 7)..=now).rev().collect()
}

pub async fn unit_page(
    state: web::Data<AppState>,
    path: web::Path<String>,
    q: web::Query<ScorecardQuery>,
) -> Result<HttpResponse, PageError> {
    let q = q.into_inner();
    let year = year_of(&q)?;
    let csv = wants_csv(&q)?;
    let reference = path.into_inner();
    let s = match load_unit(&state, reference.clone(), year).await {
        Ok(s) => s,
        Err(e) => {
            let day = chrono::NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or_else(today);
            return super::unit_error_page(&state, e, &reference, day, |u| {
                (
                    format!("/units/{}/scorecard?year={year}", u.reference),
                    format!("Chỉ tiêu năm {year} của {}", u.name),
                )
            })
            .await;
        }
    };
    if csv {
        return Ok(csv_response(
            std::slice::from_ref(&s),
            &format!("chi-tieu-cchc-{}-{}", s.unit.code, s.year),
        )?);
    }
    let bars: Vec<Bar<'_>> = s
        .figures
        .iter()
        .map(|f| Bar {
            label: short_label(f.indicator),
            percent: f.percent,
            target: f.target,
        })
        .collect();
    let notice = crate::app::units::notice_of(&state, s.unit.id, s.as_of).await?;
    let mut ctx = base_context("scorecard", "");
    ctx.insert("notice", &notice);
    ctx.insert("s", &s);
    ctx.insert("as_of_vn", &date_vn(s.as_of));
    ctx.insert("figures", &figure_rows(&s));
    ctx.insert(
        "chart",
        &bars_svg(
            &format!(
                "Các chỉ tiêu cải cách hành chính năm {} so với mục tiêu",
                s.year
            ),
            &bars,
            720,
        ),
    );
    ctx.insert(
        "cut_sections",
        &serde_json::json!([
            {"id": Indicator::TimeCutNew.code(), "title": "Thủ tục mới ban hành: thời hạn giải quyết",
             "target": s.targets.time_cut_new, "list": &s.records.time_cut_new},
            {"id": Indicator::TimeCutAmended.code(), "title": "Thủ tục sửa đổi, bổ sung, thay thế: thời hạn giải quyết",
             "target": s.targets.time_cut_amended, "list": &s.records.time_cut_amended},
        ]),
    );
    ctx.insert("years", &years());
    ctx.insert(
        "csv_url",
        &format!(
            "/units/{}/scorecard?year={}&format=csv",
            s.unit.code, s.year
        ),
    );
    ctx.insert(
        "api_url",
        &format!("/api/v1/units/{}/scorecard?year={}", s.unit.code, s.year),
    );
    Ok(render("scorecard.html", &ctx)?)
}

fn short_label(i: Indicator) -> &'static str {
    match i {
        Indicator::Posted => "Niêm yết đầy đủ, đúng hạn",
        Indicator::TimeCutNew => "Cắt giảm thời gian (TTHC mới)",
        Indicator::TimeCutAmended => "Cắt giảm thời gian (sửa đổi, thay thế)",
        Indicator::OnlineLevel3 => "Dịch vụ công trực tuyến",
        Indicator::OnlineLevel4 => "Toàn trình trong số đó",
        Indicator::Reviewed => "Văn bản được rà soát",
        Indicator::Handled => "Văn bản không phù hợp đã xử lý",
        Indicator::FiledOnline => "Hồ sơ nộp trực tuyến",
        Indicator::OnTime => "Hồ sơ giải quyết đúng hạn",
    }
}

#[derive(Serialize)]
struct Cell {
    percent: String,
    counts: String,
    verdict: &'static str,
    verdict_label: &'static str,
}

#[derive(Serialize)]
struct UnitRow {
    code: String,
    name: String,
    level: String,
    cells: Vec<Cell>,
    met: usize,
    measured: usize,
    /// What became of the unit, when it was abolished by the day the figures are read.
    notice: Option<crate::registry::unit_labels::SuccessionNotice>,
}

pub async fn province_page(
    state: web::Data<AppState>,
    q: web::Query<ScorecardQuery>,
) -> Result<HttpResponse, PageError> {
    let q = q.into_inner();
    let year = year_of(&q)?;
    let csv = wants_csv(&q)?;
    let code = province_code(&state, &q).await?;
    let cards = load_province(&state, code.clone(), year).await?;
    if csv {
        return Ok(csv_response(
            &cards,
            &format!("chi-tieu-cchc-tinh-{code}-{year}"),
        )?);
    }
    let Some(first) = cards.first() else {
        return Err(AppError::NotFound(format!("Không có đơn vị «{code}».")).into());
    };
    let mut notices = Vec::with_capacity(cards.len());
    for s in &cards {
        notices.push(crate::app::units::notice_of(&state, s.unit.id, s.as_of).await?);
    }
    let rows: Vec<UnitRow> = cards
        .iter()
        .zip(notices)
        .map(|(s, notice)| UnitRow {
            notice,
            code: s.unit.code.clone(),
            name: s.unit.name.clone(),
            level: s.level_label.clone(),
            cells: s
                .figures
                .iter()
                .map(|f| Cell {
                    percent: fmt_pct(f.percent),
                    counts: format!("{}/{}", f.numerator, f.denominator),
                    verdict: f.verdict.code(),
                    verdict_label: f.verdict_label,
                })
                .collect(),
            met: s
                .figures
                .iter()
                .filter(|f| f.verdict == crate::domain::scorecard::Verdict::Met)
                .count(),
            measured: s
                .figures
                .iter()
                .filter(|f| {
                    matches!(
                        f.verdict,
                        crate::domain::scorecard::Verdict::Met
                            | crate::domain::scorecard::Verdict::NotMet
                    )
                })
                .count(),
        })
        .collect();
    let bars: Vec<Bar<'_>> = cards
        .iter()
        .map(|s| Bar {
            label: &s.unit.name,
            percent: s.figure(Indicator::Posted).and_then(|f| f.percent),
            target: s.figure(Indicator::Posted).and_then(|f| f.target),
        })
        .collect();
    let mut ctx = base_context("scorecard", "");
    ctx.insert("province", &first.unit);
    ctx.insert("year", &year);
    ctx.insert("as_of_vn", &date_vn(first.as_of));
    ctx.insert("targets", &first.targets);
    ctx.insert(
        "headers",
        &Indicator::ALL
            .iter()
            .map(|i| short_label(*i))
            .collect::<Vec<_>>(),
    );
    ctx.insert("rows", &rows);
    ctx.insert(
        "chart",
        &bars_svg(
            &format!("Tỷ lệ thủ tục niêm yết đầy đủ, đúng hạn theo đơn vị, năm {year}"),
            &bars,
            720,
        ),
    );
    ctx.insert("years", &years());
    ctx.insert(
        "csv_url",
        &format!("/scorecard?province={code}&year={year}&format=csv"),
    );
    ctx.insert(
        "api_url",
        &format!("/api/v1/scorecard?province={code}&year={year}"),
    );
    Ok(render("scorecard_province.html", &ctx)?)
}
