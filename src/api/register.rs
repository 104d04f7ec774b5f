//! `POST /api/v1/campaigns/{id}/register`: a review register (CSV or XLSX) read into a
//! campaign, all or nothing, with a row-numbered report. `?dry_run=true` checks everything
//! and writes nothing.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;

use crate::app::AppState;
use crate::auth::Actor;
use crate::error::AppError;
use crate::review::register::{self, FileError, ImportError, Importer, Report, RowError};
use crate::spreadsheet::bounds::Exceeded;

/// The largest register accepted.
pub const REGISTER_LIMIT: usize = 8 * 1024 * 1024;

/// How an import ended, as both the page and the API show it.
#[derive(Debug)]
pub enum Outcome {
    Done(Report),
    /// Rows in error, or a file that cannot be read: status, stable code, message, rows.
    Refused {
        status: StatusCode,
        code: &'static str,
        message: String,
        rows: Vec<RowError>,
        /// The bound a file passed (`register_too_large`).
        bound: Option<Exceeded>,
    },
}

/// Reads and imports a register; the transaction is rolled back unless every row is right
/// (and always for a check).
pub async fn run(
    state: &AppState,
    actor: Actor,
    campaign: i64,
    bytes: Vec<u8>,
    dry_run: bool,
) -> Result<Outcome, AppError> {
    let pool = state.pool.clone();
    let result = web::block(move || -> Result<Result<Report, ImportError>, AppError> {
        let grids = match register::read_file(&bytes) {
            Ok(g) => g,
            Err(e) => return Ok(Err(ImportError::File(e))),
        };
        let mut conn = pool.get()?;
        let who = Importer {
            person: crate::app::reviewer(&mut conn.db(), &actor)?,
        };
        let now = crate::clock::now();
        Ok(conn.write(|db| register::import(db, &who, campaign, &grids, dry_run, now)))
    })
    .await??;
    let refused = |status, code, message: String, rows| {
        Ok(Outcome::Refused {
            status,
            code,
            message,
            rows,
            bound: None,
        })
    };
    match result {
        Ok(r) => {
            state.metrics.imported("register", r.changes.len());
            Ok(Outcome::Done(r))
        }
        Err(ImportError::DryRun(r)) => Ok(Outcome::Done(*r)),
        Err(ImportError::Rows(rows)) => refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_register_rows",
            format!(
                "Sổ theo dõi có {} lỗi; không có gì được ghi. Hãy sửa các dòng được nêu rồi gửi lại.",
                rows.len()
            ),
            rows,
        ),
        Err(ImportError::File(FileError::LegacyXls)) => refused(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_spreadsheet",
            format!("Không nhập được: {}.", FileError::LegacyXls),
            Vec::new(),
        ),
        Err(ImportError::File(FileError::TooLarge(e))) => Ok(Outcome::Refused {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            code: "register_too_large",
            message: format!("Không nhập được: {e}. Hãy chia sổ theo dõi thành nhiều tệp nhỏ hơn."),
            rows: Vec::new(),
            bound: Some(e),
        }),
        Err(ImportError::File(e)) => refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            "unreadable_register",
            format!("Không nhập được: {e}."),
            Vec::new(),
        ),
        Err(ImportError::NoCampaign(id)) => Err(AppError::NotFound(format!(
            "Không có đợt rà soát số {id}."
        ))),
        Err(e @ ImportError::NotStarted) => Err(AppError::Conflict(format!("Không nhập được: {e}."))),
        Err(ImportError::Db(e)) => Err(e.into()),
    }
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// `true`: chỉ kiểm tra, không ghi gì.
    #[serde(default)]
    #[param(value_type = Option<bool>)]
    pub dry_run: Option<String>,
}

/// Whether a flag given as text is set (`true`, `1`, `on`, `yes`).
pub fn flag(v: Option<&str>) -> Result<bool, AppError> {
    match v.map(str::trim) {
        None | Some("" | "false" | "0" | "off" | "no") => Ok(false),
        Some("true" | "1" | "on" | "yes") => Ok(true),
        Some(other) => Err(AppError::BadRequest(format!(
            "Tham số dry_run «{other}» không hợp lệ: dùng true hoặc false."
        ))),
    }
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
    path: web::Path<String>,
    query: web::Query<ImportQuery>,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let campaign: i64 = path
        .into_inner()
        .parse()
        .map_err(|_| AppError::NotFound("Không có đợt rà soát này.".into()))?;
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
