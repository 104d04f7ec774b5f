//! Public pages (no login): documents, one document with per-article status on any date,
//! a provision on its own, authorities and units. Each page's data is built by a function the
//! JSON API shares.

use std::collections::HashMap;

use actix_web::{web, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::view::{iso, status_reason, DocLink, DocRow, EffectView, StatusView};
use super::{base_context, render, PageError};
use crate::app::{number_param, on_pool, opt, parse_date, AppState};
use crate::clock::today;
use crate::db::{queries, Db};
use crate::domain::eli::Eli;
use crate::domain::kinds::{AuthorityKind, UnitLevel};
use crate::domain::status::{article_status, Status};
use crate::domain::structure::{node_label, NodeKind};
use crate::domain::text::{date_vn, fold};
use crate::error::AppError;
use crate::registry::org::Org;
use crate::registry::status::{containers_of, SharedGraph, StatusGraph};

pub const PER_PAGE: usize = 20;

#[derive(Debug, Default, Clone, Deserialize, Serialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Từ khóa trong số ký hiệu hoặc trích yếu.
    #[serde(default)]
    pub q: Option<String>,
    /// Loại văn bản (`Nghị quyết`, `Quyết định`…).
    #[serde(default, rename = "type")]
    pub doc_type: Option<String>,
    /// Mã số cơ quan ban hành (kể cả văn bản của cơ quan tiền nhiệm).
    #[serde(default)]
    #[param(value_type = Option<i64>)]
    pub authority: Option<String>,
    /// Năm ban hành.
    #[serde(default)]
    #[param(value_type = Option<i32>)]
    pub year: Option<String>,
    /// Mã tình trạng tại ngày `date` (`con-hieu-luc`, `het-hieu-luc-mot-phan`…).
    #[serde(default)]
    pub status: Option<String>,
    /// Ngày xét tình trạng, `yyyy-mm-dd` (mặc định: hôm nay).
    #[serde(default)]
    #[param(value_type = Option<String>, format = Date)]
    pub date: Option<String>,
    /// Số trang, từ 1.
    #[serde(default)]
    #[param(value_type = Option<i64>)]
    pub page: Option<String>,
    /// Số dòng mỗi trang.
    #[serde(default)]
    #[param(value_type = Option<i64>)]
    pub per_page: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DocumentList {
    pub total: usize,
    pub page: usize,
    pub pages: usize,
    pub per_page: usize,
    pub date: String,
    pub rows: Vec<DocRow>,
}

/// The filtered, paginated list; filters on status use the statuses on `date`.
pub fn document_list(
    db: &mut Db<'_>,
    q: &ListQuery,
    graphs: &SharedGraph,
) -> Result<DocumentList, AppError> {
    let date = parse_date(q.date.as_deref())?;
    let status = match opt(&q.status) {
        Some(s) => Some(
            Status::parse(s)
                .ok_or_else(|| AppError::BadRequest(format!("Tình trạng «{s}» không hợp lệ.")))?,
        ),
        None => None,
    };
    let year: Option<i32> = number_param("year", &q.year)?;
    let authority: Option<i64> = number_param("authority", &q.authority)?;
    let page: usize = number_param("page", &q.page)?.unwrap_or(1).max(1);
    let per_page: usize = number_param("per_page", &q.per_page)?
        .unwrap_or(PER_PAGE)
        .clamp(1, 200);
    let org = Org::load(db)?;
    if let Some(a) = authority {
        if !org.authorities.contains_key(&a) {
            return Err(AppError::BadRequest(format!(
                "Không có cơ quan ban hành mã số {a}."
            )));
        }
    }
    let filter = queries::DocumentFilter {
        doc_type: opt(&q.doc_type).map(String::from),
        authority_ids: authority.map(|a| org.authority_with_predecessors(a)),
        year,
        number_contains: None,
    };
    let mut docs = queries::document_summaries(db, &filter)?;
    if let Some(text) = opt(&q.q) {
        // A full document number finds that document, not those citing it in their titles.
        if let Ok(n) = crate::domain::number::DocumentNumber::parse(text) {
            let key = n.key();
            let exact: Vec<_> = docs
                .iter()
                .filter(|d| {
                    crate::domain::number::DocumentNumber::parse(&d.number)
                        .is_ok_and(|m| m.key() == key)
                })
                .cloned()
                .collect();
            if !exact.is_empty() {
                docs = exact;
            }
        }
        let needle = fold(text).to_lowercase();
        let needle_compact: String = needle.chars().filter(|c| !c.is_whitespace()).collect();
        docs.retain(|d| {
            fold(&d.title).to_lowercase().contains(&needle)
                || fold(&d.number).to_lowercase().contains(&needle_compact)
        });
    }
    let statuses = graphs.statuses(db, date)?;
    let mut rows = Vec::new();
    for d in &docs {
        let s = statuses.get(&d.id).copied();
        if status.is_some() && s != status {
            continue;
        }
        rows.push((d, s));
    }
    let total = rows.len();
    let pages = total.div_ceil(per_page).max(1);
    let rows = rows
        .into_iter()
        // A page far past the end (any number the client sends) is empty, not an overflow.
        .skip((page - 1).saturating_mul(per_page))
        .take(per_page)
        .map(|(d, s)| DocRow::new(d, &org, s))
        .collect();
    Ok(DocumentList {
        total,
        page,
        pages,
        per_page,
        date: iso(date),
        rows,
    })
}

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
    });
    ctx.insert("filters", &filters);
    let statuses: Vec<StatusView> = Status::ALL.into_iter().map(StatusView::from).collect();
    let authorities: Vec<serde_json::Value> = authorities
        .into_iter()
        .map(|(id, name)| serde_json::json!({"id": id, "name": name}))
        .collect();
    ctx.insert("options", &serde_json::json!({"types": types, "authorities": authorities, "years": years, "statuses": statuses}));
    ctx.insert("rows", &list.rows);
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

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct NodeView {
    pub kind: &'static str,
    pub key: String,
    pub anchor: String,
    pub label: String,
    pub heading: String,
    pub body: String,
    pub depth: usize,
    pub status: Option<StatusView>,
    pub url: String,
    /// The node's own status, also where it equals its parent's (not shown in the full text).
    #[serde(skip)]
    pub own_status: Option<Status>,
    /// Chapter and section keys around the node's article.
    #[serde(skip)]
    pub containers: Vec<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DocumentView {
    pub id: i64,
    pub number: String,
    pub doc_type: String,
    pub title: String,
    pub fields: Vec<String>,
    pub signer: String,
    pub signer_position: String,
    pub issued_on: String,
    pub effective_on: String,
    pub end_on: Option<String>,
    pub issued_on_iso: String,
    pub effective_on_iso: String,
    pub end_on_iso: Option<String>,
    /// The stable address of the document (`/eli/vn/…`).
    pub eli: String,
    pub gazette: Option<String>,
    pub authority_id: i64,
    pub authority_name: String,
    pub unit_code: Option<String>,
    pub unit_name: Option<String>,
    pub authority_defunct: bool,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ArticlesSummary {
    pub total: usize,
    pub in_force: usize,
    pub ceased: usize,
    pub suspended: usize,
    pub not_yet: usize,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DocumentPage {
    pub doc: DocumentView,
    pub date: String,
    pub date_display: String,
    pub status: StatusView,
    pub status_reason: Option<String>,
    pub successor_authorities: Vec<serde_json::Value>,
    pub preamble: String,
    pub articles_summary: ArticlesSummary,
    pub nodes: Vec<NodeView>,
    pub effects_received: Vec<EffectView>,
    pub effects_made: Vec<EffectView>,
    /// The document's status (for callers that need the value, not its view).
    #[serde(skip)]
    pub status_code: Status,
}

fn link(
    db: &mut Db<'_>,
    org: &Org,
    cache: &mut HashMap<i64, DocLink>,
    id: i64,
) -> Result<DocLink, AppError> {
    if let Some(l) = cache.get(&id) {
        return Ok(l.clone());
    }
    let l = match queries::summaries_by_ids(db, &[id])?.into_iter().next() {
        Some(d) => {
            let code = org
                .authorities
                .get(&d.authority_id)
                .map(|a| a.code.as_str())
                .unwrap_or_default();
            DocLink {
                id,
                eli: Some(Eli::of(code, &d.doc_type, &d.number, d.issued_on).path()),
                number: d.number,
                title: d.title,
            }
        }
        None => DocLink {
            id,
            number: format!("#{id}"),
            title: String::new(),
            eli: None,
        },
    };
    cache.insert(id, l.clone());
    Ok(l)
}

pub fn anchor(key: &str) -> String {
    key.replace('/', "-")
}

/// Everything the document page shows, as of `date`.
pub fn document_page(db: &mut Db<'_>, id: i64, date: NaiveDate) -> Result<DocumentPage, AppError> {
    let doc = queries::document(db, id)?
        .ok_or_else(|| AppError::NotFound(format!("Không có văn bản mã số {id}.")))?;
    let org = Org::load(db)?;
    let graph = StatusGraph::load_around(db, id)?;
    let facts = graph
        .facts(id, date)
        .ok_or_else(|| AppError::NotFound(format!("Không có văn bản mã số {id}.")))?;
    let report = crate::domain::status::status_on(&facts, date);
    let mut links = HashMap::new();
    let mut numbers = HashMap::new();
    for e in graph.effects_received(id) {
        let l = link(db, &org, &mut links, e.acting_id)?;
        numbers.insert(e.acting_id, l.number);
    }
    let reason = status_reason(&graph, id, report.cause, &|i| {
        numbers.get(&i).cloned().unwrap_or_default()
    });

    let provisions = queries::provisions_of(db, id)?;
    let mut article_of: HashMap<String, Vec<String>> = HashMap::new();
    let mut nodes = Vec::new();
    let mut summary = ArticlesSummary {
        total: 0,
        in_force: 0,
        ceased: 0,
        suspended: 0,
        not_yet: 0,
    };
    let mut statuses: HashMap<String, Status> = HashMap::new();
    for p in &provisions {
        let Some(kind) = NodeKind::parse(&p.kind) else {
            continue;
        };
        let containers = match kind {
            NodeKind::Dieu => {
                let c = containers_of(p.parent_key.as_deref());
                article_of.insert(p.key.clone(), c.clone());
                c
            }
            NodeKind::Khoan | NodeKind::Diem => {
                let article = p.key.split('/').next().unwrap_or_default();
                article_of.get(article).cloned().unwrap_or_default()
            }
            NodeKind::Chuong | NodeKind::Muc => Vec::new(),
        };
        let status = match kind {
            NodeKind::Chuong | NodeKind::Muc => None,
            _ => Some(article_status(&facts, &p.key, &containers, date).status),
        };
        if let Some(s) = status {
            statuses.insert(p.key.clone(), s);
        }
        let shown = match (kind, status) {
            (NodeKind::Dieu, s) => s,
            (_, Some(s)) => {
                let parent = p
                    .parent_key
                    .as_deref()
                    .and_then(|k| statuses.get(k))
                    .copied();
                (Some(s) != parent).then_some(s)
            }
            _ => None,
        };
        if kind == NodeKind::Dieu {
            summary.total += 1;
            match status {
                Some(Status::ChuaCoHieuLuc) => summary.not_yet += 1,
                Some(Status::HetHieuLucToanBo) => summary.ceased += 1,
                Some(Status::NgungHieuLucToanBo) => summary.suspended += 1,
                _ => summary.in_force += 1,
            }
        }
        let depth = p.key.matches('/').count()
            + match kind {
                NodeKind::Chuong | NodeKind::Muc => 0,
                _ => 1,
            };
        nodes.push(NodeView {
            kind: kind.as_str(),
            key: p.key.clone(),
            anchor: anchor(&p.key),
            label: node_label(kind, &p.label),
            heading: p.heading.clone(),
            body: p.body.clone(),
            depth,
            status: shown.map(StatusView::from),
            url: format!("/documents/{id}/{}", p.key),
            own_status: status,
            containers,
        });
    }

    let mut received = Vec::new();
    // Review decisions declaring expiry are explained by the status line, not listed as
    // documents acting on this one.
    for e in graph.effects_received(id).iter().filter(|e| e.id > 0) {
        let other = link(db, &org, &mut links, e.acting_id)?;
        received.extend(EffectView::new(e, other, true));
    }
    let mut made = Vec::new();
    for e in queries::effects_by(db, id)? {
        let other = link(db, &org, &mut links, e.target_id)?;
        made.extend(EffectView::new(&e, other, false));
    }
    let authority = org.authorities.get(&doc.authority_id);
    let unit = authority
        .and_then(|a| a.unit_id)
        .and_then(|u| org.units.get(&u));
    let defunct = org.authority_defunct(doc.authority_id, date);
    let successor_authorities = if defunct {
        org.authority_successors(doc.authority_id)
            .into_iter()
            .map(|a| serde_json::json!({"id": a, "name": org.authority_name(a)}))
            .collect()
    } else {
        Vec::new()
    };
    let eli = Eli::of(
        authority.map(|a| a.code.as_str()).unwrap_or_default(),
        &doc.doc_type,
        &doc.number,
        doc.issued_on,
    )
    .path();
    Ok(DocumentPage {
        doc: DocumentView {
            id,
            fields: doc.field_list(),
            number: doc.number,
            doc_type: doc.doc_type,
            title: doc.title,
            signer: doc.signer,
            signer_position: doc.signer_position,
            issued_on: date_vn(doc.issued_on),
            effective_on: date_vn(doc.effective_on),
            end_on: doc.end_on.map(date_vn),
            issued_on_iso: iso(doc.issued_on),
            effective_on_iso: iso(doc.effective_on),
            end_on_iso: doc.end_on.map(iso),
            eli,
            gazette: doc.gazette,
            authority_id: doc.authority_id,
            authority_name: authority.map(|a| a.name.clone()).unwrap_or_default(),
            unit_code: unit.map(|u| u.code.clone()),
            unit_name: unit.map(|u| u.name.clone()),
            authority_defunct: defunct,
        },
        date: iso(date),
        date_display: date_vn(date),
        status: report.status.into(),
        status_reason: reason,
        successor_authorities,
        preamble: doc.preamble,
        articles_summary: summary,
        nodes,
        effects_received: received,
        effects_made: made,
        status_code: report.status,
    })
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DateQuery {
    /// Ngày, `yyyy-mm-dd` (mặc định: hôm nay).
    #[serde(default)]
    #[param(value_type = Option<String>, format = Date)]
    pub date: Option<String>,
}

pub fn parse_id(s: &str) -> Result<i64, AppError> {
    s.parse()
        .map_err(|_| AppError::NotFound(format!("Không có văn bản mã số «{s}».")))
}

/// `/documents/{id}[/{provision}]`, the older addresses of a document and its provisions: a
/// permanent redirect to the stable ELI address (the query, such as `?date=`, kept).
async fn to_eli(
    state: &AppState,
    req: &actix_web::HttpRequest,
    id: &str,
    tail: Option<String>,
) -> Result<HttpResponse, PageError> {
    let id = parse_id(id)?;
    // A bad date is refused here, as the page would.
    let q = web::Query::<DateQuery>::from_query(req.query_string())
        .map_err(|e| AppError::BadRequest(format!("Tham số không hợp lệ: {e}")))?;
    parse_date(q.date.as_deref())?;
    let eli = on_pool(state, move |db| {
        let org = Org::load(db)?;
        super::eli::eli_of_document(db, &org, id)
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
    path: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    to_eli(&state, &req, &path.into_inner(), None).await
}

#[derive(Debug, Serialize)]
pub struct ProvisionPage {
    pub doc: DocumentView,
    pub date: String,
    pub date_display: String,
    pub node: NodeView,
    pub children: Vec<NodeView>,
    pub status: StatusView,
    pub effects: Vec<EffectView>,
    pub document_url: String,
}

pub fn provision_page(
    db: &mut Db<'_>,
    id: i64,
    key: &str,
    date: NaiveDate,
) -> Result<ProvisionPage, AppError> {
    let page = document_page(db, id, date)?;
    let missing = || {
        AppError::NotFound(format!(
            "Văn bản {} không có quy định «{key}».",
            page.doc.number
        ))
    };
    let pos = page
        .nodes
        .iter()
        .position(|n| n.key == key)
        .ok_or_else(missing)?;
    let mut nodes = page.nodes;
    let prefix = format!("{key}/");
    let children: Vec<NodeView> = nodes
        .drain(pos + 1..)
        .filter(|n| n.key.starts_with(&prefix))
        .collect();
    let node = nodes.swap_remove(pos);
    let status = node.own_status.unwrap_or(page.status_code);
    let containers = node.containers.clone();
    let effects = page
        .effects_received
        .into_iter()
        .filter(|e| {
            e.provision_keys.is_empty()
                || e.provision_keys.iter().any(|k| {
                    k == key
                        || key.starts_with(&format!("{k}/"))
                        || k.starts_with(&prefix)
                        || containers.contains(k)
                })
        })
        .collect();
    Ok(ProvisionPage {
        document_url: format!("/documents/{id}"),
        doc: page.doc,
        date: page.date,
        date_display: page.date_display,
        node,
        children,
        status: status.into(),
        effects,
    })
}

pub async fn provision(
    state: web::Data<AppState>,
    req: actix_web::HttpRequest,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, PageError> {
    let (id, key) = path.into_inner();
    to_eli(&state, &req, &id, Some(key)).await
}

pub async fn index(state: web::Data<AppState>) -> Result<HttpResponse, PageError> {
    let date = today();
    let graphs = state.statuses.clone();
    let (counts, status_counts, recent) = on_pool(&state, move |db| {
        let org = Org::load(db)?;
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
        Ok((counts, status_counts, recent))
    })
    .await?;
    let mut ctx = base_context("home", "");
    ctx.insert("counts", &counts);
    ctx.insert("status_counts", &status_counts);
    ctx.insert("recent", &recent);
    Ok(render("index.html", &ctx)?)
}

fn level_label(level: &str) -> &'static str {
    UnitLevel::parse(level).map_or("", UnitLevel::label)
}

fn kind_label(kind: &str) -> &'static str {
    AuthorityKind::parse(kind).map_or("", AuthorityKind::label)
}

pub async fn authorities(state: web::Data<AppState>) -> Result<HttpResponse, PageError> {
    let date = today();
    let groups = on_pool(&state, move |db| {
        let org = Org::load(db)?;
        let counts: HashMap<i64, i64> = queries::documents_per_authority(db)?.into_iter().collect();
        let mut list: Vec<_> = org.authorities.values().collect();
        list.sort_by(|a, b| a.name.cmp(&b.name));
        let group_of = |a: &crate::db::models::Authority| -> usize {
            match a.unit_id.and_then(|u| org.units.get(&u)).and_then(|u| UnitLevel::parse(&u.level)) {
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

fn rows_for(
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
    path: web::Path<String>,
    q: web::Query<DateQuery>,
) -> Result<HttpResponse, PageError> {
    let id: i64 = path
        .parse()
        .map_err(|_| AppError::NotFound(format!("Không có cơ quan ban hành «{path}».")))?;
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
                "id": a.id, "code": a.code, "name": a.name, "kind_label": kind_label(&a.kind),
                "unit_code": unit.map(|u| u.code.clone()), "unit_name": unit.map(|u| u.name.clone()),
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

pub async fn units(state: web::Data<AppState>) -> Result<HttpResponse, PageError> {
    let date = today();
    let groups = on_pool(&state, move |db| {
        let org = Org::load(db)?;
        let mut list: Vec<_> = org.units.values().collect();
        list.sort_by(|a, b| a.code.cmp(&b.code));
        let groups: Vec<serde_json::Value> = UnitLevel::ALL
            .iter()
            .map(|level| {
                let items: Vec<serde_json::Value> = list
                    .iter()
                    .filter(|u| u.level == level.code())
                    .map(|u| {
                        let parent = u.parent_id.and_then(|p| org.units.get(&p));
                        serde_json::json!({
                            "code": u.code, "name": u.name, "level_label": level.label(),
                            "parent_code": parent.map(|p| p.code.clone()), "parent_name": parent.map(|p| p.name.clone()),
                            "valid_to": u.valid_to.map(date_vn), "defunct": org.unit_defunct(u.id, date),
                        })
                    })
                    .collect();
                serde_json::json!({"label": level.label(), "items": items})
            })
            .filter(|g| g["items"].as_array().is_some_and(|a| !a.is_empty()))
            .collect();
        Ok(groups)
    })
    .await?;
    let mut ctx = base_context("units", "");
    ctx.insert("groups", &groups);
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
                "code": u.code, "name": u.name, "level_label": level_label(&u.level),
                "valid_from": u.valid_from.map(date_vn), "valid_to": u.valid_to.map(date_vn),
                "defunct": org.unit_defunct(u.id, date),
            }),
        );
        ctx.insert("parent", &parent.map(|p| serde_json::json!({"code": p.code, "name": p.name})));
        ctx.insert(
            "children",
            &children.iter().map(|c| serde_json::json!({"code": c.code, "name": c.name, "defunct": org.unit_defunct(c.id, date)})).collect::<Vec<_>>(),
        );
        let rel = |list: Vec<(&crate::db::models::Unit, NaiveDate)>| -> Vec<serde_json::Value> {
            list.iter().map(|(x, on)| serde_json::json!({"code": x.code, "name": x.name, "on": date_vn(*on)})).collect()
        };
        ctx.insert("predecessors", &rel(org.unit_predecessors(u.id)));
        ctx.insert("successors", &rel(org.unit_successors(u.id)));
        ctx.insert(
            "authorities",
            &own.iter()
                .map(|a| serde_json::json!({"id": a.id, "name": a.name, "kind_label": kind_label(&a.kind), "defunct": org.authority_defunct(a.id, date)}))
                .collect::<Vec<_>>(),
        );
        ctx.insert("documents", &documents);
        ctx.insert("date_display", &date_vn(date));
        Ok(ctx)
    })
    .await?;
    Ok(render("unit.html", &ctx)?)
}
