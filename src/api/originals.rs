//! The originals of a document as JSON: `GET /api/v1/documents/{id}/files` (public),
//! `POST /api/v1/documents/{id}/files` (multipart `file` and `role`; officers within the
//! document's units and administrators; a refused file answers its own problem code and
//! nothing is stored) and `POST /api/v1/documents/{id}/files/{file}/withdraw` (administrators:
//! a file entered in error, with a reason).

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;

use crate::app::originals::{self, FileList, FileView, UploadError};
use crate::app::AppState;
use crate::auth::Actor;
use crate::error::{problem, AppError};
use crate::originals::WithdrawError;

fn refused(status: u16, code: &str, title: &str, detail: &str) -> HttpResponse {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
    HttpResponse::build(status)
        .content_type("application/problem+json")
        .json(problem(status, code, title, detail))
}

fn upload_refused(e: &UploadError) -> HttpResponse {
    refused(e.status(), e.code(), "Tệp không được nhận", &e.to_string())
}

/// The files of a document: hash, size, role and download address of each.
#[utoipa::path(
    get,
    path = "/api/v1/documents/{id}/files",
    operation_id = "list_document_files",
    tag = "van-ban",
    summary = "Các tệp gốc của một văn bản (bản ký, bản Word, phụ lục)",
    params(("id" = i64, Path, description = "Mã số văn bản", example = 1)),
    responses(
        (status = 200, description = "Các tệp, cũ trước", body = FileList),
        (status = 404, description = "Không có văn bản này (`not_found`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
    ),
)]
pub async fn list(
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let list = originals::list(&state, path.into_inner()).await?;
    Ok(HttpResponse::Ok().json(list))
}

/// The upload form (multipart), for the API description.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct UploadForm {
    /// The file: DOCX or PDF (checked by its bytes), at most 20 MiB.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    /// `signed` (bản ký), `word` (bản Word) or `annex` (phụ lục); by default from the file's
    /// kind (PDF: `signed`, DOCX: `word`).
    role: Option<crate::originals::FileRole>,
    /// What the file is (e.g. `Phụ lục I: danh mục thủ tục hành chính`), at most 500
    /// characters; optional.
    description: Option<String>,
}

/// Stores a file on a document (the same bytes twice are stored once: 200 instead of 201).
#[utoipa::path(
    post,
    path = "/api/v1/documents/{id}/files",
    operation_id = "upload_document_file",
    tag = "ghi-du-lieu",
    summary = "Tải lên một tệp gốc của văn bản (DOCX hoặc PDF, tối đa 20 MiB)",
    description = "Kiểm tra theo nội dung tệp (không theo tên): mã lỗi `file-too-large` (413), `file-type` (415, kể cả tệp Word cũ .doc), `file-encrypted`, `file-corrupt`, `file-over-bounds` (422), `file-empty`, `file-missing`, `file-role`, `file-description` (400); `upload-busy` (503, với `Retry-After`) khi máy chủ đang nhận một tệp lớn khác. Không lưu gì khi bị từ chối.",
    params(("id" = i64, Path, description = "Mã số văn bản", example = 1)),
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "Đã lưu", body = FileView, headers(("Location" = String, description = "Địa chỉ tải tệp"))),
        (status = 200, description = "Văn bản đã có đúng tệp này (cùng SHA-256)", body = FileView),
        (status = 400, description = "Biểu mẫu không hợp lệ (`file-missing`, `file-role`, `file-description`, `file-empty`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 404, description = "Không có văn bản này (`not_found`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 413, description = "Tệp lớn hơn 20 MiB (`file-too-large`, `payload_too_large`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 415, description = "Không phải DOCX hoặc PDF (`file-type`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Tệp mã hóa, hỏng hoặc vượt giới hạn giải nén (`file-encrypted`, `file-corrupt`, `file-over-bounds`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 503, description = "Máy chủ đang nhận một tệp lớn khác (`upload-busy`): gửi lại sau số giây trong `Retry-After`", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
    ),
)]
pub async fn upload(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<i64>,
    form: Multipart,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let form = match originals::read_form(form).await {
        Ok(f) => f,
        Err((e, _)) => return Ok(upload_refused(&e)),
    };
    let stored = match originals::add(&state, &actor, id, form).await? {
        Ok(s) => s,
        Err(e) => return Ok(upload_refused(&e)),
    };
    let list = originals::list(&state, id).await?;
    let view = FileView::of(&stored.meta, &list.eli);
    if stored.created {
        Ok(HttpResponse::Created()
            .insert_header((actix_web::http::header::LOCATION, view.href.clone()))
            .json(view))
    } else {
        Ok(HttpResponse::Ok().json(view))
    }
}

/// Why a file is withdrawn.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct WithdrawBody {
    /// Why the file was entered in error (required, at most 1000 characters).
    pub reason: String,
}

/// Withdraws a file entered in error: it stays stored (and in backups) but its address
/// answers 410 with the reason.
#[utoipa::path(
    post,
    path = "/api/v1/documents/{id}/files/{file}/withdraw",
    operation_id = "withdraw_document_file",
    tag = "ghi-du-lieu",
    summary = "Thu hồi một tệp gốc nhập nhầm (quản trị viên, kèm lý do)",
    params(
        ("id" = i64, Path, description = "Mã số văn bản", example = 1),
        ("file" = i64, Path, description = "Mã số tệp", example = 1),
    ),
    request_body(content = WithdrawBody, content_type = "application/json"),
    responses(
        (status = 200, description = "Đã thu hồi", body = FileView),
        (status = 404, description = "Văn bản không có tệp này (`not_found`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 409, description = "Tệp đã được thu hồi (`file-withdrawn`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Thiếu lý do (`withdraw-reason`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
    ),
)]
pub async fn withdraw(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<(i64, i64)>,
    body: web::Json<WithdrawBody>,
) -> Result<HttpResponse, AppError> {
    let (id, file) = path.into_inner();
    match originals::withdraw(&state, &actor, Some(id), file, body.into_inner().reason).await? {
        Ok(view) => Ok(HttpResponse::Ok().json(view)),
        Err(WithdrawError::NotFound) => Err(AppError::NotFound(format!(
            "Văn bản mã số {id} không có tệp mã số {file}."
        ))),
        Err(e @ WithdrawError::Already) => Ok(refused(
            409,
            "file-withdrawn",
            "Xung đột trạng thái",
            &e.to_string(),
        )),
        Err(e @ WithdrawError::Reason) => Ok(refused(
            422,
            "withdraw-reason",
            "Không thể thực hiện",
            &e.to_string(),
        )),
        Err(WithdrawError::Db(e)) => Err(e.into()),
    }
}
