//! The reform scorecard's read side for pages and the API: the parameters (plan year,
//! province) and the loaders of one unit's scorecard and of a province's units.

use chrono::Datelike;
use serde::Deserialize;

use crate::app::{number_param, on_pool, AppState};
use crate::clock::today;
use crate::domain::kinds::UnitLevel;
use crate::error::AppError;
use crate::procedures::check::Settings;
use crate::procedures::scorecard::{self as sc, Scorecard};

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ScorecardQuery {
    /// Năm kế hoạch (mặc định: năm nay).
    #[param(value_type = Option<i32>)]
    pub year: Option<String>,
    /// Mã tỉnh (`/api/v1/scorecard`; mặc định: tỉnh duy nhất trong cơ sở dữ liệu).
    pub province: Option<String>,
    /// Pages only (`csv`); the API answers JSON.
    #[param(ignore)]
    pub format: Option<String>,
}

/// The plan year asked for (default: this year).
pub fn year_of(q: &ScorecardQuery) -> Result<i32, AppError> {
    Ok(number_param::<i32>("year", &q.year)?.unwrap_or_else(|| today().year()))
}

pub async fn load_unit(state: &AppState, code: String, year: i32) -> Result<Scorecard, AppError> {
    let targets = state.scorecard_targets;
    on_pool(state, move |db| {
        Ok(sc::unit_scorecard(
            db,
            &code,
            year,
            today(),
            targets,
            Settings::default(),
        )?)
    })
    .await
}

pub async fn load_province(
    state: &AppState,
    code: String,
    year: i32,
) -> Result<Vec<Scorecard>, AppError> {
    let targets = state.scorecard_targets;
    on_pool(state, move |db| {
        Ok(sc::province_scorecards(
            db,
            &code,
            year,
            today(),
            targets,
            Settings::default(),
        )?)
    })
    .await
}

/// The first province in the registry that exists today (when none is asked for).
fn default_province(org: &crate::registry::org::Org) -> Option<String> {
    let now = today();
    let mut p: Vec<&crate::db::models::Unit> = org
        .units
        .values()
        .filter(|u| org.unit_level(u.id) == Some(UnitLevel::Tinh))
        .filter(|u| u.valid_to.is_none_or(|t| now <= t))
        .collect();
    p.sort_by(|a, b| a.code.cmp(&b.code));
    p.first().map(|u| u.code.clone())
}

pub async fn province_code(state: &AppState, q: &ScorecardQuery) -> Result<String, AppError> {
    if let Some(p) = crate::app::opt(&q.province) {
        return Ok(p.to_string());
    }
    let org = state.org_cache.get(&state.pool)?;
    default_province(&org)
        .ok_or_else(|| AppError::NotFound("Chưa có tỉnh nào trong cơ sở dữ liệu.".into()))
}
