//! The parameters of the completeness check of a unit's postings (page and API alike).

use serde::Deserialize;

use crate::error::AppError;
use crate::procedures::check::Settings;

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CompletenessQuery {
    /// Ngày kiểm tra, `yyyy-mm-dd` (mặc định: hôm nay).
    #[param(value_type = Option<String>, format = Date)]
    pub date: Option<String>,
    /// Thời hạn niêm yết, số ngày làm việc sau quyết định công bố (0–60, mặc định 5).
    #[param(value_type = Option<u32>, maximum = 60)]
    pub deadline_days: Option<String>,
    /// `json` (mặc định) hoặc `csv` (chỉ các thiếu sót).
    #[param(value_type = Option<String>, pattern = "^(json|csv)$")]
    pub format: Option<String>,
}

/// Settings from the query (`deadline_days` 0–60).
pub fn settings_of(q: &CompletenessQuery) -> Result<Settings, AppError> {
    let mut s = Settings::default();
    if let Some(d) = q
        .deadline_days
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
    {
        match d.parse::<u32>() {
            Ok(n) if n <= 60 => s.deadline_working_days = n,
            _ => {
                return Err(AppError::BadRequest(format!(
                    "Tham số deadline_days «{d}» không hợp lệ: số ngày làm việc từ 0 đến 60."
                )))
            }
        }
    }
    Ok(s)
}

/// The check of a unit on a date, off the async workers.
pub async fn check_unit(
    state: &crate::app::AppState,
    code: String,
    date: chrono::NaiveDate,
    settings: Settings,
) -> Result<crate::procedures::check::Completeness, AppError> {
    crate::app::on_pool(state, move |db| {
        Ok(crate::procedures::check::check_unit(
            db, &code, date, settings,
        )?)
    })
    .await
}

/// The CSV of the gaps, as an attachment body and its file name.
pub fn gaps_csv(c: &crate::procedures::check::Completeness) -> Result<(Vec<u8>, String), AppError> {
    let mut body = Vec::new();
    crate::procedures::check::write_csv(c, &mut body)
        .map_err(|e| AppError::internal("ghi CSV", e))?;
    Ok((body, format!("niem-yet-{}-{}.csv", c.unit.code, c.date)))
}
