//! The yearly list of expired documents: `/annual-lists/{year}` (printable), its CSV and XLSX,
//! and the publish form.

use actix_web::{web, HttpResponse};
use chrono::Datelike;

use super::{base_context, render, PageError};
use crate::app::annual::{load, parse_year, AnnualList, AnnualQuery};
use crate::app::AppState;
use crate::clock::today;
use crate::domain::review::annual_list_late;
use crate::domain::text::date_vn;
use crate::error::AppError;
use crate::review::annual::{AnnualRow, PublishError};

const HEADER: [&str; 8] = [
    "STT",
    "Cơ quan ban hành",
    "Tên loại",
    "Số, ký hiệu",
    "Ngày ban hành",
    "Tên gọi",
    "Ngày hết hiệu lực",
    "Lý do hết hiệu lực",
];

fn rows_of(rows: &[AnnualRow]) -> Vec<Vec<String>> {
    rows.iter()
        .enumerate()
        .map(|(i, r)| {
            vec![
                (i + 1).to_string(),
                r.authority.clone(),
                r.doc_type.clone(),
                r.number.clone(),
                date_vn(r.issued_on),
                r.title.clone(),
                date_vn(r.on),
                r.ground.clone(),
            ]
        })
        .collect()
}

const WHOLE: &str = "Hết hiệu lực toàn bộ";
const PART: &str = "Hết hiệu lực một phần";

fn csv_of(list: &AnnualList) -> Result<Vec<u8>, AppError> {
    let mut w = crate::spreadsheet::cells::CsvWriter::new(Vec::new());
    let fail = |e: csv::Error| AppError::internal("ghi CSV", e);
    let mut header = vec!["Danh mục"];
    header.extend(HEADER);
    w.write_record(&header).map_err(fail)?;
    for (label, rows) in [(WHOLE, &list.whole), (PART, &list.part)] {
        for row in rows_of(rows) {
            let mut line = vec![label.to_string()];
            line.extend(row);
            w.write_record(&line).map_err(fail)?;
        }
    }
    w.into_inner().map_err(fail)
}

fn xlsx_of(list: &AnnualList) -> Result<Vec<u8>, AppError> {
    super::xlsx::workbook(&[
        super::xlsx::Sheet {
            name: WHOLE,
            header: &HEADER,
            rows: rows_of(&list.whole),
        },
        super::xlsx::Sheet {
            name: PART,
            header: &HEADER,
            rows: rows_of(&list.part),
        },
    ])
}

pub async fn page(
    state: web::Data<AppState>,
    viewer: crate::auth::MaybeActor,
    path: web::Path<String>,
    q: web::Query<AnnualQuery>,
) -> Result<HttpResponse, PageError> {
    let q = q.into_inner();
    let (list, org) = load(&state, &path.into_inner(), &q).await?;
    // The publish form, for approvers whose units cover the authority chosen.
    let may_publish = match (&viewer.0, list.authority) {
        (Some(p), Some(a)) => {
            matches!(
                p.role,
                crate::auth::Role::Approver | crate::auth::Role::Admin
            ) && p
                .scope
                .covers(org.authorities.get(&a).and_then(|x| x.unit_id), |u| {
                    org.all_unit_predecessors(u)
                })
        }
        _ => false,
    };
    match q.format.as_deref() {
        None | Some("") | Some("html") => {}
        Some("csv") => {
            let body = csv_of(&list)?;
            return Ok(HttpResponse::Ok()
                .content_type("text/csv; charset=utf-8")
                .insert_header((
                    "Content-Disposition",
                    format!(
                        "attachment; filename=\"danh-muc-het-hieu-luc-{}.csv\"",
                        list.year
                    ),
                ))
                .body(body));
        }
        Some("xlsx") => {
            let body = xlsx_of(&list)?;
            return Ok(HttpResponse::Ok()
                .content_type(super::xlsx::CONTENT_TYPE)
                .insert_header((
                    "Content-Disposition",
                    format!(
                        "attachment; filename=\"danh-muc-het-hieu-luc-{}.xlsx\"",
                        list.year
                    ),
                ))
                .body(body));
        }
        Some(other) => {
            return Err(crate::app::bad_param(
                "format",
                format!("«{other}» không hợp lệ (html, csv, xlsx)."),
            )
            .into())
        }
    }
    let mut ctx = base_context("annual", "");
    let now = today();
    // Last year's list is due by 31 January.
    ctx.insert(
        "late_warning",
        &(list.year == now.year() - 1
            && annual_list_late(list.year, list.published_on.is_some(), now)),
    );
    let mut authorities: Vec<(i64, String)> = org
        .authorities
        .values()
        .filter(|a| a.unit_id.is_some())
        .map(|a| (a.id, a.name.clone()))
        .collect();
    authorities.sort_by(|a, b| a.1.cmp(&b.1));
    ctx.insert("authorities", &authorities);
    let base = match list.authority {
        Some(a) => format!("/annual-lists/{}?authority={a}&format=", list.year),
        None => format!("/annual-lists/{}?format=", list.year),
    };
    ctx.insert("csv_url", &format!("{base}csv"));
    ctx.insert("xlsx_url", &format!("{base}xlsx"));
    ctx.insert(
        "sections",
        &serde_json::json!([
            {"id": "toan-bo", "title": "I. Văn bản hết hiệu lực toàn bộ", "rows": &list.whole},
            {"id": "mot-phan", "title": "II. Văn bản hết hiệu lực một phần", "rows": &list.part},
        ]),
    );
    ctx.insert("list", &list);
    ctx.insert("may_publish", &may_publish);
    ctx.insert(
        "years",
        &((now.year() - 9)..=now.year()).rev().collect::<Vec<_>>(),
    );
    Ok(render("annual_list.html", &ctx)?)
}

/// The publish form: the authority whose list of the year is published (its id).
#[derive(Debug, Default, serde::Deserialize)]
pub struct PublishForm {
    #[serde(default)]
    authority: String,
    /// `1` once the confirmation page was answered «Xác nhận»; without it nothing is written.
    #[serde(default)]
    confirm: String,
}

/// An approver (or administrator) publishes the list of a year for an authority of their
/// units (403 outside them, nothing written).
pub async fn publish(
    state: web::Data<AppState>,
    actor: crate::auth::Actor,
    path: web::Path<String>,
    form: web::Form<PublishForm>,
) -> Result<HttpResponse, PageError> {
    let year = parse_year(&path.into_inner())?;
    let authority: i64 =
        form.authority.trim().parse().ok().ok_or_else(|| {
            AppError::Unprocessable("Cần chọn cơ quan ban hành của danh mục.".into())
        })?;
    if form.confirm.trim() != "1" {
        return publish_confirm(&state, year, authority).await;
    }
    crate::app::with_write(&state, move |db| {
        let p = crate::app::reviewer(db, &actor)?;
        match crate::review::annual::publish(db, &p, year, authority, crate::clock::now()) {
            Ok(done) => Ok(done),
            Err(PublishError::NotFound(m)) => Err(AppError::Unprocessable(m)),
            Err(PublishError::Forbidden(m)) => Err(AppError::Forbidden(m)),
            Err(PublishError::Db(e)) => Err(AppError::Db(e)),
        }
    })
    .await?;
    Ok(HttpResponse::SeeOther()
        .insert_header((
            actix_web::http::header::LOCATION,
            format!("/annual-lists/{year}?authority={authority}"),
        ))
        .finish())
}

/// The step before publishing a year's list: what will be published, with «Xác nhận» (the
/// same form with `confirm=1`) and «Quay lại» (the list). An unknown authority is refused now
/// (422); the scope is checked when it is confirmed.
async fn publish_confirm(
    state: &AppState,
    year: i32,
    authority: i64,
) -> Result<HttpResponse, PageError> {
    let name = crate::app::on_pool(state, move |db| {
        Ok(crate::db::queries::authority_by_id(db, authority)?.map(|a| a.name))
    })
    .await?
    .ok_or_else(|| AppError::Unprocessable("Không có cơ quan ban hành này.".into()))?;
    let mut ctx = base_context("review", "");
    ctx.insert("heading", "Công bố danh mục văn bản hết hiệu lực");
    ctx.insert(
        "what",
        &format!(
            "Công bố danh mục văn bản hết hiệu lực toàn bộ hoặc một phần năm {year} của {name}. Sau khi xác nhận, danh mục được ghi là đã công bố."
        ),
    );
    ctx.insert("action", &format!("/annual-lists/{year}/publish"));
    ctx.insert("fields", &[("authority", authority.to_string())]);
    ctx.insert("button", "");
    ctx.insert(
        "back",
        &format!("/annual-lists/{year}?authority={authority}"),
    );
    Ok(render("review_confirm.html", &ctx)?)
}
