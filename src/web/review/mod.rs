//! Review pages for signed-in users: campaigns, their progress per authority and per officer,
//! and the forms to create a campaign, assign its documents, propose, correct, approve or
//! return decisions, record handling stages and close a decision with its handling document.
//! The rules live in `crate::review`; a form refused by them is shown again with the reason.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use chrono::NaiveDate;
use serde::Serialize;

mod campaign_list;

pub use campaign_list::{create, list};

use super::{base_context, render_status, PageError};
use crate::app::{on_pool, AppState};
use crate::auth::{Actor, Role};
use crate::clock::today;
use crate::db::queries;
use crate::domain::review::{CampaignKind, DecisionKind, DecisionState, ExpiryGround, Stage};
use crate::domain::text::date_vn;
use crate::error::AppError;
use crate::review::campaigns;
use crate::review::dashboard::{dashboard, last_stages, progress_svg};
use crate::review::decisions::{self, Decision, Proposal};

type Form = web::Form<HashMap<String, String>>;
/// A form whose fields may repeat (multi-selects, checkboxes).
type Pairs = web::Form<Vec<(String, String)>>;

const PAGE: usize = 100;

fn field<'a>(f: &'a HashMap<String, String>, name: &str) -> &'a str {
    f.get(name).map(|s| s.trim()).unwrap_or_default()
}

/// The record number in the path; anything else is a 404 naming what was looked for.
fn path_id(path: web::Path<String>, what: &str) -> Result<i64, AppError> {
    path.into_inner()
        .parse()
        .map_err(|_| AppError::NotFound(format!("Không có {what} này.")))
}

/// A rule's message as a sentence: capital first letter, full stop.
pub(super) fn sentence(m: &str) -> String {
    let m = m.trim();
    let mut chars = m.chars();
    let mut s: String = match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    };
    if !s.ends_with(['.', '!', '?']) {
        s.push('.');
    }
    s
}

/// The `version` a decision form carries (hidden, from the page it was on): the optimistic lock
/// the API takes as `If-Match`. A form without it, or with something that is not a number, is
/// refused (400) as the API would refuse a garbled `If-Match`, never run without the check.
/// The forms that carry it: approve, return, record a stage, close. A proposal (first, again
/// after a return, or a correction) creates a new record and has none.
fn form_version(f: &HashMap<String, String>) -> Result<i32, AppError> {
    match field(f, "version") {
        "" => Err(AppError::BadRequest(
            "biểu mẫu thiếu phiên bản của quyết định; hãy tải lại trang rồi thử lại".into(),
        )),
        v => v.parse().map_err(|_| {
            AppError::BadRequest(
                "phiên bản của quyết định gửi kèm biểu mẫu không hợp lệ (phải là một số); \
                 hãy tải lại trang rồi thử lại"
                    .into(),
            )
        }),
    }
}

/// The campaign of a decision, to show its page again; 404 when there is no such decision.
async fn campaign_of(state: &AppState, id: i64) -> Result<i64, AppError> {
    on_pool(state, move |db| {
        decisions::get(db, id)?
            .map(|d| d.campaign_id)
            .ok_or_else(|| AppError::NotFound(format!("Không có quyết định số {id}.")))
    })
    .await
}

/// A decision form's version, or (`Err`) the campaign page again with the reason.
async fn version_or_page(
    state: &AppState,
    actor: &Actor,
    id: i64,
    form: &HashMap<String, String>,
) -> Result<Result<i32, HttpResponse>, PageError> {
    match form_version(form) {
        Ok(v) => Ok(Ok(v)),
        Err(e) => {
            let campaign = campaign_of(state, id).await?;
            Ok(Err(refused(state, actor, campaign, e).await?))
        }
    }
}

fn unprocessable(m: impl Into<String>) -> AppError {
    AppError::Unprocessable(m.into())
}

/// A registry document picked by its number and, when several authorities use the same
/// number, by its authority (`authority` is an authority id or empty).
fn pick_document(
    db: &mut crate::db::Db<'_>,
    number: &str,
    authority: &str,
    what: &str,
) -> Result<i64, AppError> {
    let n = crate::domain::number::DocumentNumber::parse(number)
        .map_err(|e| unprocessable(format!("{what}: {e}")))?;
    let authority: Option<i64> =
        match authority.trim() {
            "" => None,
            a => Some(a.parse().map_err(|_| {
                unprocessable(format!("{what}: cơ quan ban hành «{a}» không hợp lệ"))
            })?),
        };
    let found: Vec<(i64, i64)> = queries::documents_by_number_key(db, &n.key())?
        .into_iter()
        .filter(|(_, a)| authority.is_none_or(|x| x == *a))
        .collect();
    let name = |db: &mut crate::db::Db<'_>, a: i64| -> Result<String, AppError> {
        Ok(queries::authority_by_id(db, a)?.map_or_else(|| format!("#{a}"), |a| a.name))
    };
    match found.as_slice() {
        [(id, _)] => Ok(*id),
        [] => {
            let of = match authority {
                Some(a) => format!(" của {}", name(db, a)?),
                None => String::new(),
            };
            Err(unprocessable(format!(
                "{what}: không có văn bản số {}{of} trong cơ sở dữ liệu",
                n.as_str()
            )))
        }
        many => {
            let mut names = Vec::new();
            for (_, a) in many {
                names.push(name(db, *a)?);
            }
            Err(unprocessable(format!(
                "{what}: có {} văn bản cùng số {} ({}); hãy chọn cơ quan ban hành",
                many.len(),
                n.as_str(),
                names.join("; ")
            )))
        }
    }
}

/// Runs a change to a decision as the signed-in user, then goes back to its campaign.
async fn decision_action(
    state: &AppState,
    actor: Actor,
    f: impl FnOnce(
            &mut crate::db::Db<'_>,
            &decisions::Person,
        ) -> Result<decisions::Decision, decisions::DecisionError>
        + Send
        + 'static,
) -> Result<HttpResponse, PageError> {
    let d = crate::app::with_write(state, move |db| {
        let p = crate::app::reviewer(db, &actor)?;
        Ok(f(db, &p)?)
    })
    .await?;
    Ok(see_other(format!("/campaigns/{}", d.campaign_id)))
}

fn see_other(to: String) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((actix_web::http::header::LOCATION, to))
        .finish()
}

#[derive(Serialize)]
struct DocLine {
    id: i64,
    /// Whether the viewer's units cover the document (the forms acting on it are shown).
    in_scope: bool,
    officer: Option<String>,
    number: String,
    title: String,
    decision: Option<DecisionLine>,
    /// The document's other decisions: superseded versions, returned proposals.
    history: Vec<HistoryLine>,
    /// The proposal form this document offers, if any.
    propose: Option<ProposeForm>,
}

#[derive(Serialize)]
struct DecisionLine {
    id: i64,
    kind: &'static str,
    state: &'static str,
    state_code: &'static str,
    provisions: String,
    reason: String,
    comment: Option<String>,
    version: i32,
    mine: bool,
    needs_handling: bool,
    stages: Vec<String>,
    supersedes_id: Option<i64>,
    handling: Option<String>,
}

#[derive(Serialize)]
struct HistoryLine {
    id: i64,
    kind: &'static str,
    state: &'static str,
    superseded: bool,
    provisions: String,
    reason: String,
    comment: Option<String>,
    proposed_on: String,
    decided_on: Option<String>,
    supersedes_id: Option<i64>,
}

/// A proposal: a first one, one made again after a return, or a correction of a decided one
/// (a new version that supersedes it once approved; the decided record is never edited).
#[derive(Serialize)]
struct ProposeForm {
    summary: &'static str,
    supersedes_id: Option<i64>,
}

fn provisions_text(d: &Decision) -> String {
    d.provisions
        .iter()
        .map(|k| crate::domain::structure::display_reference(k))
        .collect::<Vec<_>>()
        .join(", ")
}

fn propose_form(d: Option<&Decision>) -> Option<ProposeForm> {
    let Some(d) = d else {
        return Some(ProposeForm {
            summary: "Đề xuất kết quả rà soát",
            supersedes_id: None,
        });
    };
    match d.state {
        DecisionState::Returned => Some(ProposeForm {
            summary: "Đề xuất lại",
            supersedes_id: d.supersedes_id,
        }),
        DecisionState::Approved | DecisionState::Closed => Some(ProposeForm {
            summary: "Đính chính / đề xuất lại",
            supersedes_id: Some(d.id),
        }),
        DecisionState::Proposed | DecisionState::Superseded => None,
    }
}

/// Which documents of the campaign page are listed, and which page of them.
#[derive(Debug, Clone, Default)]
struct View {
    page: usize,
    /// An officer's id, or `none` for the documents assigned to nobody.
    officer: String,
    /// A decision state, or `none` for the documents not reviewed yet.
    state: String,
    /// A handling stage (the last one recorded), `waiting` (none yet) or `closed`.
    stage: String,
}

impl View {
    fn from_query(q: &HashMap<String, String>) -> View {
        let get = |k: &str| q.get(k).map(|s| s.trim().to_string()).unwrap_or_default();
        View {
            page: q
                .get("page")
                .and_then(|p| p.parse().ok())
                .filter(|p| *p >= 1)
                .unwrap_or(1),
            officer: get("officer"),
            state: get("state"),
            stage: get("stage"),
        }
    }

    /// The filters as a query string prefix for the page links (`officer=3&`).
    fn query(&self) -> String {
        [
            ("officer", &self.officer),
            ("state", &self.state),
            ("stage", &self.stage),
        ]
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}&", crate::web::public::urlencode(v)))
        .collect()
    }
}

/// Whether a document's current decision is at this point of the handling pipeline.
fn at_stage(filter: &str, d: Option<&Decision>, last: &HashMap<i64, (Stage, NaiveDate)>) -> bool {
    let Some(d) = d else {
        return false;
    };
    if !d.kind.needs_handling() {
        return false;
    }
    let state = d.state;
    match filter {
        "waiting" => state == DecisionState::Approved && !last.contains_key(&d.id),
        "closed" => state == DecisionState::Closed,
        code => {
            state == DecisionState::Approved && last.get(&d.id).map(|(s, _)| s.code()) == Some(code)
        }
    }
}

pub async fn page(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<String>,
    q: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, PageError> {
    let id = path_id(path, "đợt rà soát")?;
    campaign_page(
        &state,
        &actor,
        id,
        View::from_query(&q),
        None,
        StatusCode::OK,
    )
    .await
}

/// A refused page form: the campaign page again with the reason (and the error's status) when
/// the rules refused it; other errors get the error page.
async fn refused(
    state: &AppState,
    actor: &Actor,
    campaign: i64,
    e: AppError,
) -> Result<HttpResponse, PageError> {
    match e {
        AppError::Unprocessable(ref m)
        | AppError::Conflict(ref m)
        | AppError::PreconditionFailed(ref m)
        | AppError::BadRequest(ref m) => {
            use actix_web::ResponseError;
            let status = e.status_code();
            campaign_page(
                state,
                actor,
                campaign,
                View {
                    page: 1,
                    ..View::default()
                },
                Some(sentence(m)),
                status,
            )
            .await
        }
        e => Err(e.into()),
    }
}

/// The campaign page: progress per authority and per officer, the filtered document list with
/// each document's decision, its other versions and the forms the viewer may use.
async fn campaign_page(
    state: &AppState,
    actor: &Actor,
    id: i64,
    view: View,
    error: Option<String>,
    status: StatusCode,
) -> Result<HttpResponse, PageError> {
    let me = actor.user_id;
    let day = today();
    let v = view.clone();
    let a = actor.clone();
    let (c, dash, docs, pages, officers, assignable, authorities, reach) =
        on_pool(state, move |db| {
            let Some(c) = campaigns::get(db, id)? else {
                return Err(AppError::NotFound(format!("Không có đợt rà soát số {id}.")));
            };
            // The viewer's units: forms are offered only for the documents they may act on.
            let units = crate::app::reviewer(db, &a)?.units;
            let unit_of: HashMap<i64, Option<i64>> = queries::all_authorities(db)?
                .into_iter()
                .map(|x| (x.id, x.unit_id))
                .collect();
            let covers = |authority: i64| {
                units.as_ref().is_none_or(|u| {
                    unit_of
                        .get(&authority)
                        .copied()
                        .flatten()
                        .is_some_and(|x| u.contains(&x))
                })
            };
            let dash = dashboard(db, id, day)?.ok_or_else(|| AppError::NotFound(String::new()))?;
            let assigned: HashMap<i64, Option<i64>> =
                campaigns::assignments(db, id)?.into_iter().collect();
            let all = decisions::of_campaign(db, id)?;
            let latest = decisions::current(all.clone());
            let last = if v.stage.is_empty() {
                HashMap::new()
            } else {
                last_stages(db, id)?
            };
            // Lists filterable by officer, by where the review stands and by handling stage.
            let docs_all: Vec<i64> = campaigns::documents(db, id)?
                .into_iter()
                .filter(|d| {
                    let to = assigned.get(d).copied().flatten();
                    match v.officer.as_str() {
                        "" => true,
                        "none" => to.is_none(),
                        o => o.parse::<i64>().ok().is_some_and(|o| to == Some(o)),
                    }
                })
                .filter(|d| match v.state.as_str() {
                    "" => true,
                    "none" => !latest.contains_key(d),
                    s => latest.get(d).map(|x| x.state.code()) == Some(s),
                })
                .filter(|d| v.stage.is_empty() || at_stage(&v.stage, latest.get(d), &last))
                .collect();
            let users = crate::auth::users::rows(db)?;
            let names: HashMap<i64, String> = users
                .iter()
                .map(|u| (u.id, u.display_name.clone()))
                .collect();
            let officers: Vec<(String, String)> = {
                let mut v: Vec<(i64, String)> = assigned
                    .values()
                    .flatten()
                    .map(|o| (*o, names.get(o).cloned().unwrap_or_default()))
                    .collect();
                v.sort();
                v.dedup();
                v.into_iter().map(|(o, n)| (o.to_string(), n)).collect()
            };
            // Who documents may be assigned to: active legal officers (and administrators).
            let assignable: Vec<(i64, String)> = users
                .iter()
                .filter(|u| !u.disabled && matches!(u.role.as_str(), "officer" | "admin"))
                .map(|u| (u.id, format!("{} ({})", u.display_name, u.username)))
                .collect();
            let pages = docs_all.len().div_ceil(PAGE).max(1);
            let shown: Vec<i64> = docs_all
                .iter()
                .skip((v.page - 1) * PAGE)
                .take(PAGE)
                .copied()
                .collect();
            let summaries: HashMap<i64, crate::db::models::DocumentSummary> =
                queries::summaries_by_ids(db, &shown)?
                    .into_iter()
                    .map(|s| (s.id, s))
                    .collect();
            let mut stage_lines: HashMap<i64, Vec<String>> = HashMap::new();
            let mut handling: HashMap<i64, String> = HashMap::new();
            for d in shown.iter().filter_map(|doc| latest.get(doc)) {
                let lines: Vec<String> = decisions::stages(db, d.id)?
                    .into_iter()
                    .map(|st| {
                        format!(
                            "{}: {} — {}",
                            st.stage.label(),
                            date_vn(st.done_on),
                            st.paper
                        )
                    })
                    .collect();
                if !lines.is_empty() {
                    stage_lines.insert(d.id, lines);
                }
                if let Some(h) = d.handling_document_id {
                    if let Some(h) = queries::document(db, h)? {
                        handling.insert(d.id, format!("{} {}", h.doc_type, h.number));
                    }
                }
            }
            let mut others: HashMap<i64, Vec<&Decision>> = HashMap::new();
            for d in &all {
                if summaries.contains_key(&d.document_id)
                    && latest.get(&d.document_id).is_none_or(|l| l.id != d.id)
                {
                    others.entry(d.document_id).or_default().push(d);
                }
            }
            let docs: Vec<DocLine> = shown
                .iter()
                .filter_map(|d| summaries.get(d))
                .map(|s| DocLine {
                    in_scope: covers(s.authority_id),
                    officer: assigned
                        .get(&s.id)
                        .copied()
                        .flatten()
                        .and_then(|o| names.get(&o).cloned()),
                    id: s.id,
                    number: format!("{} {}", s.doc_type, s.number),
                    title: s.title.clone(),
                    decision: latest.get(&s.id).map(|d| DecisionLine {
                        id: d.id,
                        kind: d.kind.label(),
                        state: d.state.label(),
                        state_code: d.state.code(),
                        provisions: provisions_text(d),
                        reason: d.reason.clone(),
                        comment: d.comment.clone(),
                        version: d.version,
                        mine: d.proposed_by == me,
                        needs_handling: d.kind.needs_handling(),
                        stages: stage_lines.get(&d.id).cloned().unwrap_or_default(),
                        supersedes_id: d.supersedes_id,
                        handling: handling.get(&d.id).cloned(),
                    }),
                    history: others
                        .get(&s.id)
                        .map(|v| {
                            v.iter()
                                .rev()
                                .map(|d| HistoryLine {
                                    id: d.id,
                                    kind: d.kind.label(),
                                    state: d.state.label(),
                                    superseded: d.state == DecisionState::Superseded,
                                    provisions: provisions_text(d),
                                    reason: d.reason.clone(),
                                    comment: d.comment.clone(),
                                    proposed_on: date_vn(d.proposed_at.date()),
                                    decided_on: d.decided_at.map(|t| date_vn(t.date())),
                                    supersedes_id: d.supersedes_id,
                                })
                                .collect()
                        })
                        .unwrap_or_default(),
                    propose: propose_form(latest.get(&s.id)),
                })
                .collect();
            // Where a handling document may come from, to tell apart documents sharing a number.
            let mut authorities: Vec<(i64, String)> = queries::all_authorities(db)?
                .into_iter()
                .map(|a| (a.id, a.name))
                .collect();
            authorities.sort_by(|a, b| a.1.cmp(&b.1));
            let reach = campaigns::reach_covered(db, units.as_ref(), &c)?;
            Ok((
                c,
                dash,
                docs,
                pages,
                officers,
                assignable,
                authorities,
                reach,
            ))
        })
        .await?;
    let mut ctx = base_context("review", "");
    ctx_filters(&mut ctx, &view, officers);
    ctx.insert(
        "chart",
        &progress_svg(&dash.progress, dash.total.in_scope, 640, 220),
    );
    ctx.insert(
        "campaign_kind",
        &CampaignKind::parse(&c.kind).map_or("", |k| k.label()),
    );
    ctx.insert("deadline", &date_vn(c.deadline));
    ctx.insert("started", &c.started_on.map(date_vn));
    ctx.insert("campaign", &c);
    ctx.insert("dash", &dash);
    ctx.insert("docs", &docs);
    ctx.insert("page", &view.page);
    ctx.insert("pages", &pages);
    ctx.insert("filter_query", &view.query());
    ctx.insert("assignable", &assignable);
    ctx.insert("error", &error);
    ctx.insert(
        "may_start",
        &(reach && matches!(actor.role, Role::Admin | Role::Officer | Role::Approver)),
    );
    ctx.insert(
        "may_manage",
        &matches!(actor.role, Role::Admin | Role::Officer | Role::Approver),
    );
    ctx.insert(
        "may_propose",
        &matches!(actor.role, Role::Admin | Role::Officer),
    );
    ctx.insert(
        "may_approve",
        &matches!(actor.role, Role::Admin | Role::Approver),
    );
    let kinds: Vec<(&str, &str)> = DecisionKind::ALL
        .iter()
        .map(|k| (k.code(), k.label()))
        .collect();
    ctx.insert("decision_kinds", &kinds);
    let grounds: Vec<(&str, &str)> = ExpiryGround::ALL
        .iter()
        .map(|k| (k.code(), k.label()))
        .collect();
    ctx.insert("grounds", &grounds);
    ctx.insert("authorities", &authorities);
    Ok(render_status(status, "campaign.html", &ctx)?)
}

fn ctx_filters(ctx: &mut tera::Context, view: &View, officers: Vec<(String, String)>) {
    ctx.insert("officer_filter", &view.officer);
    ctx.insert("state_filter", &view.state);
    ctx.insert("stage_filter", &view.stage);
    ctx.insert("officers", &officers);
    let states: Vec<(&str, &str)> = std::iter::once(("none", "Chưa rà soát"))
        .chain(DecisionState::ALL.iter().map(|s| (s.code(), s.label())))
        .collect();
    ctx.insert("states", &states);
    let stages: Vec<(&str, &str)> = Stage::ALL.iter().map(|s| (s.code(), s.label())).collect();
    ctx.insert("stages_all", &stages);
    // The handling pipeline, in order, as the stage filter offers it.
    let pipeline: Vec<(&str, &str)> = std::iter::once(("waiting", "Chưa đăng ký xây dựng văn bản"))
        .chain(Stage::ALL.iter().map(|s| (s.code(), s.label())))
        .chain(std::iter::once((
            "closed",
            "Đã xử lý xong (văn bản xử lý đã có tác động)",
        )))
        .collect();
    ctx.insert("pipeline", &pipeline);
}

pub async fn start(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let id = path_id(path, "đợt rà soát")?;
    let day = today();
    crate::app::with_write(&state, move |db| {
        let p = crate::app::reviewer(db, &actor)?;
        Ok(campaigns::start_as(db, &p, id, day)?)
    })
    .await?;
    Ok(see_other(format!("/campaigns/{id}")))
}

/// Proposes a decision from the campaign page: a first proposal, one made again after a
/// return, or a correction (`supersedes_id`: the decided record it will replace once approved).
pub async fn propose(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<String>,
    form: Form,
) -> Result<HttpResponse, PageError> {
    let id = path_id(path, "đợt rà soát")?;
    let f = form.into_inner();
    let a = actor.clone();
    let done = async {
        let document_id: i64 = field(&f, "document_id")
            .parse()
            .map_err(|_| unprocessable("cần chọn văn bản"))?;
        let supersedes_id = match field(&f, "supersedes_id") {
            "" => None,
            s => Some(s.parse::<i64>().map_err(|_| {
                unprocessable(format!("phiên bản được đính chính «{s}» không hợp lệ"))
            })?),
        };
        let provisions: Vec<String> = field(&f, "provisions")
            .split([',', ';'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect();
        let effective_on = match field(&f, "effective_on") {
            "" => None,
            s => Some(crate::app::parse_date(Some(s))?),
        };
        let input = Proposal {
            document_id,
            kind: field(&f, "kind").to_string(),
            partial: (field(&f, "partial") == "on").then_some(true),
            provisions,
            ground: Some(field(&f, "ground").to_string()).filter(|s| !s.is_empty()),
            reason: field(&f, "reason").to_string(),
            legal_basis_document_id: None,
            legal_basis_provision: None,
            effective_on,
            supersedes_id,
        };
        crate::app::with_write(&state, move |db| {
            let p = crate::app::reviewer(db, &a)?;
            Ok(decisions::propose(db, &p, id, &input, crate::clock::now())?)
        })
        .await
    };
    match done.await {
        Ok(_) => Ok(see_other(format!("/campaigns/{id}"))),
        Err(e) => refused(&state, &actor, id, e).await,
    }
}

pub async fn approve(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<String>,
    form: Form,
) -> Result<HttpResponse, PageError> {
    let id = path_id(path, "quyết định")?;
    let version = match version_or_page(&state, &actor, id, &form).await? {
        Ok(v) => Some(v),
        Err(page) => return Ok(page),
    };
    decision_action(&state, actor, move |db, p| {
        decisions::approve(db, p, id, version, crate::clock::now())
    })
    .await
}

pub async fn return_decision(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<String>,
    form: Form,
) -> Result<HttpResponse, PageError> {
    let id = path_id(path, "quyết định")?;
    let version = match version_or_page(&state, &actor, id, &form).await? {
        Ok(v) => Some(v),
        Err(page) => return Ok(page),
    };
    let comment = field(&form, "comment").to_string();
    decision_action(&state, actor, move |db, p| {
        decisions::return_to_officer(db, p, id, &comment, version, crate::clock::now())
    })
    .await
}

/// The checked documents and the chosen officer (`None`: unassign) of the assignment form.
fn assignment(pairs: &[(String, String)]) -> Result<(Vec<i64>, Option<i64>), AppError> {
    let mut documents = Vec::new();
    let mut officer = "";
    for (k, v) in pairs {
        let v = v.trim();
        match k.as_str() {
            "documents" => documents.push(
                v.parse::<i64>()
                    .map_err(|_| unprocessable(format!("văn bản «{v}» không hợp lệ")))?,
            ),
            "officer" => officer = v,
            _ => {}
        }
    }
    let officer = match officer {
        "" => {
            return Err(unprocessable(
                "cần chọn cán bộ được phân công (hoặc «Bỏ phân công»)",
            ))
        }
        "none" => None,
        o => Some(
            o.parse()
                .map_err(|_| unprocessable(format!("cán bộ «{o}» không hợp lệ")))?,
        ),
    };
    Ok((documents, officer))
}

/// Assigns the checked documents of a campaign to an officer (or unassigns them).
pub async fn assign(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<String>,
    form: Pairs,
) -> Result<HttpResponse, PageError> {
    let id = path_id(path, "đợt rà soát")?;
    let a = actor.clone();
    let done = match assignment(&form.into_inner()) {
        Err(e) => Err(e),
        Ok((documents, officer)) => {
            crate::app::with_write(&state, move |db| {
                if campaigns::get(db, id)?.is_none() {
                    return Err(AppError::NotFound(format!("Không có đợt rà soát số {id}.")));
                }
                let p = crate::app::reviewer(db, &a)?;
                Ok(campaigns::assign_as(db, &p, id, &documents, officer)?)
            })
            .await
        }
    };
    match done {
        Ok(_) => Ok(see_other(format!("/campaigns/{id}"))),
        Err(e) => refused(&state, &actor, id, e).await,
    }
}

/// Closes an approved amend/replace/repeal decision with its handling document, picked by its
/// number from the registry; refused (the reason shown) when that document has no such effect
/// on the reviewed one.
pub async fn close(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<String>,
    form: Form,
) -> Result<HttpResponse, PageError> {
    let id = path_id(path, "quyết định")?;
    let number = field(&form, "number").to_string();
    let authority = field(&form, "authority").to_string();
    let campaign = campaign_of(&state, id).await?;
    let version = match form_version(&form) {
        Ok(v) => Some(v),
        Err(e) => return refused(&state, &actor, campaign, e).await,
    };
    let a = actor.clone();
    let done = crate::app::with_write(&state, move |db| {
        if number.is_empty() {
            return Err(unprocessable("cần số ký hiệu của văn bản xử lý"));
        }
        let handling = pick_document(db, &number, &authority, "văn bản xử lý")?;
        let p = crate::app::reviewer(db, &a)?;
        Ok(decisions::close(
            db,
            &p,
            id,
            handling,
            version,
            crate::clock::now(),
        )?)
    })
    .await;
    match done {
        Ok(_) => Ok(see_other(format!("/campaigns/{campaign}"))),
        Err(e) => refused(&state, &actor, campaign, e).await,
    }
}

/// `/campaigns/{id}/register.csv` and `/campaigns/{id}/register.xlsx`.
pub async fn register_file(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, PageError> {
    let (id, format) = path.into_inner();
    let id: i64 = id
        .parse()
        .map_err(|_| AppError::NotFound("Không có đợt rà soát này.".into()))?;
    if format != "csv" && format != "xlsx" {
        return Err(AppError::NotFound(format!(
            "Không có sổ theo dõi dạng «{format}» (csv, xlsx)."
        ))
        .into());
    }
    let Some((header, rows)) = on_pool(&state, move |db| {
        Ok(crate::review::register::export(db, id)?)
    })
    .await?
    else {
        return Err(AppError::NotFound(format!("Không có đợt rà soát số {id}.")).into());
    };
    let (body, content_type) = if format == "csv" {
        let mut w = crate::spreadsheet::cells::CsvWriter::new(Vec::new());
        let fail = |e: csv::Error| AppError::internal("ghi CSV", e);
        w.write_record(&header).map_err(fail)?;
        for r in &rows {
            w.write_record(r).map_err(fail)?;
        }
        (w.into_inner().map_err(fail)?, "text/csv; charset=utf-8")
    } else {
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        (
            crate::web::xlsx::workbook(&[crate::web::xlsx::Sheet {
                name: "Sổ theo dõi rà soát",
                header: &header,
                rows,
            }])?,
            crate::web::xlsx::CONTENT_TYPE,
        )
    };
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"so-theo-doi-ra-soat-{id}.{format}\""),
        ))
        .body(body))
}

/// Records a handling stage from the campaign page.
pub async fn record_stage(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<String>,
    form: Form,
) -> Result<HttpResponse, PageError> {
    let id = path_id(path, "quyết định")?;
    let version = match version_or_page(&state, &actor, id, &form).await? {
        Ok(v) => Some(v),
        Err(page) => return Ok(page),
    };
    let date = crate::app::parse_date(Some(field(&form, "date")).filter(|s| !s.is_empty()))?;
    let input = decisions::StageInput {
        stage: field(&form, "stage").to_string(),
        date,
        paper: field(&form, "paper").to_string(),
        agency: Some(field(&form, "agency").to_string()).filter(|s| !s.is_empty()),
        planned_on: None,
    };
    decision_action(&state, actor, move |db, p| {
        decisions::record_stage(db, p, id, &input, version, crate::clock::now())
    })
    .await
}
