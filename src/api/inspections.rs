//! Inspections as JSON: `POST /api/v1/inspections` (inspectors and administrators; a visit
//! with its findings, refused as a whole with a stable problem code), `GET
//! /api/v1/inspections/{id}` (a visit compared with the system's check) and `GET
//! /api/v1/units/{code}/inspections` (a unit's visits and completeness over time).

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};

use crate::auth::Actor;
use crate::error::{problem, AppError};
use crate::procedures::check::Settings;
use crate::procedures::inspections::{self as insp, InspectionError, VisitInput};
use crate::web::inspections::recorder;
use crate::web::{today, with_db, AppState};

/// A refused visit as a problem document with the refusal's own code.
fn refused(e: &InspectionError) -> HttpResponse {
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
    let title = match e.status() {
        400 => "Yêu cầu không hợp lệ",
        403 => "Không có quyền",
        _ => "Không ghi nhận được biên bản kiểm tra",
    };
    HttpResponse::build(status)
        .content_type("application/problem+json")
        .json(problem(status, e.code(), title, &e.to_string()))
}

pub async fn create(
    state: web::Data<AppState>,
    actor: Actor,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let visit: VisitInput = serde_json::from_slice(&body).map_err(|e| {
        AppError::BadRequest(format!(
            "Nội dung không phải biên bản kiểm tra hợp lệ (JSON với unit, date, note, findings): {e}."
        ))
    })?;
    let pool = state.pool.clone();
    let result = web::block(move || -> Result<Result<i64, InspectionError>, AppError> {
        let mut conn = pool.get()?;
        let who = recorder(&mut conn.db(), &actor)?;
        Ok(conn.write(|db| insp::record(db, &who, &visit, today(), Settings::default())))
    })
    .await??;
    let id = match result {
        Ok(id) => id,
        Err(InspectionError::Db(e)) => return Err(AppError::Db(e)),
        Err(e) => return Ok(refused(&e)),
    };
    let view = with_db(&state, move |db| {
        Ok(insp::inspection(db, id, Settings::default())?)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            actix_web::http::header::LOCATION,
            format!("/api/v1/inspections/{id}"),
        ))
        .json(view))
}

pub async fn get(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id: i64 = path
        .into_inner()
        .parse()
        .map_err(|_| AppError::NotFound("Không có biên bản kiểm tra này.".into()))?;
    let view = with_db(&state, move |db| {
        Ok(insp::inspection(db, id, Settings::default())?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

pub async fn of_unit(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let code = path.into_inner();
    let h = with_db(&state, move |db| {
        Ok(insp::history(db, &code, today(), Settings::default())?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(h))
}
