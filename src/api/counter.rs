//! Procedures at the counter as JSON, scoped like their pages (officers within their units,
//! administrators): the postings checklist of a unit (`GET/POST
//! /api/v1/units/{code}/postings`) and its monthly dossier counts (`GET/POST
//! /api/v1/units/{code}/dossier-counts`). The use cases are the pages' (`app::counter`): the
//! same checks, the same write path; a refusal is a problem document whose `errors` name the
//! body's field and carry a stable code each.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::app::counter::{checklist, count_sheet, save_postings, save_typed, Saved, SavedCounts};
use crate::app::AppState;
use crate::auth::Actor;
use crate::error::AppError;
use crate::procedures::check::UnitView;
use crate::procedures::counter::counts::{CountRefusal, CountSheet, SheetErrors};
use crate::procedures::counter::{
    Checklist, ChecklistRow, FieldError, FormField, PostingAction, PostingInput, PostingPoint,
    PostingState,
};

/// Quyết định công bố của một phiên bản thủ tục.
#[derive(Debug, Serialize, ToSchema)]
pub struct DecisionJson {
    /// Mã cơ quan ban hành quyết định.
    pub authority: String,
    pub number: String,
}

/// Một lượt niêm yết đang có hiệu lực hôm nay.
#[derive(Debug, Serialize, ToSchema)]
pub struct PostedJson {
    pub point: PostingPoint,
    /// Ngày bắt đầu niêm yết (`yyyy-mm-dd`).
    pub since: String,
    /// Phiên bản đang niêm yết không phải phiên bản hiện hành.
    pub outdated: bool,
    /// Quyết định công bố của phiên bản đang niêm yết.
    pub decision: DecisionJson,
}

/// Một dòng của danh mục niêm yết.
#[derive(Debug, Serialize, ToSchema)]
pub struct PostingRowJson {
    pub code: String,
    pub name: String,
    pub field: String,
    /// Thủ tục áp dụng tại đơn vị (nếu không: chỉ còn niêm yết, chỉ có thể gỡ).
    pub applies: bool,
    /// Quyết định công bố phiên bản hiện hành.
    pub decision: DecisionJson,
    /// Ngày ban hành quyết định công bố phiên bản hiện hành.
    pub decision_date: String,
    pub state: PostingState,
    /// Nơi và ngày bắt đầu của các lượt niêm yết đang có.
    pub posted: Vec<PostedJson>,
    /// Ngày gỡ niêm yết gần nhất, khi không còn lượt nào.
    #[schema(nullable = true)]
    pub removed_on: Option<String>,
}

/// Danh mục niêm yết thủ tục hành chính của một đơn vị hôm nay.
#[derive(Debug, Serialize, ToSchema)]
pub struct PostingsJson {
    pub unit: UnitView,
    pub date: String,
    /// Thủ tục phải niêm yết, và số thủ tục niêm yết đầy đủ, đúng hạn.
    pub required: usize,
    pub complete: usize,
    /// Tỷ lệ đầy đủ (%).
    pub percent: f64,
    pub procedures: Vec<PostingRowJson>,
}

fn decision(d: &crate::procedures::records::DecisionRef) -> DecisionJson {
    DecisionJson {
        authority: d.authority.clone(),
        number: d.number.clone(),
    }
}

impl From<&ChecklistRow> for PostingRowJson {
    fn from(r: &ChecklistRow) -> Self {
        PostingRowJson {
            code: r.code.clone(),
            name: r.name.clone(),
            field: r.field.clone(),
            applies: r.applies,
            decision: decision(&r.decision),
            decision_date: r.decision_date.to_string(),
            state: r.state,
            posted: r
                .open
                .iter()
                .map(|o| PostedJson {
                    point: o.point,
                    since: o.from_on.to_string(),
                    outdated: o.outdated,
                    decision: decision(&o.decision),
                })
                .collect(),
            removed_on: r.removed_on.map(|d| d.to_string()),
        }
    }
}

impl From<&Checklist> for PostingsJson {
    fn from(l: &Checklist) -> Self {
        let c = &l.completeness;
        PostingsJson {
            unit: c.unit.clone(),
            date: l.today.to_string(),
            required: c.required,
            complete: c.complete,
            percent: c.percent,
            procedures: l.rows.iter().map(PostingRowJson::from).collect(),
        }
    }
}

/// Việc cần ghi trên danh mục niêm yết.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PostingsBody {
    /// `post`: niêm yết các thủ tục nêu trong `procedures`; `remove`: gỡ niêm yết chúng;
    /// `post_all`: niêm yết hôm nay mọi thủ tục áp dụng chưa niêm yết.
    pub action: PostingAction,
    /// Ngày niêm yết hoặc ngày gỡ (`yyyy-mm-dd`, không sau hôm nay); mặc định hôm nay.
    #[serde(default)]
    #[schema(nullable = true, example = "2025-12-03")]
    pub date: Option<String>,
    /// Nơi niêm yết; mặc định bộ phận một cửa.
    #[serde(default)]
    #[schema(nullable = true)]
    pub point: Option<PostingPoint>,
    /// Mã các thủ tục (với `post`, `remove`).
    #[serde(default)]
    pub procedures: Vec<String>,
}

/// Số lượt niêm yết đã ghi, và danh mục sau khi ghi.
#[derive(Debug, Serialize, ToSchema)]
pub struct PostingsWritten {
    pub written: usize,
    pub checklist: PostingsJson,
}

/// Số liệu hồ sơ của một thủ tục trong tháng (null: chưa có).
#[derive(Debug, Serialize, ToSchema)]
pub struct CountRowJson {
    pub code: String,
    pub name: String,
    pub field: String,
    /// Thủ tục áp dụng tại đơn vị trong tháng (nếu không: chỉ hiện số liệu đã có, không nhận
    /// số liệu mới).
    pub applies: bool,
    #[schema(nullable = true)]
    pub received: Option<i64>,
    #[schema(nullable = true)]
    pub on_time: Option<i64>,
    #[schema(nullable = true)]
    pub online: Option<i64>,
}

/// Bảng số liệu hồ sơ của một đơn vị trong một tháng.
#[derive(Debug, Serialize, ToSchema)]
pub struct CountSheetJson {
    pub unit: UnitView,
    /// `yyyy-mm`.
    pub month: String,
    pub procedures: Vec<CountRowJson>,
}

impl From<&CountSheet> for CountSheetJson {
    fn from(s: &CountSheet) -> Self {
        CountSheetJson {
            unit: s.unit.clone(),
            month: s.month.format("%Y-%m").to_string(),
            procedures: s
                .rows
                .iter()
                .map(|r| CountRowJson {
                    code: r.code.clone(),
                    name: r.name.clone(),
                    field: r.field.clone(),
                    applies: r.applies,
                    received: r.stored.map(|f| f[0]),
                    on_time: r.stored.map(|f| f[1]),
                    online: r.stored.map(|f| f[2]),
                })
                .collect(),
        }
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MonthQuery {
    /// Tháng (`yyyy-mm`, không sau tháng này); mặc định tháng này.
    #[param(example = "2025-11")]
    pub month: Option<String>,
}

/// Số liệu của một thủ tục.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CountBody {
    /// Mã thủ tục (phải áp dụng tại đơn vị trong tháng).
    #[schema(example = "1.001193")]
    pub procedure: String,
    /// Số hồ sơ tiếp nhận (từ 0).
    pub received: i64,
    /// Số giải quyết đúng hạn (từ 0, không quá `received`); mặc định 0.
    #[serde(default)]
    #[schema(nullable = true)]
    pub on_time: Option<i64>,
    /// Số nộp trực tuyến (từ 0, không quá `received`); mặc định 0.
    #[serde(default)]
    #[schema(nullable = true)]
    pub online: Option<i64>,
}

/// Số liệu hồ sơ của một tháng; thủ tục không nêu giữ nguyên số liệu đã có.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CountsBody {
    /// `yyyy-mm`, không sau tháng này.
    #[schema(example = "2025-11")]
    pub month: String,
    pub counts: Vec<CountBody>,
}

/// Số thủ tục đã ghi số liệu, và bảng của tháng sau khi ghi.
#[derive(Debug, Serialize, ToSchema)]
pub struct CountsWritten {
    pub written: usize,
    pub sheet: CountSheetJson,
}

/// One refused field: its name in the body, a stable code, the message.
#[derive(Serialize)]
struct FieldProblem {
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<String>,
    code: &'static str,
    message: String,
}

/// 422 with the refusals; the problem's `code` is the refusal's when there is one, else
/// `fallback`.
fn refused(fallback: &'static str, title: &str, items: Vec<FieldProblem>) -> HttpResponse {
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    let code = match items.as_slice() {
        [one] => one.code,
        _ => fallback,
    };
    let detail = items
        .iter()
        .map(|i| i.message.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let mut body = crate::error::problem(
        status,
        code,
        title,
        &format!("{detail} Không có gì được ghi."),
    );
    body["errors"] = serde_json::json!(items);
    HttpResponse::build(status)
        .content_type("application/problem+json")
        .json(body)
}

fn posting_field(e: &FieldError) -> &'static str {
    match e.field {
        FormField::Date => "date",
        FormField::Point => "point",
        FormField::Picks => "procedures",
    }
}

/// The postings checklist of a unit today.
#[utoipa::path(
    get,
    path = "/api/v1/units/{code}/postings",
    operation_id = "unit_postings",
    tag = "thu-tuc",
    summary = "Danh mục niêm yết thủ tục hành chính của một đơn vị hôm nay",
    description = "Mỗi thủ tục áp dụng tại đơn vị (và thủ tục không còn áp dụng nhưng đang niêm yết): phiên bản hiện hành (quyết định công bố), tình trạng niêm yết, nơi và ngày bắt đầu niêm yết.",
    params(("code" = String, Path, description = "Mã đơn vị hành chính", example = "32152")),
    responses(
        (status = 200, description = "Danh mục", body = PostingsJson),
        (status = 404, description = "Không có đơn vị này (`not_found`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Không lập được danh mục (`unprocessable`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
    ),
)]
pub async fn postings(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let list = checklist(&state, path.into_inner()).await?;
    Ok(HttpResponse::Ok().json(PostingsJson::from(&list)))
}

/// Marks procedures posted or removed at a unit, several at once.
#[utoipa::path(
    post,
    path = "/api/v1/units/{code}/postings",
    operation_id = "record_postings",
    tag = "thu-tuc",
    summary = "Ghi niêm yết, gỡ niêm yết, hoặc niêm yết hôm nay mọi thủ tục chưa niêm yết",
    description = "Kiểm tra như biểu mẫu trang `/units/{code}/niem-yet`; tất cả hoặc không gì cả. Lỗi 422 có `errors[].field` (`date`, `point`, `procedures`) và `errors[].code`: `invalid_date`, `future_date`, `no_procedures`, `not_in_checklist`, `not_applicable`, `before_decision`, `overlaps_ended_posting`, `already_posted`, `outdated_same_day`, `not_posted`, `removal_before_posting`, `all_posted`, `invalid_postings`.",
    params(("code" = String, Path, description = "Mã đơn vị hành chính", example = "32152")),
    request_body(content = PostingsBody, content_type = "application/json"),
    responses(
        (status = 200, description = "Đã ghi; danh mục sau khi ghi", body = PostingsWritten),
        (status = 400, description = "Nội dung không đọc được (`bad_request`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 404, description = "Không có đơn vị này (`not_found`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bị từ chối, không ghi gì (mã của lỗi, `errors` nêu trường)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
    ),
)]
pub async fn record_postings(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<String>,
    body: web::Json<PostingsBody>,
) -> Result<HttpResponse, AppError> {
    let code = path.into_inner();
    let b = body.into_inner();
    let input = PostingInput {
        action: b.action,
        date: b.date.unwrap_or_default(),
        point: b.point.unwrap_or(PostingPoint::Reception),
        picks: b.procedures,
    };
    match save_postings(&state, actor, code.clone(), input).await? {
        Saved::Written(written) => {
            let list = checklist(&state, code).await?;
            Ok(HttpResponse::Ok().json(PostingsWritten {
                written,
                checklist: PostingsJson::from(&list),
            }))
        }
        Saved::Refused(_, e) => Ok(refused(
            "invalid_postings",
            "Không ghi được niêm yết",
            vec![FieldProblem {
                field: Some(posting_field(&e).to_string()),
                code: e.code,
                message: e.message,
            }],
        )),
    }
}

/// The dossier counts of a unit for a month.
#[utoipa::path(
    get,
    path = "/api/v1/units/{code}/dossier-counts",
    operation_id = "unit_dossier_counts",
    tag = "thu-tuc",
    summary = "Số liệu hồ sơ thủ tục hành chính của một đơn vị trong một tháng",
    description = "Mỗi thủ tục áp dụng tại đơn vị trong tháng (và thủ tục đã có số liệu tháng đó): số hồ sơ tiếp nhận, giải quyết đúng hạn, nộp trực tuyến (null: chưa có).",
    params(("code" = String, Path, description = "Mã đơn vị hành chính", example = "32152"), MonthQuery),
    responses(
        (status = 200, description = "Bảng số liệu", body = CountSheetJson),
        (status = 400, description = "Tháng không hợp lệ hoặc chưa đến (`bad_request`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 404, description = "Không có đơn vị này (`not_found`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Không lập được bảng (`unprocessable`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
    ),
)]
pub async fn dossier_counts(
    state: web::Data<AppState>,
    path: web::Path<String>,
    q: web::Query<MonthQuery>,
) -> Result<HttpResponse, AppError> {
    let sheet = count_sheet(&state, path.into_inner(), q.into_inner().month).await?;
    Ok(HttpResponse::Ok().json(CountSheetJson::from(&sheet)))
}

/// The body's name of a refused count: `month`, `counts[2].on_time`, `counts[0].procedure`.
fn count_field(r: &CountRefusal, body: &[(String, [String; 3])]) -> Option<String> {
    if r.month {
        return Some("month".into());
    }
    let code = r.procedure.as_deref()?;
    let same = |(_, (c, _)): &(usize, &(String, [String; 3]))| c.trim() == code;
    let mut at = body.iter().enumerate().filter(same);
    // A repeated procedure is named at its second place.
    let i = if r.code == "duplicate_procedure" {
        at.nth(1)
    } else {
        at.next()
    }?
    .0;
    Some(match r.figure {
        Some(f) => format!("counts[{i}].{}", f.code()),
        None => format!("counts[{i}].procedure"),
    })
}

/// Enters a month's dossier counts at a unit.
#[utoipa::path(
    post,
    path = "/api/v1/units/{code}/dossier-counts",
    operation_id = "record_dossier_counts",
    tag = "thu-tuc",
    summary = "Ghi số liệu hồ sơ của một tháng",
    description = "Kiểm tra như biểu mẫu trang `/units/{code}/ho-so`; tất cả hoặc không gì cả. Lỗi 422 có `errors[].field` (`month`, `counts[i].procedure`, `counts[i].received`, `counts[i].on_time`, `counts[i].online`) và `errors[].code`: `invalid_month`, `future_month`, `unknown_procedure`, `procedure_not_applicable` (thủ tục không áp dụng tại đơn vị trong tháng), `duplicate_procedure`, `negative_count`, `count_too_large`, `on_time_exceeds_received`, `online_exceeds_received`, `no_counts`, `invalid_counts`. `code` của tài liệu lỗi là mã của lỗi khi chỉ có một lỗi, nếu không là `invalid_dossier_counts`.",
    params(("code" = String, Path, description = "Mã đơn vị hành chính", example = "32152")),
    request_body(content = CountsBody, content_type = "application/json"),
    responses(
        (status = 200, description = "Đã ghi; bảng của tháng sau khi ghi", body = CountsWritten),
        (status = 400, description = "Nội dung không đọc được (`bad_request`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 404, description = "Không có đơn vị này (`not_found`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bị từ chối, không ghi gì (`errors` nêu trường và mã)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
    ),
)]
pub async fn record_dossier_counts(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<String>,
    body: web::Json<CountsBody>,
) -> Result<HttpResponse, AppError> {
    let code = path.into_inner();
    let b = body.into_inner();
    let text = |v: Option<i64>| v.map(|n| n.to_string()).unwrap_or_default();
    let typed: Vec<(String, [String; 3])> = b
        .counts
        .into_iter()
        .map(|c| {
            (
                c.procedure,
                [c.received.to_string(), text(c.on_time), text(c.online)],
            )
        })
        .collect();
    let month = b.month.clone();
    match save_typed(&state, actor, code.clone(), b.month, typed.clone()).await? {
        SavedCounts::Written { month, count } => {
            let sheet = count_sheet(&state, code, Some(month)).await?;
            Ok(HttpResponse::Ok().json(CountsWritten {
                written: count,
                sheet: CountSheetJson::from(&sheet),
            }))
        }
        SavedCounts::Refused(_, errors) => Ok(counts_refused(errors, &typed)),
        // Only the file upload answers so.
        SavedCounts::FileRefused(..) => Err(AppError::Internal(format!(
            "số liệu tháng {month} bị từ chối như một tệp"
        ))),
    }
}

fn counts_refused(errors: SheetErrors, typed: &[(String, [String; 3])]) -> HttpResponse {
    let items = errors
        .refusals
        .iter()
        .map(|r| FieldProblem {
            field: count_field(r, typed),
            code: r.code,
            message: r.message.clone(),
        })
        .collect();
    refused("invalid_dossier_counts", "Số liệu hồ sơ bị từ chối", items)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::procedures::counter::counts::Figure;

    #[test]
    fn a_refused_count_is_named_by_its_place_in_the_body() {
        let typed = vec![
            (
                "1.001".to_string(),
                [String::new(), String::new(), String::new()],
            ),
            (
                "1.002".to_string(),
                [String::new(), String::new(), String::new()],
            ),
            (
                "1.001".to_string(),
                [String::new(), String::new(), String::new()],
            ),
        ];
        let r = |procedure: Option<&str>, figure, month, code| CountRefusal {
            procedure: procedure.map(str::to_string),
            figure,
            month,
            code,
            message: String::new(),
        };
        assert_eq!(
            count_field(&r(None, None, true, "future_month"), &typed).as_deref(),
            Some("month")
        );
        assert_eq!(
            count_field(&r(Some("1.002"), Some(Figure::OnTime), false, "x"), &typed).as_deref(),
            Some("counts[1].on_time")
        );
        assert_eq!(
            count_field(
                &r(Some("1.001"), None, false, "duplicate_procedure"),
                &typed
            )
            .as_deref(),
            Some("counts[2].procedure")
        );
        assert_eq!(
            count_field(&r(None, None, false, "no_counts"), &typed),
            None
        );
    }
}
