//! A segment's common words as bitsets, and the warmer that reads them (with the facet
//! tables) when a segment first appears.
//!
//! A search that requires every word of a short query intersects the units having each word
//! (in the text or the title). For a word that a large share of the segment's units have,
//! reading its postings into a bitset was the largest single cost of the page's searches:
//! about a nanosecond per posting, hundreds of thousands per word. Such a word's bitset is
//! smaller than its postings, so the segment keeps it beside them: a hybrid index (postings for
//! the rare words, a bitset for the dense ones), read once from the segment's own postings when
//! a searcher first sees the segment. It holds every word at least [`RATIO`] of the units have,
//! at most [`MOST`] of them, whatever the searches ask: it depends on the segment only, as its
//! postings do, and answers exactly what they answer.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use tantivy::index::SegmentId;
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{Searcher, SearcherGeneration, SegmentReader, Term, Warmer};

use super::kept::PerSegment;

/// A word is kept when at least one unit in this many has it.
pub const RATIO: u64 = 8;

/// The most words kept per segment (the commonest): at most `MOST / 8` bytes per unit.
pub const MOST: usize = 256;

/// The dense words of a segment in a pair of fields (the text's and the title's folded
/// words): those whose postings in the two fields number at least one in [`RATIO`] of the
/// segment's units, each with the bitset of the units having it in either.
pub struct DenseWords {
    /// Each word's bitset and how many units it has.
    words: HashMap<String, (Vec<u64>, u64)>,
}

impl DenseWords {
    /// The units having `word` in either field and how many they are, when it is one of the
    /// dense words.
    pub fn get(&self, word: &str) -> Option<(&[u64], u64)> {
        self.words.get(word).map(|(b, n)| (b.as_slice(), *n))
    }

    /// Reads the dense words of `reader`'s segment in `fields`.
    fn read(reader: &SegmentReader, fields: &[Field; 2]) -> tantivy::Result<DenseWords> {
        let max_doc = u64::from(reader.max_doc());
        // Each word's postings in the two fields together (a unit having it in both counts
        // twice: the bitset may hold a little fewer).
        let mut df: HashMap<Vec<u8>, u64> = HashMap::new();
        for field in fields {
            let index = reader.inverted_index(*field)?;
            let mut terms = index.terms().stream()?;
            while terms.advance() {
                *df.entry(terms.key().to_vec()).or_default() += u64::from(terms.value().doc_freq);
            }
        }
        // The commonest first; equal counts in the words' order, so the choice is the same
        // every time.
        let mut common: Vec<(Vec<u8>, u64)> = df
            .into_iter()
            .filter(|(_, n)| n * RATIO >= max_doc)
            .collect();
        common.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        common.truncate(MOST);
        let size = usize::try_from(max_doc.div_ceil(64)).unwrap_or(0);
        let mut words = HashMap::with_capacity(common.len());
        for (bytes, _) in common {
            let Ok(word) = String::from_utf8(bytes) else {
                continue;
            };
            let mut bits = vec![0u64; size];
            for field in fields {
                if let Some(p) = reader.inverted_index(*field)?.read_block_postings(
                    &Term::from_field_text(*field, &word),
                    IndexRecordOption::Basic,
                )? {
                    super::conjunctive::set_bits(p, &mut bits);
                }
            }
            let n = bits.iter().map(|b| u64::from(b.count_ones())).sum();
            words.insert(word, (bits, n));
        }
        Ok(DenseWords { words })
    }
}

/// The dense words of each segment (a few segments, and a few field pairs).
static DENSE: PerSegment<(SegmentId, [Field; 2]), Arc<DenseWords>> = PerSegment::new(512);

/// The dense words of `reader`'s segment in `fields`, read by the warmer (or by the first
/// search, for a searcher the warmer has not seen).
pub fn dense_words(
    reader: &SegmentReader,
    fields: &[Field; 2],
) -> tantivy::Result<Arc<DenseWords>> {
    DENSE.get_or((reader.segment_id(), *fields), || {
        DenseWords::read(reader, fields).map(Arc::new)
    })
}

/// Reads what the searches keep of each new segment before its searcher serves: the dense
/// words of the keyword fields (the folded text and title) and the facet table. Forgets them
/// when the segment is merged away, or when the reader goes.
#[derive(Default)]
pub struct Warm {
    /// The segments this warmer read.
    read: Mutex<HashSet<SegmentId>>,
}

impl Warm {
    /// Forgets what was read of the segments `gone` says.
    fn forget(&self, gone: impl Fn(&SegmentId) -> bool) {
        let Ok(mut read) = self.read.lock() else {
            return;
        };
        let forgotten: HashSet<SegmentId> = read.iter().filter(|s| gone(s)).copied().collect();
        if forgotten.is_empty() {
            return;
        }
        read.retain(|s| !forgotten.contains(s));
        DENSE.retain(|(segment, _)| !forgotten.contains(segment));
        super::query::forget_facets(&forgotten);
        super::conjunctive::forget(&forgotten);
    }
}

impl Warmer for Warm {
    fn warm(&self, searcher: &Searcher) -> tantivy::Result<()> {
        let schema = searcher.schema();
        let words = match (
            schema.get_field("body_fold"),
            schema.get_field("title_fold"),
        ) {
            (Ok(body), Ok(title)) => Some([body, title]),
            _ => None,
        };
        // A segment the warmer could not read is read by its first search instead (which
        // reports the error): the searcher still serves.
        for reader in searcher.segment_readers() {
            if let Ok(mut read) = self.read.lock() {
                read.insert(reader.segment_id());
            }
            if let Some(fields) = &words {
                if let Err(e) = dense_words(reader, fields) {
                    tracing::warn!(error = %e, "the segment's dense words were not read ahead");
                }
            }
            if let Err(e) = super::query::warm_facets(reader) {
                tracing::warn!(error = %e, "the segment's facet table was not read ahead");
            }
        }
        Ok(())
    }

    fn garbage_collect(&self, live: &[&SearcherGeneration]) {
        let live: HashSet<SegmentId> = live
            .iter()
            .flat_map(|g| g.segments().keys().copied())
            .collect();
        self.forget(|s| !live.contains(s));
    }
}

impl Drop for Warm {
    fn drop(&mut self) {
        self.forget(|_| true);
    }
}

/// How many dense words the live segments keep, and the bytes their bitsets take.
pub fn kept() -> (usize, usize) {
    DENSE.values().iter().fold((0, 0), |(n, bytes), d| {
        (
            n + d.words.len(),
            bytes + d.words.values().map(|(b, _)| b.len() * 8).sum::<usize>(),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::schema::{FacetOptions, Schema, STRING};
    use tantivy::{Index, IndexReader, IndexWriter, TantivyDocument};

    struct Fixture {
        index: Index,
        fields: [Field; 2],
    }

    /// An index with the fields the warmer reads; each unit has the given words in its text
    /// and its title (one word per term: `STRING` keeps them whole).
    fn fixture() -> Fixture {
        let mut b = Schema::builder();
        let body = b.add_text_field("body_fold", STRING);
        let title = b.add_text_field("title_fold", STRING);
        b.add_facet_field("facets", FacetOptions::default());
        let index = Index::create_in_ram(b.build());
        Fixture {
            index,
            fields: [body, title],
        }
    }

    fn add(f: &Fixture, w: &mut IndexWriter, units: &[(&[&str], &[&str])]) {
        for (text, title) in units {
            let mut d = TantivyDocument::default();
            for t in *text {
                d.add_text(f.fields[0], t);
            }
            for t in *title {
                d.add_text(f.fields[1], t);
            }
            w.add_document(d).unwrap();
        }
        w.commit().unwrap();
    }

    fn units_of(bits: &[u64]) -> Vec<u32> {
        (0..bits.len() as u32 * 64)
            .filter(|d| bits[(*d / 64) as usize] & (1 << (d % 64)) != 0)
            .collect()
    }

    #[test]
    fn a_segment_keeps_the_words_one_unit_in_eight_has_with_their_units_in_either_field() {
        let f = fixture();
        let mut w: IndexWriter = f.index.writer_with_num_threads(1, 20_000_000).unwrap();
        // 16 units: "chung" in the text of units 0-9 and only in the title of 12 and 13;
        // "hiem" in one unit (1 in 16: not dense); "doi" in two (1 in 8: dense).
        let mut units: Vec<(&[&str], &[&str])> = Vec::new();
        for i in 0..16 {
            let text: &[&str] = match i {
                0 => &["chung", "hiem", "doi"],
                1 => &["chung", "doi"],
                2..=9 => &["chung"],
                15 => &["tong"],
                _ => &["khac"],
            };
            // "tong" in one text and one title: two postings in 16 units, dense.
            let title: &[&str] = match i {
                12 | 13 => &["chung"],
                14 => &["tong"],
                _ => &[],
            };
            units.push((text, title));
        }
        add(&f, &mut w, &units);
        let searcher = f.index.reader().unwrap().searcher();
        let segment = &searcher.segment_readers()[0];
        let dense = DenseWords::read(segment, &f.fields).unwrap();
        let (bits, n) = dense.get("chung").expect("a common word is kept");
        assert_eq!(units_of(bits), vec![0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 13]);
        assert_eq!(n, 12);
        let (bits, n) = dense.get("doi").expect("one unit in eight is enough");
        assert_eq!((units_of(bits), n), (vec![0, 1], 2));
        assert!(
            dense.get("hiem").is_none(),
            "a rare word's postings are read"
        );
        assert!(dense.get("khac").is_some());
    }

    #[test]
    fn a_segment_keeps_at_most_the_commonest_words() {
        let f = fixture();
        let mut w: IndexWriter = f.index.writer_with_num_threads(1, 20_000_000).unwrap();
        // MOST words in every unit, and one more in half of them: all are dense, the last
        // is the least common and is left out.
        let words: Vec<String> = (0..MOST).map(|i| format!("w{i}")).collect();
        let all: Vec<&str> = words.iter().map(String::as_str).collect();
        let mut with_half = all.clone();
        with_half.push("nua");
        let units: Vec<(&[&str], &[&str])> = (0..8)
            .map(|i| {
                let text: &[&str] = if i % 2 == 0 { &with_half } else { &all };
                (text, &[][..])
            })
            .collect();
        add(&f, &mut w, &units);
        let searcher = f.index.reader().unwrap().searcher();
        let dense = DenseWords::read(&searcher.segment_readers()[0], &f.fields).unwrap();
        assert_eq!(dense.words.len(), MOST);
        assert!(dense.get("nua").is_none());
        assert!(dense.get("w0").is_some());
    }

    fn segments(reader: &IndexReader) -> Vec<SegmentId> {
        reader
            .searcher()
            .segment_readers()
            .iter()
            .map(|r| r.segment_id())
            .collect()
    }

    #[test]
    fn the_warmer_reads_new_segments_before_they_serve_and_forgets_those_merged_away() {
        let f = fixture();
        let mut w: IndexWriter = f.index.writer_with_num_threads(1, 20_000_000).unwrap();
        add(&f, &mut w, &[(&["mot", "hai"], &[]), (&["mot"], &[])]);
        add(&f, &mut w, &[(&["mot"], &["ba"])]);
        let warm = Arc::new(Warm::default());
        let weak: std::sync::Weak<dyn Warmer> = Arc::downgrade(&warm) as _;
        let reader: IndexReader = f
            .index
            .reader_builder()
            .reload_policy(tantivy::ReloadPolicy::Manual)
            .warmers(vec![weak])
            .try_into()
            .unwrap();
        let first = segments(&reader);
        assert_eq!(first.len(), 2);
        for s in &first {
            assert!(DENSE.contains(&(*s, f.fields)), "read before any search");
            assert!(super::super::query::tests_facets_kept(s));
        }
        // Merged into one: the new segment is read, the old ones forgotten.
        w.merge(&first).wait().unwrap();
        reader.reload().unwrap();
        let merged = segments(&reader);
        assert_eq!(merged.len(), 1);
        // tantivy collects the generations no searcher holds in the background.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while first.iter().any(|s| DENSE.contains(&(*s, f.fields)))
            && std::time::Instant::now() < deadline
        {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        assert!(DENSE.contains(&(merged[0], f.fields)));
        for s in &first {
            assert!(!DENSE.contains(&(*s, f.fields)), "merged away: forgotten");
            assert!(!super::super::query::tests_facets_kept(s));
        }
        // The reader gone, its segments are forgotten.
        drop(reader);
        drop(warm);
        assert!(!DENSE.contains(&(merged[0], f.fields)));
    }
}
