//! `GET /api/v1/units/{code}/completeness?date=&deadline_days=&format=json|csv`: the
//! completeness check of the procedures posted at a unit (public), as JSON or as a CSV list of
//! gaps. See `procedures::check`.

use actix_web::{web, HttpResponse};
use serde::Deserialize;

use crate::error::AppError;
use crate::procedures::check::{self, CheckError, Settings};
use crate::web::{parse_date, with_db, AppState};

#[derive(Debug, Default, Deserialize)]
pub struct CompletenessQuery {
    pub date: Option<String>,
    /// Posting deadline in working days after the announcing decision (default 5).
    pub deadline_days: Option<String>,
    pub format: Option<String>,
}

impl From<CheckError> for AppError {
    fn from(e: CheckError) -> Self {
        match e {
            CheckError::Db(e) => AppError::Db(e),
            CheckError::UnknownUnit(_) => {
                AppError::NotFound(format!("Không tìm thấy đơn vị: {e}."))
            }
            other => AppError::Unprocessable(format!("{other}.")),
        }
    }
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

pub async fn completeness(
    state: web::Data<AppState>,
    path: web::Path<String>,
    q: web::Query<CompletenessQuery>,
) -> Result<HttpResponse, AppError> {
    let q = q.into_inner();
    let date = parse_date(q.date.as_deref())?;
    let settings = settings_of(&q)?;
    let csv = match q.format.as_deref().map(str::trim) {
        None | Some("") | Some("json") => false,
        Some("csv") => true,
        Some(other) => {
            return Err(AppError::BadRequest(format!(
                "Tham số format «{other}» không hợp lệ (json, csv)."
            )))
        }
    };
    let code = path.into_inner();
    let result = with_db(&state, move |db| {
        Ok(check::check_unit(db, &code, date, settings)?)
    })
    .await?;
    if csv {
        let mut body = Vec::new();
        check::write_csv(&result, &mut body)
            .map_err(|e| AppError::Internal(format!("CSV: {e}")))?;
        return Ok(HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header((
                "Content-Disposition",
                format!(
                    "attachment; filename=\"niem-yet-{}-{}.csv\"",
                    result.unit.code, result.date
                ),
            ))
            .body(body));
    }
    Ok(HttpResponse::Ok().json(result))
}
