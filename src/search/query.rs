//! Turning a reader's words into a tantivy query, and running it with filters, facets, sorting
//! and snippets.
//!
//! The work is split by job: `terms` turns words into terms and queries, `execute` runs them
//! over the segments, `rank` keeps the best documents, `hits` reads the page of results.

mod execute;
mod families;
mod hits;
mod ords;
mod rank;
mod terms;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use serde::Serialize;
use tantivy::Searcher;

use super::index::Fields;
#[cfg(test)]
pub(crate) use ords::kept as tests_facets_kept;
pub(crate) use ords::{forget as forget_facets, kept_runs as facet_runs_kept, warm as warm_facets};
pub use terms::{
    article_refs, document_number_known, keyword_filter, number_terms, text_query, Knobs,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    Documents,
    Articles,
    Procedures,
}

impl Scope {
    pub fn kind(self) -> &'static str {
        match self {
            Scope::Documents => "document",
            Scope::Articles => "article",
            Scope::Procedures => "procedure",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sort {
    Relevance,
    Newest,
}

/// A search: the words, the filters, the page, and what to compute besides the hits. Equal
/// parameters are the same search (the result cache keys on them).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Params {
    pub q: String,
    pub scope: Scope,
    pub doc_type: Option<String>,
    /// A field (lĩnh vực), matched without regard to case or diacritics.
    pub field: Option<String>,
    /// Authority and the authorities it took over.
    pub authority_ids: Option<Vec<i64>>,
    pub status: Option<String>,
    pub year_from: Option<u64>,
    pub year_to: Option<u64>,
    pub sort: Sort,
    pub offset: usize,
    pub limit: usize,
    pub facets: bool,
    pub snippets: bool,
    /// Whether the total is wanted. When it is not (nor the facets), the matches are not
    /// counted: the total is then the number of hits found, never exact, and the search only
    /// ranks (a search whose answer shows its hits alone).
    pub count: bool,
}

impl Params {
    pub fn new(q: &str, scope: Scope) -> Params {
        Params {
            q: q.to_string(),
            scope,
            doc_type: None,
            field: None,
            authority_ids: None,
            status: None,
            year_from: None,
            year_to: None,
            sort: Sort::Relevance,
            offset: 0,
            limit: 10,
            facets: false,
            snippets: false,
            count: true,
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ArticleHit {
    pub key: String,
    pub number: String,
    pub heading: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Hit {
    pub kind: String,
    pub document_id: i64,
    pub number: String,
    pub title: String,
    pub authority: String,
    #[serde(rename = "type")]
    pub doc_type: String,
    pub status: String,
    pub issued_on: String,
    pub article: Option<ArticleHit>,
    pub score: f32,
    pub snippet: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FacetCount {
    pub value: String,
    pub count: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Results {
    /// Matches, exact when `total_exact`, otherwise a lower bound ([`TOTAL_CAP`]).
    pub total: usize,
    pub total_exact: bool,
    pub hits: Vec<Hit>,
    pub facets: BTreeMap<String, Vec<FacetCount>>,
}

/// Matches are counted exactly up to this many; beyond it the total is a lower bound ("more
/// than 10,000"), as in the search engines readers know, and the facets count those matches.
pub const TOTAL_CAP: usize = 10_000;

pub fn search(searcher: &Searcher, f: &Fields, p: &Params) -> tantivy::Result<Results> {
    search_with(searcher, f, p, &Knobs::PRODUCTION)
}

/// [`search`] with other scoring knobs (the relevance evaluation varies them).
pub fn search_with(
    searcher: &Searcher,
    f: &Fields,
    p: &Params,
    knobs: &Knobs,
) -> tantivy::Result<Results> {
    let mut terms = terms::text_terms(f, &p.q, knobs);
    terms::damp_common(searcher, f, &mut terms, knobs);
    let norms = terms::FieldNorms::new(searcher, f, knobs);
    let stats: &dyn tantivy::query::Bm25StatisticsProvider = match &norms {
        Some(n) => n,
        None => searcher,
    };
    let text = terms::terms_query(&terms);
    if let Some(strict) = keyword_filter(searcher, f, &p.q) {
        let r = execute::execute(searcher, stats, f, p, &terms, &text, Some(strict))?;
        // Nothing has every word: fall back to the best partial matches.
        if r.total > 0 {
            return Ok(r);
        }
    }
    execute::execute(searcher, stats, f, p, &terms, &text, None)
}
