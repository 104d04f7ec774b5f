//! Turning a reader's words into a tantivy query, and running it with filters, facets, sorting
//! and snippets.

use std::collections::{BTreeMap, HashSet};
use std::sync::OnceLock;

use serde::Serialize;
use tantivy::collector::TopDocs;
use tantivy::query::{
    intersect_scorers, AllQuery, BooleanQuery, BoostQuery, EnableScoring, Occur, Query, RangeQuery,
    Scorer, TermQuery,
};
use tantivy::schema::{Facet, IndexRecordOption, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{
    DocAddress, DocId, DocSet, Order, Searcher, SegmentReader, TantivyDocument, Term, TERMINATED,
};

use super::analyzer::{analyze, canonical_syllable, folded_syllable, Mode, STOP_WORDS};
use super::index::Fields;
use crate::domain::number::DocumentNumber;
use crate::domain::text::fold_upper;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    Relevance,
    Newest,
}

#[derive(Debug, Clone)]
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

fn stop_sets() -> &'static (HashSet<String>, HashSet<String>) {
    static S: OnceLock<(HashSet<String>, HashSet<String>)> = OnceLock::new();
    S.get_or_init(|| {
        (
            STOP_WORDS.iter().map(|w| canonical_syllable(w)).collect(),
            STOP_WORDS.iter().map(|w| folded_syllable(w)).collect(),
        )
    })
}

/// Number terms found in the query: a whole number in any case or diacritics, or `NQ 15/2018`,
/// `15/2018`, `NQ 15 2018`.
pub fn number_terms(q: &str) -> Vec<String> {
    let mut out = Vec::new();
    if let Ok(n) = DocumentNumber::parse(q) {
        if q.contains('/') {
            out.push(n.key());
        }
    }
    let words: Vec<String> = q
        .split_whitespace()
        .map(|w| fold_upper(w.trim_matches(|c: char| ",.;:()\"'".contains(c))))
        .collect();
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    let year = |s: &str| s.len() == 4 && digits(s);
    // A symbol written before the number: `NQ 15/2018`; short, so "QUYẾT 15/2018" is not one.
    let symbol_before = |i: usize| -> Option<&String> {
        let p = words.get(i.checked_sub(1)?)?;
        (p.len() <= 4 && p.chars().all(|c| c.is_ascii_alphabetic())).then_some(p)
    };
    for (i, w) in words.iter().enumerate() {
        if w.contains('/') {
            if let Ok(n) = DocumentNumber::parse(w) {
                out.push(n.key());
                continue;
            }
            let parts: Vec<&str> = w.split('/').collect();
            if parts.len() == 2 && digits(parts[0]) && year(parts[1]) {
                if let Some(sym) = symbol_before(i) {
                    out.push(format!("{w}/{sym}"));
                }
                out.push(w.clone());
            }
        } else if digits(w) && words.get(i + 1).is_some_and(|y| year(y)) {
            let both = format!("{w}/{}", words[i + 1]);
            if let Some(sym) = symbol_before(i) {
                out.push(format!("{both}/{sym}"));
            }
        }
    }
    out.dedup();
    out
}

/// Articles a query names: `Điều 22`, `điều 10` → `dieu-22`, `dieu-10`.
pub fn article_refs(q: &str) -> Vec<String> {
    let words: Vec<String> = q
        .split_whitespace()
        .map(|w| crate::domain::text::fold(&w.to_lowercase()))
        .collect();
    let mut out = Vec::new();
    for w in words.windows(2) {
        let n = w[1].trim_end_matches(|c: char| !c.is_ascii_alphanumeric());
        if w[0] == "dieu" && !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()) {
            out.push(format!("dieu-{n}"));
        }
    }
    out
}

/// Weights of the query's parts, measured with `vanban-bench eval-search` on the ALQAC development
/// questions (BENCHMARKS.md): exact syllables count most, folded ones a little less (they also
/// match words that differ only by marks), syllable pairs carry the phrase evidence.
struct Weights {
    body_exact: f32,
    title_exact: f32,
    body_folded: f32,
    title_folded: f32,
    pairs_exact: f32,
    pairs_folded: f32,
    heading_exact: f32,
    heading_folded: f32,
    heading_pairs: f32,
    article_named: f32,
    definitions: f32,
    number: f32,
}

const W: Weights = Weights {
    body_exact: 1.0,
    title_exact: 0.3,
    body_folded: 0.7,
    title_folded: 0.0,
    pairs_exact: 1.5,
    pairs_folded: 1.0,
    heading_exact: 0.5,
    heading_folded: 0.0,
    heading_pairs: 0.5,
    article_named: 5.0,
    definitions: 3.0,
    number: 40.0,
};

/// For a short keyword query (at most six syllables, no document number): every content
/// syllable must occur, folded, in the text or the title; from five words on, the most common
/// one may be missing. It does not score; it narrows what the scored query runs over, which is
/// what readers expect of a few words and keeps the common words of legal texts from matching
/// nearly everything. `None` for long questions; otherwise the folded words required.
pub fn keyword_filter(searcher: &Searcher, f: &Fields, q: &str) -> Option<Vec<String>> {
    if !number_terms(q).is_empty() {
        return None;
    }
    // A sentence-long question is answered best by ranking alone.
    if analyze(q, Mode::Folded).len() > 6 {
        return None;
    }
    let (_, stop_fold) = stop_sets();
    let mut words: Vec<String> = analyze(q, Mode::Folded)
        .into_iter()
        .map(|t| t.text)
        .filter(|w| !stop_fold.contains(w))
        .collect();
    words.sort();
    words.dedup();
    if words.is_empty() || words.len() > 8 {
        return None;
    }
    if words.len() >= 5 {
        // All but one: the most common word is the one allowed to be missing (an exact
        // intersection is far cheaper than "any n-1 of n").
        let freq = |w: &String| {
            searcher
                .doc_freq(&Term::from_field_text(f.body[1], w))
                .unwrap_or(0)
        };
        if let Some(commonest) = words.iter().max_by_key(|w| freq(w)).cloned() {
            words.retain(|w| *w != commonest);
        }
    }
    Some(words)
}

/// A required word of a keyword query: in the folded text or the folded title.
fn word_query(f: &Fields, word: &str) -> Box<dyn Query> {
    let either = |field| -> (Occur, Box<dyn Query>) {
        (
            Occur::Should,
            Box::new(TermQuery::new(
                Term::from_field_text(field, word),
                IndexRecordOption::Basic,
            )),
        )
    };
    Box::new(BooleanQuery::new(vec![
        either(f.body[1]),
        either(f.title_idx[1]),
    ]))
}

/// The relevance part of a query (no filters); `None` when the words give no term.
pub fn text_query(f: &Fields, q: &str) -> Option<Box<dyn Query>> {
    terms_query(&text_terms(f, q))
}

/// The sum of the (boosted) BM25 scores of these terms; `None` without terms.
fn terms_query(terms: &[(Term, f32)]) -> Option<Box<dyn Query>> {
    if terms.is_empty() {
        return None;
    }
    Some(Box::new(BooleanQuery::new(
        terms
            .iter()
            .map(|(term, boost)| {
                let q: Box<dyn Query> = Box::new(BoostQuery::new(
                    Box::new(TermQuery::new(term.clone(), IndexRecordOption::WithFreqs)),
                    *boost,
                ));
                (Occur::Should, q)
            })
            .collect(),
    )))
}

/// The scored terms of a query with their boosts; a document's score is the sum of their
/// boosted BM25 scores.
fn text_terms(f: &Fields, q: &str) -> Vec<(Term, f32)> {
    let (stop_exact, stop_fold) = stop_sets();
    let mut clauses: Vec<(Term, f32)> = Vec::new();
    let mut seen = HashSet::new();
    let mut add = |field: tantivy::schema::Field,
                   text: String,
                   boost: f32,
                   clauses: &mut Vec<(Term, f32)>| {
        if boost > 0.0 && seen.insert((field, text.clone())) {
            clauses.push((Term::from_field_text(field, &text), boost));
        }
    };
    let exact = analyze(q, Mode::Exact);
    let folded = analyze(q, Mode::Folded);
    // A few keywords are answered from the text alone: the title and heading fields help
    // sentence-long questions find their law and article, and cost a scorer per word.
    let keywords = folded.len() <= 6 && number_terms(q).is_empty();
    let side = |w: f32| if keywords { 0.0 } else { w };
    let content_words = exact
        .iter()
        .filter(|t| !stop_exact.contains(&t.text))
        .count();
    // Keywords are scored in the form they were typed: a word with marks on its exact form, a
    // word without on its folded form (typed without marks, it may stand for any marked word).
    // Scoring both forms of every word doubles the work for little gain on a few words.
    let marked: Vec<bool> = exact
        .iter()
        .map(|t| q.get(t.from..t.to).is_some_and(|w| !w.is_ascii()))
        .collect();
    let use_exact = |i: usize| !keywords || marked.get(i).copied().unwrap_or(false);
    let use_folded = |i: usize| !keywords || !marked.get(i).copied().unwrap_or(false);
    for (i, t) in exact.iter().enumerate() {
        if use_exact(i) && (content_words == 0 || !stop_exact.contains(&t.text)) {
            add(f.body[0], t.text.clone(), W.body_exact, &mut clauses);
            add(
                f.heading_idx[0],
                t.text.clone(),
                side(W.heading_exact),
                &mut clauses,
            );
            add(
                f.title_idx[0],
                t.text.clone(),
                side(W.title_exact),
                &mut clauses,
            );
        }
    }
    for (i, t) in folded.iter().enumerate() {
        if use_folded(i) && (content_words == 0 || !stop_fold.contains(&t.text)) {
            add(f.body[1], t.text.clone(), W.body_folded, &mut clauses);
            add(
                f.heading_idx[1],
                t.text.clone(),
                W.heading_folded,
                &mut clauses,
            );
            add(f.title_idx[1], t.text.clone(), W.title_folded, &mut clauses);
        }
    }
    for (i, t) in analyze(q, Mode::ExactPairs).into_iter().enumerate() {
        if use_exact(i) && use_exact(i + 1) {
            add(
                f.heading_idx[2],
                t.text.clone(),
                side(W.heading_pairs),
                &mut clauses,
            );
            add(f.body[2], t.text, W.pairs_exact, &mut clauses);
        }
    }
    for (i, t) in analyze(q, Mode::FoldedPairs).into_iter().enumerate() {
        if !keywords || use_folded(i) || use_folded(i + 1) {
            add(f.body[3], t.text, W.pairs_folded, &mut clauses);
        }
    }
    // "Điều 22" in a question names the article.
    for key in article_refs(q) {
        clauses.push((Term::from_field_text(f.article_key, &key), W.article_named));
    }
    // A question asking what a term means is answered by the article defining terms.
    let folded_q = crate::domain::text::fold(&q.to_lowercase());
    if ["dinh nghia", "duoc hieu", "giai thich"]
        .iter()
        .any(|w| folded_q.contains(w))
    {
        for w in ["giải_thích", "thích_từ", "từ_ngữ", "khái_niệm"] {
            add(f.heading_idx[2], w.to_string(), W.definitions, &mut clauses);
        }
    }
    for n in number_terms(q) {
        clauses.push((Term::from_field_text(f.number_key, &n), W.number));
    }
    clauses
}

fn filters(f: &Fields, p: &Params) -> Vec<(Occur, Box<dyn Query>)> {
    let mut v: Vec<(Occur, Box<dyn Query>)> = vec![(
        Occur::Must,
        Box::new(TermQuery::new(
            Term::from_field_text(f.kind, p.scope.kind()),
            IndexRecordOption::Basic,
        )),
    )];
    if let Some(t) = &p.doc_type {
        v.push((
            Occur::Must,
            Box::new(TermQuery::new(
                Term::from_field_text(f.doc_type, t),
                IndexRecordOption::Basic,
            )),
        ));
    }
    if let Some(field) = &p.field {
        let term = crate::domain::text::fold(&field.trim().to_lowercase());
        v.push((
            Occur::Must,
            Box::new(TermQuery::new(
                Term::from_field_text(f.fields, &term),
                IndexRecordOption::Basic,
            )),
        ));
    }
    if let Some(s) = &p.status {
        v.push((
            Occur::Must,
            Box::new(TermQuery::new(
                Term::from_field_text(f.status, s),
                IndexRecordOption::Basic,
            )),
        ));
    }
    if let Some(ids) = &p.authority_ids {
        let any: Vec<(Occur, Box<dyn Query>)> = ids
            .iter()
            .map(|id| {
                let q: Box<dyn Query> = Box::new(TermQuery::new(
                    Term::from_field_u64(f.authority_id, u64::try_from(*id).unwrap_or_default()),
                    IndexRecordOption::Basic,
                ));
                (Occur::Should, q)
            })
            .collect();
        v.push((Occur::Must, Box::new(BooleanQuery::new(any))));
    }
    if p.year_from.is_some() || p.year_to.is_some() {
        let lo = Term::from_field_u64(f.year, p.year_from.unwrap_or(0));
        let hi = Term::from_field_u64(f.year, p.year_to.unwrap_or(u64::MAX));
        v.push((
            Occur::Must,
            Box::new(RangeQuery::new(
                std::ops::Bound::Included(lo),
                std::ops::Bound::Included(hi),
            )),
        ));
    }
    v
}

fn text_of(doc: &TantivyDocument, field: tantivy::schema::Field) -> String {
    doc.get_first(field)
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_string()
}

/// Matches are counted exactly up to this many; beyond it the total is a lower bound ("more
/// than 10,000"), as in the search engines readers know, and the facets count those matches.
pub const TOTAL_CAP: usize = 10_000;

/// Snippets are cut from the first this-many bytes of a unit's text (a whole document can be
/// long; its beginning is what a reader scans first).
const SNIPPET_SOURCE_BYTES: usize = 6_000;

pub fn search(searcher: &Searcher, f: &Fields, p: &Params) -> tantivy::Result<Results> {
    let terms = text_terms(f, &p.q);
    let text = terms_query(&terms);
    if let Some(strict) = keyword_filter(searcher, f, &p.q) {
        let r = execute(searcher, f, p, &terms, &text, Some(strict))?;
        // Nothing has every word: fall back to the best partial matches.
        if r.total > 0 {
            return Ok(r);
        }
    }
    execute(searcher, f, p, &terms, &text, None)
}

/// A score and a document, ordered by score (then by the earlier document).
#[derive(Clone, Copy, PartialEq)]
struct Scored(f32, DocAddress);

impl Eq for Scored {}

impl PartialOrd for Scored {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Scored {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0
            .total_cmp(&other.0)
            .then_with(|| other.1.cmp(&self.1))
    }
}

/// The best `k` scored documents seen so far.
struct TopK {
    k: usize,
    heap: std::collections::BinaryHeap<std::cmp::Reverse<Scored>>,
}

impl TopK {
    fn new(k: usize) -> TopK {
        TopK {
            k,
            heap: std::collections::BinaryHeap::with_capacity(k + 1),
        }
    }

    /// The score a document must beat to enter.
    fn threshold(&self) -> f32 {
        if self.heap.len() < self.k {
            f32::MIN
        } else {
            self.heap.peek().map_or(f32::MIN, |r| r.0 .0)
        }
    }

    fn push(&mut self, s: Scored) {
        if self.k == 0 {
            return;
        }
        if self.heap.len() < self.k {
            self.heap.push(std::cmp::Reverse(s));
        } else if self.heap.peek().is_some_and(|min| s > min.0) {
            self.heap.pop();
            self.heap.push(std::cmp::Reverse(s));
        }
    }

    fn into_sorted(self) -> Vec<Scored> {
        let mut v: Vec<Scored> = self.heap.into_iter().map(|r| r.0).collect();
        v.sort_by(|a, b| b.cmp(a));
        v
    }
}

/// What one segment contributes: matches counted (up to the cap), facet counts by path, and
/// its best documents when ranking by relevance.
struct SegmentFruit {
    counted: usize,
    capped: bool,
    facets: Vec<(Facet, u64)>,
    top: Vec<Scored>,
}

fn execute(
    searcher: &Searcher,
    f: &Fields,
    p: &Params,
    terms: &[(Term, f32)],
    text: &Option<Box<dyn Query>>,
    strict: Option<Vec<String>>,
) -> tantivy::Result<Results> {
    // What a hit must satisfy besides the words: the filters and, for keywords, every word.
    let no_scores = EnableScoring::disabled_from_searcher(searcher);
    let filter_weight = BooleanQuery::new(filters(f, p)).weight(no_scores)?;
    // The scope's kind is the first filter; with the words' bitset it is a bitset too, and
    // only the other filters (if any) are sought.
    let scope_kind = Term::from_field_text(f.kind, p.scope.kind());
    let other_filters: Vec<(Occur, Box<dyn Query>)> = filters(f, p).into_iter().skip(1).collect();
    let other_weight = if other_filters.is_empty() {
        None
    } else {
        Some(BooleanQuery::new(other_filters).weight(no_scores)?)
    };
    let mut constraint = filters(f, p);
    let every_word = strict.is_some();
    let words = strict.unwrap_or_default();
    for w in &words {
        constraint.push((Occur::Must, word_query(f, w)));
    }
    // What counts as a match: the constraint and at least one term of the text (one flat
    // conjunction).
    let mut matching: Vec<(Occur, Box<dyn Query>)> = constraint
        .iter()
        .map(|(o, q)| (*o, q.box_clone()))
        .collect();
    matching.push((
        Occur::Must,
        match text {
            Some(t) => t.box_clone(),
            None => Box::new(AllQuery),
        },
    ));
    let matching = BooleanQuery::new(matching);
    let match_weight = matching.weight(no_scores)?;
    let relevance = text.is_some() && p.sort == Sort::Relevance;
    let text_weight = match (text, relevance) {
        (Some(t), true) => Some(t.weight(EnableScoring::enabled_from_searcher(searcher))?),
        _ => None,
    };
    // The same terms scored one at a time, for the documents having every word.
    let term_weights = if every_word {
        terms
            .iter()
            .map(|(t, boost)| super::conjunctive::TermWeight::new(searcher, t, *boost))
            .collect::<tantivy::Result<Vec<_>>>()?
    } else {
        Vec::new()
    };
    let k = p.offset + p.limit.max(1);
    let budget = std::sync::atomic::AtomicUsize::new(0);
    let readers: Vec<(u32, &SegmentReader)> = searcher
        .segment_readers()
        .iter()
        .enumerate()
        .map(|(i, r)| (u32::try_from(i).unwrap_or(u32::MAX), r))
        .collect();
    let segment = |(ord, reader): (u32, &SegmentReader)| -> tantivy::Result<SegmentFruit> {
        let alive = |doc: DocId| reader.alive_bitset().is_none_or(|a| a.is_alive(doc));
        // Matches are counted (and faceted) as they are found.
        let facet_reader = if p.facets {
            Some(reader.facet_reader("facets")?)
        } else {
            None
        };
        let mut ords = vec![0u64; facet_reader.as_ref().map_or(0, |r| r.num_facets())];
        let mut counted = 0usize;
        let mut capped = false;
        let mut count = |doc: DocId, ords: &mut Vec<u64>| {
            counted += 1;
            if let Some(fr) = &facet_reader {
                for o in fr.facet_ords(doc) {
                    if let Some(c) = usize::try_from(o).ok().and_then(|o| ords.get_mut(o)) {
                        *c += 1;
                    }
                }
            }
        };
        let mut top = TopK::new(k);
        let address = |doc: DocId| DocAddress {
            segment_ord: ord,
            doc_id: doc,
        };
        // The constraint as one conjunction: the filters and the documents having every word
        // in the text or the title, either as a bitset (common words) or, for each word, its
        // postings in the text and the title merged as they go (tantivy's union of the two
        // would fill a window of 4,096 documents from both lists at every step).
        let mut allowed = {
            let fields = [f.body[1], f.title_idx[1]];
            let mut parts: Vec<Box<dyn Scorer>> = Vec::new();
            match super::conjunctive::EveryWord::open(reader, &fields, &words, &scope_kind, false)?
            {
                Some(every) => {
                    parts.push(Box::new(every));
                    if let Some(w) = &other_weight {
                        parts.push(w.scorer(reader, 1.0)?);
                    }
                }
                None => {
                    parts.push(filter_weight.scorer(reader, 1.0)?);
                    for w in &words {
                        parts.push(Box::new(super::conjunctive::EitherField::open(
                            reader, &fields, w,
                        )?) as Box<dyn Scorer>);
                    }
                }
            }
            intersect_scorers(parts)
        };
        // When every word is required, the documents having them all lead: each is counted
        // exactly and scored. Block-max WAND over the words instead is measured ten times
        // slower on phrases of common words whose union is far larger than the documents
        // having them all, but faster when nearly every document has them all (two very
        // common words): there it runs and the count stops at the cap. (With the bitset the
        // size is exact; otherwise it is the rarest word's.)
        let lead = every_word
            && (text_weight.is_none()
                || u64::from(allowed.size_hint()) * 3 < u64::from(reader.max_doc()));
        if lead {
            use super::conjunctive::{Evaluation, SegmentTerms};
            let mut scorer = match &text_weight {
                Some(_) => Some(SegmentTerms::open(reader, &term_weights)?),
                None => None,
            };
            let mut doc = allowed.doc();
            while doc != TERMINATED {
                if alive(doc) {
                    match &mut scorer {
                        Some(s) => match s.evaluate(doc, top.threshold()) {
                            Evaluation::NoMatch => {}
                            Evaluation::Below => count(doc, &mut ords),
                            Evaluation::Scored(score) => {
                                count(doc, &mut ords);
                                top.push(Scored(score, address(doc)));
                            }
                        },
                        None => count(doc, &mut ords),
                    }
                }
                doc = allowed.advance();
            }
        } else {
            // Count (and facet) the matches without scoring them, up to the cap.
            let mut matches = match_weight.scorer(reader, 1.0)?;
            let mut doc = matches.doc();
            const CHUNK: usize = 256;
            let mut n = 0usize;
            while doc != TERMINATED {
                if alive(doc) {
                    count(doc, &mut ords);
                    n += 1;
                    if n.is_multiple_of(CHUNK)
                        && budget.fetch_add(CHUNK, std::sync::atomic::Ordering::Relaxed) + CHUNK
                            >= TOTAL_CAP
                    {
                        capped = true;
                        break;
                    }
                }
                doc = matches.advance();
            }
            // What did not fill a chunk counts too (many small segments add up).
            budget.fetch_add(n % CHUNK, std::sync::atomic::Ordering::Relaxed);
            // The best documents: block-max WAND over the text's terms, keeping those that
            // meet the constraint (visited in increasing order, so one forward pass).
            if let Some(w) = &text_weight {
                w.for_each_pruning(f32::MIN, reader, &mut |doc, score| {
                    if alive(doc) {
                        if allowed.doc() < doc {
                            allowed.seek(doc);
                        }
                        if allowed.doc() == doc {
                            top.push(Scored(score, address(doc)));
                        }
                    }
                    top.threshold()
                })?;
            }
        }
        let mut facets = Vec::new();
        if let Some(fr) = &facet_reader {
            // The names of the facets seen, read in one ordered pass over the dictionary.
            let seen: Vec<(u64, u64)> = ords
                .iter()
                .enumerate()
                .filter(|(_, &n)| n > 0)
                .map(|(o, &n)| (o as u64, n))
                .collect();
            let mut counts = seen.iter().map(|(_, n)| *n);
            fr.facet_dict()
                .sorted_ords_to_term_cb(seen.iter().map(|(o, _)| *o), |bytes| {
                    let facet =
                        Facet::from_encoded(bytes.to_vec()).unwrap_or_else(|_| Facet::root());
                    facets.push((facet, counts.next().unwrap_or(0)));
                    Ok(())
                })?;
        }
        Ok(SegmentFruit {
            counted,
            capped,
            facets,
            top: top.into_sorted(),
        })
    };
    let fruits = searcher
        .index()
        .search_executor()
        .map(segment, readers.into_iter())?;
    let mut total = 0;
    let mut total_exact = true;
    let mut facet_map: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
    let mut best = TopK::new(k);
    for fruit in fruits {
        total += fruit.counted;
        total_exact &= !fruit.capped;
        for (facet, n) in fruit.facets {
            let path = facet.to_path();
            if let [root, value] = path.as_slice() {
                *facet_map
                    .entry(root.to_string())
                    .or_default()
                    .entry(value.to_string())
                    .or_default() += n;
            }
        }
        for s in fruit.top {
            best.push(s);
        }
    }
    let addresses: Vec<(f32, DocAddress)> = if relevance {
        best.into_sorted()
            .into_iter()
            .skip(p.offset)
            .map(|s| (s.0, s.1))
            .collect()
    } else {
        let top = TopDocs::with_limit(p.limit.max(1))
            .and_offset(p.offset)
            .order_by_fast_field::<i64>("issued_on", Order::Desc);
        searcher
            .search(&matching, &top)?
            .into_iter()
            .map(|(_, a)| (0.0, a))
            .collect()
    };
    let snippet_gen = match (text, p.snippets) {
        (Some(_), true) => {
            // Every word is marked in the folded text, whichever form scored it.
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
            Some(g)
        }
        _ => None,
    };
    let mut hits = Vec::with_capacity(addresses.len());
    for (score, addr) in addresses {
        let doc: TantivyDocument = searcher.doc(addr)?;
        let body = text_of(&doc, f.text);
        let snippet = match &snippet_gen {
            Some(g) => {
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
            None => String::new(),
        };
        let key = text_of(&doc, f.article_key);
        let days = doc
            .get_first(f.issued_on)
            .and_then(|v| v.as_i64())
            .unwrap_or_default();
        let issued_on =
            chrono::NaiveDate::from_num_days_from_ce_opt(i32::try_from(days).unwrap_or_default())
                .map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_default();
        hits.push(Hit {
            kind: text_of(&doc, f.kind),
            document_id: doc
                .get_first(f.doc_id)
                .and_then(|v| v.as_u64())
                .and_then(|v| i64::try_from(v).ok())
                .unwrap_or_default(),
            number: text_of(&doc, f.number),
            title: text_of(&doc, f.title),
            authority: text_of(&doc, f.authority),
            doc_type: text_of(&doc, f.doc_type),
            status: text_of(&doc, f.status),
            issued_on,
            article: (!key.is_empty()).then(|| ArticleHit {
                key,
                number: text_of(&doc, f.article_label),
                heading: text_of(&doc, f.heading),
            }),
            score,
            snippet,
        });
    }
    let mut facets = BTreeMap::new();
    if p.facets {
        for root in ["type", "status", "authority", "year"] {
            let mut v: Vec<FacetCount> = facet_map
                .remove(root)
                .unwrap_or_default()
                .into_iter()
                .map(|(value, count)| FacetCount { value, count })
                .collect();
            v.sort_by(|a, b| b.count.cmp(&a.count).then(a.value.cmp(&b.value)));
            facets.insert(root.to_string(), v);
        }
    }
    Ok(Results {
        total,
        total_exact,
        hits,
        facets,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_any_shape() {
        assert_eq!(number_terms("15/2018/NQ-HĐND"), ["15/2018/NQ-HDND"]);
        assert_eq!(number_terms("15/2018/nq-hdnd"), ["15/2018/NQ-HDND"]);
        assert_eq!(number_terms("NQ 15/2018"), ["15/2018/NQ", "15/2018"]);
        assert_eq!(number_terms("NQ 15 2018"), ["15/2018/NQ"]);
        assert_eq!(number_terms("nghị quyết 15/2018 về thủy sản"), ["15/2018"]);
        assert!(number_terms("quyền dân sự").is_empty());
    }
}

#[cfg(test)]
mod browse_tests {
    use super::*;
    use tantivy::query::ConstScoreQuery;

    const WORDS: &[&str] = &[
        "thủy", "sản", "nuôi", "trồng", "hỗ", "trợ", "chi", "phí", "giống", "rừng", "bảo", "vệ",
        "đất", "đai", "hành", "chính", "thủ", "tục",
    ];
    const TYPES: &[&str] = &["Nghị quyết", "Quyết định", "Chỉ thị"];
    const STATUSES: &[&str] = &["con-hieu-luc", "het-hieu-luc", "chua-co-hieu-luc"];

    /// An index of `n` small units with words, types, statuses and years drawn from `seed`.
    fn corpus(n: usize, seed: u64) -> (tantivy::Index, Fields) {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        let (index, f) = crate::search::index::in_memory();
        let mut w = index.writer_with_num_threads(1, 30_000_000).unwrap();
        // Segments stay as committed: the test needs several.
        w.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
        for id in 0..n {
            let len = rng.gen_range(3..30);
            let text: Vec<&str> = (0..len)
                .map(|_| WORDS[rng.gen_range(0..WORDS.len())])
                .collect();
            let text = text.join(" ");
            let unit = crate::search::index::Unit {
                kind: if rng.gen_bool(0.3) {
                    "document"
                } else {
                    "article"
                },
                doc_id: i64::try_from(id).unwrap(),
                article: None,
                number: "1/2020/QĐ-UBND",
                number_keys: &[],
                title: "Quy định",
                text: &text,
                doc_type: TYPES[rng.gen_range(0..TYPES.len())],
                fields: &[],
                status: STATUSES[rng.gen_range(0..STATUSES.len())],
                authority_id: rng.gen_range(1..4),
                authority: "UBND",
                issued_on: chrono::NaiveDate::from_ymd_opt(rng.gen_range(2015..2025), 1, 1)
                    .unwrap(),
            };
            w.add_document(crate::search::index::to_document(&f, &unit))
                .unwrap();
            // Several segments, as in a real index.
            if id % 97 == 96 {
                w.commit().unwrap();
            }
        }
        w.commit().unwrap();
        (index, f)
    }

    /// The same search done the plain way: tantivy's own top documents and count over
    /// the whole query, and facets counted one document at a time.
    /// Count, (score, document) hits in order, and facet counts.
    type Reference = (usize, Vec<(f32, u64)>, Vec<(String, u64)>);

    fn reference(searcher: &Searcher, f: &Fields, p: &Params) -> Reference {
        use tantivy::collector::{Count, DocSetCollector};
        let text = text_query(f, &p.q);
        let strict = keyword_filter(searcher, f, &p.q);
        let run = |strict: Option<Vec<String>>| {
            let mut c = filters(f, p);
            if let Some(s) = strict {
                let every: Vec<(Occur, Box<dyn Query>)> =
                    s.iter().map(|w| (Occur::Must, word_query(f, w))).collect();
                c.push((
                    Occur::Must,
                    Box::new(ConstScoreQuery::new(
                        Box::new(BooleanQuery::new(every)),
                        0.0,
                    )),
                ));
            }
            c.push((Occur::Must, text.as_ref().unwrap().box_clone()));
            let q = BooleanQuery::new(c);
            let (top, count, all) = searcher
                .search(&q, &(TopDocs::with_limit(p.limit), Count, DocSetCollector))
                .unwrap();
            (q, top, count, all)
        };
        let (mut _q, mut top, mut count, mut all) = run(strict);
        if count == 0 {
            (_q, top, count, all) = run(None);
        }
        let ids = top
            .iter()
            .map(|(score, a)| {
                let d: TantivyDocument = searcher.doc(*a).unwrap();
                (
                    *score,
                    d.get_first(f.doc_id).and_then(|v| v.as_u64()).unwrap(),
                )
            })
            .collect();
        let mut facets = BTreeMap::<String, u64>::new();
        for a in all {
            let d: TantivyDocument = searcher.doc(a).unwrap();
            *facets
                .entry(format!("type/{}", text_of(&d, f.doc_type)))
                .or_default() += 1;
            *facets
                .entry(format!("status/{}", text_of(&d, f.status)))
                .or_default() += 1;
        }
        (count, ids, facets.into_iter().collect())
    }

    /// Hits as groups of equal score in rank order (documents within a group in any order; the
    /// last group may be cut by the page, so only its size counts). The plain search adds the
    /// filters' constant scores, so groups are found from score differences.
    fn tie_groups(hits: &[(f32, u64)]) -> Vec<Vec<u64>> {
        let mut groups: Vec<Vec<u64>> = Vec::new();
        let mut last: Option<f32> = None;
        for (score, id) in hits {
            match (last, groups.last_mut()) {
                (Some(l), Some(g)) if (l - score).abs() <= 1e-4 * l.abs().max(1.0) => g.push(*id),
                _ => groups.push(vec![*id]),
            }
            last = Some(*score);
        }
        for g in groups.iter_mut() {
            g.sort_unstable();
        }
        if let Some(g) = groups.last_mut() {
            *g = vec![g.len() as u64];
        }
        groups
    }

    #[test]
    fn every_word_bitset_has_the_documents_of_the_leapfrog_intersection() {
        use super::super::conjunctive::{EitherField, EveryWord};
        let (index, f) = corpus(1500, 7);
        let searcher = index.reader().unwrap().searcher();
        let fields = [f.body[1], f.title_idx[1]];
        let mut nonempty = 0;
        for words in [
            vec!["thuy", "san"],
            vec!["ho", "tro", "chi", "phi"],
            vec!["rung"],
            vec!["bao", "ve", "rung", "dat"],
            vec!["rung", "khongcochu"],
        ] {
            let words: Vec<String> = words.into_iter().map(String::from).collect();
            for (reader, kind) in searcher
                .segment_readers()
                .iter()
                .flat_map(|r| [(r, "document"), (r, "article")])
            {
                let within = Term::from_field_text(f.kind, kind);
                let mut parts: Vec<Box<dyn Scorer>> = words
                    .iter()
                    .map(|w| {
                        Box::new(EitherField::open(reader, &fields, w).unwrap()) as Box<dyn Scorer>
                    })
                    .collect();
                parts.push(
                    TermQuery::new(within.clone(), IndexRecordOption::Basic)
                        .weight(EnableScoring::disabled_from_searcher(&searcher))
                        .unwrap()
                        .scorer(reader, 1.0)
                        .unwrap(),
                );
                let mut leapfrog = intersect_scorers(parts);
                let mut expected = Vec::new();
                while leapfrog.doc() != TERMINATED {
                    expected.push(leapfrog.doc());
                    leapfrog.advance();
                }
                let mut bits = EveryWord::open(reader, &fields, &words, &within, true)
                    .unwrap()
                    .unwrap();
                assert_eq!(bits.size_hint() as usize, expected.len(), "{words:?}");
                let mut got = Vec::new();
                while bits.doc() != TERMINATED {
                    got.push(bits.doc());
                    bits.advance();
                }
                assert_eq!(got, expected, "{words:?}");
                nonempty += usize::from(!got.is_empty());
                // Seeking lands on the first document at or after the target.
                let mut bits = EveryWord::open(reader, &fields, &words, &within, true)
                    .unwrap()
                    .unwrap();
                for target in (0..reader.max_doc() + 70).step_by(37) {
                    let want = expected
                        .iter()
                        .copied()
                        .find(|&d| d >= target.max(bits.doc()))
                        .unwrap_or(TERMINATED);
                    assert_eq!(bits.seek(target), want, "{words:?} seek {target}");
                }
            }
        }
        assert!(nonempty > 5, "the words must be found: {nonempty}");
    }

    #[test]
    fn same_hits_counts_and_facets_as_the_plain_search() {
        let (index, f) = corpus(1500, 7);
        let searcher = index.reader().unwrap().searcher();
        assert!(searcher.segment_readers().len() > 3);
        let queries = [
            "thủy sản",
            "thuy san",
            "hỗ trợ chi phí giống",
            "bảo vệ rừng đất đai hành chính",
            "thủ tục hành chính hỗ trợ nuôi trồng thủy sản ở đâu",
            "rung",
            "giống",
        ];
        for q in queries {
            for scope in [Scope::Documents, Scope::Articles] {
                for status in [None, Some("con-hieu-luc")] {
                    let mut p = Params::new(q, scope);
                    p.limit = 15;
                    p.facets = true;
                    p.status = status.map(str::to_string);
                    let r = search(&searcher, &f, &p).unwrap();
                    let (count, ids, facets) = reference(&searcher, &f, &p);
                    assert!(r.total_exact, "{q}: {} matches is under the cap", r.total);
                    assert_eq!(r.total, count, "{q} {scope:?} {status:?}: count");
                    let got: Vec<(f32, u64)> = r
                        .hits
                        .iter()
                        .map(|h| (h.score, h.document_id as u64))
                        .collect();
                    assert_eq!(
                        tie_groups(&got),
                        tie_groups(&ids),
                        "{q} {scope:?} {status:?}: hits in order"
                    );
                    let mut mine: Vec<(String, u64)> = Vec::new();
                    for root in ["type", "status"] {
                        for c in &r.facets[root] {
                            mine.push((format!("{root}/{}", c.value), c.count));
                        }
                    }
                    mine.sort();
                    assert_eq!(mine, facets, "{q} {scope:?} {status:?}: facets");
                }
            }
        }
    }

    #[test]
    fn counts_stop_at_the_cap_and_say_so() {
        // Every unit has every word: the count stops at the cap and is a lower bound.
        let (index, f) = crate::search::index::in_memory();
        // One segment (one thread, one commit), so where the count stops is deterministic.
        let mut w = index.writer_with_num_threads(1, 50_000_000).unwrap();
        for id in 0..(TOTAL_CAP + 2_000) {
            let unit = crate::search::index::Unit {
                kind: "article",
                doc_id: i64::try_from(id).unwrap(),
                article: None,
                number: "1/2020/QĐ-UBND",
                number_keys: &[],
                title: "Quy định",
                text: if id % 2 == 0 {
                    "thủy sản nuôi trồng"
                } else {
                    "nuôi trồng thủy sản ven biển"
                },
                doc_type: "Quyết định",
                fields: &[],
                status: "con-hieu-luc",
                authority_id: 1,
                authority: "UBND",
                issued_on: chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap(),
            };
            w.add_document(crate::search::index::to_document(&f, &unit))
                .unwrap();
        }
        w.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        for q in ["thủy sản", "nuôi trồng thủy sản ven biển ở các xã ven sông"] {
            let mut p = Params::new(q, Scope::Articles);
            p.facets = true;
            let r = search(&searcher, &f, &p).unwrap();
            assert!(!r.total_exact, "{q}");
            assert!(
                r.total >= TOTAL_CAP && r.total < TOTAL_CAP + 2_000,
                "{q}: {}",
                r.total
            );
            assert_eq!(r.hits.len(), 10);
            let faceted: u64 = r.facets["type"].iter().map(|c| c.count).sum();
            assert_eq!(faceted as usize, r.total, "facets count what was counted");
        }
        // A filter that leaves few: exact again.
        let mut p = Params::new("thủy sản", Scope::Documents);
        p.facets = true;
        let r = search(&searcher, &f, &p).unwrap();
        assert!(r.total_exact);
        assert_eq!(r.total, 0);
    }

    #[test]
    fn browse_mode_sorts_by_date() {
        let (index, f) = crate::search::index::in_memory();
        let mut w = index.writer(15_000_000).unwrap();
        for (id, day) in [(1, "2020-01-01"), (2, "2022-01-01")] {
            let unit = crate::search::index::Unit {
                kind: "document",
                doc_id: id,
                article: None,
                number: "1/2020/QĐ-UBND",
                number_keys: &[],
                title: "Quy định",
                text: "Điều 1. A",
                doc_type: "Quyết định",
                fields: &[],
                status: "con-hieu-luc",
                authority_id: 1,
                authority: "UBND",
                issued_on: chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap(),
            };
            w.add_document(crate::search::index::to_document(&f, &unit))
                .unwrap();
        }
        w.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let mut p = Params::new("", Scope::Documents);
        p.facets = true;
        let r = search(&searcher, &f, &p).unwrap();
        assert_eq!(
            r.hits.iter().map(|h| h.document_id).collect::<Vec<_>>(),
            [2, 1]
        );
    }
}
