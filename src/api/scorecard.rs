//! The reform scorecard as JSON: `GET /api/v1/units/{code}/scorecard?year=` and `GET
//! /api/v1/scorecard?province=&year=` (every unit of the province). Each figure carries its
//! numerator, denominator, target and verdict, and the records behind it.

use actix_web::{web, HttpResponse};

use crate::error::AppError;
use crate::web::scorecard::{load_province, load_unit, province_code, year_of, ScorecardQuery};
use crate::web::AppState;

pub async fn unit(
    state: web::Data<AppState>,
    path: web::Path<String>,
    q: web::Query<ScorecardQuery>,
) -> Result<HttpResponse, AppError> {
    let year = year_of(&q)?;
    let s = load_unit(&state, path.into_inner(), year).await?;
    Ok(HttpResponse::Ok().json(s))
}

pub async fn province(
    state: web::Data<AppState>,
    q: web::Query<ScorecardQuery>,
) -> Result<HttpResponse, AppError> {
    let q = q.into_inner();
    let year = year_of(&q)?;
    let code = province_code(&state, &q).await?;
    let cards = load_province(&state, code.clone(), year).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({
        "province": code,
        "year": year,
        "units": cards,
    })))
}
