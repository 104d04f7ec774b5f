//! Ranking the documents of a conjunction (every word of a keyword query required) by a sum of
//! term scores, with block-max bounds.
//!
//! tantivy's union scorer visits every posting of every term between two documents of the
//! conjunction: for a phrase of common words that is most of the segment, scored, for the few
//! tens of thousands of documents that have every word. Here each term is a cursor over its
//! blocks of 128 postings; the sum of the terms' block maxima bounds the score of any document
//! in the window where all the current blocks overlap. While that bound cannot beat the
//! k-th best score, a document of the conjunction is only checked for one matching term (it
//! is counted and faceted, never scored); otherwise it is scored exactly, term by term.

use tantivy::fieldnorm::FieldNormReader;
use tantivy::index::SegmentId;
use tantivy::postings::{BlockSegmentPostings, SegmentPostings};
use tantivy::query::{Bm25StatisticsProvider, Bm25Weight, Scorer};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, DocSet, Score, SegmentReader, Term, TERMINATED};

/// A term's weight for the whole index (its idf and the average length of its field) times
/// its boost: the same score as `BoostQuery(TermQuery)` gives.
pub struct TermWeight {
    term: Term,
    weight: Bm25Weight,
}

impl TermWeight {
    pub fn new(
        stats: &dyn Bm25StatisticsProvider,
        term: &Term,
        boost: Score,
    ) -> tantivy::Result<TermWeight> {
        Ok(TermWeight {
            term: term.clone(),
            weight: Bm25Weight::for_terms(stats, std::slice::from_ref(term))?.boost_by(boost),
        })
    }
}

/// One term's postings in a segment, a block at a time.
struct Cursor<'w> {
    postings: BlockSegmentPostings,
    weight: &'w Bm25Weight,
    norms: FieldNormReader,
    /// Where to look in the current block: no earlier posting is at or after the last target.
    idx: usize,
    /// The last document of the current block; `TERMINATED` once no posting is left.
    last: DocId,
    exhausted: bool,
    /// The best score a document of the current block can have.
    block_max: Score,
    /// Documents in the postings (to try the commonest terms first).
    doc_freq: u32,
}

impl<'w> Cursor<'w> {
    fn open(reader: &SegmentReader, w: &'w TermWeight) -> tantivy::Result<Option<Cursor<'w>>> {
        let field = w.term.field();
        let Some(postings) = reader
            .inverted_index(field)?
            .read_block_postings(&w.term, IndexRecordOption::WithFreqs)?
        else {
            return Ok(None);
        };
        let norms = match reader.fieldnorms_readers().get_field(field)? {
            Some(n) => n,
            None => FieldNormReader::constant(reader.max_doc(), 1),
        };
        let mut c = Cursor {
            doc_freq: postings.doc_freq(),
            postings,
            weight: &w.weight,
            norms,
            idx: 0,
            last: 0,
            exhausted: false,
            block_max: 0.0,
        };
        c.loaded();
        Ok(Some(c))
    }

    /// Reads the bounds of the block just loaded.
    fn loaded(&mut self) {
        let docs = self.postings.docs();
        match docs.last() {
            Some(&last) => {
                self.last = last;
                self.idx = 0;
                self.block_max = self.postings.block_max_score(&self.norms, self.weight);
            }
            None => self.finish(),
        }
    }

    fn finish(&mut self) {
        self.exhausted = true;
        self.last = TERMINATED;
        self.idx = 0;
        self.block_max = 0.0;
    }

    fn done(&self) -> bool {
        self.exhausted
    }

    /// Loads the block holding the first posting at or after `target`, if the current one
    /// ends before it.
    fn reach(&mut self, target: DocId) {
        if target <= self.last {
            return;
        }
        self.postings.seek(target);
        let docs = self.postings.docs();
        // Past the last posting the last block stays loaded, or an empty one.
        if docs.last().is_none_or(|&l| l < target) {
            self.finish();
            return;
        }
        self.loaded();
    }

    /// The term's score for `doc` (the current block covers it), `None` when `doc` does not
    /// have the term.
    fn score(&mut self, doc: DocId) -> Option<Score> {
        if !self.has(doc) {
            return None;
        }
        let tf = self.postings.freq(self.idx);
        Some(self.weight.score(self.norms.fieldnorm_id(doc), tf))
    }

    fn has(&mut self, doc: DocId) -> bool {
        !self.done() && self.find(doc)
    }

    /// Moves to the first posting of the block at or after `doc`; whether it is `doc`. A
    /// linear step: targets come in increasing order, so a block is walked at most once.
    fn find(&mut self, doc: DocId) -> bool {
        let docs = self.postings.docs();
        let mut i = self.idx;
        while docs.get(i).is_some_and(|&d| d < doc) {
            i += 1;
        }
        self.idx = i;
        docs.get(i) == Some(&doc)
    }
}

/// The terms of a query in one segment, asked about documents in increasing order.
pub struct SegmentTerms<'w> {
    cursors: Vec<Cursor<'w>>,
    /// The last document the current blocks all cover.
    window_end: DocId,
    /// The sum of the current blocks' maxima: no document up to `window_end` scores more.
    window_max: Score,
    started: bool,
}

/// What a document is worth to the ranking.
pub enum Evaluation {
    /// It has none of the terms: not a match.
    NoMatch,
    /// It matches but cannot beat the threshold it was asked with.
    Below,
    Scored(Score),
}

impl<'w> SegmentTerms<'w> {
    pub fn open(reader: &SegmentReader, weights: &'w [TermWeight]) -> tantivy::Result<Self> {
        let mut cursors = Vec::with_capacity(weights.len());
        for w in weights {
            if let Some(c) = Cursor::open(reader, w)? {
                cursors.push(c);
            }
        }
        // The rarest terms first: they weigh most and are the likeliest to be missing, which
        // lowers the bound soonest.
        cursors.sort_by_key(|c| c.doc_freq);
        Ok(SegmentTerms {
            cursors,
            window_end: 0,
            window_max: 0.0,
            started: false,
        })
    }

    /// How many documents of the segment have the commonest of the terms: the least a walk
    /// through their union visits.
    pub fn commonest(&self) -> u32 {
        self.cursors.last().map_or(0, |c| c.doc_freq)
    }

    /// Moves the window to the blocks covering `doc`; false once every term's postings are
    /// behind it (nothing from `doc` on has a term).
    fn window_at(&mut self, doc: DocId) -> bool {
        if !self.started || doc > self.window_end {
            self.started = true;
            self.window_end = TERMINATED;
            self.window_max = 0.0;
            for c in self.cursors.iter_mut() {
                c.reach(doc);
                if !c.done() {
                    self.window_end = self.window_end.min(c.last);
                    self.window_max += c.block_max;
                }
            }
            if self.window_end == TERMINATED {
                // Every term's postings are behind: nothing from here on matches.
                return false;
            }
        }
        true
    }

    /// `doc`'s score if it may beat `threshold` (it enters the top documents only by scoring
    /// more), whether it matches otherwise. Documents must come in increasing order.
    pub fn evaluate(&mut self, doc: DocId, threshold: Score) -> Evaluation {
        if !self.window_at(doc) {
            return Evaluation::NoMatch;
        }
        // A margin for rounding: the bound and the score add the same terms in other orders.
        let below = |bound: Score| bound * (1.0 + 1e-5) < threshold;
        if below(self.window_max) {
            return self.matches_from(doc, 0);
        }
        // Term by term, while what is known plus the most the other terms can add may still
        // beat the threshold.
        let mut matched = false;
        let mut score: Score = 0.0;
        let mut rest = self.window_max;
        for i in 0..self.cursors.len() {
            let c = &mut self.cursors[i];
            if c.done() {
                continue;
            }
            rest -= c.block_max;
            if let Some(s) = c.score(doc) {
                matched = true;
                score += s;
            }
            if below(score + rest.max(0.0)) {
                return if matched {
                    Evaluation::Below
                } else {
                    self.matches_from(doc, i + 1)
                };
            }
        }
        if matched {
            Evaluation::Scored(score)
        } else {
            Evaluation::NoMatch
        }
    }

    /// For a search that neither counts nor facets its matches: `doc`'s score when it may beat
    /// `threshold`, otherwise the first document that may (after the window of blocks whose
    /// maxima together cannot beat it, or the next one). The same scores as [`Self::evaluate`],
    /// without asking whether a document that cannot enter the top matches at all.
    pub fn rank(&mut self, doc: DocId, threshold: Score) -> Result<Score, DocId> {
        if !self.window_at(doc) {
            return Err(TERMINATED);
        }
        let below = |bound: Score| bound * (1.0 + 1e-5) < threshold;
        if below(self.window_max) {
            return Err(self.window_end.saturating_add(1));
        }
        let mut matched = false;
        let mut score: Score = 0.0;
        let mut rest = self.window_max;
        for c in self.cursors.iter_mut() {
            if c.done() {
                continue;
            }
            rest -= c.block_max;
            if let Some(s) = c.score(doc) {
                matched = true;
                score += s;
            }
            if below(score + rest.max(0.0)) {
                return Err(doc + 1);
            }
        }
        if matched {
            Ok(score)
        } else {
            Err(doc + 1)
        }
    }

    /// Whether `doc` has one of the terms from the `from`-th on (the commonest last, so looked
    /// at first).
    fn matches_from(&mut self, doc: DocId, from: usize) -> Evaluation {
        let rest = self.cursors.get_mut(from..).unwrap_or_default();
        if rest.iter_mut().rev().any(|c| c.has(doc)) {
            Evaluation::Below
        } else {
            Evaluation::NoMatch
        }
    }
}

/// The documents having a word in either of two fields (the text or the title), unscored: the
/// two postings lists merged as they are read. The second list is only read when the first
/// lacks the document sought (the text has the words of most documents that qualify; the
/// title, shared by every unit of a document, is the rarer way in).
pub struct EitherField {
    a: SegmentPostings,
    /// May lag behind `doc` while `a` holds it.
    b: SegmentPostings,
    doc: DocId,
}

impl EitherField {
    pub fn open(reader: &SegmentReader, fields: &[Field; 2], word: &str) -> tantivy::Result<Self> {
        let postings = |field: Field| -> tantivy::Result<SegmentPostings> {
            Ok(reader
                .inverted_index(field)?
                .read_postings(
                    &Term::from_field_text(field, word),
                    IndexRecordOption::Basic,
                )?
                .unwrap_or_else(SegmentPostings::empty))
        };
        let (a, b) = (postings(fields[0])?, postings(fields[1])?);
        let doc = a.doc().min(b.doc());
        Ok(EitherField { a, b, doc })
    }

    /// Moves to the first document at or after `target`, `a` already at or after it.
    fn settle(&mut self, target: DocId) -> DocId {
        self.doc = if self.a.doc() == target {
            target
        } else {
            if self.b.doc() < target {
                self.b.seek(target);
            }
            self.a.doc().min(self.b.doc())
        };
        self.doc
    }
}

impl DocSet for EitherField {
    fn advance(&mut self) -> DocId {
        if self.doc == TERMINATED {
            return TERMINATED;
        }
        let target = self.doc + 1;
        if self.a.doc() == self.doc {
            self.a.advance();
        } else if self.a.doc() < target {
            self.a.seek(target);
        }
        self.settle(target)
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        if self.a.doc() < target {
            self.a.seek(target);
        }
        self.settle(target)
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.a.size_hint().max(self.b.size_hint())
    }
}

impl Scorer for EitherField {
    fn score(&mut self) -> Score {
        0.0
    }
}

/// The documents of a segment having every word (each in the text or the title), as a bitset.
/// When every word is common, reading each word's postings straight into a bitset and
/// intersecting the bitsets costs about a nanosecond per posting; the leapfrog intersection of
/// the lists (`EitherField`) costs a seek per document of the rarest list and per other list,
/// each a search in a block of 128 postings. `open` picks whichever is cheaper. The bitsets of
/// the segment's dense words are kept with it (`search::dense`): only the other words' postings
/// are read.
pub struct EveryWord {
    bits: Vec<u64>,
    /// The current document; `TERMINATED` past the last.
    doc: DocId,
    len: u32,
}

/// Relative cost of one seek of the leapfrog intersection against setting one bit.
const SEEK_COST: u64 = 24;

impl EveryWord {
    /// The bitset of the documents having every word and the term `within` (the scope's kind,
    /// whose bitset is kept per segment), when it is cheaper than the leapfrog intersection of
    /// the words' postings or `always` (`None`: use `EitherField`, and filter by `within`).
    pub fn open(
        reader: &SegmentReader,
        fields: &[Field; 2],
        words: &[String],
        within: &Term,
        always: bool,
    ) -> tantivy::Result<Option<EveryWord>> {
        let max_doc = reader.max_doc();
        // The dense words' bitsets are kept with the segment; the others' postings are read.
        let dense = super::dense::dense_words(reader, fields)?;
        let mut kept: Vec<&[u64]> = Vec::new();
        let mut lists: Vec<(u64, [Option<BlockSegmentPostings>; 2])> = Vec::new();
        let mut dfs: Vec<u64> = Vec::new();
        let mut others: Vec<String> = Vec::new();
        for w in words {
            if let Some((bits, n)) = dense.get(w) {
                dfs.push(n);
                kept.push(bits);
                continue;
            }
            others.push(w.clone());
            let mut pair = [None, None];
            let mut df = 0u64;
            for (slot, field) in pair.iter_mut().zip(fields) {
                let postings = reader.inverted_index(*field)?.read_block_postings(
                    &Term::from_field_text(*field, w),
                    IndexRecordOption::Basic,
                )?;
                if let Some(p) = &postings {
                    df += u64::from(p.doc_freq());
                }
                *slot = postings;
            }
            dfs.push(df);
            lists.push((df, pair));
        }
        let Some(&rarest_word) = dfs.iter().min() else {
            return Ok(None);
        };
        // The leapfrog is led by the rarest of the words and the scope's kind (a scope few
        // units are in, such as the procedures, leads it).
        let kind = u64::from(reader.inverted_index(within.field())?.doc_freq(within)?);
        let rarest = rarest_word.min(kind);
        let postings: u64 = lists.iter().map(|l| l.0).sum();
        let words_per_bitset = u64::from(max_doc).div_ceil(64);
        let bitset_cost = postings + words_per_bitset * words.len() as u64;
        let leapfrog_cost = rarest * words.len() as u64 * SEEK_COST;
        if bitset_cost >= leapfrog_cost && !always {
            return Ok(None);
        }
        let size = usize::try_from(words_per_bitset).unwrap_or(0);
        let mut bits = term_bits(reader, within)?.as_ref().clone();
        bits.resize(size, 0);
        for k in &kept {
            for (b, w) in bits.iter_mut().zip(k.iter()) {
                *b &= *w;
            }
        }
        if !lists.is_empty() {
            let key = (reader.segment_id(), *fields, others);
            let every = match SHARED.with(|s| s.borrow().get(&key)) {
                Some(every) => every,
                None => {
                    let mut every = vec![u64::MAX; size];
                    let mut word = vec![0u64; size];
                    for (_, pair) in lists {
                        for p in pair.into_iter().flatten() {
                            set_bits(p, &mut word);
                        }
                        for (b, w) in every.iter_mut().zip(word.iter_mut()) {
                            *b &= *w;
                            *w = 0;
                        }
                    }
                    let every = std::sync::Arc::new(every);
                    SHARED.with(|s| s.borrow_mut().put(key, every.clone()));
                    every
                }
            };
            for (b, w) in bits.iter_mut().zip(every.iter()) {
                *b &= *w;
            }
        }
        let len = bits.iter().map(|b| b.count_ones()).sum();
        let mut every = EveryWord { bits, doc: 0, len };
        every.doc = every.next_from(0);
        Ok(Some(every))
    }

    /// The first document at or after `from`.
    fn next_from(&self, from: DocId) -> DocId {
        let mut i = (from / 64) as usize;
        let Some(&first) = self.bits.get(i) else {
            return TERMINATED;
        };
        let mut w = first & (u64::MAX << (from % 64));
        loop {
            if w != 0 {
                return (i as u32) * 64 + w.trailing_zeros();
            }
            i += 1;
            match self.bits.get(i) {
                Some(&next) => w = next,
                None => return TERMINATED,
            }
        }
    }
}

/// The words' bitsets of the searches of one request, shared between them while
/// [`sharing_words`] runs (the header's search asks the same words of the documents and of the
/// articles). Kept on the thread that runs the request's searches, emptied when it ends: never
/// shared between requests.
#[derive(Default)]
struct Shared {
    on: bool,
    entries: Vec<(SharedKey, std::sync::Arc<Vec<u64>>)>,
}

type SharedKey = (SegmentId, [Field; 2], Vec<String>);

impl Shared {
    fn get(&self, key: &SharedKey) -> Option<std::sync::Arc<Vec<u64>>> {
        if !self.on {
            return None;
        }
        self.entries
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, b)| b.clone())
    }

    fn put(&mut self, key: SharedKey, bits: std::sync::Arc<Vec<u64>>) {
        // A request runs a few searches over a few segments.
        if self.on && self.entries.len() < 16 {
            self.entries.push((key, bits));
        }
    }
}

thread_local! {
    static SHARED: std::cell::RefCell<Shared> = std::cell::RefCell::new(Shared::default());
}

/// Runs `f` (the searches of one request) with the words' bitsets of each segment computed
/// once and shared between its searches; forgets them after.
pub fn sharing_words<R>(f: impl FnOnce() -> R) -> R {
    struct Off;
    impl Drop for Off {
        fn drop(&mut self) {
            SHARED.with(|s| *s.borrow_mut() = Shared::default());
        }
    }
    SHARED.with(|s| s.borrow_mut().on = true);
    let _off = Off;
    f()
}

/// Bitsets of a term's documents by segment (the scope's kinds: a few per segment).
static TERM_BITS: super::kept::PerSegment<(SegmentId, Term), std::sync::Arc<Vec<u64>>> =
    super::kept::PerSegment::new(64);

/// Forgets the kinds' bitsets of the segments `forgotten`.
pub(super) fn forget(forgotten: &std::collections::HashSet<SegmentId>) {
    TERM_BITS.retain(|(segment, _)| !forgotten.contains(segment));
}

/// The documents of `reader`'s segment having `term`, as a bitset.
fn term_bits(reader: &SegmentReader, term: &Term) -> tantivy::Result<std::sync::Arc<Vec<u64>>> {
    TERM_BITS.get_or((reader.segment_id(), term.clone()), || {
        let size = usize::try_from(reader.max_doc().div_ceil(64)).unwrap_or(0);
        let mut bits = vec![0u64; size];
        if let Some(p) = reader
            .inverted_index(term.field())?
            .read_block_postings(term, IndexRecordOption::Basic)?
        {
            set_bits(p, &mut bits);
        }
        Ok(std::sync::Arc::new(bits))
    })
}

/// Sets the bit of every document in `postings`. The documents come in increasing order and
/// those of a common word crowd into the same words of the bitset: each word's bits are
/// gathered in a register and stored once.
pub(super) fn set_bits(mut postings: BlockSegmentPostings, bits: &mut [u64]) {
    let mut at = usize::MAX;
    let mut word = 0u64;
    loop {
        let docs = postings.docs();
        if docs.is_empty() {
            break;
        }
        for &d in docs {
            let i = (d / 64) as usize;
            if i != at {
                if let Some(b) = bits.get_mut(at) {
                    *b |= word;
                }
                at = i;
                word = 0;
            }
            word |= 1u64 << (d % 64);
        }
        postings.advance();
    }
    if let Some(b) = bits.get_mut(at) {
        *b |= word;
    }
}

impl DocSet for EveryWord {
    fn advance(&mut self) -> DocId {
        if self.doc != TERMINATED {
            self.doc = self.next_from(self.doc + 1);
        }
        self.doc
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc < target {
            self.doc = self.next_from(target);
        }
        self.doc
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.len
    }
}

impl Scorer for EveryWord {
    fn score(&mut self) -> Score {
        0.0
    }
}
