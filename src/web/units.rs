//! The units pages: `/units`, the map of one province before or from the 2025 reorganisation
//! with a search by name; `/units/{reference}`, one unit (`91` its latest holder,
//! `91@2020-01-01` the holder on that day) with its documents; and the country's units as
//! open data (`/open-data/don-vi-hanh-chinh.jsonl`, the file `vanban` imports).

use std::sync::LazyLock;

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::public::{kind_label, level_label, rows_for};
use super::{base_context, render, PageError};
use crate::app::documents::DateQuery;
use crate::app::{on_pool, parse_date, AppState};
use crate::domain::text::date_vn;
use crate::error::AppError;
use crate::registry::org::Org;
use crate::registry::unit_labels;
use crate::registry::unit_tree::{self, UnitEra};

/// Where the country's units are published (README, "Administrative units").
pub const COUNTRY_FILE_PATH: &str = "/open-data/don-vi-hanh-chinh.jsonl";

/// `/units?era=tu|truoc&tinh=96&q=dam doi`.
#[derive(Debug, Default, Deserialize)]
pub struct UnitsQuery {
    /// The map: from 1 July 2025 (default) or before.
    pub era: Option<UnitEra>,
    /// The province, by reference (`96`, `91@2025-06-30`); default: the deployment's.
    pub tinh: Option<String>,
    /// A name or part of one, with or without diacritics.
    pub q: Option<String>,
}

pub async fn units(
    state: web::Data<AppState>,
    q: web::Query<UnitsQuery>,
) -> Result<HttpResponse, PageError> {
    let today = state.today();
    let q = q.into_inner();
    let era = q.era.unwrap_or(UnitEra::Tu);
    let ctx = on_pool(&state, move |db| {
        let org = Org::load(db)?;
        let province = match q.tinh.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            Some(r) => {
                let p = org
                    .unit_by_code(r)
                    .and_then(|p| unit_tree::province_of(&org, p.id))
                    .ok_or_else(|| {
                        AppError::NotFound(format!("Không có tỉnh, thành phố mã «{r}»."))
                    })?;
                unit_tree::counterpart(&org, p, era).unwrap_or(p)
            }
            None => match unit_tree::home_province(&org, era) {
                Some(p) => p,
                None => {
                    let mut ctx = base_context("units", "");
                    ctx.insert("empty", &true);
                    return Ok(ctx);
                }
            },
        };
        // Bounded: an overlong query is cut to `MAX_QUERY_CHARS` characters.
        let query = unit_labels::bounded(&crate::domain::text::nfc(q.q.as_deref().unwrap_or("")));
        let mut ctx = base_context("units", "");
        ctx.insert("era", &era.code());
        ctx.insert(
            "eras",
            &UnitEra::ALL
                .iter()
                .map(|e| {
                    let p = unit_tree::counterpart(&org, province, *e)
                        .map(|p| org.unit_reference(p))
                        .unwrap_or_default();
                    serde_json::json!({
                        "code": e.code(), "label": e.label(), "tinh": p,
                        "count": unit_tree::provinces(&org, *e).len(),
                        "current": *e == era,
                    })
                })
                .collect::<Vec<_>>(),
        );
        ctx.insert(
            "provinces",
            &unit_tree::provinces(&org, era)
                .iter()
                .map(|p| {
                    serde_json::json!({
                        "reference": org.unit_reference(p), "name": p.name,
                        "selected": p.id == province.id,
                    })
                })
                .collect::<Vec<_>>(),
        );
        ctx.insert(
            "province",
            &serde_json::json!({
                "reference": org.unit_reference(province), "code": province.code,
                "name": province.name,
            }),
        );
        if query.is_empty() {
            let (groups, leaves): (Vec<_>, Vec<_>) = unit_tree::tree(&org, province, era, today)
                .into_iter()
                .partition(|l| !l.children.is_empty());
            ctx.insert("groups", &groups);
            ctx.insert("leaves", &leaves);
        } else {
            let found = unit_tree::search(&org, province, era, &query, today);
            ctx.insert("found", &found);
        }
        ctx.insert("q", &query);
        ctx.insert("country_file", COUNTRY_FILE_PATH);
        Ok(ctx)
    })
    .await?;
    Ok(render("units.html", &ctx)?)
}
pub async fn unit(
    state: web::Data<AppState>,
    path: web::Path<String>,
    q: web::Query<DateQuery>,
) -> Result<HttpResponse, PageError> {
    let code = path.into_inner();
    let date = parse_date(q.date.as_deref())?;
    let graphs = state.statuses.clone();
    let ctx = on_pool(&state, move |db| {
        let org = Org::load(db)?;
        let u = org.unit_by_code(&code).ok_or_else(|| AppError::NotFound(format!("Không có đơn vị hành chính mã «{code}».")))?;
        let parent = u.parent_id.and_then(|p| org.units.get(&p));
        let mut children: Vec<_> = org.units.values().filter(|c| c.parent_id == Some(u.id)).collect();
        children.sort_by(|a, b| a.code.cmp(&b.code));
        let mut own: Vec<&crate::db::models::Authority> = org.authorities.values().filter(|a| a.unit_id == Some(u.id)).collect();
        own.sort_by_key(|a| a.id);
        let mut units = vec![u.id];
        units.extend(org.all_unit_predecessors(u.id));
        let authority_ids: Vec<i64> = org.authorities.values().filter(|a| a.unit_id.is_some_and(|x| units.contains(&x))).map(|a| a.id).collect();
        let documents = rows_for(db, &org, authority_ids, date, &graphs)?;
        let mut ctx = base_context("units", "");
        ctx.insert(
            "unit",
            &serde_json::json!({
                "code": u.code, "reference": org.unit_reference(u), "name": u.name,
                "level_label": level_label(&org, u.id),
                "valid_from": u.valid_from.map(date_vn), "valid_to": u.valid_to.map(date_vn),
                "defunct": org.unit_defunct(u.id, date),
            }),
        );
        ctx.insert("parent", &parent.map(|p| serde_json::json!({"code": p.code, "reference": org.unit_reference(p), "name": p.name})));
        ctx.insert(
            "children",
            &children.iter().map(|c| serde_json::json!({"code": c.code, "reference": org.unit_reference(c), "name": c.name, "defunct": org.unit_defunct(c.id, date)})).collect::<Vec<_>>(),
        );
        let rel = |list: Vec<(&crate::db::models::Unit, NaiveDate)>| -> Vec<serde_json::Value> {
            list.iter().map(|(x, on)| serde_json::json!({"code": x.code, "reference": org.unit_reference(x), "name": x.name, "on": date_vn(*on)})).collect()
        };
        ctx.insert("notice", &unit_labels::notice(&org, u, date));
        ctx.insert("taken_over", &unit_labels::taken_over(&org, u));
        ctx.insert("predecessors", &rel(org.unit_predecessors(u.id)));
        ctx.insert("successors", &rel(org.unit_successors(u.id)));
        ctx.insert(
            "authorities",
            &own.iter()
                .map(|a| serde_json::json!({"id": a.id, "name": a.name, "kind_label": kind_label(&org, a.id), "defunct": org.authority_defunct(a.id, date)}))
                .collect::<Vec<_>>(),
        );
        ctx.insert("documents", &documents);
        ctx.insert("date_display", &date_vn(date));
        ctx.insert("contact", &crate::app::contacts::of_unit(db, u)?);
        ctx.insert("contact_ref", &u.code);
        Ok(ctx)
    })
    .await?;
    Ok(render("unit.html", &ctx)?)
}

/// The strong validator of the country's file (the same bytes as long as the binary).
static COUNTRY_FILE_TAG: LazyLock<String> = LazyLock::new(|| {
    let digest = Sha256::digest(crate::exchange::COUNTRY_UNITS.as_bytes());
    format!("\"{}\"", hex::encode(&digest[..16]))
});

/// The country's administrative units as JSON Lines, the file `vanban import` reads; cached
/// for a day and revalidated by its `ETag`.
pub async fn country_file(req: HttpRequest) -> HttpResponse {
    let tag = COUNTRY_FILE_TAG.as_str();
    let cached = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| super::http::none_match(v, tag));
    let mut res = if cached {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    res.insert_header((header::ETAG, tag))
        .insert_header((header::CACHE_CONTROL, "public, max-age=86400"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            "inline; filename=\"don-vi-hanh-chinh.jsonl\"",
        ));
    if cached {
        return res.finish();
    }
    res.content_type("application/x-ndjson; charset=utf-8")
        .body(crate::exchange::COUNTRY_UNITS)
}

/// `/thu-tuc-tai-xa?ten=`: the home page's «Thủ tục tại xã, phường của bạn».
#[derive(Debug, Default, Deserialize)]
pub struct CommuneQuery {
    /// A commune's name, present or former, with or without diacritics.
    pub ten: Option<String>,
}

/// A citizen's commune by its present or former name: one current commune found leads to its
/// procedures (303); several are offered; none, a blank or an overlong name shows the form
/// again with the reason beside the field.
pub async fn procedures_here(
    state: web::Data<AppState>,
    q: web::Query<CommuneQuery>,
) -> Result<HttpResponse, PageError> {
    let today = state.today();
    let typed = q.into_inner().ten.unwrap_or_default();
    let typed = crate::domain::text::nfc(typed.trim());
    let too_long = typed.chars().count() > unit_labels::MAX_QUERY_CHARS;
    let shown = unit_labels::bounded(&typed);
    let query = shown.clone();
    let (names, found) = on_pool(&state, move |db| {
        let org = Org::load(db)?;
        let names = unit_labels::commune_names(&org, today);
        let found: Vec<unit_labels::UnitMatch> = if too_long {
            Vec::new()
        } else {
            unit_labels::units_matching(&org, &query, today, None)
                .into_iter()
                .filter(|m| m.current)
                .filter(|m| {
                    org.unit_by_code(&m.reference)
                        .and_then(|u| org.unit_level(u.id))
                        == Some(crate::domain::kinds::UnitLevel::Xa)
                })
                .collect()
        };
        Ok((names, found))
    })
    .await?;
    let error = if too_long {
        Some(format!(
            "Tên quá dài: nhập tối đa {} ký tự.",
            unit_labels::MAX_QUERY_CHARS
        ))
    } else if shown.is_empty() {
        Some("Nhập tên xã, phường của bạn.".to_string())
    } else if found.is_empty() {
        Some(format!(
            "Không tìm thấy xã, phường nào có tên hoặc tên trước đây là «{shown}». Kiểm tra lại chính tả hoặc chọn trong danh sách gợi ý."
        ))
    } else {
        None
    };
    if let [one] = found.as_slice() {
        return Ok(HttpResponse::SeeOther()
            .insert_header((
                header::LOCATION,
                // A reference is digits, `@` and a date: nothing to escape.
                format!("/units/{}/procedures", one.reference),
            ))
            .finish());
    }
    let mut ctx = base_context("units", "");
    ctx.insert("q", &shown);
    ctx.insert("error", &error);
    ctx.insert("names", &names);
    ctx.insert("found", &found);
    let status = if too_long {
        actix_web::http::StatusCode::BAD_REQUEST
    } else {
        actix_web::http::StatusCode::OK
    };
    Ok(super::render_status(status, "unit_find.html", &ctx)?)
}

/// `/units/tim.json?q=`: the unit lookup of the pickers and the home page.
#[derive(Debug, Default, Deserialize)]
pub struct LookupQuery {
    /// A present or former name, or part of one, with or without diacritics.
    pub q: Option<String>,
}

/// At most `unit_labels::LOOKUP_LIMIT` units whose present or former name contains `q`, as
/// JSON (`{"matches": [...]}`: reference, code, label, level, whether current, the former name
/// that matched, the unit's authorities); a signed-in user limited to some units finds only
/// those. A blank or overlong `q` is a 400 problem (`bad_request`) said in Vietnamese.
pub async fn lookup(
    state: web::Data<AppState>,
    me: crate::auth::MaybeActor,
    q: web::Query<LookupQuery>,
) -> Result<HttpResponse, AppError> {
    let scope = me.0.as_ref().map(|p| p.scope.clone());
    let found =
        crate::app::units::lookup(&state, q.q.as_deref().unwrap_or_default(), scope).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "private, max-age=60"))
        .json(serde_json::json!({ "matches": found })))
}
