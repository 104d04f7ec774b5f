//! `/procedures/cong-bo/moi`: an announcing decision (quyết định công bố thủ tục hành chính)
//! entered by an officer or administrator — the form (GET), the preview of what it changes
//! (POST, the form's rows and/or the annex file; nothing kept), the save (POST
//! `/procedures/cong-bo/moi/luu`, the preview's draft checked again) — and
//! `/procedures/cong-bo`, the procedures a decision announced. Use cases in `app::announce`.

use std::collections::BTreeMap;

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};

use crate::app::announce::{
    self, AuthorityChoice, DecisionInput, Draft, FormRow, Problem, Refusal, RefusalKind,
    ANNEX_LIMIT, FORM_ROWS,
};
use crate::app::AppState;
use crate::auth::Actor;
use crate::error::AppError;
use crate::web::{base_context, render_status, PageError};

/// The form with its file (at most [`ANNEX_LIMIT`]) and its fields.
pub const UPLOAD_LIMIT: usize = ANNEX_LIMIT + 256 * 1024;

/// The confirmation: the preview's draft (a large annex makes a large draft).
pub const CONFIRM_LIMIT: usize = ANNEX_LIMIT;

/// What the form's template shows beside each field.
#[derive(Debug, Default, Serialize)]
struct Errors {
    /// By field (`authority`, `number`, `signed`, `effective`, `rows`, `file`): messages.
    fields: BTreeMap<&'static str, Vec<String>>,
    /// The line-numbered report of the rows (file and form).
    rows: Vec<Problem>,
}

fn errors_of(problems: &[Problem]) -> Errors {
    let mut e = Errors::default();
    for p in problems {
        if p.line > 0 {
            e.rows.push(p.clone());
        } else {
            e.fields.entry(p.field).or_default().push(p.message.clone());
        }
    }
    e.rows.sort_by_key(|p| (!p.from_file, p.line));
    e
}

fn form_page(
    status: StatusCode,
    choices: &[AuthorityChoice],
    input: &DecisionInput,
    problems: &[Problem],
) -> Result<HttpResponse, PageError> {
    let mut ctx = base_context("procedures", "");
    let mut input = input.clone();
    while input.rows.len() < FORM_ROWS {
        input.rows.push(FormRow::default());
    }
    // One authority only: chosen.
    if input.authority.is_empty() {
        if let [one] = choices {
            input.authority = one.code.clone();
        }
    }
    ctx.insert("choices", choices);
    ctx.insert("input", &input);
    ctx.insert("errors", &errors_of(problems));
    ctx.insert("has_errors", &!problems.is_empty());
    ctx.insert(
        "kinds",
        &[
            ("new", "Mới ban hành"),
            ("amended", "Sửa đổi, bổ sung"),
            ("replaced", "Thay thế"),
            ("abolished", "Bãi bỏ"),
        ],
    );
    ctx.insert("limit_mib", &(ANNEX_LIMIT / 1024 / 1024));
    Ok(render_status(status, "announce_new.html", &ctx)?)
}

fn refused(
    choices: &[AuthorityChoice],
    input: &DecisionInput,
    r: &Refusal,
) -> Result<HttpResponse, PageError> {
    let status = match r.kind {
        RefusalKind::Invalid => StatusCode::UNPROCESSABLE_ENTITY,
        RefusalKind::NotSpreadsheet => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        RefusalKind::Forbidden => StatusCode::FORBIDDEN,
    };
    form_page(status, choices, input, &r.problems)
}

/// `GET /procedures/cong-bo/moi`: the form.
pub async fn form(state: web::Data<AppState>, actor: Actor) -> Result<HttpResponse, PageError> {
    let choices = announce::form_choices(&state, actor).await?;
    form_page(StatusCode::OK, &choices, &DecisionInput::default(), &[])
}

/// What the form sent: its fields, and the file when one was chosen. A file over the limit is
/// refused as soon as it passes it (413).
async fn read_form(mut form: Multipart) -> Result<(DecisionInput, Option<Vec<u8>>), AppError> {
    let bad = crate::web::unreadable_form;
    let mut input = DecisionInput {
        rows: vec![FormRow::default(); FORM_ROWS],
        ..DecisionInput::default()
    };
    let mut file = None;
    while let Some(field) = form.next().await {
        let mut field = field.map_err(bad)?;
        let name = field.name().unwrap_or_default().to_string();
        let is_file = name == "file";
        let limit = if is_file { ANNEX_LIMIT } else { 64 * 1024 };
        let mut data = Vec::new();
        while let Some(chunk) = field.next().await {
            data.extend_from_slice(&chunk.map_err(bad)?);
            if data.len() > limit {
                return Err(AppError::PayloadTooLarge);
            }
        }
        if is_file {
            if !data.is_empty()
                || field
                    .content_disposition()
                    .and_then(|d| d.get_filename())
                    .is_some_and(|n| !n.is_empty())
            {
                file = Some(data);
            }
            continue;
        }
        let value = String::from_utf8_lossy(&data).into_owned();
        match name.as_str() {
            "authority" => input.authority = value,
            "number" => input.number = value,
            "signed" => input.signed = value,
            "effective" => input.effective = value,
            other => {
                // `r3_code`, `r3_level`…: the row's fields (1-based).
                let Some((row, key)) = other
                    .strip_prefix('r')
                    .and_then(|s| s.split_once('_'))
                    .and_then(|(n, k)| Some((n.parse::<usize>().ok()?, k)))
                else {
                    continue;
                };
                let Some(r) = row.checked_sub(1).and_then(|i| input.rows.get_mut(i)) else {
                    continue;
                };
                match key {
                    "code" => r.code = value,
                    "name" => r.name = value,
                    "field" => r.field = value,
                    "level" => r.levels.push(value),
                    "kind" => r.kind = value,
                    "statutory" => r.statutory_days = value,
                    "local" => r.local_days = value,
                    "agency" => r.agency = value,
                    "online" => r.online_url = value,
                    _ => {}
                }
            }
        }
    }
    Ok((input, file))
}

/// `POST /procedures/cong-bo/moi`: the preview (the write rolled back), or the form again with
/// every problem (422; 415 for a file that is not a spreadsheet, 413 over the limit).
pub async fn preview(
    state: web::Data<AppState>,
    actor: Actor,
    form: Multipart,
) -> Result<HttpResponse, PageError> {
    let (input, file) = match read_form(form).await {
        Ok(read) => read,
        Err(e @ AppError::BadRequest(_)) => {
            return Ok(crate::web::refused_form(&e, "/procedures/cong-bo/moi"))
        }
        Err(e) => return Err(e.into()),
    };
    let choices = announce::form_choices(&state, actor.clone()).await?;
    match announce::preview(&state, actor, input.clone(), file).await? {
        Ok(p) => {
            let mut ctx = base_context("procedures", "");
            ctx.insert("p", &p);
            Ok(render_status(
                StatusCode::OK,
                "announce_preview.html",
                &ctx,
            )?)
        }
        Err(r) => refused(&choices, &input, &r),
    }
}

#[derive(Debug, Deserialize)]
pub struct ConfirmForm {
    pub draft: String,
}

/// The form as a draft sent back shows it: the decision's fields, the rows typed in the form.
fn input_of(d: &Draft) -> DecisionInput {
    DecisionInput {
        authority: d.authority.clone(),
        number: d.number.clone(),
        signed: d.signed.clone(),
        effective: d.effective.clone(),
        rows: d
            .rows
            .iter()
            .filter(|r| !r.from_file)
            .map(|r| FormRow {
                code: r.code.clone(),
                name: r.name.clone(),
                field: r.field.clone(),
                levels: r.levels.clone(),
                kind: r.kind.clone(),
                statutory_days: r.statutory_days.map(|d| d.to_string()).unwrap_or_default(),
                local_days: r.local_days.map(|d| d.to_string()).unwrap_or_default(),
                agency: r.agency.clone(),
                online_url: r.online_url.clone(),
            })
            .collect(),
    }
}

/// `POST /procedures/cong-bo/moi/luu`: saves the previewed decision (checked again), then the
/// decision's page.
pub async fn save(
    state: web::Data<AppState>,
    actor: Actor,
    form: web::Form<ConfirmForm>,
) -> Result<HttpResponse, PageError> {
    let draft = form.into_inner().draft;
    match announce::confirm(&state, actor.clone(), draft).await? {
        Ok(url) => Ok(HttpResponse::SeeOther()
            .insert_header((actix_web::http::header::LOCATION, format!("{url}&saved=1")))
            .finish()),
        Err((d, r)) => {
            let choices = announce::form_choices(&state, actor).await?;
            refused(&choices, &input_of(&d), &r)
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct DecisionQuery {
    pub co_quan: Option<String>,
    pub so: Option<String>,
    pub saved: Option<u32>,
}

/// `GET /procedures/cong-bo?co_quan=…&so=…`: the procedures a decision announced.
pub async fn decision(
    state: web::Data<AppState>,
    q: web::Query<DecisionQuery>,
) -> Result<HttpResponse, PageError> {
    let q = q.into_inner();
    let (Some(authority), Some(number)) = (q.co_quan, q.so) else {
        return Err(AppError::BadRequest(
            "Cần «co_quan» (mã cơ quan) và «so» (số quyết định công bố).".into(),
        )
        .into());
    };
    let page = announce::decision_page(&state, authority, number).await?;
    let mut ctx = base_context("procedures", "");
    ctx.insert("d", &page);
    ctx.insert("saved", &q.saved.is_some());
    Ok(render_status(
        StatusCode::OK,
        "announce_decision.html",
        &ctx,
    )?)
}
