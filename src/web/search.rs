//! The public search page `/search`: the search of `app::search`, with facets to narrow it
//! and links to the next pages.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use actix_web::{web, HttpResponse};

use super::public::urlencode;
use super::{base_context, render, PageError};
use crate::app::answers::Answer;
use crate::app::search::{run_with_org, SearchQuery, SearchResponse};
use crate::app::{opt, AppState};
use crate::domain::kinds::DOCUMENT_TYPES;
use crate::domain::status::Status;
use crate::registry::org::Org;
use crate::search::query::FacetCount;

/// Each answer with its date as readers write it and its status label (documents and
/// articles), in the order of the one answer.
fn answer_views(answers: &[Answer]) -> Vec<serde_json::Value> {
    answers
        .iter()
        .map(|a| {
            let status = a.hit.as_ref().and_then(|h| Status::parse(&h.status));
            let issued = a
                .hit
                .as_ref()
                .and_then(|h| chrono::NaiveDate::parse_from_str(&h.issued_on, "%Y-%m-%d").ok())
                .map(crate::domain::text::date_vn)
                .unwrap_or_default();
            serde_json::json!({
                "a": a,
                "issued": issued,
                "status": status.map(|s| serde_json::json!({"code": s.code(), "label": s.label()})),
            })
        })
        .collect()
}

/// The authorities as the page shows them, prepared once for each loaded organisation: by
/// name for the filter form (its options written out), by id for the facets' labels.
struct Authorities {
    /// The organisation they were read from (held, so that it is compared by identity).
    org: Arc<Org>,
    names: HashMap<String, String>,
    /// The form's `<option>`s after «Tất cả», none selected, as the template wrote them.
    options: String,
}

impl Authorities {
    fn of(org: &Arc<Org>) -> Arc<Authorities> {
        static HELD: Mutex<Option<Arc<Authorities>>> = Mutex::new(None);
        if let Ok(held) = HELD.lock() {
            if let Some(a) = held.as_ref().filter(|a| Arc::ptr_eq(&a.org, org)) {
                return a.clone();
            }
        }
        let mut sorted: Vec<(i64, &str)> = org
            .authorities
            .values()
            .map(|a| (a.id, a.name.as_str()))
            .collect();
        sorted.sort_by(|a, b| a.1.cmp(b.1));
        let mut options = String::new();
        for (id, name) in &sorted {
            options.push_str(&format!(
                "\n      <option value=\"{id}\">{}</option>",
                tera::escape_html(name)
            ));
        }
        let made = Arc::new(Authorities {
            org: org.clone(),
            names: sorted
                .iter()
                .map(|(id, n)| (id.to_string(), n.to_string()))
                .collect(),
            options,
        });
        if let Ok(mut held) = HELD.lock() {
            *held = Some(made.clone());
        }
        made
    }

    /// The options with the one asked for selected.
    fn options(&self, selected: &str) -> String {
        if selected.is_empty() || !self.names.contains_key(selected) {
            return self.options.clone();
        }
        let plain = format!("<option value=\"{selected}\">");
        self.options.replacen(
            &plain,
            &format!("<option value=\"{selected}\" selected>"),
            1,
        )
    }
}

/// The facets of the answer, each value labelled and linked to the search narrowed to it.
fn facet_views(
    q: &SearchQuery,
    response: &SearchResponse,
    authority_names: &HashMap<String, String>,
) -> Vec<serde_json::Value> {
    let procedures = opt(&q.scope) == Some("procedures");
    let status_labels: std::collections::HashMap<&str, &str> = if procedures {
        crate::domain::procedure::Announcement::ALL
            .iter()
            .map(|a| (a.code(), a.label()))
            .collect()
    } else {
        Status::EVERY
            .iter()
            .map(|s| (s.code(), s.label()))
            .collect()
    };
    let label_facet = |key: &str, v: &FacetCount| -> String {
        match key {
            "status" => status_labels
                .get(v.value.as_str())
                .map(|s| s.to_string())
                .unwrap_or_else(|| v.value.clone()),
            "authority" => authority_names
                .get(&v.value)
                .cloned()
                .unwrap_or_else(|| v.value.clone()),
            _ => v.value.clone(),
        }
    };
    let status_heading = if procedures {
        "Hình thức công bố"
    } else {
        "Tình trạng hiệu lực"
    };
    [("type", "Loại văn bản", "type"), ("status", status_heading, "status"), ("authority", "Cơ quan ban hành", "authority"), ("year", "Năm ban hành", "year")]
        .iter()
        .map(|(key, label, param)| {
            let items: Vec<serde_json::Value> = response
                .facets
                .get(*key)
                .into_iter()
                .flatten()
                .take(12)
                .map(|v| {
                    let filter = if *param == "year" {
                        format!("year_from={0}&year_to={0}", v.value)
                    } else {
                        format!("{param}={}", urlencode(&v.value))
                    };
                    let url = format!(
                        "/search?q={}&scope={}&{filter}",
                        urlencode(opt(&q.q).unwrap_or("")),
                        opt(&q.scope).unwrap_or("documents")
                    );
                    serde_json::json!({"value": v.value, "label": label_facet(key, v), "count": v.count, "url": url})
                })
                .collect();
            serde_json::json!({"key": key, "label": label, "items": items})
        })
        .collect()
}

/// The address of another page of the same search.
fn page_link(q: &SearchQuery, page: usize) -> String {
    let mut pairs = vec![];
    for (k, v) in [
        ("q", &q.q),
        ("scope", &q.scope),
        ("type", &q.doc_type),
        ("authority", &q.authority),
        ("unit", &q.unit),
        ("field", &q.field),
        ("status", &q.status),
        ("year_from", &q.year_from),
        ("year_to", &q.year_to),
        ("sort", &q.sort),
    ] {
        if let Some(v) = opt(v) {
            pairs.push(format!("{k}={}", urlencode(v)));
        }
    }
    pairs.push(format!("page={page}"));
    format!("/search?{}", pairs.join("&"))
}

pub async fn page(
    state: web::Data<AppState>,
    q: web::Query<SearchQuery>,
) -> Result<HttpResponse, PageError> {
    let q = q.into_inner();
    let (response, org) = run_with_org(&state, q.clone()).await?;
    let authorities = Authorities::of(&org);
    let text = opt(&q.q).unwrap_or("").to_string();
    let mut ctx = base_context("search", &text);
    let answers = answer_views(&response.results);
    let facets = facet_views(&q, &response, &authorities.names);
    let pages = response.total.div_ceil(response.per_page.max(1)).max(1);
    let link = |page: usize| page_link(&q, page);
    ctx.insert(
        "filters",
        &serde_json::json!({
            "q": text,
            "scope": opt(&q.scope).unwrap_or("documents"),
            "doc_type": opt(&q.doc_type).unwrap_or(""),
            "authority": opt(&q.authority).unwrap_or(""),
            "unit": opt(&q.unit).unwrap_or(""),
            "field": opt(&q.field).unwrap_or(""),
            "status": opt(&q.status).unwrap_or(""),
            "year_from": opt(&q.year_from).unwrap_or(""),
            "year_to": opt(&q.year_to).unwrap_or(""),
            "sort": opt(&q.sort).unwrap_or("relevance"),
        }),
    );
    ctx.insert("types", DOCUMENT_TYPES);
    ctx.insert(
        "statuses",
        &Status::EVERY
            .iter()
            .map(|s| serde_json::json!({"code": s.code(), "label": s.label()}))
            .collect::<Vec<_>>(),
    );
    ctx.insert(
        "authority_options",
        &authorities.options(opt(&q.authority).unwrap_or("")),
    );
    ctx.insert("answers", &answers);
    let of_kind = |k: &str| response.results.iter().filter(|a| a.kind == k).count();
    ctx.insert("procedures_shown", &of_kind("procedure"));
    ctx.insert("units_shown", &of_kind("unit"));
    ctx.insert("number", &response.number);
    ctx.insert("facets", &facets);
    ctx.insert("total", &response.total);
    ctx.insert("total_exact", &response.total_exact);
    ctx.insert("took_ms", &response.took_ms);
    ctx.insert("page", &response.page);
    ctx.insert("pages", &pages);
    ctx.insert(
        "prev_url",
        &(response.page > 1).then(|| link(response.page - 1)),
    );
    ctx.insert(
        "next_url",
        &(response.page < pages).then(|| link(response.page + 1)),
    );
    Ok(render("search.html", &ctx)?)
}
