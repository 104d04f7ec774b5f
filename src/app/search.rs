//! Search as the public page `/search` and `GET /api/v1/search` both run it: one parameter
//! parser that refuses bad values with a message naming the parameter, and the answer.

use std::time::Instant;

use actix_web::web;
use serde::{Deserialize, Serialize};

use super::answers::{merge, number_lookup, plain, Answer, NumberLookup, Others};
use super::{bad_param, number_param, opt, AppState};
use crate::domain::kinds::DOCUMENT_TYPES;
use crate::domain::status::Status;
use crate::error::AppError;
use crate::registry::org::Org;
use crate::search::query::{FacetCount, Hit, Params, Scope, Sort};

pub const MAX_QUERY_CHARS: usize = 1000;
pub const MAX_PER_PAGE: usize = 100;

#[derive(Debug, Default, Clone, Deserialize, Serialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// Từ khóa tìm kiếm (tối đa 1.000 ký tự).
    #[serde(default)]
    pub q: Option<String>,
    /// `documents` (mặc định), `articles` hoặc `procedures`.
    #[serde(default)]
    pub scope: Option<String>,
    /// Loại văn bản.
    #[serde(default, rename = "type")]
    pub doc_type: Option<String>,
    /// Mã số cơ quan ban hành.
    #[serde(default)]
    #[param(value_type = Option<i64>)]
    pub authority: Option<String>,
    /// Mã đơn vị hành chính.
    #[serde(default)]
    pub unit: Option<String>,
    /// Lĩnh vực.
    #[serde(default)]
    pub field: Option<String>,
    /// Mã tình trạng hiệu lực.
    #[serde(default)]
    pub status: Option<String>,
    /// Ban hành từ năm.
    #[serde(default)]
    #[param(value_type = Option<i32>)]
    pub year_from: Option<String>,
    /// Ban hành đến năm.
    #[serde(default)]
    #[param(value_type = Option<i32>)]
    pub year_to: Option<String>,
    /// `relevance` (mặc định) hoặc `date`.
    #[serde(default)]
    pub sort: Option<String>,
    /// Số trang, từ 1 đến 10.000.
    #[serde(default)]
    #[param(value_type = Option<i64>)]
    pub page: Option<String>,
    /// Số kết quả mỗi trang, từ 1 đến 100.
    #[serde(default)]
    #[param(value_type = Option<i64>)]
    pub per_page: Option<String>,
}

/// The authorities whose documents the search is limited to: the `authority` and those it
/// took over, the authorities of the `unit` and of the units it took over, or both at once.
fn authority_ids(q: &SearchQuery, org: &Org) -> Result<Option<Vec<i64>>, AppError> {
    let mut ids: Option<Vec<i64>> = None;
    if let Some(a) = number_param::<i64>("authority", &q.authority)? {
        if !org.authorities.contains_key(&a) {
            return Err(bad_param(
                "authority",
                format!("không có cơ quan ban hành mã số {a}."),
            ));
        }
        ids = Some(org.authority_with_predecessors(a));
    }
    if let Some(code) = opt(&q.unit) {
        let Some(unit) = org.unit_by_code(code) else {
            return Err(bad_param(
                "unit",
                format!("không có đơn vị hành chính mã «{code}»."),
            ));
        };
        // The unit and the units it took over: their authorities' documents.
        let mut units = vec![unit.id];
        units.extend(org.all_unit_predecessors(unit.id));
        let mut units_ids: Vec<i64> = org
            .authorities
            .values()
            .filter(|a| a.unit_id.is_some_and(|u| units.contains(&u)))
            .map(|a| a.id)
            .collect();
        if let Some(given) = &ids {
            units_ids.retain(|i| given.contains(i));
        }
        ids = Some(units_ids);
    }
    Ok(ids)
}

/// Checks every parameter; `org` resolves an authority to it and its predecessors.
pub fn parse(q: &SearchQuery, org: &Org) -> Result<(Params, usize), AppError> {
    let text = crate::domain::text::nfc(q.q.as_deref().unwrap_or(""));
    if text.chars().count() > MAX_QUERY_CHARS {
        return Err(bad_param(
            "q",
            format!("câu tìm kiếm dài quá {MAX_QUERY_CHARS} ký tự."),
        ));
    }
    let scope = match opt(&q.scope).unwrap_or("documents") {
        "documents" => Scope::Documents,
        "articles" => Scope::Articles,
        "procedures" => Scope::Procedures,
        other => {
            return Err(bad_param(
                "scope",
                format!("«{other}» không hợp lệ (documents, articles, procedures)."),
            ))
        }
    };
    let mut p = Params::new(&text, scope);
    if let Some(t) = opt(&q.doc_type) {
        let Some(t) = crate::domain::kinds::document_type(t) else {
            return Err(bad_param(
                "type",
                format!(
                    "loại văn bản «{t}» không có (các loại: {}).",
                    DOCUMENT_TYPES.join(", ")
                ),
            ));
        };
        p.doc_type = Some(t.to_string());
    }
    if let Some(s) = opt(&q.status) {
        // Procedures carry how their announcement treats them (new, amended…) as status.
        use crate::domain::procedure::Announcement;
        let (known, codes): (bool, Vec<&str>) = if scope == Scope::Procedures {
            (
                Announcement::parse(s).is_some(),
                Announcement::ALL.iter().map(|a| a.code()).collect(),
            )
        } else {
            (
                Status::parse(s).is_some(),
                Status::EVERY.iter().map(|s| s.code()).collect(),
            )
        };
        if !known {
            return Err(bad_param(
                "status",
                format!("«{s}» không hợp lệ (các giá trị: {}).", codes.join(", ")),
            ));
        }
        p.status = Some(s.to_string());
    }
    p.authority_ids = authority_ids(q, org)?;
    if let Some(field) = opt(&q.field) {
        if field.chars().count() > 200 {
            return Err(bad_param("field", "dài quá 200 ký tự.".into()));
        }
        p.field = Some(field.to_string());
    }
    p.year_from = number_param::<u64>("year_from", &q.year_from)?;
    p.year_to = number_param::<u64>("year_to", &q.year_to)?;
    for (name, y) in [("year_from", p.year_from), ("year_to", p.year_to)] {
        if y.is_some_and(|y| !(1945..=2100).contains(&y)) {
            return Err(bad_param(name, "năm phải từ 1945 đến 2100.".into()));
        }
    }
    p.sort = match opt(&q.sort).unwrap_or("relevance") {
        "relevance" => Sort::Relevance,
        "date" | "newest" => Sort::Newest,
        other => {
            return Err(bad_param(
                "sort",
                format!("«{other}» không hợp lệ (relevance, date)."),
            ))
        }
    };
    let page: usize = number_param("page", &q.page)?.unwrap_or(1);
    if page == 0 || page > 10_000 {
        return Err(bad_param("page", "phải từ 1 đến 10000.".into()));
    }
    let per_page: usize = number_param("per_page", &q.per_page)?.unwrap_or(20);
    if per_page == 0 || per_page > MAX_PER_PAGE {
        return Err(bad_param(
            "per_page",
            format!("phải từ 1 đến {MAX_PER_PAGE}."),
        ));
    }
    p.offset = (page - 1) * per_page;
    p.limit = per_page;
    p.facets = true;
    p.snippets = true;
    Ok((p, page))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SearchResponse {
    pub query: String,
    pub total: usize,
    /// False when `total` is a lower bound (more matches than were counted).
    pub total_exact: bool,
    pub took_ms: f64,
    pub page: usize,
    pub per_page: usize,
    pub hits: Vec<Hit>,
    pub facets: std::collections::BTreeMap<String, Vec<FacetCount>>,
    /// The one answer, best first, each with its `kind` (`procedure`, `unit`, `document` or
    /// `article`): on the first page of a search of documents by relevance without filters,
    /// the procedures and communes or wards the query names join the documents (before them
    /// when the query asks for them), and so do at most 3 articles (`kind` `article`, one per
    /// document) that score clearly above the best whole document: before it when they are
    /// its own, right after it otherwise; the documents keep the order of `hits`. Otherwise
    /// the hits.
    pub results: Vec<Answer>,
    /// The query read as a document number: whether a document has it, and near numbers
    /// when none does (`null` when the query is not a number).
    pub number: Option<NumberLookup>,
}

/// The search for the procedures that join the documents in the one answer to `q`.
pub fn procedures_of_the_answer(q: &str) -> Params {
    // Cue words ("thủ tục", "xin", "làm") are not words of a procedure's text: the procedures
    // are sought by what the query asks for.
    let content = crate::domain::intent::asked(q).content.join(" ");
    let words = if content.is_empty() { q } else { &content };
    let mut p = Params::new(words, Scope::Procedures);
    p.limit = 20;
    // Only the procedures' hits join the answer: they are not counted.
    p.count = false;
    p
}

/// The search for the articles of `q`'s words that join the one answer when they answer better
/// than a whole document (the documents' hits, count and facets stay as they are).
pub fn articles_of_the_answer(q: &str) -> Params {
    let mut a = Params::new(q, Scope::Articles);
    a.limit = 10;
    a.snippets = true;
    a.count = false;
    a
}

/// Whether the search may answer with procedures and units besides documents: the first
/// page of the default scope by relevance, with words, and no filter narrowing it to documents.
fn answers_every_kind(p: &Params, page: usize) -> bool {
    p.scope == Scope::Documents
        && page == 1
        && p.sort == Sort::Relevance
        && !p.q.trim().is_empty()
        && p.doc_type.is_none()
        && p.field.is_none()
        && p.authority_ids.is_none()
        && p.status.is_none()
        && p.year_from.is_none()
        && p.year_to.is_none()
}

pub async fn run(state: &AppState, q: SearchQuery) -> Result<SearchResponse, AppError> {
    Ok(run_with_org(state, q).await?.0)
}

/// Runs a search; also returns the organisation it checked the parameters against, so the
/// page can name authorities with it.
pub async fn run_with_org(
    state: &AppState,
    q: SearchQuery,
) -> Result<(SearchResponse, std::sync::Arc<Org>), AppError> {
    let Some(service) = state.search.clone() else {
        return Err(AppError::Internal("search service not started".into()));
    };
    let pool = state.pool.clone();
    let cache = state.search_cache.clone();
    let orgs = state.org_cache.clone();
    let listings = state.procedure_listings.clone();
    let statuses = state.statuses.clone();
    web::block(move || {
        crate::search::sharing_words(|| {
            let started = Instant::now();
            let org = orgs.get(&pool)?;
            let (params, page) = parse(&q, &org)?;
            let searcher = service.searcher();
            let results = cache
                .search(&searcher, &service.fields, &params)
                .map_err(|e| AppError::internal("tìm kiếm", e))?;
            let mut number = None;
            let answers = if answers_every_kind(&params, page) {
                // A connection is held only while the database is read, never across a search:
                // searches in flight would otherwise hold the pool's connections.
                number = number_lookup(
                    &params.q,
                    |key| {
                        crate::search::query::document_number_known(&searcher, &service.fields, key)
                    },
                    || -> Result<_, AppError> {
                        let mut conn = pool.get()?;
                        Ok(crate::db::queries::document_summaries(
                            &mut conn.db(),
                            &crate::db::queries::DocumentFilter::default(),
                        )?)
                    },
                )?;
                // A number asks for a document: nothing else joins it.
                if number.is_some() {
                    plain(&results.hits)
                } else {
                    let p = procedures_of_the_answer(&params.q);
                    let procedures = cache
                        .search(&searcher, &service.fields, &p)
                        .map_err(|e| AppError::internal("tìm kiếm", e))?;
                    let (_, catalogue) = {
                        let mut conn = pool.get()?;
                        listings.catalogue(&mut conn.db(), &statuses, crate::clock::today())?
                    };
                    let a = articles_of_the_answer(&params.q);
                    let articles = cache
                        .search(&searcher, &service.fields, &a)
                        .map_err(|e| AppError::internal("tìm kiếm", e))?;
                    merge(
                        &results.hits,
                        Others {
                            query: &params.q,
                            org: &org,
                            procedures: &procedures.hits,
                            catalogue: Some(&catalogue),
                            articles: &articles.hits,
                        },
                    )
                }
            } else {
                plain(&results.hits)
            };
            let response = SearchResponse {
                query: params.q,
                total: results.total,
                total_exact: results.total_exact,
                took_ms: (started.elapsed().as_secs_f64() * 1000.0 * 100.0).round() / 100.0,
                page,
                per_page: params.limit,
                hits: results.hits.clone(),
                facets: results.facets.clone(),
                results: answers,
                number,
            };
            Ok((response, org))
        })
    })
    .await?
}
