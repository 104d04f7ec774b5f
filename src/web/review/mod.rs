//! Review pages for signed-in users: campaigns, their progress per authority and per officer,
//! and the forms to create a campaign, assign its documents, propose, correct, approve or
//! return decisions, record handling stages and close a decision with its handling document.
//! The rules live in `crate::review`; a form refused by them is shown again with the reason.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};

mod campaign_list;
pub(crate) mod form;

pub use campaign_list::{create, list};
use form::{AssignForm, CloseForm, DecisionForm, ProposalForm, StageForm, ViewQuery};

use super::{base_context, render_status, PageError};
use crate::app::review::{self, DocFilter};
use crate::app::{on_pool, AppState};
use crate::auth::{Actor, Role};
use crate::clock::today;
use crate::db::queries;
use crate::domain::review::{CampaignKind, DecisionKind, DecisionState, ExpiryGround, Stage};
use crate::domain::text::date_vn;
use crate::error::AppError;
use crate::review::campaigns;
use crate::review::dashboard::progress_svg;
use crate::review::decisions::{self, Proposal};

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
fn form_version(version: Option<&str>) -> Result<i32, AppError> {
    match version.map_or("", str::trim) {
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
    version: Option<&str>,
) -> Result<Result<i32, HttpResponse>, PageError> {
    match form_version(version) {
        Ok(v) => Ok(Ok(v)),
        Err(e) => {
            let campaign = campaign_of(state, id).await?;
            Ok(Err(refused(state, actor, campaign, e, None).await?))
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

/// Runs a change to a decision as the signed-in user, then goes back to its campaign; a refusal
/// shows the campaign page again with the reason beside the form (`echo`).
async fn decision_action(
    state: &AppState,
    actor: Actor,
    id: i64,
    echo: Echo,
    f: impl FnOnce(
            &mut crate::db::Db<'_>,
            &decisions::Person,
        ) -> Result<decisions::Decision, decisions::DecisionError>
        + Send
        + 'static,
) -> Result<HttpResponse, PageError> {
    let a = actor.clone();
    let done = crate::app::with_write(state, move |db| {
        let p = crate::app::reviewer(db, &a)?;
        Ok(f(db, &p)?)
    })
    .await;
    match done {
        Ok(d) => Ok(see_other(format!("/campaigns/{}", d.campaign_id))),
        Err(e) => {
            let campaign = campaign_of(state, id).await?;
            refused(state, &actor, campaign, e, Some(echo)).await
        }
    }
}

/// What a refused form had typed, to show it again beside the field with the reason: `form` is
/// which form (`return`, `approve`, `stage`, `close`, `propose`), `id` the decision (the
/// document for a proposal) the form belongs to.
#[derive(Debug, Default, Clone, serde::Serialize)]
struct Echo {
    form: &'static str,
    id: i64,
    message: String,
    comment: String,
    number: String,
    reason: String,
    provisions: String,
}

impl Echo {
    fn new(form: &'static str, id: i64) -> Echo {
        Echo {
            form,
            id,
            ..Echo::default()
        }
    }
}

fn see_other(to: String) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((actix_web::http::header::LOCATION, to))
        .finish()
}

/// Which documents of the campaign page are listed, and which page of them.
#[derive(Debug, Clone, Default)]
struct View {
    page: usize,
    filter: DocFilter,
}

impl View {
    fn from_query(q: &ViewQuery) -> View {
        View {
            page: q
                .page
                .as_deref()
                .and_then(|p| p.trim().parse().ok())
                .filter(|p| *p >= 1)
                .unwrap_or(1),
            filter: DocFilter {
                officer: q.officer.trim().to_string(),
                state: q.state.clone(),
                stage: q.stage.clone(),
            },
        }
    }

    /// The filters as a query string prefix for the page links (`officer=3&`).
    fn query(&self) -> String {
        [
            ("officer", self.filter.officer.as_str()),
            ("state", self.filter.state.as_str()),
            ("stage", self.filter.stage.as_str()),
        ]
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}&", crate::web::public::urlencode(v)))
        .collect()
    }
}

pub async fn page(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<i64>,
    q: web::Query<ViewQuery>,
) -> Result<HttpResponse, PageError> {
    let id = path.into_inner();
    campaign_page(
        &state,
        &actor,
        id,
        View::from_query(&q),
        None,
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
    echo: Option<Echo>,
) -> Result<HttpResponse, PageError> {
    match e {
        AppError::Unprocessable(ref m)
        | AppError::Conflict(ref m)
        | AppError::PreconditionFailed(ref m)
        | AppError::BadRequest(ref m) => {
            use actix_web::ResponseError;
            let status = e.status_code();
            let echo = echo.map(|x| Echo {
                message: sentence(m),
                ..x
            });
            campaign_page(
                state,
                actor,
                campaign,
                View {
                    page: 1,
                    ..View::default()
                },
                Some(sentence(m)),
                echo,
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
    echo: Option<Echo>,
    status: StatusCode,
) -> Result<HttpResponse, PageError> {
    let day = today();
    let (v, a) = (view.clone(), actor.clone());
    let page = on_pool(state, move |db| {
        review::campaign_page(db, &a, id, &v.filter, v.page, day)
    })
    .await?;
    let mut ctx = base_context("review", "");
    ctx_filters(&mut ctx, &view, &page.officers);
    ctx_campaign(&mut ctx, &page);
    ctx.insert("page", &view.page);
    ctx.insert("filter_query", &view.query());
    ctx.insert("error", &error);
    ctx.insert("echo", &echo);
    ctx_rights(&mut ctx, actor, page.reach);
    ctx_choices(&mut ctx);
    Ok(render_status(status, "campaign.html", &ctx)?)
}

/// The campaign, its progress and the page of documents.
fn ctx_campaign(ctx: &mut tera::Context, page: &review::CampaignPage) {
    let c = &page.campaign;
    ctx.insert(
        "chart",
        &progress_svg(&page.dash.progress, page.dash.total.in_scope, 640, 220),
    );
    ctx.insert(
        "campaign_kind",
        &CampaignKind::parse(&c.kind).map_or("", |k| k.label()),
    );
    ctx.insert("deadline", &date_vn(c.deadline));
    ctx.insert("started", &c.started_on.map(date_vn));
    ctx.insert("campaign", c);
    ctx.insert("dash", &page.dash);
    ctx.insert("docs", &page.docs);
    ctx.insert("pages", &page.pages);
    ctx.insert("assignable", &page.assignable);
    ctx.insert("authorities", &page.authorities);
}

/// What the viewer's role lets them do on the page.
fn ctx_rights(ctx: &mut tera::Context, actor: &Actor, reach: bool) {
    let manages = matches!(actor.role, Role::Admin | Role::Officer | Role::Approver);
    ctx.insert("may_start", &(reach && manages));
    ctx.insert("may_manage", &manages);
    ctx.insert(
        "may_propose",
        &matches!(actor.role, Role::Admin | Role::Officer),
    );
    ctx.insert(
        "may_approve",
        &matches!(actor.role, Role::Admin | Role::Approver),
    );
}

/// The choices of the proposal form: decision kinds and expiry grounds.
fn ctx_choices(ctx: &mut tera::Context) {
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
}

fn ctx_filters(ctx: &mut tera::Context, view: &View, officers: &[(String, String)]) {
    ctx.insert("officer_filter", &view.filter.officer);
    ctx.insert("state_filter", view.filter.state.as_str());
    ctx.insert("stage_filter", view.filter.stage.as_str());
    ctx.insert("officers", officers);
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
    path: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    let id = path.into_inner();
    let day = today();
    crate::app::with_write(&state, move |db| {
        let p = crate::app::reviewer(db, &actor)?;
        Ok(campaigns::start_as(db, &p, id, day)?)
    })
    .await?;
    Ok(see_other(format!("/campaigns/{id}")))
}

/// What the proposal form asks the rules for; only what cannot be read at all (a number that
/// is not one, a date) is refused here.
fn proposal(f: &ProposalForm) -> Result<Proposal, AppError> {
    let document_id: i64 = f
        .document_id
        .trim()
        .parse()
        .map_err(|_| unprocessable("cần chọn văn bản"))?;
    let supersedes_id =
        match f.supersedes_id.trim() {
            "" => None,
            s => Some(s.parse::<i64>().map_err(|_| {
                unprocessable(format!("phiên bản được đính chính «{s}» không hợp lệ"))
            })?),
        };
    let provisions: Vec<String> = f
        .provisions
        .trim()
        .split([',', ';'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect();
    let effective_on = match f.effective_on.trim() {
        "" => None,
        s => Some(crate::app::parse_date(Some(s))?),
    };
    Ok(Proposal {
        document_id,
        kind: decisions::kind_of(f.kind.trim())?,
        partial: (f.partial.trim() == "on").then_some(true),
        provisions,
        ground: decisions::ground_of(Some(f.ground.trim()))?,
        reason: f.reason.trim().to_string(),
        legal_basis_document_id: None,
        legal_basis_provision: None,
        effective_on,
        supersedes_id,
    })
}

/// Proposes a decision from the campaign page: a first proposal, one made again after a
/// return, or a correction (`supersedes_id`: the decided record it will replace once approved).
pub async fn propose(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<i64>,
    form: web::Form<ProposalForm>,
) -> Result<HttpResponse, PageError> {
    let id = path.into_inner();
    let a = actor.clone();
    let done = async {
        let input = proposal(&form)?;
        crate::app::with_write(&state, move |db| {
            let p = crate::app::reviewer(db, &a)?;
            Ok(decisions::propose(db, &p, id, &input, crate::clock::now())?)
        })
        .await
    };
    match done.await {
        Ok(_) => Ok(see_other(format!("/campaigns/{id}"))),
        Err(e) => {
            let echo = form.document_id.trim().parse().ok().map(|doc| Echo {
                reason: form.reason.trim().to_string(),
                provisions: form.provisions.trim().to_string(),
                ..Echo::new("propose", doc)
            });
            refused(&state, &actor, id, e, echo).await
        }
    }
}

/// What a confirmation page says and sends again: the form's own fields, then `confirm=1`.
struct Confirm {
    heading: &'static str,
    what: String,
    action: String,
    fields: Vec<(&'static str, String)>,
    /// The class of the "Xác nhận" button: empty (primary) or `button-danger`.
    button: &'static str,
}

/// The step before approving, returning or closing a decision: what will happen, with
/// "Xác nhận" (sends the same form with `confirm=1`) and "Quay lại" (the campaign page).
/// The action's checks (scope, version, state) run first, so a refusal is shown now, on the
/// campaign page beside the form; nothing is written until it is confirmed.
async fn confirm_page(
    state: &AppState,
    actor: &Actor,
    id: i64,
    echo: Echo,
    rule: impl FnOnce(
            &mut crate::db::Db<'_>,
            &decisions::Decision,
            &decisions::Person,
        ) -> Result<(), AppError>
        + Send
        + 'static,
    c: Confirm,
) -> Result<HttpResponse, PageError> {
    let version = c
        .fields
        .iter()
        .find(|(k, _)| *k == "version")
        .and_then(|(_, v)| v.parse().ok());
    let a = actor.clone();
    let checked = on_pool(state, move |db| {
        let p = crate::app::reviewer(db, &a)?;
        let d = decisions::check_action(db, &p, id, version)?;
        rule(db, &d, &p)?;
        Ok(d)
    })
    .await;
    let d = match checked {
        Ok(d) => d,
        Err(e) => {
            let campaign = campaign_of(state, id).await?;
            return refused(state, actor, campaign, e, Some(echo)).await;
        }
    };
    let mut ctx = base_context("review", "");
    ctx.insert("heading", c.heading);
    ctx.insert("what", &c.what);
    ctx.insert("action", &c.action);
    ctx.insert("fields", &c.fields);
    ctx.insert("button", c.button);
    ctx.insert("campaign_id", &d.campaign_id);
    ctx.insert("back", &format!("/campaigns/{}", d.campaign_id));
    ctx.insert("kind", d.kind.label());
    ctx.insert("reason", &d.reason);
    Ok(render_status(StatusCode::OK, "review_confirm.html", &ctx)?)
}

fn confirmed(confirm: &str) -> bool {
    confirm.trim() == "1"
}

pub async fn approve(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<i64>,
    form: web::Form<DecisionForm>,
) -> Result<HttpResponse, PageError> {
    let id = path.into_inner();
    let version = match version_or_page(&state, &actor, id, form.version.as_deref()).await? {
        Ok(v) => v,
        Err(page) => return Ok(page),
    };
    if !confirmed(&form.confirm) {
        return confirm_page(
            &state,
            &actor,
            id,
            Echo::new("approve", id),
            |_, d, p| Ok(decisions::approvable(d, p)?),
            Confirm {
                heading: "Xác nhận phê duyệt",
                what: format!(
                    "Kết quả rà soát số {id} sẽ được phê duyệt và có hiệu lực trong sổ theo dõi; \
                     muốn thay đổi sau đó phải đề xuất đính chính."
                ),
                action: format!("/decisions/{id}/approve"),
                fields: vec![("version", version.to_string())],
                button: "",
            },
        )
        .await;
    }
    decision_action(&state, actor, id, Echo::new("approve", id), move |db, p| {
        decisions::approve(db, p, id, Some(version), crate::clock::now())
    })
    .await
}

pub async fn return_decision(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<i64>,
    form: web::Form<DecisionForm>,
) -> Result<HttpResponse, PageError> {
    let id = path.into_inner();
    let version = match version_or_page(&state, &actor, id, form.version.as_deref()).await? {
        Ok(v) => v,
        Err(page) => return Ok(page),
    };
    let comment = form.comment.trim().to_string();
    let echo = Echo {
        comment: comment.clone(),
        ..Echo::new("return", id)
    };
    if comment.is_empty() {
        let campaign = campaign_of(&state, id).await?;
        let e = unprocessable("cần ghi ý kiến khi trả lại: cán bộ đề xuất cần biết phải sửa gì");
        return refused(&state, &actor, campaign, e, Some(echo)).await;
    }
    if !confirmed(&form.confirm) {
        let c = comment.clone();
        return confirm_page(
            &state,
            &actor,
            id,
            echo,
            move |_, d, p| Ok(decisions::returnable(d, p, &c)?),
            Confirm {
                heading: "Xác nhận trả lại",
                what: format!(
                    "Kết quả rà soát số {id} sẽ được trả lại cho cán bộ đề xuất với ý kiến: «{comment}»."
                ),
                action: format!("/decisions/{id}/return"),
                fields: vec![("version", version.to_string()), ("comment", comment.clone())],
                button: "button-danger",
            },
        )
        .await;
    }
    decision_action(&state, actor, id, echo, move |db, p| {
        decisions::return_to_officer(db, p, id, &comment, Some(version), crate::clock::now())
    })
    .await
}

/// The checked documents and the chosen officer (`None`: unassign) of the assignment form.
fn assignment(form: &AssignForm) -> Result<(Vec<i64>, Option<i64>), AppError> {
    let mut documents = Vec::new();
    for v in &form.documents {
        documents.push(
            v.parse::<i64>()
                .map_err(|_| unprocessable(format!("văn bản «{v}» không hợp lệ")))?,
        );
    }
    let officer = match form.officer.as_str() {
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
    path: web::Path<i64>,
    form: web::Form<AssignForm>,
) -> Result<HttpResponse, PageError> {
    let id = path.into_inner();
    let a = actor.clone();
    let done = match assignment(&form) {
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
        Err(e) => refused(&state, &actor, id, e, None).await,
    }
}

/// Closes an approved amend/replace/repeal decision with its handling document, picked by its
/// number from the registry; refused (the reason shown beside the form) when that document has
/// no such effect on the reviewed one. A confirmation page comes first.
pub async fn close(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<i64>,
    form: web::Form<CloseForm>,
) -> Result<HttpResponse, PageError> {
    let id = path.into_inner();
    let CloseForm {
        version,
        number,
        authority,
        confirm,
    } = form.into_inner();
    let number = number.trim().to_string();
    let campaign = campaign_of(&state, id).await?;
    let echo = Echo {
        number: number.clone(),
        ..Echo::new("close", id)
    };
    let version = match form_version(version.as_deref()) {
        Ok(v) => v,
        Err(e) => return refused(&state, &actor, campaign, e, None).await,
    };
    if number.is_empty() {
        let e = unprocessable("cần số ký hiệu của văn bản xử lý");
        return refused(&state, &actor, campaign, e, Some(echo)).await;
    }
    if !confirmed(&confirm) {
        let (n, au) = (number.clone(), authority.trim().to_string());
        return confirm_page(
            &state,
            &actor,
            id,
            echo,
            move |db, d, p| {
                decisions::closable(d, p)?;
                let handling = pick_document(db, &n, &au, "văn bản xử lý")?;
                Ok(decisions::handling_acts(db, d, handling)?)
            },
            Confirm {
                heading: "Xác nhận đóng quyết định",
                what: format!(
                    "Kết quả rà soát số {id} sẽ được đóng bằng văn bản xử lý số {number}; \
                     sau đó không ghi thêm giai đoạn xử lý."
                ),
                action: format!("/decisions/{id}/close"),
                fields: vec![
                    ("version", version.to_string()),
                    ("number", number.clone()),
                    ("authority", authority.trim().to_string()),
                ],
                button: "",
            },
        )
        .await;
    }
    let a = actor.clone();
    let done = crate::app::with_write(&state, move |db| {
        let handling = pick_document(db, &number, authority.trim(), "văn bản xử lý")?;
        let p = crate::app::reviewer(db, &a)?;
        Ok(decisions::close(
            db,
            &p,
            id,
            handling,
            Some(version),
            crate::clock::now(),
        )?)
    })
    .await;
    match done {
        Ok(_) => Ok(see_other(format!("/campaigns/{campaign}"))),
        Err(e) => refused(&state, &actor, campaign, e, Some(echo)).await,
    }
}

/// The formats the review register is given in: `/campaigns/{id}/register.{csv|xlsx}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RegisterFormat {
    Csv,
    Xlsx,
}

impl RegisterFormat {
    fn parse(s: &str) -> Result<RegisterFormat, AppError> {
        match s {
            "csv" => Ok(RegisterFormat::Csv),
            "xlsx" => Ok(RegisterFormat::Xlsx),
            other => Err(AppError::NotFound(format!(
                "Không có sổ theo dõi dạng «{other}» (csv, xlsx)."
            ))),
        }
    }

    fn extension(self) -> &'static str {
        match self {
            RegisterFormat::Csv => "csv",
            RegisterFormat::Xlsx => "xlsx",
        }
    }
}

/// The register as a file of `format`.
fn register_body(
    format: RegisterFormat,
    header: &[String],
    rows: Vec<Vec<String>>,
) -> Result<(Vec<u8>, &'static str), AppError> {
    match format {
        RegisterFormat::Csv => {
            let mut w = crate::spreadsheet::cells::CsvWriter::new(Vec::new());
            let fail = |e: csv::Error| AppError::internal("ghi CSV", e);
            w.write_record(header).map_err(fail)?;
            for r in &rows {
                w.write_record(r).map_err(fail)?;
            }
            Ok((w.into_inner().map_err(fail)?, "text/csv; charset=utf-8"))
        }
        RegisterFormat::Xlsx => {
            let header: Vec<&str> = header.iter().map(String::as_str).collect();
            Ok((
                crate::web::xlsx::workbook(&[crate::web::xlsx::Sheet {
                    name: "Sổ theo dõi rà soát",
                    header: &header,
                    rows,
                }])?,
                crate::web::xlsx::CONTENT_TYPE,
            ))
        }
    }
}

/// `/campaigns/{id}/register.csv` and `/campaigns/{id}/register.xlsx`.
pub async fn register_file(
    state: web::Data<AppState>,
    path: web::Path<(i64, String)>,
) -> Result<HttpResponse, PageError> {
    let (id, format) = path.into_inner();
    let format = RegisterFormat::parse(&format)?;
    let Some((header, rows)) = on_pool(&state, move |db| {
        Ok(crate::review::register::export(db, id)?)
    })
    .await?
    else {
        return Err(AppError::NotFound(format!("Không có đợt rà soát số {id}.")).into());
    };
    let (body, content_type) = register_body(format, &header, rows)?;
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            "Content-Disposition",
            format!(
                "attachment; filename=\"so-theo-doi-ra-soat-{id}.{}\"",
                format.extension()
            ),
        ))
        .body(body))
}

/// Records a handling stage from the campaign page; a refusal shows the page again with the
/// reason beside the form.
pub async fn record_stage(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<i64>,
    form: web::Form<StageForm>,
) -> Result<HttpResponse, PageError> {
    let id = path.into_inner();
    let version = match version_or_page(&state, &actor, id, form.version.as_deref()).await? {
        Ok(v) => Some(v),
        Err(page) => return Ok(page),
    };
    let input = async {
        let date = crate::app::parse_date(Some(form.date.trim()).filter(|s| !s.is_empty()))?;
        Ok::<_, AppError>(decisions::StageInput {
            stage: decisions::stage_of(form.stage.trim()).map_err(AppError::from)?,
            date,
            paper: form.paper.trim().to_string(),
            agency: Some(form.agency.trim().to_string()).filter(|s| !s.is_empty()),
            planned_on: None,
        })
    };
    let echo = Echo::new("stage", id);
    let input = match input.await {
        Ok(i) => i,
        Err(e) => {
            let campaign = campaign_of(&state, id).await?;
            return refused(&state, &actor, campaign, e, Some(echo)).await;
        }
    };
    decision_action(&state, actor, id, echo, move |db, p| {
        decisions::record_stage(db, p, id, &input, version, crate::clock::now())
    })
    .await
}
