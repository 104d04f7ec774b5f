//! Review pages for signed-in users: campaigns, their progress, and the forms to propose,
//! approve or return decisions.

use std::collections::HashMap;

use actix_web::{web, HttpResponse};
use serde::Serialize;

use super::{base_context, render, today, with_db, AppState, PageError};
use crate::auth::{Actor, Role};
use crate::domain::review::{CampaignKind, DecisionKind, DecisionState, ExpiryGround};
use crate::domain::text::date_vn;
use crate::error::AppError;
use crate::review::campaigns::{self, CampaignInput};
use crate::review::dashboard::{dashboard, progress_svg};
use crate::review::decisions::{self, Proposal};

type Form = web::Form<HashMap<String, String>>;

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
    let d = crate::web::with_write(state, move |db| {
        let p = crate::web::reviewer(db, &actor)?;
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
struct CampaignLine {
    id: i64,
    name: String,
    kind: &'static str,
    deadline: String,
    started: Option<String>,
}

pub async fn list(state: web::Data<AppState>, actor: Actor) -> Result<HttpResponse, PageError> {
    let lines = with_db(&state, |db| {
        Ok(campaigns::list(db)?
            .into_iter()
            .map(|c| CampaignLine {
                id: c.id,
                kind: CampaignKind::parse(&c.kind).map_or("", |k| k.label()),
                name: c.name,
                deadline: date_vn(c.deadline),
                started: c.started_on.map(date_vn),
            })
            .collect::<Vec<_>>())
    })
    .await?;
    let mut ctx = base_context("review", "");
    ctx.insert("campaigns", &lines);
    ctx.insert(
        "may_create",
        &matches!(actor.role, Role::Admin | Role::Officer | Role::Approver),
    );
    let kinds: Vec<(&str, &str)> = CampaignKind::ALL
        .iter()
        .map(|k| (k.code(), k.label()))
        .collect();
    ctx.insert("kinds", &kinds);
    Ok(render("campaigns.html", &ctx)?)
}

pub async fn create(
    state: web::Data<AppState>,
    actor: Actor,
    form: Form,
) -> Result<HttpResponse, PageError> {
    let f = form.into_inner();
    let deadline = crate::web::parse_date(Some(field(&f, "deadline")).filter(|s| !s.is_empty()))?;
    let opt = |n: &str| Some(field(&f, n).to_string()).filter(|s| !s.is_empty());
    let input = CampaignInput {
        name: field(&f, "name").to_string(),
        kind: field(&f, "kind").to_string(),
        basis_document_id: opt("basis_document_id").and_then(|s| s.parse().ok()),
        predecessor_unit: opt("predecessor_unit"),
        deadline,
        ..Default::default()
    };
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
    Ok(see_other(format!("/campaigns/{id}")))
}

#[derive(Serialize)]
struct DocLine {
    id: i64,
    officer: Option<String>,
    number: String,
    title: String,
    decision: Option<DecisionLine>,
}

#[derive(Serialize)]
struct DecisionLine {
    id: i64,
    kind: &'static str,
    state: &'static str,
    state_code: String,
    provisions: String,
    reason: String,
    comment: Option<String>,
    version: i32,
    mine: bool,
    needs_handling: bool,
    stages: Vec<String>,
}

pub async fn page(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<String>,
    q: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, PageError> {
    let id = path_id(path, "đợt rà soát")?;
    let page_no: usize = q
        .get("page")
        .and_then(|p| p.parse().ok())
        .filter(|p| *p >= 1)
        .unwrap_or(1);
    let officer: Option<i64> = q.get("officer").and_then(|o| o.parse().ok());
    let state_filter: Option<String> = q.get("state").cloned();
    let (officer_q, state_q) = (officer, state_filter.clone());
    let me = actor.user_id;
    let day = today();
    let (c, dash, docs, pages, officers) = with_db(&state, move |db| {
        let Some(c) = campaigns::get(db, id)? else {
            return Err(AppError::NotFound(format!("Không có đợt rà soát số {id}.")));
        };
        let dash = dashboard(db, id, day)?.ok_or_else(|| AppError::NotFound(String::new()))?;
        let assigned: HashMap<i64, Option<i64>> =
            campaigns::assignments(db, id)?.into_iter().collect();
        let latest = decisions::current(decisions::of_campaign(db, id)?);
        // Lists filterable by officer and by where the review stands.
        let all: Vec<i64> = campaigns::documents(db, id)?
            .into_iter()
            .filter(|d| officer.is_none_or(|o| assigned.get(d).copied().flatten() == Some(o)))
            .filter(|d| match state_filter.as_deref() {
                None | Some("") => true,
                Some("none") => !latest.contains_key(d),
                Some(s) => latest.get(d).map(|x| x.state.as_str()) == Some(s),
            })
            .collect();
        let names: HashMap<i64, String> = crate::auth::users::list(db)?
            .into_iter()
            .map(|u| (u.id, u.display_name))
            .collect();
        let officers: Vec<(i64, String)> = {
            let mut v: Vec<(i64, String)> = assigned
                .values()
                .flatten()
                .map(|o| (*o, names.get(o).cloned().unwrap_or_default()))
                .collect();
            v.sort();
            v.dedup();
            v
        };
        let pages = all.len().div_ceil(PAGE).max(1);
        let shown: Vec<i64> = all
            .iter()
            .skip((page_no - 1) * PAGE)
            .take(PAGE)
            .copied()
            .collect();
        let summaries: HashMap<i64, crate::db::models::DocumentSummary> =
            crate::db::queries::summaries_by_ids(db, &shown)?
                .into_iter()
                .map(|s| (s.id, s))
                .collect();
        let mut stage_lines: HashMap<i64, Vec<String>> = HashMap::new();
        for d in shown.iter().filter_map(|doc| latest.get(doc)) {
            let lines: Vec<String> = decisions::stages(db, d.id)?
                .into_iter()
                .map(|st| {
                    format!(
                        "{}: {} — {}",
                        crate::domain::review::Stage::parse(&st.stage).map_or("", |x| x.label()),
                        date_vn(st.done_on),
                        st.paper
                    )
                })
                .collect();
            if !lines.is_empty() {
                stage_lines.insert(d.id, lines);
            }
        }
        let docs: Vec<DocLine> = shown
            .iter()
            .filter_map(|d| summaries.get(d))
            .map(|s| DocLine {
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
                    kind: DecisionKind::parse(&d.kind).map_or("", |k| k.label()),
                    state: DecisionState::parse(&d.state).map_or("", |s| s.label()),
                    state_code: d.state.clone(),
                    provisions: serde_json::from_str::<Vec<String>>(&d.provisions)
                        .unwrap_or_default()
                        .iter()
                        .map(|k| crate::domain::structure::display_reference(k))
                        .collect::<Vec<_>>()
                        .join(", "),
                    reason: d.reason.clone(),
                    comment: d.comment.clone(),
                    version: d.version,
                    mine: d.proposed_by == me,
                    needs_handling: DecisionKind::parse(&d.kind)
                        .is_some_and(DecisionKind::needs_handling),
                    stages: stage_lines.get(&d.id).cloned().unwrap_or_default(),
                }),
            })
            .collect();
        Ok((c, dash, docs, pages, officers))
    })
    .await?;
    let mut ctx = base_context("review", "");
    ctx_filters(&mut ctx, officer_q, state_q, officers);
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
    ctx.insert("page", &page_no);
    ctx.insert("pages", &pages);
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
    Ok(render("campaign.html", &ctx)?)
}

fn ctx_filters(
    ctx: &mut tera::Context,
    officer: Option<i64>,
    state: Option<String>,
    officers: Vec<(i64, String)>,
) {
    ctx.insert("officer_filter", &officer);
    ctx.insert("state_filter", &state.unwrap_or_default());
    ctx.insert("officers", &officers);
    let states: Vec<(&str, &str)> = std::iter::once(("none", "Chưa rà soát"))
        .chain(DecisionState::ALL.iter().map(|s| (s.code(), s.label())))
        .collect();
    ctx.insert("states", &states);
    let stages: Vec<(&str, &str)> = crate::domain::review::Stage::ALL
        .iter()
        .map(|s| (s.code(), s.label()))
        .collect();
    ctx.insert("stages_all", &stages);
}

pub async fn start(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let id = path_id(path, "đợt rà soát")?;
    let name = actor.actor();
    let day = today();
    crate::web::with_write(&state, move |db| Ok(campaigns::start(db, &name, id, day)?)).await?;
    Ok(see_other(format!("/campaigns/{id}")))
}

pub async fn propose(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<String>,
    form: Form,
) -> Result<HttpResponse, PageError> {
    let id = path_id(path, "đợt rà soát")?;
    let f = form.into_inner();
    let document_id: i64 = field(&f, "document_id")
        .parse()
        .map_err(|_| AppError::Unprocessable("Cần chọn văn bản.".into()))?;
    let provisions: Vec<String> = field(&f, "provisions")
        .split([',', ';'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect();
    let effective_on = match field(&f, "effective_on") {
        "" => None,
        s => Some(crate::web::parse_date(Some(s))?),
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
        supersedes_id: None,
    };
    crate::web::with_write(&state, move |db| {
        let p = crate::web::reviewer(db, &actor)?;
        Ok(decisions::propose(db, &p, id, &input, crate::auth::now())?)
    })
    .await?;
    Ok(see_other(format!("/campaigns/{id}")))
}

pub async fn approve(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<String>,
    form: Form,
) -> Result<HttpResponse, PageError> {
    let id = path_id(path, "quyết định")?;
    let version = field(&form, "version").parse::<i32>().ok();
    decision_action(&state, actor, move |db, p| {
        decisions::approve(db, p, id, version, crate::auth::now())
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
    let version = field(&form, "version").parse::<i32>().ok();
    let comment = field(&form, "comment").to_string();
    decision_action(&state, actor, move |db, p| {
        decisions::return_to_officer(db, p, id, &comment, version, crate::auth::now())
    })
    .await
}

/// A header and its rows.
type Table = (Vec<String>, Vec<Vec<String>>);

/// The campaign's review register, one row per document, in the shape justice departments
/// keep: document, decision, officer, state, approver, each handling stage's date and paper,
/// handling document. `None` when there is no such campaign.
fn register(db: &mut crate::db::Db<'_>, id: i64) -> Result<Option<Table>, AppError> {
    if campaigns::get(db, id)?.is_none() {
        return Ok(None);
    }
    let docs = campaigns::documents(db, id)?;
    let latest = decisions::current(decisions::of_campaign(db, id)?);
    let names: HashMap<i64, String> = crate::auth::users::list(db)?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect();
    let summaries: HashMap<i64, crate::db::models::DocumentSummary> =
        crate::db::queries::summaries_by_ids(db, &docs)?
            .into_iter()
            .map(|s| (s.id, s))
            .collect();
    let mut header = vec![
        "STT".to_string(),
        "Văn bản".into(),
        "Trích yếu".into(),
        "Kết quả rà soát".into(),
        "Điều, khoản".into(),
        "Lý do".into(),
        "Cán bộ đề xuất".into(),
        "Trạng thái".into(),
        "Người phê duyệt".into(),
    ];
    for s in crate::domain::review::Stage::ALL {
        header.push(format!("{} — ngày", s.label()));
        header.push(format!("{} — văn bản", s.label()));
    }
    header.push("Văn bản xử lý".into());
    let mut rows = Vec::with_capacity(docs.len());
    for (i, doc) in docs.iter().enumerate() {
        let Some(s) = summaries.get(doc) else {
            continue;
        };
        let d = latest.get(doc);
        let stages = match d {
            Some(d) => decisions::stages(db, d.id)?,
            None => Vec::new(),
        };
        let mut row = vec![
            (i + 1).to_string(),
            format!("{} {}", s.doc_type, s.number),
            s.title.clone(),
            d.and_then(|d| DecisionKind::parse(&d.kind))
                .map_or("", |k| k.label())
                .to_string(),
            d.map(|d| {
                serde_json::from_str::<Vec<String>>(&d.provisions)
                    .unwrap_or_default()
                    .iter()
                    .map(|k| crate::domain::structure::display_reference(k))
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default(),
            d.map(|d| d.reason.clone()).unwrap_or_default(),
            d.and_then(|d| names.get(&d.proposed_by).cloned())
                .unwrap_or_default(),
            d.and_then(|d| DecisionState::parse(&d.state))
                .map_or("Chưa rà soát", |s| s.label())
                .to_string(),
            d.and_then(|d| d.decided_by)
                .and_then(|u| names.get(&u).cloned())
                .unwrap_or_default(),
        ];
        for st in crate::domain::review::Stage::ALL {
            match stages.iter().find(|x| x.stage == st.code()) {
                Some(x) => {
                    row.push(date_vn(x.done_on));
                    row.push(x.paper.clone());
                }
                None => {
                    row.push(String::new());
                    row.push(String::new());
                }
            }
        }
        let handling = match d.and_then(|d| d.handling_document_id) {
            Some(h) => crate::db::queries::document(db, h)?
                .map(|h| format!("{} {}", h.doc_type, h.number))
                .unwrap_or_default(),
            None => String::new(),
        };
        row.push(handling);
        rows.push(row);
    }
    Ok(Some((header, rows)))
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
    let Some((header, rows)) = with_db(&state, move |db| register(db, id)).await? else {
        return Err(AppError::NotFound(format!("Không có đợt rà soát số {id}.")).into());
    };
    let (body, content_type) = if format == "csv" {
        let mut w = csv::Writer::from_writer(Vec::new());
        let fail = |e: csv::Error| AppError::Internal(e.to_string());
        w.write_record(&header).map_err(fail)?;
        for r in &rows {
            w.write_record(r).map_err(fail)?;
        }
        (
            w.into_inner()
                .map_err(|e| AppError::Internal(e.to_string()))?,
            "text/csv; charset=utf-8",
        )
    } else {
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        (
            super::xlsx::workbook(&[super::xlsx::Sheet {
                name: "Sổ theo dõi rà soát",
                header: &header,
                rows,
            }])?,
            super::xlsx::CONTENT_TYPE,
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
    let version = field(&form, "version").parse::<i32>().ok();
    let date = crate::web::parse_date(Some(field(&form, "date")).filter(|s| !s.is_empty()))?;
    let input = decisions::StageInput {
        stage: field(&form, "stage").to_string(),
        date,
        paper: field(&form, "paper").to_string(),
        agency: Some(field(&form, "agency").to_string()).filter(|s| !s.is_empty()),
        planned_on: None,
    };
    decision_action(&state, actor, move |db, p| {
        decisions::record_stage(db, p, id, &input, version, crate::auth::now())
    })
    .await
}
