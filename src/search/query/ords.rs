//! The facet ordinals of a segment's units, decoded once per segment into runs of units that
//! share them.
//!
//! Counting the facets of a search reads every match's ordinals. tantivy keeps them in a
//! multi-valued column (a row index, then bit-packed values behind a monotonic mapping): about
//! a dozen steps per match, a sixth of a counted search's time on the page's commonest
//! phrases. Every unit has at most [`PER_UNIT`] facets (its type, status, authority and year),
//! and a document's units are neighbours in the segment and share its facets: the table keeps
//! one entry per run of neighbours with the same facets, where each run starts (a few per
//! document: 304,776 runs for the 1.1 M units of the 100,000-document benchmark). A search
//! visits its matches in increasing order, so it counts the matches of a run and adds them to
//! the run's facets once, walking the runs as it goes: a comparison per match, and a table of
//! about a quarter of an entry per unit, which mostly stays in the processor's cache (one
//! entry of eight bytes per unit missed it on nearly every match).
//!
//! The table is read from the index and depends on no search (a segment never changes), so it
//! is not a cache of results: each segment's table is built by the index reader's warmer
//! before the segment serves (or by the first search that counts facets in it, for a reader
//! without the warmer).

use std::sync::Arc;

use tantivy::fastfield::FacetReader;
use tantivy::index::SegmentId;
use tantivy::schema::Facet;
use tantivy::{DocId, SegmentReader};

use crate::search::kept::PerSegment;

/// The most facets a unit has.
const PER_UNIT: usize = 4;

/// The facet ordinals of a segment's units by runs of neighbours sharing them, and each
/// ordinal's root and value.
pub(super) struct Table {
    /// The first unit of each run, increasing; the first run starts at 0.
    starts: Vec<DocId>,
    /// Each run's facet ordinals, [`PER_UNIT`] slots; an empty slot holds the number of facets
    /// (one past the last ordinal), so that a count by slot needs no test: the counter has one
    /// more place, never read.
    slots: Vec<[u16; PER_UNIT]>,
    names: Vec<(String, String)>,
}

impl Table {
    /// Reads the ordinals of every unit and the facets' names; `None` when a unit has more
    /// than `per_unit` facets or an ordinal does not fit (the column is then read match by
    /// match).
    fn decode(reader: &FacetReader, max_doc: DocId, per_unit: usize) -> Option<Table> {
        let empty = u16::try_from(reader.num_facets()).ok()?;
        if empty == u16::MAX || per_unit > PER_UNIT {
            return None;
        }
        let mut starts = Vec::new();
        let mut runs: Vec<[u16; PER_UNIT]> = Vec::new();
        for doc in 0..max_doc {
            let mut slots = [empty; PER_UNIT];
            for (n, o) in reader.facet_ords(doc).enumerate() {
                if n == per_unit {
                    return None;
                }
                *slots.get_mut(n)? = u16::try_from(o).ok()?;
            }
            if runs.last() != Some(&slots) {
                starts.push(doc);
                runs.push(slots);
            }
        }
        if starts.is_empty() {
            starts.push(0);
            runs.push([empty; PER_UNIT]);
        }
        let mut names = Vec::with_capacity(usize::from(empty));
        reader
            .facet_dict()
            .sorted_ords_to_term_cb(0..u64::from(empty), |bytes| {
                names.push(root_and_value(bytes).unwrap_or_default());
                Ok(())
            })
            .ok()?;
        starts.shrink_to_fit();
        runs.shrink_to_fit();
        (names.len() == usize::from(empty)).then_some(Table {
            starts,
            slots: runs,
            names,
        })
    }

    /// How many places a counter by slot needs: one per facet, and the empty slots' one.
    pub(super) fn places(&self) -> usize {
        self.names.len() + 1
    }

    /// How many runs the table has.
    pub(super) fn runs(&self) -> usize {
        self.starts.len()
    }

    /// The run holding `doc`, looked for from run `from` on when `doc` is at or after its start
    /// (a gallop, then a binary search: matches come in increasing order), otherwise from the
    /// first run.
    pub(super) fn run_of(&self, doc: DocId, from: usize) -> usize {
        let starts = &self.starts;
        let from = if starts.get(from).is_some_and(|&s| s <= doc) {
            from
        } else {
            0
        };
        // The last run at or before `doc`: between `lo` (at or before) and `hi` (after, or the
        // end).
        let mut lo = from;
        let mut step = 1;
        let mut hi = lo + step;
        while starts.get(hi).is_some_and(|&s| s <= doc) {
            lo = hi;
            step *= 2;
            hi = lo + step;
        }
        let hi = hi.min(starts.len());
        lo + starts
            .get(lo..hi)
            .map_or(1, |s| s.partition_point(|&s| s <= doc))
            .saturating_sub(1)
    }

    /// Where run `run` starts.
    pub(super) fn start_of(&self, run: usize) -> DocId {
        self.starts.get(run).copied().unwrap_or(tantivy::TERMINATED)
    }

    /// Where the run after `run` starts; `TERMINATED` after the last.
    pub(super) fn end_of(&self, run: usize) -> DocId {
        self.starts
            .get(run + 1)
            .copied()
            .unwrap_or(tantivy::TERMINATED)
    }

    /// The slots of run `run`: its units' facets' ordinals, then [`Self::places`]` - 1` in the
    /// empty ones (all empty past the last run).
    pub(super) fn slots(&self, run: usize) -> [u16; PER_UNIT] {
        self.slots
            .get(run)
            .copied()
            .unwrap_or_else(|| [u16::try_from(self.names.len()).unwrap_or(u16::MAX); PER_UNIT])
    }

    /// The ordinals of `doc`'s facets.
    #[cfg(test)]
    fn of(&self, doc: DocId) -> impl Iterator<Item = usize> + '_ {
        let empty = self.names.len();
        self.slots(self.run_of(doc, 0))
            .into_iter()
            .map(usize::from)
            .filter(move |&o| o != empty)
    }

    /// The root and value of the facet with ordinal `ord` (empty for a facet that is not a
    /// root and a value).
    pub(super) fn name(&self, ord: usize) -> Option<&(String, String)> {
        self.names.get(ord)
    }
}

/// The root and value of an encoded facet of the dictionary (`/type/Nghị quyết`); `None` for
/// a facet that is not a root and a value.
pub(super) fn root_and_value(encoded: &[u8]) -> Option<(String, String)> {
    let facet = Facet::from_encoded(encoded.to_vec()).ok()?;
    match facet.to_path().as_slice() {
        [root, value] => Some((root.to_string(), value.to_string())),
        _ => None,
    }
}

/// The tables, one per segment.
static TABLES: PerSegment<SegmentId, Option<Arc<Table>>> = PerSegment::new(512);

/// The table of `segment`'s facet ordinals, decoded by the first caller; `None` when its
/// units do not fit one (see [`Table::decode`]).
pub(super) fn table(segment: &SegmentReader, reader: &FacetReader) -> Option<Arc<Table>> {
    let decoded = TABLES.get_or(segment.segment_id(), || {
        Ok::<_, std::convert::Infallible>(
            Table::decode(reader, segment.max_doc(), PER_UNIT).map(Arc::new),
        )
    });
    match decoded {
        Ok(t) => t,
        Err(never) => match never {},
    }
}

/// Decodes the table of `segment`'s facets ahead of its first search (the index's warmer).
pub(crate) fn warm(segment: &SegmentReader) -> tantivy::Result<()> {
    let reader = segment.facet_reader("facets")?;
    table(segment, &reader);
    Ok(())
}

/// Forgets the tables of the segments `forgotten`.
pub(crate) fn forget(forgotten: &std::collections::HashSet<SegmentId>) {
    TABLES.retain(|segment| !forgotten.contains(segment));
}

/// The runs of the tables kept and their bytes (the facets' names aside).
pub(crate) fn kept_runs() -> (usize, usize) {
    TABLES
        .values()
        .iter()
        .flatten()
        .fold((0, 0), |(n, bytes), t| {
            (
                n + t.runs(),
                bytes + t.runs() * (std::mem::size_of::<DocId>() + 2 * PER_UNIT),
            )
        })
}

/// Whether `segment`'s table is kept (for the warmer's tests).
#[cfg(test)]
pub(crate) fn kept(segment: &SegmentId) -> bool {
    TABLES.contains(segment)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::schema::{FacetOptions, Schema};
    use tantivy::{Index, IndexWriter, TantivyDocument};

    fn segment_with(facets_per_doc: &[&[&str]]) -> Index {
        let mut b = Schema::builder();
        let field = b.add_facet_field("facets", FacetOptions::default());
        let index = Index::create_in_ram(b.build());
        let mut w: IndexWriter = index.writer_with_num_threads(1, 20_000_000).unwrap();
        for facets in facets_per_doc {
            let mut d = TantivyDocument::default();
            for f in *facets {
                d.add_facet(field, Facet::from(*f));
            }
            w.add_document(d).unwrap();
        }
        w.commit().unwrap();
        index
    }

    #[test]
    fn the_table_gives_each_unit_the_ordinals_the_column_gives() {
        let index = segment_with(&[
            &["/type/a", "/year/2020", "/status/x", "/authority/1"],
            &[],
            &["/type/b", "/year/2021"],
            &["/type/a", "/year/2020", "/status/y", "/authority/2"],
        ]);
        let searcher = index.reader().unwrap().searcher();
        let segment = searcher.segment_reader(0);
        let reader = segment.facet_reader("facets").unwrap();
        let table = Table::decode(&reader, segment.max_doc(), PER_UNIT).unwrap();
        for doc in 0..segment.max_doc() {
            let column: Vec<usize> = reader.facet_ords(doc).map(|o| o as usize).collect();
            let decoded: Vec<usize> = table.of(doc).collect();
            assert_eq!(decoded, column, "doc {doc}");
        }
        assert_eq!(table.of(1).count(), 0);
        assert_eq!(table.of(0).count(), 4);
        // Each ordinal's root and value, as the dictionary names it; an empty slot holds one
        // past the last ordinal.
        let names: Vec<(&str, &str)> = table
            .of(3)
            .map(|o| {
                let (root, value) = table.name(o).unwrap();
                (root.as_str(), value.as_str())
            })
            .collect();
        assert_eq!(
            names,
            [
                ("authority", "2"),
                ("status", "y"),
                ("type", "a"),
                ("year", "2020")
            ]
        );
        assert_eq!(table.places(), 8 + 1);
        assert_eq!(table.slots(table.run_of(2, 0))[2..], [8, 8]);
    }

    #[test]
    fn neighbours_sharing_facets_are_one_run_found_from_any_other_run() {
        // Runs of 1 to 7 units (a document and its articles), some neighbours alike.
        let years = ["/year/2019", "/year/2020", "/year/2021"];
        let mut units: Vec<Vec<&str>> = Vec::new();
        for i in 0..300usize {
            for _ in 0..(i * 7 % 11) % 7 + 1 {
                units.push(vec!["/type/a", years[i * i % 5 % 3]]);
            }
        }
        let facets: Vec<&[&str]> = units.iter().map(Vec::as_slice).collect();
        let index = segment_with(&facets);
        let searcher = index.reader().unwrap().searcher();
        let segment = searcher.segment_reader(0);
        let reader = segment.facet_reader("facets").unwrap();
        let table = Table::decode(&reader, segment.max_doc(), PER_UNIT).unwrap();
        // Fewer runs than units, and no two neighbouring runs alike.
        assert!(table.runs() < units.len() / 2, "{} runs", table.runs());
        assert!(table.slots.windows(2).all(|w| w[0] != w[1]));
        for doc in 0..segment.max_doc() {
            let column: Vec<usize> = reader.facet_ords(doc).map(|o| o as usize).collect();
            let truth = table.starts.partition_point(|&s| s <= doc) - 1;
            // From the first run, from the run itself, from any earlier run, and from a later
            // one (the counter's last run when matches come out of order).
            for from in [
                0,
                truth,
                truth / 2,
                truth.saturating_sub(3),
                truth + 1,
                truth + 40,
            ] {
                assert_eq!(table.run_of(doc, from), truth, "doc {doc} from run {from}");
            }
            assert!((table.start_of(truth)..table.end_of(truth)).contains(&doc));
            let decoded: Vec<usize> = table.of(doc).collect();
            assert_eq!(decoded, column, "doc {doc}");
        }
        assert_eq!(table.end_of(table.runs() - 1), tantivy::TERMINATED);
    }

    #[test]
    fn a_unit_with_more_facets_than_the_slots_gets_no_table() {
        let index = segment_with(&[&["/type/a", "/year/2020", "/status/x"], &["/type/b"]]);
        let searcher = index.reader().unwrap().searcher();
        let segment = searcher.segment_reader(0);
        let reader = segment.facet_reader("facets").unwrap();
        assert!(Table::decode(&reader, segment.max_doc(), 2).is_none());
        assert!(Table::decode(&reader, segment.max_doc(), 3).is_some());
    }
}
