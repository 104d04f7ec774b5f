//! The yearly list of expired documents: `/annual-lists/{year}` (printable), its CSV, and
//! `/api/v1/annual-lists/{year}`.

use actix_web::{web, HttpResponse};
use chrono::Datelike;
use serde::{Deserialize, Serialize};

use super::{base_context, render, PageError};
use crate::app::{number_param, on_pool, AppState};
use crate::clock::today;
use crate::domain::review::{annual_list_late, Extent};
use crate::domain::text::date_vn;
use crate::error::AppError;
use crate::registry::org::Org;
use crate::review::annual::{annual_list, AnnualRow, PublishError};

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AnnualQuery {
    /// Mã số cơ quan ban hành (mặc định: mọi cơ quan).
    #[serde(default)]
    #[param(value_type = Option<i64>)]
    pub authority: Option<String>,
    /// Pages only (`csv`, `xlsx`); the API answers JSON.
    #[serde(default)]
    #[param(ignore)]
    pub format: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AnnualList {
    pub year: i32,
    pub authority: Option<i64>,
    pub authority_name: Option<String>,
    /// When the list was published (for the authority chosen, or for any).
    pub published_on: Option<String>,
    pub whole: Vec<AnnualRow>,
    pub part: Vec<AnnualRow>,
}

/// The year in the path: four digits, from 1945 to next year.
fn parse_year(s: &str) -> Result<i32, AppError> {
    let max = today().year() + 1;
    match s.parse::<i32>() {
        Ok(y) if s.len() == 4 && (1945..=max).contains(&y) => Ok(y),
        _ => Err(AppError::NotFound(format!(
            "Không có danh mục cho năm «{s}»: năm gồm bốn chữ số, từ 1945 đến {max}."
        ))),
    }
}

async fn load(
    state: &AppState,
    year: &str,
    q: &AnnualQuery,
) -> Result<(AnnualList, Org), AppError> {
    let year = parse_year(year)?;
    let authority: Option<i64> = number_param("authority", &q.authority)?;
    let graphs = state.statuses.clone();
    let (rows, org, published) = on_pool(state, move |db| {
        let org = Org::load(db)?;
        if let Some(a) = authority {
            if !org.authorities.contains_key(&a) {
                return Err(crate::app::bad_param(
                    "authority",
                    "không có cơ quan ban hành này.".into(),
                ));
            }
        }
        let ids = authority.map(|a| org.authority_with_predecessors(a));
        let published = match authority {
            Some(a) => crate::review::annual::published_on(db, year, a)?
                .map(|t| crate::domain::text::date_vn(t.date())),
            None => crate::review::annual::any_published(db, year)?.then(String::new),
        };
        let graph = graphs.graph(db)?;
        Ok((
            annual_list(db, &graph, year, ids.as_deref())?,
            org,
            published,
        ))
    })
    .await?;
    let (whole, part) = rows.into_iter().partition(|r| r.extent == Extent::Whole);
    Ok((
        AnnualList {
            year,
            authority,
            published_on: published,
            authority_name: authority
                .and_then(|a| org.authorities.get(&a))
                .map(|a| a.name.clone()),
            whole,
            part,
        },
        org,
    ))
}

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

/// The year's list of documents expired in whole or in part, with the ground of each.
#[utoipa::path(
    get,
    path = "/api/v1/annual-lists/{year}",
    operation_id = "annual_list",
    tag = "van-ban",
    summary = "Danh mục văn bản hết hiệu lực toàn bộ hoặc một phần trong năm",
    params(("year" = i32, Path, description = "Năm, bốn chữ số, từ 1945 đến năm sau", example = 2025), AnnualQuery),
    responses(
        (status = 200, description = "Danh mục", body = AnnualList),
        (status = 400, description = "Tham số không hợp lệ (`bad_request`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 404, description = "Năm hoặc cơ quan không có (`not_found`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
    ),
)]
pub async fn api(
    state: web::Data<AppState>,
    path: web::Path<String>,
    q: web::Query<AnnualQuery>,
) -> Result<HttpResponse, AppError> {
    let (list, _) = load(&state, &path.into_inner(), &q.into_inner()).await?;
    Ok(HttpResponse::Ok().json(list))
}

/// An approver (or administrator) publishes the list of a year for an authority of their
/// units (403 outside them, nothing written).
pub async fn publish(
    state: web::Data<AppState>,
    actor: crate::auth::Actor,
    path: web::Path<String>,
    form: web::Form<std::collections::HashMap<String, String>>,
) -> Result<HttpResponse, PageError> {
    let year = parse_year(&path.into_inner())?;
    let authority: i64 = form
        .get("authority")
        .and_then(|a| a.trim().parse().ok())
        .ok_or_else(|| AppError::Unprocessable("Cần chọn cơ quan ban hành của danh mục.".into()))?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_are_four_digits_in_range() {
        assert_eq!(parse_year("2025").ok(), Some(2025));
        for bad in ["25", "02025", "1900", "abcd", "9999", "-2025"] {
            assert!(parse_year(bad).is_err(), "{bad}");
        }
    }
}
