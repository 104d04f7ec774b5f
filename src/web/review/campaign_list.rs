//! The list of campaigns and the form that creates one: what it offers comes from the
//! registry (limited to the units of the user), and a refused form is shown again as typed.

use std::collections::BTreeSet;

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use chrono::NaiveDate;
use serde::Serialize;

use super::form::{fields, FromFields};
use super::{pick_document, see_other, sentence, unprocessable};
use crate::app::{on_pool, AppState};
use crate::auth::{Actor, Role};
use crate::db::queries;
use crate::domain::review::CampaignKind;
use crate::domain::text::date_vn;
use crate::error::AppError;
use crate::review::campaigns::{self, CampaignInput};
use crate::web::{base_context, render_status, PageError};

#[derive(Serialize)]
struct CampaignLine {
    id: i64,
    name: String,
    kind: &'static str,
    deadline: String,
    started: Option<String>,
}

/// The creation form as typed, to show it again with its error.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CampaignForm {
    name: String,
    kind: String,
    authorities: Vec<String>,
    types: Vec<String>,
    fields: Vec<String>,
    issued_from: String,
    issued_to: String,
    deadline: String,
    basis_number: String,
    basis_authority: String,
    predecessor_unit: String,
    /// The search of the authorities picker of a large scope (a unit's present or former name).
    tim_don_vi: String,
    /// «Tìm đơn vị» was pressed: show the form again with the units found, create nothing.
    #[serde(skip)]
    search: bool,
}

/// A scope with more authorities than this gets a search instead of the whole list of
/// checkboxes (an administrator's, over the country's ~14,000 units, was a 1.7 MB page).
pub const PICKER_LIST_MAX: usize = 200;

/// The form as posted: the multi-selects (`authorities`, `types`, `fields`) repeat.
impl FromFields for CampaignForm {
    fn take(&mut self, key: &str, value: String) {
        let v = value.trim().to_string();
        match key {
            "name" => self.name = v,
            "kind" => self.kind = v,
            "authorities" if !v.is_empty() => self.authorities.push(v),
            "types" if !v.is_empty() => self.types.push(v),
            "fields" if !v.is_empty() => self.fields.push(v),
            "issued_from" => self.issued_from = v,
            "issued_to" => self.issued_to = v,
            "deadline" => self.deadline = v,
            "basis_number" => self.basis_number = v,
            "basis_authority" => self.basis_authority = v,
            "predecessor_unit" => self.predecessor_unit = v,
            "tim_don_vi" => self.tim_don_vi = v,
            "tim" => self.search = true,
            _ => {}
        }
    }
}

impl<'de> serde::Deserialize<'de> for CampaignForm {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        fields(d)
    }
}

impl CampaignForm {
    /// What the campaign rules are given. Only what cannot be read at all (a date, a choice
    /// that is not a number, a document number not in the registry) is refused here; the
    /// rules themselves are `campaigns::create`'s.
    fn input(&self, db: &mut crate::db::Db<'_>) -> Result<CampaignInput, AppError> {
        let date = |label: &str, s: &str| -> Result<Option<NaiveDate>, AppError> {
            if s.is_empty() {
                return Ok(None);
            }
            crate::app::parse_date(Some(s))
                .map(Some)
                .map_err(|e| unprocessable(format!("{label}: {}", e.public_message())))
        };
        let deadline = date("Thời hạn", &self.deadline)?
            .ok_or_else(|| unprocessable("cần nhập thời hạn của đợt rà soát"))?;
        let mut authorities = Vec::new();
        for a in &self.authorities {
            authorities.push(
                a.parse::<i64>()
                    .map_err(|_| unprocessable(format!("cơ quan ban hành «{a}» không hợp lệ")))?,
            );
        }
        let basis_document_id = match self.basis_number.as_str() {
            "" => None,
            n => Some(pick_document(
                db,
                n,
                &self.basis_authority,
                "văn bản căn cứ rà soát",
            )?),
        };
        Ok(CampaignInput {
            name: self.name.clone(),
            kind: campaigns::kind_of(&self.kind)?,
            basis_document_id,
            predecessor_unit: Some(self.predecessor_unit.clone()).filter(|s| !s.is_empty()),
            authorities,
            types: self.types.clone(),
            fields: self.fields.clone(),
            issued_from: date("Ban hành từ ngày", &self.issued_from)?,
            issued_to: date("Ban hành đến ngày", &self.issued_to)?,
            deadline,
        })
    }
}

/// One choice of a select or a checkbox list.
#[derive(Serialize)]
struct Choice {
    value: String,
    label: String,
    selected: bool,
}

/// What the creation form offers, from the registry, with the typed values selected.
#[derive(Serialize, Default)]
struct CampaignChoices {
    kinds: Vec<Choice>,
    /// Authorities of local units (the documents a campaign reviews).
    local_authorities: Vec<Choice>,
    /// Every authority, central ones included (where a basis document may come from).
    all_authorities: Vec<Choice>,
    types: Vec<Choice>,
    fields: Vec<Choice>,
    /// Units whose validity has ended (reorganised), then the others.
    ended_units: Vec<Choice>,
    other_units: Vec<Choice>,
    /// The scope has more than [`PICKER_LIST_MAX`] authorities: `local_authorities` holds the
    /// chosen ones only, and a search finds the others.
    large: bool,
    /// A search was made (`found` may be empty).
    searched: bool,
    /// The units the search found, each with its authorities not chosen yet.
    found: Vec<FoundUnit>,
}

/// A unit the picker's search found.
#[derive(Serialize)]
struct FoundUnit {
    label: String,
    /// The former name that matched, when the present one did not.
    former_name: Option<String>,
    authorities: Vec<Choice>,
}

/// The units a campaign may start from, labelled apart from their namesakes: those whose
/// validity ended (reorganised), then the others; current ones first, in Vietnamese order.
fn unit_choices(
    org: &crate::registry::org::Org,
    today: chrono::NaiveDate,
    selected_code: &str,
    offered: impl Fn(&crate::db::models::Unit) -> bool,
) -> (Vec<Choice>, Vec<Choice>) {
    use crate::registry::unit_labels::{label, list_key};
    let mut all: Vec<_> = org
        .units
        .values()
        .filter(|u| offered(u) || u.code == selected_code)
        .map(|u| (label(org, u, today), u))
        .collect();
    all.sort_by_cached_key(|(l, u)| (u.valid_to.is_some(), list_key(l, &u.code)));
    let (mut ended, mut other) = (Vec::new(), Vec::new());
    for (l, u) in all {
        let text = match l.context.as_str() {
            "" => l.name.clone(),
            c => format!("{} ({c})", l.name),
        };
        let selected = selected_code == u.code;
        match u.valid_to {
            Some(to) => ended.push(Choice {
                value: u.code.clone(),
                label: format!("{text}, mã {}, đến {}", u.code, date_vn(to)),
                selected,
            }),
            None => other.push(Choice {
                value: u.code.clone(),
                label: format!("{text}, mã {}", u.code),
                selected,
            }),
        }
    }
    (ended, other)
}

/// The picker's search of a large scope: the units found among `units` with their authorities
/// not chosen yet, and the references of those units (offered as the reorganised unit too).
fn picker_search(
    org: &crate::registry::org::Org,
    f: &CampaignForm,
    units: Option<&std::collections::HashSet<i64>>,
    today: NaiveDate,
) -> (Vec<FoundUnit>, BTreeSet<String>) {
    let matches = crate::registry::unit_labels::lookup(org, &f.tim_don_vi, today, units);
    let references = matches.iter().map(|m| m.unit.reference.clone()).collect();
    let found = matches
        .into_iter()
        .map(|m| FoundUnit {
            label: m.unit.label.text,
            former_name: m.unit.former_name,
            authorities: m
                .authorities
                .into_iter()
                .filter(|a| !f.authorities.contains(&a.id.to_string()))
                .map(|a| Choice {
                    value: a.id.to_string(),
                    label: a.label,
                    selected: false,
                })
                .collect(),
        })
        .collect();
    (found, references)
}

/// What the form offers; a user limited to some units (`units`, predecessors included) is
/// offered only their authorities and units (a campaign over others would be refused).
fn campaign_choices(
    db: &mut crate::db::Db<'_>,
    org: &crate::registry::org::Org,
    f: &CampaignForm,
    units: Option<&std::collections::HashSet<i64>>,
) -> Result<CampaignChoices, AppError> {
    let mine = |unit: Option<i64>| units.is_none_or(|s| unit.is_some_and(|u| s.contains(&u)));
    let choice = |value: String, label: String, selected: bool| Choice {
        value,
        label,
        selected,
    };
    // Units and the authorities of units are labelled apart from their namesakes (former
    // district, province, status), current ones first, in Vietnamese order.
    let today = crate::clock::today();
    let authority_label = |a: &crate::db::models::Authority| {
        crate::registry::unit_labels::authority_label(org, a, today)
    };
    let mut authorities = queries::all_authorities(db)?;
    authorities.sort_by_cached_key(|a| crate::domain::units::collation_key(&a.name));
    let chosen = |a: &crate::db::models::Authority| f.authorities.contains(&a.id.to_string());
    let in_scope = authorities
        .iter()
        .filter(|a| a.unit_id.is_some() && mine(a.unit_id))
        .count();
    let large = in_scope > PICKER_LIST_MAX;
    // A large scope lists the chosen authorities only (any the form names, in scope or not:
    // a refusal is shown beside them); the search finds the others.
    let local_authorities = authorities
        .iter()
        .filter(|a| {
            if large {
                chosen(a)
            } else {
                a.unit_id.is_some() && mine(a.unit_id)
            }
        })
        .map(|a| choice(a.id.to_string(), authority_label(a), chosen(a)))
        .collect();
    let searched = large && crate::app::units::check_lookup_query(&f.tim_don_vi).is_ok();
    let (found, found_units) = if searched {
        picker_search(org, f, units, today)
    } else {
        (Vec::new(), BTreeSet::new())
    };
    // With a large registry the basis authority is a central or provincial one (or the one
    // chosen), and the reorganised unit a province or district, or one the search found.
    let upper = |unit: Option<i64>| {
        unit.is_none_or(|u| org.unit_level(u) == Some(crate::domain::kinds::UnitLevel::Tinh))
    };
    let all_authorities = authorities
        .iter()
        .filter(|a| !large || upper(a.unit_id) || f.basis_authority == a.id.to_string())
        .map(|a| {
            let v = a.id.to_string();
            let selected = f.basis_authority == v;
            choice(v, authority_label(a), selected)
        })
        .collect();
    let (ended_units, other_units) = unit_choices(
        org,
        today,
        &f.predecessor_unit,
        |u: &crate::db::models::Unit| {
            mine(Some(u.id))
                && (!large
                    || org.unit_level(u.id) != Some(crate::domain::kinds::UnitLevel::Xa)
                    || found_units.contains(&org.unit_reference(u)))
        },
    );
    let mut fields = BTreeSet::new();
    for list in queries::distinct_field_lists(db)? {
        fields.extend(
            list.into_iter()
                .map(|x| x.trim().to_string())
                .filter(|x| !x.is_empty()),
        );
    }
    Ok(CampaignChoices {
        kinds: CampaignKind::ALL
            .iter()
            .map(|k| choice(k.code().into(), k.label().into(), f.kind == k.code()))
            .collect(),
        local_authorities,
        all_authorities,
        types: crate::domain::kinds::DOCUMENT_TYPES
            .iter()
            .map(|t| choice((*t).into(), (*t).into(), f.types.iter().any(|x| x == t)))
            .collect(),
        fields: fields
            .into_iter()
            .map(|x| {
                let selected = f.fields.contains(&x);
                choice(x.clone(), x, selected)
            })
            .collect(),
        ended_units,
        other_units,
        large,
        searched,
        found,
    })
}

/// A refusal of the creation form: its message, and the field it is shown beside (none: at
/// the top of the form).
struct Refusal {
    status: StatusCode,
    message: String,
    field: Option<&'static str>,
}

/// The list of campaigns, with the creation form for those who may create one.
async fn campaigns_page(
    state: &AppState,
    actor: &Actor,
    form: CampaignForm,
    refusal: Option<Refusal>,
) -> Result<HttpResponse, PageError> {
    let may_create = matches!(actor.role, Role::Admin | Role::Officer | Role::Approver);
    let shown = form.clone();
    let a = actor.clone();
    // The organisation as the pages share it (a national one is ~30,000 rows to load).
    let org = {
        let (orgs, pool) = (state.org_cache.clone(), state.pool.clone());
        web::block(move || orgs.get(&pool)).await??
    };
    let (lines, choices, scoped) = on_pool(state, move |db| {
        let lines = campaigns::list(db)?
            .into_iter()
            .map(|c| CampaignLine {
                id: c.id,
                kind: CampaignKind::parse(&c.kind).map_or("", |k| k.label()),
                name: c.name,
                deadline: date_vn(c.deadline),
                started: c.started_on.map(date_vn),
            })
            .collect::<Vec<_>>();
        let (choices, scoped) = if may_create {
            let units = a.scope.expanded(|u| org.all_unit_predecessors(u));
            (
                campaign_choices(db, &org, &form, units.as_ref())?,
                units.is_some(),
            )
        } else {
            (CampaignChoices::default(), false)
        };
        Ok((lines, choices, scoped))
    })
    .await?;
    let status = refusal.as_ref().map_or(StatusCode::OK, |r| r.status);
    let mut ctx = base_context("review", "");
    ctx.insert("campaigns", &lines);
    ctx.insert("may_create", &may_create);
    ctx.insert("choices", &choices);
    ctx.insert("scoped", &scoped);
    ctx.insert("picker_max", &PICKER_LIST_MAX);
    ctx.insert("lookup_limit", &crate::registry::unit_labels::LOOKUP_LIMIT);
    ctx.insert("form", &shown);
    ctx.insert("error", &refusal.as_ref().map(|r| r.message.clone()));
    ctx.insert("error_field", &refusal.as_ref().and_then(|r| r.field));
    Ok(render_status(status, "campaigns.html", &ctx)?)
}

pub async fn list(state: web::Data<AppState>, actor: Actor) -> Result<HttpResponse, PageError> {
    let form = CampaignForm {
        kind: CampaignKind::Ongoing.code().into(),
        ..CampaignForm::default()
    };
    campaigns_page(&state, &actor, form, None).await
}

/// The first authority of `ids` outside `units` (a user limited to some units may only name
/// theirs), as the sentence shown beside the authorities; an unknown one is left to the
/// campaign rules.
fn authority_outside(
    db: &mut crate::db::Db<'_>,
    units: Option<&std::collections::HashSet<i64>>,
    ids: &[i64],
) -> Result<Option<String>, AppError> {
    let Some(units) = units else {
        return Ok(None);
    };
    for id in ids {
        if let Some(a) = queries::authority_by_id(db, *id)? {
            if !a.unit_id.is_some_and(|u| units.contains(&u)) {
                return Ok(Some(format!(
                    "Cơ quan «{}» không thuộc đơn vị hành chính mà tài khoản được phân công; hãy bỏ đánh dấu cơ quan này.",
                    a.name
                )));
            }
        }
    }
    Ok(None)
}

/// Creates a campaign from the form; a refused one is shown again, as typed, with the reason
/// (422, or 403 for an authority outside the user's units, beside the authorities) and
/// nothing written.
pub async fn create(
    state: web::Data<AppState>,
    actor: Actor,
    form: web::Form<CampaignForm>,
) -> Result<HttpResponse, PageError> {
    let submitted = form.into_inner();
    if submitted.search {
        // «Tìm đơn vị» (the picker's search without script): the form again with the units
        // found, nothing created.
        let refusal = crate::app::units::check_lookup_query(&submitted.tim_don_vi)
            .err()
            .map(|e| Refusal {
                status: StatusCode::BAD_REQUEST,
                message: e.public_message(),
                field: Some("tim_don_vi"),
            });
        return campaigns_page(&state, &actor, submitted, refusal).await;
    }
    let f = submitted.clone();
    let a = actor.clone();
    let done = crate::app::with_write(&state, move |db| {
        let input = f.input(db)?;
        let p = crate::app::reviewer(db, &a)?;
        if let Some(m) = authority_outside(db, p.units.as_ref(), &input.authorities)? {
            return Ok(Err(m));
        }
        Ok(Ok(campaigns::create_as(
            db,
            &p,
            &input,
            crate::clock::now(),
        )?))
    })
    .await;
    let refusal = match done {
        Ok(Ok(id)) => return Ok(see_other(format!("/campaigns/{id}"))),
        Ok(Err(m)) => Refusal {
            status: StatusCode::FORBIDDEN,
            message: m,
            field: Some("authorities"),
        },
        Err(AppError::Unprocessable(m)) => Refusal {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            message: sentence(&m),
            field: None,
        },
        Err(AppError::Forbidden(m)) => Refusal {
            status: StatusCode::FORBIDDEN,
            message: sentence(&m),
            field: None,
        },
        Err(e) => return Err(e.into()),
    };
    campaigns_page(&state, &actor, submitted, Some(refusal)).await
}
