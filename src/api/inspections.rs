//! Inspections as JSON: `POST /api/v1/inspections` (inspectors and administrators; a visit
//! with its findings, refused as a whole with a stable problem code), `GET
//! /api/v1/inspections/{id}` (a visit compared with the system's check) and `GET
//! /api/v1/units/{code}/inspections` (a unit's visits and completeness over time).

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};

use crate::app::inspections::{history, inspection, record};
use crate::app::AppState;
use crate::auth::Actor;
use crate::error::{problem, AppError};
use crate::procedures::inspections::{InspectionError, VisitInput};

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

/// Records an inspection of the postings at a unit.
#[utoipa::path(
    post,
    path = "/api/v1/inspections",
    operation_id = "create_inspection",
    tag = "thu-tuc",
    summary = "Ghi nhận biên bản kiểm tra việc niêm yết tại một đơn vị",
    request_body(content = VisitInput, content_type = "application/json"),
    responses(
        (status = 201, description = "Đã ghi; so sánh với kết quả kiểm tra của hệ thống trong ngày", body = crate::procedures::inspections::InspectionView,
            headers(("Location" = String, description = "Địa chỉ của biên bản"))),
        (status = 400, description = "Nội dung không hợp lệ (`bad_request` hoặc mã từ chối riêng)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Đơn vị ngoài phạm vi (`forbidden` hoặc mã từ chối riêng)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Biên bản bị từ chối, mã `code` nêu lý do", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
    ),
)]
pub async fn create(
    state: web::Data<AppState>,
    actor: Actor,
    visit: web::Json<VisitInput>,
) -> Result<HttpResponse, AppError> {
    let id = match record(&state, actor, visit.into_inner()).await? {
        Ok(id) => id,
        Err(e) => return Ok(refused(&e)),
    };
    let view = inspection(&state, id).await?;
    Ok(HttpResponse::Created()
        .insert_header((
            actix_web::http::header::LOCATION,
            format!("/api/v1/inspections/{id}"),
        ))
        .json(view))
}

/// One inspection compared with the system's check of its day.
#[utoipa::path(
    get,
    path = "/api/v1/inspections/{id}",
    operation_id = "get_inspection",
    tag = "thu-tuc",
    summary = "Một biên bản kiểm tra, so với kết quả kiểm tra của hệ thống",
    params(("id" = i64, Path, description = "Số biên bản", example = 1)),
    responses(
        (status = 200, description = "Biên bản", body = crate::procedures::inspections::InspectionView),
        (status = 404, description = "Không có biên bản này (`not_found`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
    ),
)]
pub async fn get(
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let view = inspection(&state, path.into_inner()).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// A unit's inspections and completeness over time.
#[utoipa::path(
    get,
    path = "/api/v1/units/{code}/inspections",
    operation_id = "unit_inspections",
    tag = "thu-tuc",
    summary = "Các lần kiểm tra tại một đơn vị và mức đầy đủ theo thời gian",
    params(("code" = String, Path, description = "Mã đơn vị hành chính", example = "32152")),
    responses(
        (status = 200, description = "Lịch sử", body = crate::procedures::inspections::History),
        (status = 404, description = "Không có đơn vị này (`not_found`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
    ),
)]
pub async fn of_unit(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let h = history(&state, path.into_inner()).await?;
    Ok(HttpResponse::Ok().json(h))
}
