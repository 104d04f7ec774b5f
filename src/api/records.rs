//! `POST /api/v1/records`: registry records (the import's JSON Lines) written by a signed-in
//! administrator or legal officer, all or nothing, within the officer's units (everything a
//! line touches: both documents of an effect, every unit of a posting).

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};

use crate::app::AppState;
use crate::auth::Actor;
use crate::error::AppError;
use crate::exchange::write::{write_records, ConflictLine, WriteError, Writer};
use crate::jsonl::LineError;

/// The largest body accepted (a few long documents).
pub const RECORDS_LIMIT: usize = 8 * 1024 * 1024;

#[derive(Serialize, utoipa::ToSchema)]
struct Written {
    created: usize,
    updated: usize,
    unchanged: usize,
    /// Accepted lines with a warning (a procedure's local time longer than the statutory one).
    warnings: Vec<LineProblem>,
}

#[derive(Serialize, utoipa::ToSchema)]
struct LineProblem {
    line: usize,
    message: String,
    /// A conflicting line's fields that differ from the stored record.
    #[serde(skip_serializing_if = "Option::is_none")]
    fields: Option<Vec<&'static str>>,
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RecordsQuery {
    /// `true`: bản ghi khác bản đang lưu được ghi đè (mặc định: báo xung đột, không ghi gì).
    #[serde(default)]
    pub update: bool,
}

#[derive(Serialize)]
struct RecordsProblem {
    #[serde(rename = "type")]
    kind: String,
    title: &'static str,
    status: u16,
    code: &'static str,
    detail: String,
    errors: Vec<LineProblem>,
}

fn problem(
    status: u16,
    code: &'static str,
    title: &'static str,
    lines: Vec<LineError>,
) -> HttpResponse {
    let detail = format!("{} dòng có lỗi; không bản ghi nào được ghi.", lines.len());
    let body = RecordsProblem {
        kind: format!("https://vanban.example/problems/{code}"),
        title,
        status,
        code,
        detail,
        errors: lines
            .into_iter()
            .map(|l| LineProblem {
                line: l.line,
                message: l.message,
                fields: None,
            })
            .collect(),
    };
    problem_response(status, body)
}

/// 409 `import-conflict`: the lines that differ from the stored records, with their fields.
fn conflict(lines: Vec<ConflictLine>) -> HttpResponse {
    let code = "import-conflict";
    let body = RecordsProblem {
        kind: format!("https://vanban.example/problems/{code}"),
        title: "Bản ghi xung đột với bản đang lưu",
        status: 409,
        code,
        detail: format!(
            "{} dòng khác bản đang lưu; không bản ghi nào được ghi. Gửi lại với ?update=true để ghi đè.",
            lines.len()
        ),
        errors: lines
            .into_iter()
            .map(|c| LineProblem {
                line: c.line,
                message: crate::jsonl::RecordError::Conflict(c.fields.clone()).to_string(),
                fields: Some(c.fields),
            })
            .collect(),
    };
    problem_response(409, body)
}

fn problem_response(status: u16, body: RecordsProblem) -> HttpResponse {
    HttpResponse::build(
        actix_web::http::StatusCode::from_u16(status)
            .unwrap_or(actix_web::http::StatusCode::UNPROCESSABLE_ENTITY),
    )
    .content_type("application/problem+json")
    .json(body)
}

/// Registry records as JSON Lines (the import format), all or nothing.
#[utoipa::path(
    post,
    path = "/api/v1/records",
    operation_id = "write_records",
    tag = "ghi-du-lieu",
    summary = "Ghi bản ghi (JSON Lines, định dạng nhập), tất cả hoặc không gì cả",
    description = "Mỗi dòng một bản ghi: cơ quan, đơn vị, văn bản, hiệu lực giữa các văn bản, thủ tục, niêm yết…; cán bộ pháp chế chỉ ghi văn bản của cơ quan thuộc đơn vị mình, hiệu lực khi cả văn bản tác động lẫn văn bản bị tác động đều thuộc đơn vị mình, và niêm yết chỉ tại đơn vị mình (niêm yết theo cấp bị từ chối nếu cấp đó gồm đơn vị khác). Tối đa 8 MiB.",
    params(RecordsQuery),
    request_body(content = String, content_type = "application/x-ndjson", description = "JSON Lines"),
    responses(
        (status = 200, description = "Đã ghi", body = Written),
        (status = 400, description = "Không đọc được nội dung (`bad_request`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Có dòng ngoài phạm vi được phép (`records_out_of_scope`, `errors` nêu các dòng)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 409, description = "Có dòng khác bản đang lưu, không gửi `update=true` (`import-conflict`, `errors` nêu các dòng và trường khác)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 413, description = "Quá 8 MiB (`payload_too_large`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Có dòng không hợp lệ (`invalid_records`, `errors` nêu các dòng)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
    ),
)]
pub async fn write(
    state: web::Data<AppState>,
    actor: Actor,
    query: web::Query<RecordsQuery>,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let update = query.update;
    let body = crate::app::body::read_body(payload.into_inner(), RECORDS_LIMIT).await?;
    let p = actor.0.clone();
    let pool = state.pool.clone();
    let result = web::block(move || -> Result<_, AppError> {
        let writer = Writer {
            update,
            ..crate::app::writer(&mut pool.get()?.db(), &p)?
        };
        Ok(write_records(&pool, &writer, "api", &body))
    })
    .await??;
    if let Ok(r) = &result {
        state.metrics.imported("records", r.created + r.updated);
    }
    match result {
        Ok(r) => Ok(HttpResponse::Ok().json(Written {
            created: r.created,
            updated: r.updated,
            unchanged: r.unchanged,
            warnings: r
                .warnings
                .into_iter()
                .map(|w| LineProblem {
                    line: w.line,
                    message: w.message,
                    fields: None,
                })
                .collect(),
        })),
        Err(WriteError::Invalid(lines)) => Ok(problem(
            422,
            "invalid_records",
            "Bản ghi không hợp lệ",
            lines,
        )),
        Err(WriteError::Forbidden(lines)) => Ok(problem(
            403,
            "records_out_of_scope",
            "Bản ghi ngoài phạm vi được phép",
            lines,
        )),
        Err(WriteError::Conflict(lines)) => Ok(conflict(lines)),
        Err(WriteError::Db(e)) => Err(AppError::Db(e)),
    }
}
