//! A page of results as readers see it: each hit's stored fields and its snippet, and the
//! facet counts by root, most frequent first.

use std::collections::BTreeMap;

use tantivy::schema::Value;
use tantivy::{DocAddress, Searcher, TantivyDocument, Term};

use super::super::analyzer::{analysis, analyze, Mode};
use super::super::index::Fields;
use super::{ArticleHit, FacetCount, Hit, Params};

/// The facet roots, in the order results carry them.
const FACET_ROOTS: [&str; 4] = ["type", "status", "authority", "year"];

pub(super) fn text_of(doc: &TantivyDocument, field: tantivy::schema::Field) -> String {
    doc.get_first(field)
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_string()
}

/// Marks every word of the query in the folded text, whichever form scored it: tantivy's
/// snippet generator's choice (each word weighs `1 / (1 + units having it)`; the text is cut
/// into fragments of at most [`SNIPPET_CHARS`] bytes where a word would overflow; the fragment
/// whose words weigh most, the first of equals), made from the text's analysis, which the
/// searches of the same text share, instead of a token per syllable lowercased again.
pub(super) struct Snippets {
    weights: std::collections::HashMap<String, f32>,
}

/// The longest fragment, in bytes.
const SNIPPET_CHARS: usize = 240;

impl Snippets {
    pub(super) fn new(searcher: &Searcher, f: &Fields, q: &str) -> tantivy::Result<Snippets> {
        let mut weights = std::collections::HashMap::new();
        for t in analyze(q, Mode::Folded) {
            if weights.contains_key(&t.text) {
                continue;
            }
            let df = searcher.doc_freq(&Term::from_field_text(f.body[1], &t.text))?;
            if df > 0 {
                weights.insert(t.text, 1.0 / (1.0 + df as f32));
            }
        }
        Ok(Snippets { weights })
    }

    /// The best fragment of `text` with the query's words marked, as HTML; empty when no word
    /// of the query is in it.
    pub(super) fn html(&self, text: &str) -> String {
        struct Fragment {
            score: f32,
            from: usize,
            to: usize,
            marked: Vec<(usize, usize)>,
        }
        let analysis = analysis(text);
        let mut fragments: Vec<Fragment> = Vec::new();
        let mut at = Fragment {
            score: 0.0,
            from: 0,
            to: 0,
            marked: Vec::new(),
        };
        for i in 0..analysis.len(Mode::Folded) {
            let (word, from, to) = analysis.term(Mode::Folded, i);
            if to - at.from > SNIPPET_CHARS {
                let next = Fragment {
                    score: 0.0,
                    from,
                    to: from,
                    marked: Vec::new(),
                };
                let done = std::mem::replace(&mut at, next);
                if done.score > 0.0 {
                    fragments.push(done);
                }
            }
            at.to = to;
            let weight = if word.chars().any(char::is_uppercase) {
                self.weights.get(&word.to_lowercase())
            } else {
                self.weights.get(word)
            };
            if let Some(w) = weight {
                at.score += w;
                at.marked.push((from, to));
            }
        }
        if at.score > 0.0 {
            fragments.push(at);
        }
        let best = fragments.iter().max_by(|l, r| {
            match l
                .score
                .partial_cmp(&r.score)
                .unwrap_or(std::cmp::Ordering::Equal)
            {
                std::cmp::Ordering::Equal => (r.from, r.to).cmp(&(l.from, l.to)),
                order => order,
            }
        });
        let Some(best) = best else {
            return String::new();
        };
        let mut html = String::new();
        let mut from = best.from;
        for &(a, b) in &best.marked {
            html.push_str(&crate::markup::escape_html(
                text.get(from..a).unwrap_or_default(),
            ));
            html.push_str("<mark>");
            html.push_str(&crate::markup::escape_html(
                text.get(a..b).unwrap_or_default(),
            ));
            html.push_str("</mark>");
            from = b;
        }
        html.push_str(&crate::markup::escape_html(
            text.get(from..best.to).unwrap_or_default(),
        ));
        html
    }
}

fn snippets(
    searcher: &Searcher,
    f: &Fields,
    p: &Params,
    has_text: bool,
) -> tantivy::Result<Option<Snippets>> {
    if !(has_text && p.snippets) {
        return Ok(None);
    }
    Snippets::new(searcher, f, &p.q).map(Some)
}

fn snippet(snippets: Option<&Snippets>, body: &str) -> String {
    let Some(g) = snippets else {
        return String::new();
    };
    // An index built before it stored only the beginning has the whole text.
    let html = g.html(super::super::index::stored_text(body));
    if html.is_empty() {
        crate::markup::escape_html(&body.chars().take(SNIPPET_CHARS).collect::<String>())
    } else {
        html
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
    let snippets = snippets(searcher, f, p, has_text)?;
    let mut hits = Vec::with_capacity(addresses.len());
    for (score, addr) in addresses {
        let doc: TantivyDocument = searcher.doc(addr)?;
        let body = text_of(&doc, f.text);
        let snippet = snippet(snippets.as_ref(), &body);
        hits.push(hit(f, &doc, score, snippet));
    }
    Ok(hits)
}

/// The facet counts by root (empty unless asked for), each most frequent first.
pub(super) fn facets(
    p: &Params,
    mut counted: BTreeMap<&str, BTreeMap<&str, u64>>,
) -> BTreeMap<String, Vec<FacetCount>> {
    let mut facets = BTreeMap::new();
    if p.facets {
        for root in FACET_ROOTS {
            let mut v: Vec<FacetCount> = counted
                .remove(root)
                .unwrap_or_default()
                .into_iter()
                .map(|(value, count)| FacetCount {
                    value: value.to_string(),
                    count,
                })
                .collect();
            v.sort_by(|a, b| b.count.cmp(&a.count).then(a.value.cmp(&b.value)));
            facets.insert(root.to_string(), v);
        }
    }
    facets
}
