//! From a reader's words to tantivy terms and queries: number and article references, the
//! words every hit must have (keywords), the weighted terms that rank, and the filters.

use std::collections::HashSet;
use std::sync::OnceLock;

use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, RangeQuery, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{Searcher, Term};

use super::super::analyzer::{analyze, canonical_syllable, folded_syllable, Mode, STOP_WORDS};
use super::super::index::Fields;
use super::{families, Params};
use crate::domain::number::TypedNumber;
use crate::domain::text::fold_upper;

pub(super) fn stop_sets() -> &'static (HashSet<String>, HashSet<String>) {
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
    if let Some(n) = TypedNumber::parse(q) {
        out.push(n.key().to_string());
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
    let mut push = |typed: &str| {
        if let Some(n) = TypedNumber::parse(typed) {
            out.push(n.key().to_string());
        }
    };
    for (i, w) in words.iter().enumerate() {
        if w.contains('/') {
            let parts: Vec<&str> = w.split('/').collect();
            if parts.len() == 2 && digits(parts[0]) && year(parts[1]) {
                if let Some(sym) = symbol_before(i) {
                    push(&format!("{w}/{sym}"));
                }
            }
            push(w);
        } else if digits(w) && words.get(i + 1).is_some_and(|y| year(y)) {
            if let Some(sym) = symbol_before(i) {
                push(&format!("{w}/{}/{sym}", words[i + 1]));
            }
        }
    }
    // A procedure code as typed (`1001193` for 1.001193) is the procedure's number key.
    out.extend(
        crate::domain::procedure::ProcedureCode::typed_in(q)
            .into_iter()
            .map(|c| c.as_str().to_string()),
    );
    let mut seen = std::collections::HashSet::new();
    out.retain(|k| seen.insert(k.clone()));
    out
}

/// Whether any document of the index carries this number key (a [`TypedNumber::key`]).
pub fn document_number_known(searcher: &Searcher, f: &Fields, key: &str) -> bool {
    use tantivy::query::Query as _;
    let q = BooleanQuery::new(vec![
        (
            Occur::Must,
            Box::new(TermQuery::new(
                Term::from_field_text(f.number_key, key),
                IndexRecordOption::Basic,
            )) as Box<dyn Query>,
        ),
        (
            Occur::Must,
            Box::new(TermQuery::new(
                Term::from_field_text(f.kind, "document"),
                IndexRecordOption::Basic,
            )),
        ),
    ]);
    q.count(searcher).is_ok_and(|n| n > 0)
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

/// The scoring knobs of a query: the weights of its parts and the signals that may be on or off
/// (a weight of 0 is off). [`Knobs::PRODUCTION`] is what the service uses; `vanban-bench
/// eval-search --folds` varies them without rebuilding the index and chooses among them by
/// cross-validation on the ALQAC development questions (BENCHMARKS.md).
///
/// Exact syllables count most, folded ones a little less (they also match words that differ
/// only by marks), syllable pairs carry the phrase evidence.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Knobs {
    pub body_exact: f32,
    pub title_exact: f32,
    pub body_folded: f32,
    /// An amended provision's earlier wordings: found, ranked below the words in force.
    pub earlier_folded: f32,
    pub title_folded: f32,
    pub pairs_exact: f32,
    pub pairs_folded: f32,
    pub heading_exact: f32,
    pub heading_folded: f32,
    pub heading_pairs: f32,
    pub article_named: f32,
    pub definitions: f32,
    pub number: f32,
    /// Order-free proximity: the query's adjacent syllables also sought in the other order
    /// (`b_a`), as a share of the folded pair weight.
    pub reversed_pairs: f32,
    /// Proximity within a window of three: the query's syllables one apart (`a_c` of `a b c`)
    /// sought as a pair of the text, as a share of the folded pair weight.
    pub skip_pairs: f32,
    /// A legal abbreviation and its long form as one term family (UBND ⇄ ủy ban nhân dân):
    /// the other form's terms, as a share of the weights of the words typed.
    pub abbreviations: f32,
    /// Numbers in words and in digits (mười tám ⇄ 18): the other form's terms, as a share.
    pub number_words: f32,
    /// Common phrases learnt from the corpus: a term (syllable or pair) found in more than
    /// this share of the units in scope is down-weighted (1.0: never).
    pub common_share: f32,
    /// What a common term's weight is multiplied by.
    pub common_factor: f32,
    /// Length normalisation per field: BM25's `b` for the article's text, its heading and the
    /// document's title (tantivy's is 0.75 for every field; see [`FieldNorms`]).
    pub b_text: f32,
    pub b_heading: f32,
    pub b_title: f32,
}

impl Knobs {
    /// The knobs the service searches with.
    pub const PRODUCTION: Knobs = Knobs {
        body_exact: 1.0,
        title_exact: 0.3,
        body_folded: 0.7,
        earlier_folded: 0.3,
        title_folded: 0.0,
        pairs_exact: 1.5,
        pairs_folded: 1.0,
        heading_exact: 0.5,
        heading_folded: 0.0,
        heading_pairs: 0.5,
        article_named: 5.0,
        definitions: 3.0,
        number: 40.0,
        reversed_pairs: 0.0,
        skip_pairs: 0.3,
        abbreviations: 0.0,
        number_words: 0.0,
        common_share: 1.0,
        common_factor: 1.0,
        b_text: 0.75,
        b_heading: 0.75,
        b_title: 0.75,
    };
}

impl Default for Knobs {
    fn default() -> Knobs {
        Knobs::PRODUCTION
    }
}

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
pub(super) fn word_query(f: &Fields, word: &str) -> Box<dyn Query> {
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
    terms_query(&text_terms(f, q, &Knobs::PRODUCTION))
}

/// The sum of the (boosted) BM25 scores of these terms; `None` without terms.
pub(super) fn terms_query(terms: &[(Term, f32)]) -> Option<Box<dyn Query>> {
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
pub(super) fn text_terms(f: &Fields, q: &str, w: &Knobs) -> Vec<(Term, f32)> {
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
            add(f.body[0], t.text.clone(), w.body_exact, &mut clauses);
            add(
                f.heading_idx[0],
                t.text.clone(),
                side(w.heading_exact),
                &mut clauses,
            );
            add(
                f.title_idx[0],
                t.text.clone(),
                side(w.title_exact),
                &mut clauses,
            );
        }
    }
    for (i, t) in folded.iter().enumerate() {
        if use_folded(i) && (content_words == 0 || !stop_fold.contains(&t.text)) {
            add(f.body[1], t.text.clone(), w.body_folded, &mut clauses);
            add(
                f.heading_idx[1],
                t.text.clone(),
                w.heading_folded,
                &mut clauses,
            );
            add(f.title_idx[1], t.text.clone(), w.title_folded, &mut clauses);
        }
    }
    // Every content word is sought in the earlier wordings, however typed: the one way in to
    // an article whose words in force no longer have it.
    for t in &folded {
        if content_words == 0 || !stop_fold.contains(&t.text) {
            add(f.earlier, t.text.clone(), w.earlier_folded, &mut clauses);
        }
    }
    for (i, t) in analyze(q, Mode::ExactPairs).into_iter().enumerate() {
        if use_exact(i) && use_exact(i + 1) {
            add(
                f.heading_idx[2],
                t.text.clone(),
                side(w.heading_pairs),
                &mut clauses,
            );
            add(f.body[2], t.text, w.pairs_exact, &mut clauses);
        }
    }
    for (i, t) in analyze(q, Mode::FoldedPairs).into_iter().enumerate() {
        if !keywords || use_folded(i) || use_folded(i + 1) {
            add(f.body[3], t.text, w.pairs_folded, &mut clauses);
        }
    }
    // Sentence-long questions only (a few keywords are required words already).
    let words: Vec<String> = folded.iter().map(|t| t.text.clone()).collect();
    for (field, text, boost) in proximity_and_families(f, q, &words, w, keywords) {
        add(field, text, boost, &mut clauses);
    }
    // "Điều 22" in a question names the article.
    for key in article_refs(q) {
        add(f.article_key, key, w.article_named, &mut clauses);
    }
    // A question asking what a term means is answered by the article defining terms.
    let folded_q = crate::domain::text::fold(&q.to_lowercase());
    if ["dinh nghia", "duoc hieu", "giai thich"]
        .iter()
        .any(|w| folded_q.contains(w))
    {
        for t in ["giải_thích", "thích_từ", "từ_ngữ", "khái_niệm"] {
            add(f.heading_idx[2], t.into(), w.definitions, &mut clauses);
        }
    }
    for n in number_terms(q) {
        clauses.push((Term::from_field_text(f.number_key, &n), w.number));
    }
    clauses
}

/// The terms of the signals of sentence-long questions (each off at weight 0): proximity
/// beyond adjacent syllables, and the other form of an abbreviation or a number.
fn proximity_and_families(
    f: &Fields,
    q: &str,
    words: &[String],
    w: &Knobs,
    keywords: bool,
) -> Vec<(tantivy::schema::Field, String, f32)> {
    let (_, stop_fold) = stop_sets();
    let mut out = Vec::new();
    if keywords {
        return out;
    }
    let content = |s: &String| !stop_fold.contains(s);
    // Two content syllables of the question in the other order (`b_a`), or one apart (`a_c`
    // of `a b c`), adjacent in the text.
    for (i, a) in words.iter().enumerate() {
        if let Some(b) = words.get(i + 1) {
            if a != b && content(a) && content(b) && w.reversed_pairs > 0.0 {
                out.push((
                    f.body[3],
                    format!("{b}_{a}"),
                    w.pairs_folded * w.reversed_pairs,
                ));
            }
        }
        if let Some(c) = words.get(i + 2) {
            if content(a) && content(c) && w.skip_pairs > 0.0 {
                out.push((f.body[3], format!("{a}_{c}"), w.pairs_folded * w.skip_pairs));
            }
        }
    }
    let mut others = Vec::new();
    if w.abbreviations > 0.0 {
        others.extend(
            families::abbreviation_forms(words)
                .into_iter()
                .map(|o| (o, w.abbreviations)),
        );
    }
    if w.number_words > 0.0 {
        others.extend(
            families::number_forms(q)
                .into_iter()
                .map(|o| (o, w.number_words)),
        );
    }
    for (other, share) in others {
        for (mode, field, weight) in [
            (Mode::Exact, f.body[0], w.body_exact),
            (Mode::Folded, f.body[1], w.body_folded),
            (Mode::ExactPairs, f.body[2], w.pairs_exact),
            (Mode::FoldedPairs, f.body[3], w.pairs_folded),
        ] {
            for t in analyze(&other, mode) {
                out.push((field, t.text, weight * share));
            }
        }
    }
    out
}

pub(super) fn filters(f: &Fields, p: &Params) -> Vec<(Occur, Box<dyn Query>)> {
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

/// Common phrases learnt from the corpus: the text terms (syllables and pairs) found in more
/// than `share` of the index's units are the corpus's stop phrases ("quy định của pháp
/// luật"); their weight is multiplied by `factor` rather than the term dropped.
pub(super) fn damp_common(searcher: &Searcher, f: &Fields, terms: &mut [(Term, f32)], w: &Knobs) {
    if w.common_share >= 1.0 || w.common_factor == 1.0 {
        return;
    }
    let units = searcher.num_docs() as f64;
    if units == 0.0 {
        return;
    }
    let text_fields = [f.body[0], f.body[1], f.body[2], f.body[3], f.earlier];
    for (term, boost) in terms.iter_mut() {
        if !text_fields.contains(&term.field()) {
            continue;
        }
        let df = searcher.doc_freq(term).unwrap_or(0) as f64;
        if df / units > f64::from(w.common_share) {
            *boost *= w.common_factor;
        }
    }
}

/// BM25's `b` per field. tantivy's BM25 has one `b` (0.75) and one `k1` (1.2), and divides a
/// document's length by the field's average, which it computes from the statistics given to
/// it: reporting a field's token count multiplied by `s` gives that field
/// `k1 (1 − 0.75 + 0.75 dl / (s avgdl))`: the `b'` asked for with `s = 0.75 (1 − b') / (0.25 b')`,
/// with `k1' = 0.3 / (1 − b')`. `None` when every field keeps 0.75 (the searcher's own figures).
pub struct FieldNorms<'a> {
    searcher: &'a Searcher,
    scales: Vec<(tantivy::schema::Field, f64)>,
}

impl<'a> FieldNorms<'a> {
    pub(super) fn new(searcher: &'a Searcher, f: &Fields, w: &Knobs) -> Option<FieldNorms<'a>> {
        const B: f64 = 0.75;
        let scale = |b: f32| {
            let b = f64::from(b).clamp(0.05, 0.99);
            B * (1.0 - b) / (b * (1.0 - B))
        };
        let mut scales = Vec::new();
        for (fields, b) in [
            (&f.body[..], w.b_text),
            (&f.heading_idx[..], w.b_heading),
            (&f.title_idx[..], w.b_title),
        ] {
            if (b - 0.75).abs() > 1e-6 {
                scales.extend(fields.iter().map(|field| (*field, scale(b))));
            }
        }
        (!scales.is_empty()).then_some(FieldNorms { searcher, scales })
    }
}

impl tantivy::query::Bm25StatisticsProvider for FieldNorms<'_> {
    fn total_num_tokens(&self, field: tantivy::schema::Field) -> tantivy::Result<u64> {
        let n = self.searcher.total_num_tokens(field)?;
        Ok(match self.scales.iter().find(|(f, _)| *f == field) {
            Some((_, s)) => (n as f64 * s).round() as u64,
            None => n,
        })
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        self.searcher.total_num_docs()
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        self.searcher.doc_freq(term)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::query::Bm25StatisticsProvider;

    #[test]
    fn a_b_per_field_scales_that_fields_average_length() {
        let (index, f) = crate::search::index::in_memory();
        let searcher = index.reader().map(|r| r.searcher()).unwrap();
        assert!(FieldNorms::new(&searcher, &f, &Knobs::PRODUCTION).is_none());
        let k = Knobs {
            b_text: 0.5,
            b_heading: 0.25,
            ..Knobs::PRODUCTION
        };
        let norms = FieldNorms::new(&searcher, &f, &k).unwrap();
        let scale = |field| norms.scales.iter().find(|(x, _)| *x == field).map(|s| s.1);
        // b' = 0.5 → s = 0.75 · 0.5 / (0.25 · 0.5) = 3; b' = 0.25 → 9; the title keeps its own.
        for field in f.body {
            assert!(scale(field).is_some_and(|s| (s - 3.0).abs() < 1e-9));
        }
        for field in f.heading_idx {
            assert!(scale(field).is_some_and(|s| (s - 9.0).abs() < 1e-9));
        }
        assert!(scale(f.title_idx[0]).is_none());
        assert_eq!(norms.total_num_tokens(f.body[0]).unwrap(), 0);
    }
}
