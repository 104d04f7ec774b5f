//! `GET/POST /units/{code}/ho-so` and `POST /units/{code}/ho-so/tep`: the monthly dossier
//! counts of a unit — a month picker and one row per procedure that applies there (received,
//! settled on time, filed online), prefilled with what is stored — and the CSV upload with its
//! line-numbered report. The scorecard reads what is written at once.

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};

use super::CountsForm;
use crate::app::counter::{count_sheet, save_counts, upload_counts, SavedCounts};
use crate::app::AppState;
use crate::auth::Actor;
use crate::error::AppError;
use crate::procedures::counter::counts::{
    first_of, month_vn, CountSheet, Figure, SheetErrors, SheetInput,
};
use crate::procedures::counter::counts_file::{LineProblem, COUNTS_FILE_LIMIT, HEADER};
use crate::web::{base_context, render_status, PageError};

#[derive(Debug, Default, Deserialize)]
pub struct CountsQuery {
    /// The month, `2026-03`.
    pub thang: Option<String>,
    /// Counts written by the form or file just sent.
    pub saved: Option<u32>,
}

#[derive(Serialize)]
struct CellView {
    name: String,
    id: String,
    label: &'static str,
    value: String,
    error: Option<String>,
}

#[derive(Serialize)]
struct RowView {
    code: String,
    name: String,
    field: String,
    stored: bool,
    /// A procedure that does not apply that month: its stored figures are shown, not taken.
    applies: bool,
    cells: Vec<CellView>,
}

fn rows(sheet: &CountSheet, typed: Option<&SheetInput>, errors: &SheetErrors) -> Vec<RowView> {
    sheet
        .rows
        .iter()
        .enumerate()
        .map(|(n, r)| RowView {
            code: r.code.clone(),
            name: r.name.clone(),
            field: r.field.clone(),
            stored: r.stored.is_some(),
            applies: r.applies,
            cells: Figure::ALL
                .iter()
                .enumerate()
                .map(|(i, f)| CellView {
                    name: format!("{}:{}", f.code(), r.code),
                    id: format!("{}-{}", f.code(), n + 1),
                    label: f.label(),
                    value: match typed {
                        Some(t) => t
                            .typed
                            .get(&r.code)
                            .map(|v| v[i].clone())
                            .unwrap_or_default(),
                        None => r.stored.map(|s| s[i].to_string()).unwrap_or_default(),
                    },
                    error: errors.cells.get(&SheetErrors::key(&r.code, *f)).cloned(),
                })
                .collect(),
        })
        .collect()
}

fn context(
    state: &AppState,
    sheet: &CountSheet,
    typed: Option<&SheetInput>,
    errors: &SheetErrors,
    file: &[LineProblem],
) -> tera::Context {
    let mut ctx = base_context("units", "");
    ctx.insert("unit", &sheet.unit);
    ctx.insert(
        "month",
        &typed.map_or_else(
            || sheet.month.format("%Y-%m").to_string(),
            |t| t.month.clone(),
        ),
    );
    ctx.insert("month_vn", &month_vn(sheet.month));
    ctx.insert(
        "max_month",
        &first_of(state.today()).format("%Y-%m").to_string(),
    );
    ctx.insert("rows", &rows(sheet, typed, errors));
    ctx.insert("errors", errors);
    ctx.insert("has_errors", &!errors.is_empty());
    ctx.insert("file_problems", file);
    ctx.insert("header", &HEADER.join(","));
    ctx.insert("limit_kib", &(COUNTS_FILE_LIMIT / 1024));
    ctx
}

/// The month's sheet.
pub async fn page(
    state: web::Data<AppState>,
    path: web::Path<String>,
    q: web::Query<CountsQuery>,
) -> Result<HttpResponse, PageError> {
    let q = q.into_inner();
    let sheet = count_sheet(&state, path.into_inner(), q.thang).await?;
    let mut ctx = context(&state, &sheet, None, &SheetErrors::default(), &[]);
    if let Some(n) = q.saved {
        ctx.insert("saved", &n);
    }
    Ok(render_status(StatusCode::OK, "counter_counts.html", &ctx)?)
}

fn answer(
    state: &AppState,
    code: &str,
    saved: SavedCounts,
    typed: Option<&SheetInput>,
) -> Result<HttpResponse, PageError> {
    let (sheet, errors, file) = match saved {
        SavedCounts::Written { month, count } => {
            return Ok(HttpResponse::SeeOther()
                .insert_header((
                    actix_web::http::header::LOCATION,
                    format!("/units/{code}/ho-so?thang={month}&saved={count}"),
                ))
                .finish())
        }
        SavedCounts::Refused(sheet, errors) => (sheet, errors, Vec::new()),
        SavedCounts::FileRefused(sheet, problems) => (sheet, SheetErrors::default(), problems),
    };
    let ctx = context(state, &sheet, typed, &errors, &file);
    Ok(render_status(
        StatusCode::BAD_REQUEST,
        "counter_counts.html",
        &ctx,
    )?)
}

/// Applies the sheet form; a refusal shows it again with each error beside its field.
pub async fn save(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<String>,
    form: web::Form<CountsForm>,
) -> Result<HttpResponse, PageError> {
    let code = path.into_inner();
    let input = form.into_inner().0;
    let saved = save_counts(&state, actor, code.clone(), input.clone()).await?;
    answer(&state, &code, saved, Some(&input))
}

/// The file of the upload form (the CSRF token is read by the guard).
async fn read_file(mut form: Multipart) -> Result<Vec<u8>, AppError> {
    let bad = crate::web::unreadable_form;
    let mut file = None;
    while let Some(field) = form.next().await {
        let mut field = field.map_err(bad)?;
        let is_file = field.name() == Some("file");
        let mut data = Vec::new();
        while let Some(chunk) = field.next().await {
            data.extend_from_slice(&chunk.map_err(bad)?);
            if data.len() > COUNTS_FILE_LIMIT {
                return Err(AppError::PayloadTooLarge);
            }
        }
        if is_file {
            file = Some(data);
        }
    }
    match file {
        Some(data) if !data.is_empty() => Ok(data),
        _ => Err(AppError::Unprocessable(
            "Cần chọn tệp số liệu hồ sơ (CSV) để nhập.".into(),
        )),
    }
}

/// Applies a counts file: every line or none, with the line-numbered report.
pub async fn upload(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<String>,
    form: Multipart,
) -> Result<HttpResponse, PageError> {
    let code = path.into_inner();
    let bytes = match read_file(form).await {
        Ok(bytes) => bytes,
        // No file chosen: the month's sheet again, the message beside the file field.
        Err(AppError::Unprocessable(m)) => {
            let sheet = count_sheet(&state, code, None).await?;
            let mut ctx = context(&state, &sheet, None, &SheetErrors::default(), &[]);
            ctx.insert("file_error", &m);
            return Ok(render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                "counter_counts.html",
                &ctx,
            )?);
        }
        Err(e @ AppError::BadRequest(_)) => {
            return Ok(crate::web::refused_form(
                &e,
                &format!("/units/{code}/ho-so"),
            ))
        }
        Err(e) => return Err(e.into()),
    };
    let saved = upload_counts(&state, actor, code.clone(), bytes).await?;
    answer(&state, &code, saved, None)
}
