//! Public pages (no login): documents, one document with per-article status on any date,
//! a provision on its own, authorities and units. Each page's data is built by a function the
//! JSON API shares.

use std::collections::HashMap;

use actix_web::{web, HttpResponse};
use chrono::NaiveDate;

use super::{base_context, render, PageError};
use crate::app::documents::{document_list, eli_of_document, DateQuery, ListQuery};
use crate::app::view::{DocRow, StatusView};
use crate::app::{on_pool, opt, parse_date, AppState};
use crate::clock::today;
use crate::db::{queries, Db};
use crate::domain::kinds::{AuthorityKind, UnitLevel};
use crate::domain::status::Status;
use crate::domain::text::date_vn;
use crate::error::AppError;
use crate::registry::org::Org;
use crate::registry::status::{SharedGraph, StatusGraph};

fn page_url(q: &ListQuery, page: usize) -> String {
    let mut q = q.clone();
    q.page = Some(page.to_string());
    let pairs: Vec<(String, String)> = [
        ("q", &q.q),
        ("type", &q.doc_type),
        ("authority", &q.authority),
        ("year", &q.year),
        ("status", &q.status),
        ("date", &q.date),
        ("page", &q.page),
    ]
    .into_iter()
    .filter_map(|(k, v)| Some((k.to_string(), opt(v)?.to_string())))
    .collect();
    let qs: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", urlencode(v)))
        .collect();
    format!("/documents?{}", qs.join("&"))
}

pub fn urlencode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

pub async fn documents(
    state: web::Data<AppState>,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, PageError> {
    let q = q.into_inner();
    let q2 = q.clone();
    let graphs = state.statuses.clone();
    let (list, types, authorities, years) = on_pool(&state, move |db| {
        let list = document_list(db, &q2, &graphs)?;
        let types = queries::document_types(db)?;
        let org = Org::load(db)?;
        let mut authorities: Vec<(i64, String)> = org
            .authorities
            .values()
            .map(|a| (a.id, a.name.clone()))
            .collect();
        authorities.sort_by(|a, b| a.1.cmp(&b.1));
        Ok((list, types, authorities, queries::issue_years(db)?))
    })
    .await?;
    let mut ctx = base_context("documents", opt(&q.q).unwrap_or(""));
    let filters = serde_json::json!({
        "q": opt(&q.q).unwrap_or(""),
        "doc_type": opt(&q.doc_type).unwrap_or(""),
        "authority": opt(&q.authority).unwrap_or(""),
        "year": opt(&q.year).unwrap_or(""),
        "status": opt(&q.status).unwrap_or(""),
        "date": list.date,
        "date_set": opt(&q.date).is_some(),
    });
    ctx.insert("filters", &filters);
    let statuses: Vec<StatusView> = Status::ALL.into_iter().map(StatusView::from).collect();
    let authorities: Vec<serde_json::Value> = authorities
        .into_iter()
        .map(|(id, name)| serde_json::json!({"id": id, "name": name}))
        .collect();
    ctx.insert("options", &serde_json::json!({"types": types, "authorities": authorities, "years": years, "statuses": statuses}));
    ctx.insert("rows", &list.rows);
    ctx.insert("number", &list.number);
    ctx.insert("total", &list.total);
    ctx.insert("page", &list.page);
    ctx.insert("pages", &list.pages);
    ctx.insert(
        "prev_url",
        &(list.page > 1).then(|| page_url(&q, list.page - 1)),
    );
    ctx.insert(
        "next_url",
        &(list.page < list.pages).then(|| page_url(&q, list.page + 1)),
    );
    let date = NaiveDate::parse_from_str(&list.date, "%Y-%m-%d").unwrap_or_else(|_| today());
    ctx.insert("date_display", &date_vn(date));
    Ok(render("documents.html", &ctx)?)
}

/// `/documents/{id}[/{provision}]`, the older addresses of a document and its provisions: a
/// permanent redirect to the stable ELI address (the query, such as `?date=`, kept). A bad
/// date is refused here, as the page would.
async fn to_eli(
    state: &AppState,
    req: &actix_web::HttpRequest,
    id: i64,
    date: &DateQuery,
    tail: Option<String>,
) -> Result<HttpResponse, PageError> {
    parse_date(date.date.as_deref())?;
    let eli = on_pool(state, move |db| {
        crate::app::editing::refuse_withdrawn(db, id)?;
        let org = Org::load(db)?;
        eli_of_document(db, &org, id)
    })
    .await?
    .ok_or_else(|| AppError::NotFound(format!("Không có văn bản mã số {id}.")))?;
    let mut location = eli.path();
    if let Some(t) = tail {
        location.push('/');
        location.push_str(t.trim_matches('/'));
    }
    if !req.query_string().is_empty() {
        location.push('?');
        location.push_str(req.query_string());
    }
    Ok(HttpResponse::MovedPermanently()
        .insert_header((actix_web::http::header::LOCATION, location))
        .finish())
}

pub async fn document(
    state: web::Data<AppState>,
    req: actix_web::HttpRequest,
    path: web::Path<i64>,
    q: web::Query<DateQuery>,
) -> Result<HttpResponse, PageError> {
    to_eli(&state, &req, path.into_inner(), &q, None).await
}

pub async fn provision(
    state: web::Data<AppState>,
    req: actix_web::HttpRequest,
    path: web::Path<(i64, String)>,
    q: web::Query<DateQuery>,
) -> Result<HttpResponse, PageError> {
    let (id, key) = path.into_inner();
    // Other spellings of the officers' pages under the document (a trailing slash, `;v=1`)
    // are not provisions either.
    if crate::web::intake::effects::is_reserved(&key) || super::originals::is_attach(&key) {
        return Err(
            AppError::NotFound(format!("Không có trang nào ở địa chỉ {}.", req.path())).into(),
        );
    }
    // The edit, versions and withdrawal pages of a document are not provisions: another
    // spelling of their addresses (`…/sua/`, `…/rut;v=1`) is no page, not a provision to
    // redirect to.
    let first = key.split(['/', ';']).next().unwrap_or_default();
    if crate::web::editing::ACTIONS.contains(&first) {
        return Err(AppError::NotFound(format!("Không có trang «{}».", req.path())).into());
    }
    to_eli(&state, &req, id, &q, Some(key)).await
}

pub async fn index(state: web::Data<AppState>) -> Result<HttpResponse, PageError> {
    let date = state.today();
    let graphs = state.statuses.clone();
    let (counts, status_counts, recent, communes) = on_pool(&state, move |db| {
        let org = Org::load(db)?;
        let communes = crate::registry::unit_labels::commune_names(&org, date);
        let statuses = graphs.statuses(db, date)?;
        let mut per: HashMap<Status, usize> = HashMap::new();
        for s in statuses.values() {
            *per.entry(*s).or_default() += 1;
        }
        let status_counts: Vec<serde_json::Value> = Status::ALL
            .into_iter()
            .filter(|s| per.contains_key(s))
            .map(|s| serde_json::json!({"code": s.code(), "label": s.label(), "count": per[&s]}))
            .collect();
        let mut docs = queries::document_summaries(db, &Default::default())?;
        docs.truncate(10);
        let recent: Vec<DocRow> = docs
            .iter()
            .map(|d| DocRow::new(d, &org, statuses.get(&d.id).copied()))
            .collect();
        let counts = serde_json::json!({
            "documents": statuses.len(),
            "authorities": org.authorities.len(),
            "units": org.units.len(),
        });
        Ok((counts, status_counts, recent, communes))
    })
    .await?;
    let mut ctx = base_context("home", "");
    ctx.insert("communes", &communes);
    ctx.insert("counts", &counts);
    ctx.insert("status_counts", &status_counts);
    ctx.insert("recent", &recent);
    Ok(render("index.html", &ctx)?)
}

/// The label of a unit's level (read strictly when the organisation was loaded).
pub(super) fn level_label(org: &Org, unit: i64) -> &'static str {
    org.unit_level(unit).map_or("", UnitLevel::label)
}

/// The label of an authority's kind (read strictly when the organisation was loaded).
pub(super) fn kind_label(org: &Org, authority: i64) -> &'static str {
    org.authority_kind(authority)
        .map_or("", AuthorityKind::label)
}

pub async fn authorities(state: web::Data<AppState>) -> Result<HttpResponse, PageError> {
    let date = state.today();
    let groups = on_pool(&state, move |db| {
        let org = Org::load(db)?;
        let counts: HashMap<i64, i64> = queries::documents_per_authority(db)?.into_iter().collect();
        let mut list: Vec<_> = org.authorities.values().collect();
        list.sort_by(|a, b| a.name.cmp(&b.name));
        let group_of = |a: &crate::db::models::Authority| -> usize {
            match a.unit_id.and_then(|u| org.unit_level(u)) {
                None => 0,
                Some(UnitLevel::Tinh) => 1,
                Some(UnitLevel::Huyen) => 2,
                Some(UnitLevel::Xa) => 3,
            }
        };
        let labels = ["Cơ quan trung ương", "Cấp tỉnh", "Cấp huyện", "Cấp xã"];
        let groups: Vec<serde_json::Value> = labels
            .iter()
            .enumerate()
            .map(|(g, label)| {
                let items: Vec<serde_json::Value> = list
                    .iter()
                    .filter(|a| group_of(a) == g)
                    .map(|a| {
                        serde_json::json!({
                            "id": a.id, "code": a.code, "name": a.name,
                            "unit_name": a.unit_id.and_then(|u| org.units.get(&u)).map(|u| u.name.clone()),
                            "unit_ref": a.unit_id.and_then(|u| org.units.get(&u)).map(|u| org.unit_reference(u)),
                            "defunct": org.authority_defunct(a.id, date),
                            "document_count": counts.get(&a.id).copied().unwrap_or(0),
                        })
                    })
                    .collect();
                serde_json::json!({"label": label, "items": items})
            })
            .filter(|g| g["items"].as_array().is_some_and(|a| !a.is_empty()))
            .collect();
        Ok(groups)
    })
    .await?;
    let mut ctx = base_context("authorities", "");
    ctx.insert("groups", &groups);
    Ok(render("authorities.html", &ctx)?)
}

pub(super) fn rows_for(
    db: &mut Db<'_>,
    org: &Org,
    authority_ids: Vec<i64>,
    date: NaiveDate,
    graphs: &SharedGraph,
) -> Result<Vec<DocRow>, AppError> {
    if authority_ids.is_empty() {
        return Ok(Vec::new());
    }
    let docs = queries::document_summaries(
        db,
        &queries::DocumentFilter {
            authority_ids: Some(authority_ids),
            ..Default::default()
        },
    )?;
    // Many documents: the shared statuses beat a query per document.
    let whole = if docs.len() > 50 {
        Some(graphs.statuses(db, date)?)
    } else {
        None
    };
    let mut rows = Vec::new();
    for d in &docs {
        let status = match &whole {
            Some(all) => all.get(&d.id).copied(),
            None => StatusGraph::load_around(db, d.id)?
                .status(d.id, date)
                .map(|r| r.status),
        };
        rows.push(DocRow::new(d, org, status));
    }
    Ok(rows)
}

pub async fn authority(
    state: web::Data<AppState>,
    path: web::Path<i64>,
    q: web::Query<DateQuery>,
) -> Result<HttpResponse, PageError> {
    let id = path.into_inner();
    let date = parse_date(q.date.as_deref())?;
    let graphs = state.statuses.clone();
    let ctx = on_pool(&state, move |db| {
        let org = Org::load(db)?;
        let a = org.authorities.get(&id).ok_or_else(|| AppError::NotFound(format!("Không có cơ quan ban hành mã số {id}.")))?;
        let unit = a.unit_id.and_then(|u| org.units.get(&u));
        let person = |i: i64| serde_json::json!({"id": i, "name": org.authority_name(i)});
        let predecessors = org.authority_predecessors(id);
        let documents = rows_for(db, &org, vec![id], date, &graphs)?;
        let inherited: Vec<DocRow> = rows_for(db, &org, predecessors.clone(), date, &graphs)?
            .into_iter()
            .filter(|r| r.status.as_ref().is_some_and(|s| Status::parse(s.code).is_some_and(Status::applies) || s.code == Status::ChuaCoHieuLuc.code()))
            .collect();
        let mut ctx = base_context("authorities", "");
        ctx.insert(
            "authority",
            &serde_json::json!({
                "id": a.id, "code": a.code, "name": a.name, "kind_label": kind_label(&org, a.id),
                "unit_code": unit.map(|u| u.code.clone()), "unit_name": unit.map(|u| u.name.clone()),
                "unit_ref": unit.map(|u| org.unit_reference(u)),
                "defunct": org.authority_defunct(id, date),
                "valid_to": unit.and_then(|u| u.valid_to).map(date_vn),
            }),
        );
        ctx.insert("predecessors", &predecessors.iter().map(|i| person(*i)).collect::<Vec<_>>());
        ctx.insert("successors", &org.authority_successors(id).iter().map(|i| person(*i)).collect::<Vec<_>>());
        ctx.insert("documents", &documents);
        ctx.insert("inherited", &inherited);
        ctx.insert("date_display", &date_vn(date));
        Ok(ctx)
    })
    .await?;
    Ok(render("authority.html", &ctx)?)
}
