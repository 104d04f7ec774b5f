//! Running a query: each segment finds, counts and facets its matches and keeps its best
//! documents; the segments' fruits are then gathered into one page of results.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use tantivy::collector::TopDocs;
use tantivy::query::{
    intersect_scorers, AllQuery, Bm25StatisticsProvider, BooleanQuery, EnableScoring, Occur, Query,
    Scorer, Weight,
};
use tantivy::{DocAddress, DocId, DocSet, Order, Searcher, SegmentReader, Term, TERMINATED};

use super::super::conjunctive::{EitherField, Evaluation, EveryWord, SegmentTerms, TermWeight};
use super::super::index::Fields;
use super::ords;
use super::rank::{Scored, TopK};
use super::terms::{filters, word_query};
use super::{hits, Params, Results, Sort, TOTAL_CAP};

/// A constraint this many times rarer than the text's commonest term leads the ranking.
const LEAD_FACTOR: u64 = 4;

/// Matches are counted in chunks of this many against the shared budget of [`TOTAL_CAP`].
const CHUNK: usize = 256;

/// What one segment contributes: matches counted (up to the cap), facet counts by path, and
/// its best documents when ranking by relevance.
struct SegmentFruit {
    counted: usize,
    capped: bool,
    facets: Facets,
    top: Vec<Scored>,
}

/// A segment's facet counts: by ordinal of its table (named when the segments are gathered,
/// so that a value is copied once per search, not once per segment), or named already.
enum Facets {
    Table(std::sync::Arc<ords::Table>, Vec<(usize, u64)>),
    Named(Vec<(String, String, u64)>),
}

impl Facets {
    /// Each facet seen, by root and value, with its count.
    fn each(&self) -> Vec<(&str, &str, u64)> {
        match self {
            Facets::Table(t, seen) => seen
                .iter()
                .filter_map(|&(o, n)| t.name(o).map(|(r, v)| (r.as_str(), v.as_str(), n)))
                .collect(),
            Facets::Named(v) => v
                .iter()
                .map(|(r, v, n)| (r.as_str(), v.as_str(), *n))
                .collect(),
        }
    }
}

/// Everything the segments need to find, count and rank the matches, prepared once.
struct Plan<'a> {
    f: &'a Fields,
    p: &'a Params,
    /// The filters (the scope's kind first).
    filter_weight: Box<dyn Weight>,
    /// The filters after the scope's kind, if any.
    other_weight: Option<Box<dyn Weight>>,
    scope_kind: Term,
    /// The words every hit must have (keywords), when the search is strict.
    words: Vec<String>,
    every_word: bool,
    /// What counts as a match: the filters, every word when strict, and a term of the text.
    matching: BooleanQuery,
    match_weight: Box<dyn Weight>,
    /// Ranking by relevance (there is text and the sort asks for it).
    relevance: bool,
    text_weight: Option<Box<dyn Weight>>,
    /// The text's terms scored one at a time, for the documents that lead the ranking (those
    /// having every word, or meeting a constraint far rarer than the text's terms).
    term_weights: Vec<TermWeight>,
    /// How many of the best documents each segment keeps.
    k: usize,
    /// Matches counted by all segments so far, in chunks (see [`TOTAL_CAP`]).
    budget: AtomicUsize,
}

fn alive(reader: &SegmentReader, doc: DocId) -> bool {
    reader.alive_bitset().is_none_or(|a| a.is_alive(doc))
}

fn address(ord: u32, doc: DocId) -> DocAddress {
    DocAddress {
        segment_ord: ord,
        doc_id: doc,
    }
}

/// Matches counted as they are found, with the facets they carry.
struct Counter {
    facet_reader: Option<tantivy::fastfield::FacetReader>,
    /// The segment's facet ordinals by runs of units, when its units fit the table.
    table: Option<std::sync::Arc<ords::Table>>,
    /// Matches by facet ordinal (with the table, one more place for its empty slots).
    ords: Vec<u64>,
    counted: usize,
    /// The table's run of the last match counted, its units, and the matches counted in it
    /// and not yet added to `ords`.
    run: usize,
    run_units: std::ops::Range<DocId>,
    in_run: u64,
}

impl Counter {
    fn new(reader: &SegmentReader, facets: bool) -> tantivy::Result<Counter> {
        let facet_reader = if facets {
            Some(reader.facet_reader("facets")?)
        } else {
            None
        };
        let table = facet_reader.as_ref().and_then(|r| ords::table(reader, r));
        let n = match (&table, &facet_reader) {
            (Some(t), _) => t.places(),
            (None, Some(r)) => r.num_facets(),
            (None, None) => 0,
        };
        let run_units = table.as_ref().map_or(0..0, |t| t.start_of(0)..t.end_of(0));
        Ok(Counter {
            facet_reader,
            table,
            ords: vec![0u64; n],
            counted: 0,
            run: 0,
            run_units,
            in_run: 0,
        })
    }

    fn count(&mut self, doc: DocId) {
        self.counted += 1;
        if let Some(t) = &self.table {
            if self.run_units.contains(&doc) {
                self.in_run += 1;
            } else {
                add_run(t, self.run, self.in_run, &mut self.ords);
                // Most often the next run (documents in their own scope are one unit each).
                let next = self.run + 1;
                self.run = if doc >= self.run_units.end && doc < t.end_of(next) {
                    next
                } else {
                    t.run_of(doc, self.run)
                };
                self.run_units = t.start_of(self.run)..t.end_of(self.run);
                self.in_run = 1;
            }
        } else if let Some(fr) = &self.facet_reader {
            for o in fr.facet_ords(doc) {
                if let Some(c) = usize::try_from(o).ok().and_then(|o| self.ords.get_mut(o)) {
                    *c += 1;
                }
            }
        }
    }

    /// The facets seen and their counts: by the table's ordinals, or named in one ordered pass
    /// over the dictionary.
    fn facets(mut self) -> tantivy::Result<Facets> {
        if let Some(t) = &self.table {
            add_run(t, self.run, self.in_run, &mut self.ords);
        }
        let seen = self
            .ords
            .iter()
            .enumerate()
            .filter(|(_, &n)| n > 0)
            .map(|(o, &n)| (o, n));
        if let Some(t) = self.table {
            return Ok(Facets::Table(t, seen.collect()));
        }
        let mut facets = Vec::new();
        if let Some(fr) = &self.facet_reader {
            let seen: Vec<(u64, u64)> = seen.map(|(o, n)| (o as u64, n)).collect();
            let mut counts = seen.iter().map(|(_, n)| *n);
            fr.facet_dict()
                .sorted_ords_to_term_cb(seen.iter().map(|(o, _)| *o), |bytes| {
                    let n = counts.next().unwrap_or(0);
                    if let Some((root, value)) = ords::root_and_value(bytes) {
                        facets.push((root, value, n));
                    }
                    Ok(())
                })?;
        }
        Ok(Facets::Named(facets))
    }
}

/// Adds `n` matches of the table's run `run` to its facets' counts.
fn add_run(t: &ords::Table, run: usize, n: u64, ords: &mut [u64]) {
    if n == 0 {
        return;
    }
    for o in t.slots(run) {
        if let Some(c) = ords.get_mut(usize::from(o)) {
            *c += n;
        }
    }
}

impl<'a> Plan<'a> {
    fn new(
        searcher: &Searcher,
        stats: &dyn Bm25StatisticsProvider,
        f: &'a Fields,
        p: &'a Params,
        terms: &[(Term, f32)],
        text: &Option<Box<dyn Query>>,
        strict: Option<Vec<String>>,
    ) -> tantivy::Result<Plan<'a>> {
        // What a hit must satisfy besides the words: the filters and, for keywords, every word.
        let no_scores = EnableScoring::disabled_from_searcher(searcher);
        let filter_weight = BooleanQuery::new(filters(f, p)).weight(no_scores)?;
        // The scope's kind is the first filter; with the words' bitset it is a bitset too, and
        // only the other filters (if any) are sought.
        let scope_kind = Term::from_field_text(f.kind, p.scope.kind());
        let other_filters: Vec<(Occur, Box<dyn Query>)> =
            filters(f, p).into_iter().skip(1).collect();
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
        constraint.push((
            Occur::Must,
            match text {
                Some(t) => t.box_clone(),
                None => Box::new(AllQuery),
            },
        ));
        let matching = BooleanQuery::new(constraint);
        let match_weight = matching.weight(no_scores)?;
        let relevance = text.is_some() && p.sort == Sort::Relevance;
        let text_weight = match (text, relevance) {
            (Some(t), true) => Some(t.weight(EnableScoring::enabled_from_statistics_provider(
                stats, searcher,
            ))?),
            _ => None,
        };
        let term_weights = if relevance {
            terms
                .iter()
                .map(|(t, boost)| TermWeight::new(stats, t, *boost))
                .collect::<tantivy::Result<Vec<_>>>()?
        } else {
            Vec::new()
        };
        Ok(Plan {
            f,
            p,
            filter_weight,
            other_weight,
            scope_kind,
            words,
            every_word,
            matching,
            match_weight,
            relevance,
            text_weight,
            term_weights,
            k: p.offset + p.limit.max(1),
            budget: AtomicUsize::new(0),
        })
    }

    /// The constraint as one conjunction: the filters and the documents having every word
    /// in the text or the title, either as a bitset (common words) or, for each word, its
    /// postings in the text and the title merged as they go (tantivy's union of the two
    /// would fill a window of 4,096 documents from both lists at every step).
    fn allowed(&self, reader: &SegmentReader) -> tantivy::Result<Box<dyn Scorer>> {
        let fields = [self.f.body[1], self.f.title_idx[1]];
        let mut parts: Vec<Box<dyn Scorer>> = Vec::new();
        match EveryWord::open(reader, &fields, &self.words, &self.scope_kind, false)? {
            Some(every) => {
                parts.push(Box::new(every));
                if let Some(w) = &self.other_weight {
                    parts.push(w.scorer(reader, 1.0)?);
                }
            }
            None => {
                parts.push(self.filter_weight.scorer(reader, 1.0)?);
                for w in &self.words {
                    parts.push(Box::new(EitherField::open(reader, &fields, w)?) as Box<dyn Scorer>);
                }
            }
        }
        Ok(intersect_scorers(parts))
    }

    fn segment(&self, ord: u32, reader: &SegmentReader) -> tantivy::Result<SegmentFruit> {
        let mut counter = Counter::new(reader, self.p.facets)?;
        let mut top = TopK::new(self.k);
        let mut allowed = self.allowed(reader)?;
        // When every word is required, the documents having them all lead: each is counted
        // exactly and scored. Walking the union of the words instead (see `rank_only`) is
        // measured ten times slower on phrases of common words whose union is far larger than
        // the documents having them all, but faster when nearly every document has them all
        // (two very common words): there it runs and the count stops at the cap. (With the
        // bitset the size is exact; otherwise it is the rarest word's.)
        let lead = self.every_word
            && (self.text_weight.is_none()
                || u64::from(allowed.size_hint()) * 3 < u64::from(reader.max_doc()));
        let capped = if !self.counts() {
            counter.counted = if lead {
                self.lead_uncounted(ord, reader, allowed.as_mut(), &mut top)?
            } else {
                self.rank_only(ord, reader, allowed.as_mut(), &mut top)?
            };
            true
        } else if lead {
            self.lead(ord, reader, allowed.as_mut(), &mut counter, &mut top)?;
            false
        } else {
            self.count_then_rank(ord, reader, allowed.as_mut(), &mut counter, &mut top)?
        };
        Ok(SegmentFruit {
            counted: counter.counted,
            capped,
            facets: counter.facets()?,
            top: top.into_sorted(),
        })
    }

    /// Walks the documents having every word: each is counted and, with text, scored.
    fn lead(
        &self,
        ord: u32,
        reader: &SegmentReader,
        allowed: &mut dyn Scorer,
        counter: &mut Counter,
        top: &mut TopK,
    ) -> tantivy::Result<()> {
        let mut scorer = match &self.text_weight {
            Some(_) => Some(SegmentTerms::open(reader, &self.term_weights)?),
            None => None,
        };
        let mut doc = allowed.doc();
        while doc != TERMINATED {
            if alive(reader, doc) {
                match &mut scorer {
                    Some(s) => match s.evaluate(doc, top.threshold()) {
                        Evaluation::NoMatch => {}
                        Evaluation::Below => counter.count(doc),
                        Evaluation::Scored(score) => {
                            counter.count(doc);
                            top.push(Scored(score, address(ord, doc)));
                        }
                    },
                    None => counter.count(doc),
                }
            }
            doc = allowed.advance();
        }
        Ok(())
    }

    /// Whether the matches are counted: unless the search only ranks (no total, no facets,
    /// and text to rank by).
    fn counts(&self) -> bool {
        self.p.count || self.p.facets || self.text_weight.is_none()
    }

    /// As [`Self::lead`] for a search that only ranks: a window of blocks that cannot beat
    /// the threshold is skipped whole. Returns how many documents entered the top.
    fn lead_uncounted(
        &self,
        ord: u32,
        reader: &SegmentReader,
        allowed: &mut dyn Scorer,
        top: &mut TopK,
    ) -> tantivy::Result<usize> {
        let scorer = SegmentTerms::open(reader, &self.term_weights)?;
        self.lead_with(ord, reader, allowed, top, scorer)
    }

    /// [`Self::lead_uncounted`] with the terms' cursors already open.
    fn lead_with(
        &self,
        ord: u32,
        reader: &SegmentReader,
        allowed: &mut dyn Scorer,
        top: &mut TopK,
        mut scorer: SegmentTerms<'_>,
    ) -> tantivy::Result<usize> {
        let mut entered = 0;
        let mut doc = allowed.doc();
        while doc != TERMINATED {
            let next = if alive(reader, doc) {
                match scorer.rank(doc, top.threshold()) {
                    Ok(score) => {
                        entered += 1;
                        top.push(Scored(score, address(ord, doc)));
                        doc + 1
                    }
                    Err(next) => next,
                }
            } else {
                doc + 1
            };
            doc = if next == TERMINATED {
                TERMINATED
            } else if next == doc + 1 {
                allowed.advance()
            } else {
                allowed.seek(next)
            };
        }
        Ok(entered)
    }

    /// The best documents of a search that only ranks: tantivy walks the union of the text's
    /// terms, scoring each document (its block-max WAND does not run for a disjunction that
    /// requires one of its clauses, and measured slower here when made to: BENCHMARKS.md),
    /// and those that meet the constraint are kept (visited in increasing order, so one
    /// forward pass); or, when the constraint is far rarer, it leads. Returns how many
    /// entered the top.
    fn rank_only(
        &self,
        ord: u32,
        reader: &SegmentReader,
        allowed: &mut dyn Scorer,
        top: &mut TopK,
    ) -> tantivy::Result<usize> {
        let Some(w) = &self.text_weight else {
            return Ok(0);
        };
        // When few documents meet the constraint (a scope few units are in, such as the
        // procedures, or narrow filters) against the documents having the commonest term, the
        // constraint leads and each document meeting it is scored by seeking the terms'
        // postings: walking the union of the terms would visit every unit having one.
        let terms = SegmentTerms::open(reader, &self.term_weights)?;
        if u64::from(allowed.size_hint()) * LEAD_FACTOR < u64::from(terms.commonest()) {
            return self.lead_with(ord, reader, allowed, top, terms);
        }
        drop(terms);
        let mut entered = 0;
        w.for_each_pruning(f32::MIN, reader, &mut |doc, score| {
            if alive(reader, doc) {
                if allowed.doc() < doc {
                    allowed.seek(doc);
                }
                if allowed.doc() == doc {
                    entered += 1;
                    top.push(Scored(score, address(ord, doc)));
                }
            }
            top.threshold()
        })?;
        Ok(entered)
    }

    /// Counts (and facets) the matches without scoring them, up to the cap, then finds the
    /// best documents; answers whether the count stopped at the cap.
    fn count_then_rank(
        &self,
        ord: u32,
        reader: &SegmentReader,
        allowed: &mut dyn Scorer,
        counter: &mut Counter,
        top: &mut TopK,
    ) -> tantivy::Result<bool> {
        let mut capped = false;
        let mut matches = self.match_weight.scorer(reader, 1.0)?;
        let mut doc = matches.doc();
        let mut n = 0usize;
        while doc != TERMINATED {
            if alive(reader, doc) {
                counter.count(doc);
                n += 1;
                if n.is_multiple_of(CHUNK)
                    && self.budget.fetch_add(CHUNK, Relaxed) + CHUNK >= TOTAL_CAP
                {
                    capped = true;
                    break;
                }
            }
            doc = matches.advance();
        }
        // What did not fill a chunk counts too (many small segments add up).
        self.budget.fetch_add(n % CHUNK, Relaxed);
        // The best documents, as a search that only ranks finds them.
        self.rank_only(ord, reader, allowed, top)?;
        Ok(capped)
    }
}

/// Searches running in this process now.
static IN_FLIGHT: AtomicUsize = AtomicUsize::new(0);

/// One search counted in [`IN_FLIGHT`] while it runs its segments.
struct InFlight {
    /// How many were running when this one started, itself included.
    running: usize,
}

impl InFlight {
    fn enter() -> InFlight {
        InFlight {
            running: IN_FLIGHT.fetch_add(1, Relaxed) + 1,
        }
    }

    /// Whether the segments may be searched in parallel: only while a core would otherwise
    /// idle. Under load every core already runs a search of its own, and handing segments to
    /// the search threads only adds their hand-offs (and queues the searches behind them).
    fn alone_on_a_core(&self) -> bool {
        static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
        let cores = *CORES.get_or_init(|| {
            std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
        });
        self.running < cores
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        IN_FLIGHT.fetch_sub(1, Relaxed);
    }
}

/// The segments' fruits together: the total, whether it is exact, facet counts by root and
/// value (named by the segments' tables, which the fruits hold), and the best documents
/// overall.
struct Gathered<'f> {
    total: usize,
    total_exact: bool,
    facets: BTreeMap<&'f str, BTreeMap<&'f str, u64>>,
    best: TopK,
}

fn gather(fruits: &[SegmentFruit], k: usize) -> Gathered<'_> {
    let mut g = Gathered {
        total: 0,
        total_exact: true,
        facets: BTreeMap::new(),
        best: TopK::new(k),
    };
    for fruit in fruits {
        g.total += fruit.counted;
        g.total_exact &= !fruit.capped;
        for (root, value, n) in fruit.facets.each() {
            *g.facets.entry(root).or_default().entry(value).or_default() += n;
        }
        for s in &fruit.top {
            g.best.push(*s);
        }
    }
    g
}

/// Runs the query: `terms` and `text` are the reader's words, `strict` the words every hit
/// must have (or `None` for the best partial matches).
pub(super) fn execute(
    searcher: &Searcher,
    stats: &dyn Bm25StatisticsProvider,
    f: &Fields,
    p: &Params,
    terms: &[(Term, f32)],
    text: &Option<Box<dyn Query>>,
    strict: Option<Vec<String>>,
) -> tantivy::Result<Results> {
    let plan = Plan::new(searcher, stats, f, p, terms, text, strict)?;
    let readers: Vec<(u32, &SegmentReader)> = searcher
        .segment_readers()
        .iter()
        .enumerate()
        .map(|(i, r)| (u32::try_from(i).unwrap_or(u32::MAX), r))
        .collect();
    let fruits = {
        let in_flight = InFlight::enter();
        if in_flight.alone_on_a_core() {
            searcher.index().search_executor().map(
                |(ord, reader)| plan.segment(ord, reader),
                readers.into_iter(),
            )?
        } else {
            readers
                .into_iter()
                .map(|(ord, reader)| plan.segment(ord, reader))
                .collect::<tantivy::Result<Vec<_>>>()?
        }
    };
    let gathered = gather(&fruits, plan.k);
    let addresses: Vec<(f32, DocAddress)> = if plan.relevance {
        gathered
            .best
            .into_sorted()
            .into_iter()
            .skip(p.offset)
            .map(|s| (s.0, s.1))
            .collect()
    } else {
        let top = TopDocs::with_limit(p.limit.max(1))
            .and_offset(p.offset)
            .order_by_fast_field::<i64>("issued_on", Order::Desc);
        searcher
            .search(&plan.matching, &top)?
            .into_iter()
            .map(|(_, a)| (0.0, a))
            .collect()
    };
    Ok(Results {
        total: gathered.total,
        total_exact: gathered.total_exact,
        hits: hits::read(searcher, f, p, text.is_some(), addresses)?,
        facets: hits::facets(p, gathered.facets),
    })
}
