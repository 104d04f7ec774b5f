//! The review tracker's API: campaigns, decisions and handling stages. Decisions carry a
//! version: `GET` gives it as `ETag`, writes may send it as `If-Match`, and a stale one gets
//! 412 with nothing written.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};

use crate::app::AppState;
use crate::auth::Actor;
use crate::error::AppError;
use crate::review::campaigns::{self, CampaignInput};
use crate::review::decisions::{self, DecisionError, Person, Proposal, StageInput};

/// What a new campaign is given.
// As the API receives it: the kind arrives as text and is read by `campaigns::kind_of`, so that
// an unknown one is refused by the campaign rules (422), as it always was, not by the JSON
// reader. (Plain comments: the OpenAPI document shows doc comments.)
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[schema(as = CampaignInput, example = json!({
    "name": "Rà soát thường xuyên năm 2026",
    "kind": "ongoing",
    "deadline": "2026-12-31"
}))]
pub struct CampaignBody {
    pub name: String,
    #[schema(value_type = crate::domain::review::CampaignKind, inline)]
    pub kind: String,
    #[serde(default)]
    pub basis_document_id: Option<i64>,
    #[serde(default)]
    pub predecessor_unit: Option<String>,
    #[serde(default)]
    pub authorities: Vec<i64>,
    #[serde(default)]
    pub types: Vec<String>,
    #[serde(default)]
    pub fields: Vec<String>,
    #[serde(default)]
    pub issued_from: Option<chrono::NaiveDate>,
    #[serde(default)]
    pub issued_to: Option<chrono::NaiveDate>,
    pub deadline: chrono::NaiveDate,
}

impl CampaignBody {
    fn read(self) -> Result<CampaignInput, AppError> {
        Ok(CampaignInput {
            kind: campaigns::kind_of(&self.kind)?,
            name: self.name,
            basis_document_id: self.basis_document_id,
            predecessor_unit: self.predecessor_unit,
            authorities: self.authorities,
            types: self.types,
            fields: self.fields,
            issued_from: self.issued_from,
            issued_to: self.issued_to,
            deadline: self.deadline,
        })
    }
}

// A proposal as the API receives it: the kind and the ground arrive as text and are read by
// `decisions::kind_of` and `ground_of` (an unknown one: 422, as it always was).
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[schema(as = Proposal, example = json!({"document_id": 1, "kind": "keep", "reason": "Nội dung còn phù hợp."}))]
pub struct ProposalBody {
    pub document_id: i64,
    #[schema(value_type = crate::domain::review::DecisionKind, inline)]
    pub kind: String,
    /// Whether only some provisions are concerned (default: when provisions are listed).
    #[serde(default)]
    pub partial: Option<bool>,
    #[serde(default)]
    pub provisions: Vec<String>,
    #[serde(default)]
    #[schema(value_type = Option<crate::domain::review::ExpiryGround>, inline)]
    pub ground: Option<String>,
    pub reason: String,
    #[serde(default)]
    pub legal_basis_document_id: Option<i64>,
    #[serde(default)]
    pub legal_basis_provision: Option<String>,
    #[serde(default)]
    pub effective_on: Option<chrono::NaiveDate>,
    #[serde(default)]
    pub supersedes_id: Option<i64>,
}

impl ProposalBody {
    fn read(self) -> Result<Proposal, DecisionError> {
        Ok(Proposal {
            kind: decisions::kind_of(&self.kind)?,
            ground: decisions::ground_of(self.ground.as_deref())?,
            document_id: self.document_id,
            partial: self.partial,
            provisions: self.provisions,
            reason: self.reason,
            legal_basis_document_id: self.legal_basis_document_id,
            legal_basis_provision: self.legal_basis_provision,
            effective_on: self.effective_on,
            supersedes_id: self.supersedes_id,
        })
    }
}

// A handling stage as the API receives it: the stage arrives as text and is read by
// `decisions::stage_of` (an unknown one: 422, as it always was).
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[schema(as = StageInput)]
pub struct StageBody {
    #[schema(value_type = crate::domain::review::Stage, inline)]
    pub stage: String,
    pub date: chrono::NaiveDate,
    pub paper: String,
    #[serde(default)]
    pub agency: Option<String>,
    #[serde(default)]
    pub planned_on: Option<chrono::NaiveDate>,
}

impl StageBody {
    fn read(self) -> Result<StageInput, DecisionError> {
        Ok(StageInput {
            stage: decisions::stage_of(&self.stage)?,
            date: self.date,
            paper: self.paper,
            agency: self.agency,
            planned_on: self.planned_on,
        })
    }
}

/// The version a write was based on: `If-Match: "v3"` (or `3`); absent means "whatever is
/// current", a malformed one is a 400.
fn if_match(req: &HttpRequest) -> Result<Option<i32>, AppError> {
    let Some(v) = req.headers().get(header::IF_MATCH) else {
        return Ok(None);
    };
    let s = v.to_str().unwrap_or_default().trim();
    let s = s
        .trim_start_matches("W/")
        .trim_matches('"')
        .trim_start_matches('v');
    s.parse::<i32>().map(Some).map_err(|_| {
        AppError::BadRequest("If-Match phải là ETag của bản ghi (ví dụ \"v3\").".into())
    })
}

#[derive(Serialize, utoipa::ToSchema)]
struct Created {
    id: i64,
}

/// Opens a review campaign; its list of documents is frozen when it starts.
#[utoipa::path(
    post,
    path = "/api/v1/campaigns",
    operation_id = "create_campaign",
    tag = "ra-soat",
    summary = "Tạo đợt rà soát",
    request_body(content = CampaignBody, content_type = "application/json"),
    responses(
        (status = 201, description = "Đã tạo", body = Created, headers(("Location" = String, description = "Địa chỉ của đợt"))),
        (status = 400, description = "JSON không hợp lệ (`bad_request`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Đợt không hợp lệ (`unprocessable`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
    ),
)]
pub async fn create_campaign(
    state: web::Data<AppState>,
    actor: Actor,
    input: web::Json<CampaignBody>,
) -> Result<HttpResponse, AppError> {
    let input = input.into_inner().read()?;
    let id = crate::app::with_write(&state, move |db| {
        let p = crate::app::reviewer(db, &actor)?;
        Ok(campaigns::create_as(db, &p, &input, crate::clock::now())?)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/campaigns/{id}")))
        .json(Created { id }))
}

#[derive(Serialize, utoipa::ToSchema)]
struct Started {
    documents: usize,
}

/// Starts a campaign: the documents still applying that day make its list.
#[utoipa::path(
    post,
    path = "/api/v1/campaigns/{id}/start",
    operation_id = "start_campaign",
    tag = "ra-soat",
    summary = "Bắt đầu đợt rà soát (chốt danh sách văn bản)",
    params(("id" = i64, Path, description = "Số đợt rà soát", example = 1)),
    responses(
        (status = 200, description = "Số văn bản trong danh sách", body = Started),
        (status = 404, description = "Không có đợt này (`not_found`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Không bắt đầu được (`unprocessable`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
    ),
)]
pub async fn start_campaign(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let cid = path.into_inner();
    let today = crate::clock::today();
    let n = crate::app::with_write(&state, move |db| {
        if campaigns::get(db, cid)?.is_none() {
            return Err(AppError::NotFound(format!(
                "Không có đợt rà soát số {cid}."
            )));
        }
        let p = crate::app::reviewer(db, &actor)?;
        Ok(campaigns::start_as(db, &p, cid, today)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Started { documents: n }))
}

/// A campaign with its documents, assignments and decisions.
#[utoipa::path(
    get,
    path = "/api/v1/campaigns/{id}",
    operation_id = "get_campaign",
    tag = "ra-soat",
    summary = "Một đợt rà soát: văn bản, phân công, kết quả rà soát",
    params(("id" = i64, Path, description = "Số đợt rà soát", example = 1)),
    responses(
        (status = 200, description = "Đợt rà soát", body = crate::app::review::CampaignView),
        (status = 404, description = "Không có đợt này (`not_found`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
    ),
)]
pub async fn campaign(
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let cid = path.into_inner();
    let view = crate::app::on_pool(&state, move |db| crate::app::review::campaign(db, cid)).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Proposes a decision on a document of the campaign (or a correction of one).
#[utoipa::path(
    post,
    path = "/api/v1/campaigns/{id}/decisions",
    operation_id = "propose_decision",
    tag = "ra-soat",
    summary = "Đề xuất kết quả rà soát một văn bản",
    params(("id" = i64, Path, description = "Số đợt rà soát", example = 1)),
    request_body(content = ProposalBody, content_type = "application/json"),
    responses(
        (status = 201, description = "Đã đề xuất", body = Created, headers(
            ("Location" = String, description = "Địa chỉ của quyết định"),
            ("ETag" = String, description = "`\"v1\"`"),
        )),
        (status = 400, description = "JSON không hợp lệ (`bad_request`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 404, description = "Không có đợt hoặc văn bản này (`not_found`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 409, description = "Văn bản đang có đề xuất chờ duyệt (`conflict`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Quy tắc rà soát không cho phép (`unprocessable`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
    ),
)]
pub async fn propose(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<i64>,
    input: web::Json<ProposalBody>,
) -> Result<HttpResponse, AppError> {
    let cid = path.into_inner();
    let input = input.into_inner().read()?;
    let did = crate::app::with_write(&state, move |db| {
        let p = crate::app::reviewer(db, &actor)?;
        Ok(decisions::propose(
            db,
            &p,
            cid,
            &input,
            crate::clock::now(),
        )?)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/decisions/{did}")))
        .insert_header((header::ETAG, "\"v1\""))
        .json(Created { id: did }))
}

#[derive(Serialize, utoipa::ToSchema)]
struct DecisionView {
    decision: decisions::Decision,
    stages: Vec<decisions::StageRecord>,
}

/// Runs a change to decision `did` as the signed-in user and answers with the decision as it
/// now is (and its new `ETag`).
async fn decision_action(
    state: &AppState,
    actor: Actor,
    did: i64,
    f: impl FnOnce(&mut crate::db::Db<'_>, &Person) -> Result<decisions::Decision, DecisionError>
        + Send
        + 'static,
) -> Result<HttpResponse, AppError> {
    let v = crate::app::with_write(state, move |db| {
        let p = crate::app::reviewer(db, &actor)?;
        let decision = f(db, &p)?;
        Ok(DecisionView {
            stages: decisions::stages(db, did)?,
            decision,
        })
    })
    .await?;
    Ok(decision_response(v))
}

fn decision_response(v: DecisionView) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::ETAG, format!("\"v{}\"", v.decision.version)))
        .json(v)
}

/// A decision and its handling stages, with its version as `ETag`.
#[utoipa::path(
    get,
    path = "/api/v1/decisions/{id}",
    operation_id = "get_decision",
    tag = "ra-soat",
    summary = "Một kết quả rà soát và các bước xử lý",
    params(("id" = i64, Path, description = "Số quyết định", example = 1)),
    responses(
        (status = 200, description = "Quyết định", body = DecisionView, headers(("ETag" = String, description = "Phiên bản (`\"v3\"`)"))),
        (status = 404, description = "Không có quyết định này (`not_found`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
    ),
)]
pub async fn decision(
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let did = path.into_inner();
    let v = crate::app::on_pool(&state, move |db| {
        let Some(decision) = decisions::get(db, did)? else {
            return Err(AppError::NotFound(format!("Không có quyết định số {did}.")));
        };
        Ok(DecisionView {
            stages: decisions::stages(db, did)?,
            decision,
        })
    })
    .await?;
    Ok(decision_response(v))
}

/// Approves a proposed decision (never one's own).
#[utoipa::path(
    post,
    path = "/api/v1/decisions/{id}/approve",
    operation_id = "approve_decision",
    tag = "ra-soat",
    summary = "Phê duyệt kết quả rà soát",
    params(("id" = i64, Path, description = "Số quyết định", example = 1), ("If-Match" = Option<String>, Header, description = "ETag của quyết định (`\"v3\"`); phiên bản cũ: 412, không ghi gì")),
    responses(DecisionAnswers),
)]
pub async fn approve(
    state: web::Data<AppState>,
    actor: Actor,
    req: HttpRequest,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let did = path.into_inner();
    let version = if_match(&req)?;
    decision_action(&state, actor, did, move |db, p| {
        decisions::approve(db, p, did, version, crate::clock::now())
    })
    .await
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct ReturnInput {
    comment: String,
}

/// The answers of every action on a decision (approve, return, stage, close).
#[derive(utoipa::IntoResponses)]
#[allow(dead_code, clippy::large_enum_variant)] // Only describes the answers; never built.
enum DecisionAnswers {
    #[response(
        status = 200,
        description = "Quyết định sau thao tác, kèm ETag mới",
        headers(("ETag" = String, description = "Phiên bản của quyết định (`\"v4\"`)"))
    )]
    Done(DecisionView),
    #[response(
        status = 400,
        description = "JSON hoặc If-Match không hợp lệ (`bad_request`)",
        content_type = "application/problem+json"
    )]
    BadRequest(crate::api::openapi::Problem),
    #[response(
        status = 404,
        description = "Không có quyết định này (`not_found`)",
        content_type = "application/problem+json"
    )]
    NotFound(crate::api::openapi::Problem),
    #[response(
        status = 409,
        description = "Trạng thái không cho phép (`conflict`)",
        content_type = "application/problem+json"
    )]
    Conflict(crate::api::openapi::Problem),
    #[response(
        status = 412,
        description = "If-Match không còn là phiên bản hiện tại (`precondition_failed`)",
        content_type = "application/problem+json"
    )]
    Stale(crate::api::openapi::Problem),
    #[response(
        status = 422,
        description = "Quy tắc rà soát không cho phép (`unprocessable`)",
        content_type = "application/problem+json"
    )]
    Refused(crate::api::openapi::Problem),
}

/// Returns a proposed decision to its officer with a comment.
#[utoipa::path(
    post,
    path = "/api/v1/decisions/{id}/return",
    operation_id = "return_decision",
    tag = "ra-soat",
    summary = "Trả lại kết quả rà soát cho cán bộ, kèm ý kiến",
    params(("id" = i64, Path, description = "Số quyết định", example = 1), ("If-Match" = Option<String>, Header, description = "ETag của quyết định (`\"v3\"`); phiên bản cũ: 412, không ghi gì")),
    request_body(content = ReturnInput, content_type = "application/json"),
    responses(DecisionAnswers),
)]
pub async fn return_decision(
    state: web::Data<AppState>,
    actor: Actor,
    req: HttpRequest,
    path: web::Path<i64>,
    input: web::Json<ReturnInput>,
) -> Result<HttpResponse, AppError> {
    let did = path.into_inner();
    let version = if_match(&req)?;
    let input = input.into_inner();
    decision_action(&state, actor, did, move |db, p| {
        decisions::return_to_officer(db, p, did, &input.comment, version, crate::clock::now())
    })
    .await
}

/// Records a handling stage of an approved decision.
#[utoipa::path(
    post,
    path = "/api/v1/decisions/{id}/stages",
    operation_id = "record_decision_stage",
    tag = "ra-soat",
    summary = "Ghi một bước xử lý văn bản sau rà soát",
    params(("id" = i64, Path, description = "Số quyết định", example = 1), ("If-Match" = Option<String>, Header, description = "ETag của quyết định (`\"v3\"`); phiên bản cũ: 412, không ghi gì")),
    request_body(content = StageBody, content_type = "application/json"),
    responses(DecisionAnswers),
)]
pub async fn record_stage(
    state: web::Data<AppState>,
    actor: Actor,
    req: HttpRequest,
    path: web::Path<i64>,
    input: web::Json<StageBody>,
) -> Result<HttpResponse, AppError> {
    let did = path.into_inner();
    let version = if_match(&req)?;
    let input = input.into_inner().read()?;
    decision_action(&state, actor, did, move |db, p| {
        decisions::record_stage(db, p, did, &input, version, crate::clock::now())
    })
    .await
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct CloseInput {
    handling_document_id: i64,
}

/// Closes a decision with the document that handled it.
#[utoipa::path(
    post,
    path = "/api/v1/decisions/{id}/close",
    operation_id = "close_decision",
    tag = "ra-soat",
    summary = "Kết thúc xử lý, nêu văn bản xử lý",
    params(("id" = i64, Path, description = "Số quyết định", example = 1), ("If-Match" = Option<String>, Header, description = "ETag của quyết định (`\"v3\"`); phiên bản cũ: 412, không ghi gì")),
    request_body(content = CloseInput, content_type = "application/json"),
    responses(DecisionAnswers),
)]
pub async fn close(
    state: web::Data<AppState>,
    actor: Actor,
    req: HttpRequest,
    path: web::Path<i64>,
    input: web::Json<CloseInput>,
) -> Result<HttpResponse, AppError> {
    let did = path.into_inner();
    let version = if_match(&req)?;
    let input = input.into_inner();
    decision_action(&state, actor, did, move |db, p| {
        decisions::close(
            db,
            p,
            did,
            input.handling_document_id,
            version,
            crate::clock::now(),
        )
    })
    .await
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct AssignInput {
    documents: Vec<i64>,
    /// A username, or null to unassign.
    officer: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
struct Assigned {
    assigned: usize,
}

/// Assigns documents of a campaign to an officer.
#[utoipa::path(
    post,
    path = "/api/v1/campaigns/{id}/assignments",
    operation_id = "assign_documents",
    tag = "ra-soat",
    summary = "Phân công văn bản của đợt cho cán bộ (hoặc bỏ phân công)",
    params(("id" = i64, Path, description = "Số đợt rà soát", example = 1)),
    request_body(content = AssignInput, content_type = "application/json"),
    responses(
        (status = 200, description = "Số văn bản đã phân công", body = Assigned),
        (status = 400, description = "JSON không hợp lệ (`bad_request`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 404, description = "Không có đợt này (`not_found`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Không có tài khoản này, văn bản ngoài đợt, hoặc ngoài phạm vi của cán bộ được phân công (`unprocessable`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
    ),
)]
pub async fn assign(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<i64>,
    input: web::Json<AssignInput>,
) -> Result<HttpResponse, AppError> {
    let cid = path.into_inner();
    let input = input.into_inner();
    let n = crate::app::with_write(&state, move |db| {
        let officer = match &input.officer {
            None => None,
            Some(u) => match crate::auth::users::find_by_username(db, u.trim())? {
                Some(u) => Some(u.id),
                None => {
                    return Err(AppError::Unprocessable(format!(
                        "Không có tài khoản «{u}»."
                    )))
                }
            },
        };
        if campaigns::get(db, cid)?.is_none() {
            return Err(AppError::NotFound(format!(
                "Không có đợt rà soát số {cid}."
            )));
        }
        let p = crate::app::reviewer(db, &actor)?;
        Ok(campaigns::assign_as(
            db,
            &p,
            cid,
            &input.documents,
            officer,
        )?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Assigned { assigned: n }))
}
