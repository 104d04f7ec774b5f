//! The review tracker's API: campaigns, decisions and handling stages. Decisions carry a
//! version: `GET` gives it as `ETag`, writes may send it as `If-Match`, and a stale one gets
//! 412 with nothing written.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};

use crate::auth::Actor;
use crate::error::AppError;
use crate::review::campaigns::{self, CampaignError, CampaignInput};
use crate::review::decisions::{self, DecisionError, Person, Proposal, StageInput};
use crate::web::AppState;

impl From<CampaignError> for AppError {
    fn from(e: CampaignError) -> Self {
        match e {
            CampaignError::Invalid(m) => AppError::Unprocessable(m),
            CampaignError::Db(e) => AppError::Db(e),
        }
    }
}

impl From<DecisionError> for AppError {
    fn from(e: DecisionError) -> Self {
        match e {
            DecisionError::NotFound(m) => AppError::NotFound(m),
            DecisionError::Invalid(m) => AppError::Unprocessable(m),
            DecisionError::Forbidden(m) => AppError::Forbidden(m),
            DecisionError::Conflict(m) => AppError::Conflict(m),
            e @ DecisionError::Stale { .. } => AppError::PreconditionFailed(e.to_string()),
            DecisionError::Db(e) => AppError::Db(e),
        }
    }
}

/// The JSON body, or a 400 naming what is wrong with it.
fn body<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    serde_json::from_slice(bytes)
        .map_err(|e| AppError::BadRequest(format!("Dữ liệu JSON không hợp lệ: {e}")))
}

fn id(s: &str) -> Result<i64, AppError> {
    s.parse::<i64>()
        .ok()
        .filter(|v| *v > 0)
        .ok_or_else(|| AppError::NotFound(format!("Không có bản ghi số «{s}».")))
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

#[derive(Serialize)]
struct Created {
    id: i64,
}

pub async fn create_campaign(
    state: web::Data<AppState>,
    actor: Actor,
    bytes: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let input: CampaignInput = body(&bytes)?;
    let (uid, name) = (actor.user_id, actor.actor());
    let id = crate::web::with_write(&state, move |db| {
        Ok(campaigns::create(
            db,
            &name,
            uid,
            &input,
            crate::auth::now(),
        )?)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/campaigns/{id}")))
        .json(Created { id }))
}

#[derive(Serialize)]
struct Started {
    documents: usize,
}

pub async fn start_campaign(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let cid = id(&path.into_inner())?;
    let name = actor.actor();
    let today = crate::web::today();
    let n = crate::web::with_write(&state, move |db| {
        if campaigns::get(db, cid)?.is_none() {
            return Err(AppError::NotFound(format!(
                "Không có đợt rà soát số {cid}."
            )));
        }
        Ok(campaigns::start(db, &name, cid, today)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Started { documents: n }))
}

#[derive(Serialize)]
struct CampaignView {
    campaign: campaigns::Campaign,
    documents: Vec<i64>,
    /// (document, officer) for the documents assigned to someone.
    assignments: Vec<(i64, i64)>,
    decisions: Vec<decisions::Decision>,
}

pub async fn campaign(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let cid = id(&path.into_inner())?;
    let view = crate::web::with_db(&state, move |db| {
        let Some(campaign) = campaigns::get(db, cid)? else {
            return Err(AppError::NotFound(format!(
                "Không có đợt rà soát số {cid}."
            )));
        };
        Ok(CampaignView {
            assignments: campaigns::assignments(db, cid)?
                .into_iter()
                .filter_map(|(d, o)| Some((d, o?)))
                .collect(),
            documents: campaigns::documents(db, cid)?,
            decisions: decisions::of_campaign(db, cid)?,
            campaign,
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

pub async fn propose(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<String>,
    bytes: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let cid = id(&path.into_inner())?;
    let input: Proposal = body(&bytes)?;
    let did = crate::web::with_write(&state, move |db| {
        let p = crate::web::reviewer(db, &actor)?;
        Ok(decisions::propose(db, &p, cid, &input, crate::auth::now())?)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/decisions/{did}")))
        .insert_header((header::ETAG, "\"v1\""))
        .json(Created { id: did }))
}

#[derive(Serialize)]
struct DecisionView {
    decision: decisions::Decision,
    stages: Vec<decisions::StageRow>,
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
    let v = crate::web::with_write(state, move |db| {
        let p = crate::web::reviewer(db, &actor)?;
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

pub async fn decision(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let did = id(&path.into_inner())?;
    let v = crate::web::with_db(&state, move |db| {
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

pub async fn approve(
    state: web::Data<AppState>,
    actor: Actor,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let did = id(&path.into_inner())?;
    let version = if_match(&req)?;
    decision_action(&state, actor, did, move |db, p| {
        decisions::approve(db, p, did, version, crate::auth::now())
    })
    .await
}

#[derive(Deserialize)]
struct ReturnInput {
    comment: String,
}

pub async fn return_decision(
    state: web::Data<AppState>,
    actor: Actor,
    req: HttpRequest,
    path: web::Path<String>,
    bytes: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let did = id(&path.into_inner())?;
    let version = if_match(&req)?;
    let input: ReturnInput = body(&bytes)?;
    decision_action(&state, actor, did, move |db, p| {
        decisions::return_to_officer(db, p, did, &input.comment, version, crate::auth::now())
    })
    .await
}

pub async fn record_stage(
    state: web::Data<AppState>,
    actor: Actor,
    req: HttpRequest,
    path: web::Path<String>,
    bytes: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let did = id(&path.into_inner())?;
    let version = if_match(&req)?;
    let input: StageInput = body(&bytes)?;
    decision_action(&state, actor, did, move |db, p| {
        decisions::record_stage(db, p, did, &input, version, crate::auth::now())
    })
    .await
}

#[derive(Deserialize)]
struct CloseInput {
    handling_document_id: i64,
}

pub async fn close(
    state: web::Data<AppState>,
    actor: Actor,
    req: HttpRequest,
    path: web::Path<String>,
    bytes: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let did = id(&path.into_inner())?;
    let version = if_match(&req)?;
    let input: CloseInput = body(&bytes)?;
    decision_action(&state, actor, did, move |db, p| {
        decisions::close(
            db,
            p,
            did,
            input.handling_document_id,
            version,
            crate::auth::now(),
        )
    })
    .await
}

#[derive(Deserialize)]
struct AssignInput {
    documents: Vec<i64>,
    /// A username, or null to unassign.
    officer: Option<String>,
}

#[derive(Serialize)]
struct Assigned {
    assigned: usize,
}

/// Assigns documents of a campaign to an officer.
pub async fn assign(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<String>,
    bytes: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let cid = id(&path.into_inner())?;
    let input: AssignInput = body(&bytes)?;
    let name = actor.actor();
    let n = crate::web::with_write(&state, move |db| {
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
        Ok(campaigns::assign(
            db,
            &name,
            cid,
            &input.documents,
            officer,
        )?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Assigned { assigned: n }))
}
