//! `POST /campaigns/{id}/register`: the review register uploaded from the campaign page
//! (multipart form: the file, and whether only to check it), answered with the row-numbered
//! report.

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use futures_util::StreamExt;

use super::{base_context, render_status, PageError};
use crate::app::register::{flag, run, Outcome, REGISTER_LIMIT};
use crate::app::AppState;
use crate::error::AppError;

/// The file and the check box of the upload form.
async fn read_form(mut form: Multipart) -> Result<(Vec<u8>, String, bool), AppError> {
    let mut file = None;
    let mut dry_run = false;
    let bad = crate::web::unreadable_form;
    while let Some(field) = form.next().await {
        let mut field = field.map_err(bad)?;
        let name = field.name().unwrap_or_default().to_string();
        let filename = field
            .content_disposition()
            .and_then(|d| d.get_filename())
            .unwrap_or_default()
            .to_string();
        let mut data = Vec::new();
        while let Some(chunk) = field.next().await {
            data.extend_from_slice(&chunk.map_err(bad)?);
            if data.len() > REGISTER_LIMIT {
                return Err(AppError::PayloadTooLarge);
            }
        }
        match name.as_str() {
            "file" => file = Some((data, filename)),
            "dry_run" => dry_run = flag(std::str::from_utf8(&data).ok())?,
            _ => {}
        }
    }
    match file {
        Some((data, name)) if !data.is_empty() => Ok((data, name, dry_run)),
        _ => Err(AppError::Unprocessable(
            "Cần chọn tệp sổ theo dõi (CSV hoặc XLSX) để nhập.".into(),
        )),
    }
}

pub async fn upload(
    state: web::Data<AppState>,
    actor: crate::auth::Actor,
    path: web::Path<i64>,
    form: Multipart,
) -> Result<HttpResponse, PageError> {
    let campaign = path.into_inner();
    let (bytes, filename, dry_run) = match read_form(form).await {
        Ok(read) => read,
        Err(e @ AppError::BadRequest(_)) => {
            return Ok(crate::web::refused_form(
                &e,
                &format!("/campaigns/{campaign}"),
            ))
        }
        Err(e) => return Err(e.into()),
    };
    let outcome = run(&state, actor, campaign, bytes, dry_run).await?;
    let mut ctx = base_context("campaigns", "");
    ctx.insert("campaign_id", &campaign);
    ctx.insert("filename", &filename);
    ctx.insert("dry_run", &dry_run);
    let status = match outcome {
        Outcome::Done(report) => {
            ctx.insert("report", &report);
            StatusCode::OK
        }
        Outcome::Refused {
            status,
            message,
            rows,
            ..
        } => {
            ctx.insert("message", &message);
            ctx.insert("errors", &rows);
            status
        }
    };
    Ok(render_status(status, "register_import.html", &ctx)?)
}
