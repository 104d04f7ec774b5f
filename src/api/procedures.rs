//! The public listing of administrative procedures as JSON: the catalogue
//! (`GET /api/v1/procedures`), one procedure with its versions (`GET /api/v1/procedures/{code}`),
//! what is posted at a unit (`GET /api/v1/units/{code}/procedures`), and the completeness check
//! of a unit's postings (`GET /api/v1/units/{code}/completeness?date=&deadline_days=&format=json|csv`,
//! JSON or a CSV list of gaps; see `procedures::check`). The read model is `app::procedures`.

use actix_web::{web, HttpResponse};

use crate::app::procedures::completeness::{check_unit, gaps_csv, settings_of, CompletenessQuery};
use crate::app::procedures::{
    load_catalogue, load_detail, load_unit, DetailQuery, ListingPage, ListingQuery, ProcedurePage,
    UnitListingJson,
};
use crate::app::{bad_param, opt, parse_date, AppState};
use crate::error::AppError;

/// The completeness check of the procedures posted at a unit on a date.
#[utoipa::path(
    get,
    path = "/api/v1/units/{code}/completeness",
    operation_id = "unit_completeness",
    tag = "thu-tuc",
    summary = "Mức đầy đủ của việc niêm yết thủ tục hành chính tại một đơn vị",
    description = "Thủ tục phải niêm yết, thiếu, chưa cập nhật, niêm yết chậm (quá thời hạn ngày làm việc), căn cứ pháp lý hết hiệu lực, thủ tục đã bãi bỏ còn niêm yết.",
    params(("code" = String, Path, description = "Mã đơn vị hành chính", example = "32152"), CompletenessQuery),
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
    let result = check_unit(&state, path.into_inner(), date, settings).await?;
    if csv {
        let (body, name) = gaps_csv(&result)?;
        return Ok(HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header((
                "Content-Disposition",
                format!("attachment; filename=\"{name}\""),
            ))
            .body(body));
    }
    Ok(HttpResponse::Ok().json(result))
}

/// The province's catalogue of procedures in force on a date, filtered and paginated.
#[utoipa::path(
    get,
    path = "/api/v1/procedures",
    operation_id = "list_procedures",
    tag = "thu-tuc",
    summary = "Danh mục thủ tục hành chính, có bộ lọc và phân trang",
    params(ListingQuery),
    responses(
        (status = 200, description = "Một trang danh mục", body = ListingPage),
        (status = 400, description = "Tham số không hợp lệ, có nêu tên tham số (`bad_request`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
    ),
)]
pub async fn api_catalogue(
    state: web::Data<AppState>,
    q: web::Query<ListingQuery>,
) -> Result<HttpResponse, AppError> {
    let (_, page, _) = load_catalogue(&state, &q.into_inner()).await?;
    Ok(HttpResponse::Ok().json(page))
}

/// One procedure: the version asked (default the newest), every version, where it is posted.
#[utoipa::path(
    get,
    path = "/api/v1/procedures/{code}",
    operation_id = "get_procedure",
    tag = "thu-tuc",
    summary = "Một thủ tục hành chính: các phiên bản và nơi niêm yết",
    params(("code" = String, Path, description = "Mã thủ tục", example = "1.001193"), DetailQuery),
    responses(
        (status = 200, description = "Thủ tục", body = ProcedurePage),
        (status = 400, description = "Tham số không hợp lệ (`bad_request`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 404, description = "Không có thủ tục hoặc phiên bản này (`not_found`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
    ),
)]
pub async fn api_detail(
    state: web::Data<AppState>,
    path: web::Path<String>,
    q: web::Query<DetailQuery>,
) -> Result<HttpResponse, AppError> {
    let page = load_detail(&state, path.into_inner(), &q).await?;
    Ok(HttpResponse::Ok().json(page))
}

/// The procedures that apply at a unit and are posted there on a date.
#[utoipa::path(
    get,
    path = "/api/v1/units/{code}/procedures",
    operation_id = "unit_procedures",
    tag = "thu-tuc",
    summary = "Thủ tục hành chính niêm yết tại một đơn vị",
    params(("code" = String, Path, description = "Mã đơn vị hành chính", example = "32152"), ListingQuery),
    responses(
        (status = 200, description = "Đơn vị và một trang danh sách", body = UnitListingJson),
        (status = 400, description = "Tham số không hợp lệ, kể cả `format` (`bad_request`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 404, description = "Không có đơn vị này (`not_found`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
    ),
)]
pub async fn api_unit(
    state: web::Data<AppState>,
    path: web::Path<String>,
    q: web::Query<ListingQuery>,
) -> Result<HttpResponse, AppError> {
    let q = q.into_inner();
    if opt(&q.format).is_some() {
        return Err(bad_param(
            "format",
            "API chỉ trả JSON; tải CSV, XLSX tại trang /units/{mã}/procedures.".into(),
        ));
    }
    let data = load_unit(&state, path.into_inner(), &q).await?;
    Ok(HttpResponse::Ok().json(UnitListingJson {
        unit: &data.listing.unit,
        page: &data.page,
    }))
}
