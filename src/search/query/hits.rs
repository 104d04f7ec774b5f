//! A page of results as readers see it: each hit's stored fields and its snippet, and the
//! facet counts by root, most frequent first.

use std::collections::BTreeMap;

use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{DocAddress, Searcher, TantivyDocument, Term};

use super::super::analyzer::{analyze, Mode};
use super::super::index::Fields;
use super::{ArticleHit, FacetCount, Hit, Params};

/// Snippets are cut from the first this-many bytes of a unit's text (a whole document can be
/// long; its beginning is what a reader scans first).
const SNIPPET_SOURCE_BYTES: usize = 6_000;

/// The facet roots, in the order results carry them.
const FACET_ROOTS: [&str; 4] = ["type", "status", "authority", "year"];

pub(super) fn text_of(doc: &TantivyDocument, field: tantivy::schema::Field) -> String {
    doc.get_first(field)
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_string()
}

/// Marks every word of the query in the folded text, whichever form scored it.
fn snippet_generator(
    searcher: &Searcher,
    f: &Fields,
    p: &Params,
    has_text: bool,
) -> tantivy::Result<Option<SnippetGenerator>> {
    if !(has_text && p.snippets) {
        return Ok(None);
    }
    let words: Vec<(Occur, Box<dyn Query>)> = analyze(&p.q, Mode::Folded)
        .into_iter()
        .map(|t| {
            let q: Box<dyn Query> = Box::new(TermQuery::new(
                Term::from_field_text(f.body[1], &t.text),
                IndexRecordOption::WithFreqs,
            ));
            (Occur::Should, q)
        })
        .collect();
    let mut g = SnippetGenerator::create(searcher, &BooleanQuery::new(words), f.body[1])?;
    g.set_max_num_chars(240);
    Ok(Some(g))
}

fn snippet(generator: Option<&SnippetGenerator>, body: &str) -> String {
    let Some(g) = generator else {
        return String::new();
    };
    let mut end = body.len().min(SNIPPET_SOURCE_BYTES);
    while !body.is_char_boundary(end) {
        end -= 1;
    }
    let mut s = g.snippet(&body[..end]);
    s.set_snippet_prefix_postfix("<mark>", "</mark>");
    if s.fragment().is_empty() {
        crate::markup::escape_html(&body.chars().take(240).collect::<String>())
    } else {
        s.to_html()
    }
}

fn hit(f: &Fields, doc: &TantivyDocument, score: f32, snippet: String) -> Hit {
    let key = text_of(doc, f.article_key);
    let days = doc
        .get_first(f.issued_on)
        .and_then(|v| v.as_i64())
        .unwrap_or_default();
    let issued_on =
        chrono::NaiveDate::from_num_days_from_ce_opt(i32::try_from(days).unwrap_or_default())
            .map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_default();
    Hit {
        kind: text_of(doc, f.kind),
        document_id: doc
            .get_first(f.doc_id)
            .and_then(|v| v.as_u64())
            .and_then(|v| i64::try_from(v).ok())
            .unwrap_or_default(),
        number: text_of(doc, f.number),
        title: text_of(doc, f.title),
        authority: text_of(doc, f.authority),
        doc_type: text_of(doc, f.doc_type),
        status: text_of(doc, f.status),
        issued_on,
        article: (!key.is_empty()).then(|| ArticleHit {
            key,
            number: text_of(doc, f.article_label),
            heading: text_of(doc, f.heading),
        }),
        score,
        snippet,
    }
}

/// The hits at `addresses`, in that order, with snippets when the query has text.
pub(super) fn read(
    searcher: &Searcher,
    f: &Fields,
    p: &Params,
    has_text: bool,
    addresses: Vec<(f32, DocAddress)>,
) -> tantivy::Result<Vec<Hit>> {
    let generator = snippet_generator(searcher, f, p, has_text)?;
    let mut hits = Vec::with_capacity(addresses.len());
    for (score, addr) in addresses {
        let doc: TantivyDocument = searcher.doc(addr)?;
        let body = text_of(&doc, f.text);
        let snippet = snippet(generator.as_ref(), &body);
        hits.push(hit(f, &doc, score, snippet));
    }
    Ok(hits)
}

/// The facet counts by root (empty unless asked for), each most frequent first.
pub(super) fn facets(
    p: &Params,
    mut counted: BTreeMap<String, BTreeMap<String, u64>>,
) -> BTreeMap<String, Vec<FacetCount>> {
    let mut facets = BTreeMap::new();
    if p.facets {
        for root in FACET_ROOTS {
            let mut v: Vec<FacetCount> = counted
                .remove(root)
                .unwrap_or_default()
                .into_iter()
                .map(|(value, count)| FacetCount { value, count })
                .collect();
            v.sort_by(|a, b| b.count.cmp(&a.count).then(a.value.cmp(&b.value)));
            facets.insert(root.to_string(), v);
        }
    }
    facets
}
