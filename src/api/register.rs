//! `POST /api/v1/campaigns/{id}/register`: a review register (CSV or XLSX) read into a
//! campaign, all or nothing, with a row-numbered report. `?dry_run=true` checks everything
//! and writes nothing.

use actix_web::{web, HttpResponse};
use serde::Deserialize;

use crate::app::register::{flag, run, Outcome, REGISTER_LIMIT};
use crate::app::AppState;
use crate::auth::Actor;
use crate::error::AppError;

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// `true`: chỉ kiểm tra, không ghi gì.
    #[serde(default)]
    #[param(value_type = Option<bool>)]
    pub dry_run: Option<String>,
}

/// Reads a review register (CSV or XLSX) into a campaign, all or nothing.
#[utoipa::path(
    post,
    path = "/api/v1/campaigns/{id}/register",
    operation_id = "import_register",
    tag = "ra-soat",
    summary = "Nhập sổ theo dõi rà soát (CSV hoặc XLSX), tất cả hoặc không gì cả",
    params(("id" = i64, Path, description = "Số đợt rà soát", example = 1), ImportQuery),
    request_body(content(
        (String = "text/csv"),
        (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ), description = "Tệp sổ theo dõi, tối đa 8 MiB"),
    responses(
        (status = 200, description = "Báo cáo theo dòng (cả khi chỉ kiểm tra)", body = crate::review::register::Report),
        (status = 400, description = "Thân yêu cầu rỗng hoặc tham số sai (`bad_request`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 404, description = "Không có đợt này (`not_found`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 409, description = "Đợt chưa bắt đầu (`conflict`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 413, description = "Quá 8 MiB (`payload_too_large`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 415, description = "Tệp .xls cũ (`unsupported_spreadsheet`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Có dòng sai, tệp không đọc được hoặc vượt quá giới hạn (`invalid_register_rows`, `unreadable_register`; `errors` nêu các dòng; `register_too_large`: `bound` nêu giới hạn — rows, columns, cells, merged_cells, entries, entry_size, total_size, compression_ratio, shared_strings, shared_strings_size, field_length, line_length — và `limit` giá trị của nó)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
    ),
)]
pub async fn import(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<i64>,
    query: web::Query<ImportQuery>,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let campaign = path.into_inner();
    let dry_run = flag(query.dry_run.as_deref())?;
    let body = crate::app::body::read_body(payload.into_inner(), REGISTER_LIMIT).await?;
    if body.is_empty() {
        return Err(AppError::BadRequest(
            "Cần gửi tệp sổ theo dõi (CSV hoặc XLSX) trong thân yêu cầu.".into(),
        ));
    }
    match run(&state, actor, campaign, body.to_vec(), dry_run).await? {
        Outcome::Done(report) => Ok(HttpResponse::Ok().json(report)),
        Outcome::Refused {
            status,
            code,
            message,
            rows,
            bound,
        } => {
            let mut body =
                crate::error::problem(status, code, "Không nhập được sổ theo dõi", &message);
            body["errors"] = serde_json::json!(rows);
            if let Some(b) = bound {
                body["bound"] = serde_json::json!(b.bound.code());
                body["limit"] = serde_json::json!(b.limit);
            }
            Ok(HttpResponse::build(status)
                .content_type("application/problem+json")
                .json(body))
        }
    }
}
