//! The reform scorecard as JSON: `GET /api/v1/units/{code}/scorecard?year=` and `GET
//! /api/v1/scorecard?province=&year=` (every unit of the province). Each figure carries its
//! numerator, denominator, target and verdict, and the records behind it.

use actix_web::{web, HttpResponse};

use crate::app::scorecard::{load_province, load_unit, province_code, year_of, ScorecardQuery};
use crate::app::AppState;
use crate::error::AppError;

/// The scorecards of every unit of a province.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ProvinceScorecard {
    /// The province's unit code.
    pub province: String,
    pub year: i32,
    pub units: Vec<crate::procedures::scorecard::Scorecard>,
}

/// The reform scorecard of a unit for a plan year.
#[utoipa::path(
    get,
    path = "/api/v1/units/{code}/scorecard",
    operation_id = "unit_scorecard",
    tag = "thu-tuc",
    summary = "Bảng chỉ số cải cách thủ tục hành chính của một đơn vị trong năm kế hoạch",
    params(
        ("code" = String, Path, description = "Mã đơn vị hành chính", example = "32152"),
        ("year" = Option<i32>, Query, description = "Năm kế hoạch (mặc định: năm nay)"),
    ),
    responses(
        (status = 200, description = "Các chỉ số với tử số, mẫu số, chỉ tiêu và các bản ghi làm căn cứ", body = crate::procedures::scorecard::Scorecard),
        (status = 400, description = "Tham số không hợp lệ (`bad_request`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 404, description = "Không có đơn vị này (`not_found`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
    ),
)]
pub async fn unit(
    state: web::Data<AppState>,
    path: web::Path<String>,
    q: web::Query<ScorecardQuery>,
) -> Result<HttpResponse, AppError> {
    let year = year_of(&q)?;
    let s = load_unit(&state, path.into_inner(), year).await?;
    Ok(HttpResponse::Ok().json(s))
}

/// Every unit of a province side by side.
#[utoipa::path(
    get,
    path = "/api/v1/scorecard",
    operation_id = "province_scorecard",
    tag = "thu-tuc",
    summary = "Bảng chỉ số cải cách của mọi đơn vị trong một tỉnh",
    params(ScorecardQuery),
    responses(
        (status = 200, description = "Bảng chỉ số của từng đơn vị", body = ProvinceScorecard),
        (status = 400, description = "Tham số không hợp lệ (`bad_request`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 404, description = "Không có tỉnh này (`not_found`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
    ),
)]
pub async fn province(
    state: web::Data<AppState>,
    q: web::Query<ScorecardQuery>,
) -> Result<HttpResponse, AppError> {
    let q = q.into_inner();
    let year = year_of(&q)?;
    let code = province_code(&state, &q).await?;
    let cards = load_province(&state, code.clone(), year).await?;
    Ok(HttpResponse::Ok().json(ProvinceScorecard {
        province: code,
        year,
        units: cards,
    }))
}
