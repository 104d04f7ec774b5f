//! `GET /api/v1/units/{code}/completeness?date=&deadline_days=&format=json|csv`: the
//! completeness check of the procedures posted at a unit (public), as JSON or as a CSV list of
//! gaps. See `procedures::check`.

use actix_web::{web, HttpResponse};
use serde::Deserialize;

use crate::app::{on_pool, parse_date, AppState};
use crate::error::AppError;
use crate::procedures::check::{self, Settings};

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

/// The completeness check of the procedures posted at a unit on a date.
#[utoipa::path(
    get,
    path = "/api/v1/units/{code}/completeness",
    operation_id = "unit_completeness",
    tag = "thu-tuc",
    summary = "Mức đầy đủ của việc niêm yết thủ tục hành chính tại một đơn vị",
    description = "Thủ tục phải niêm yết, thiếu, chưa cập nhật, niêm yết chậm (quá thời hạn ngày làm việc), căn cứ pháp lý hết hiệu lực, thủ tục đã bãi bỏ còn niêm yết.",
    params(("code" = String, Path, description = "Mã đơn vị hành chính", example = "32153"), CompletenessQuery),
    responses(
        (status = 200, description = "Kết quả kiểm tra (JSON), hoặc danh sách thiếu sót (CSV với `format=csv`)", content(
            (crate::procedures::check::Completeness = "application/json"),
            (String = "text/csv"),
        )),
        (status = 400, description = "Tham số không hợp lệ (`bad_request`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 404, description = "Không có đơn vị này (`not_found`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Không kiểm tra được (`unprocessable`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
    ),
)]
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
    let result = on_pool(&state, move |db| {
        Ok(check::check_unit(db, &code, date, settings)?)
    })
    .await?;
    if csv {
        let mut body = Vec::new();
        check::write_csv(&result, &mut body).map_err(|e| AppError::internal("ghi CSV", e))?;
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
