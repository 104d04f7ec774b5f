//! The facet ordinals of a segment's units, decoded once per segment into a flat table.
//!
//! Counting the facets of a search reads every match's ordinals. tantivy keeps them in a
//! multi-valued column (a row index, then bit-packed values behind a monotonic mapping): about
//! a dozen steps per match, a sixth of a counted search's time on the page's commonest
//! phrases. Every unit has at most [`PER_UNIT`] facets (its type, status, authority and year),
//! so a table of `PER_UNIT` ordinals per unit answers in one step. It is read from the index
//! and depends on no search (a segment never changes), so it is not a cache of results: each
//! segment's table is built by the index reader's warmer before the segment serves (or by the
//! first search that counts facets in it, for a reader without the warmer).

use std::sync::Arc;

use tantivy::fastfield::FacetReader;
use tantivy::index::SegmentId;
use tantivy::schema::Facet;
use tantivy::{DocId, SegmentReader};

use crate::search::kept::PerSegment;

/// The most facets a unit has.
const PER_UNIT: usize = 4;

/// The facet ordinals of every unit of a segment, [`PER_UNIT`] slots each, and each
/// ordinal's root and value.
pub(super) struct Table {
    /// An empty slot holds the number of facets (one past the last ordinal), so that a count
    /// by slot needs no test: the counter has one more place, never read.
    ords: Vec<u16>,
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
        let mut ords = vec![empty; usize::try_from(max_doc).ok()? * PER_UNIT];
        for (doc, slots) in (0..max_doc).zip(ords.chunks_exact_mut(PER_UNIT)) {
            for (n, o) in reader.facet_ords(doc).enumerate() {
                if n == per_unit {
                    return None;
                }
                *slots.get_mut(n)? = u16::try_from(o).ok()?;
            }
        }
        let mut names = Vec::with_capacity(usize::from(empty));
        reader
            .facet_dict()
            .sorted_ords_to_term_cb(0..u64::from(empty), |bytes| {
                let facet = Facet::from_encoded(bytes.to_vec()).unwrap_or_else(|_| Facet::root());
                names.push(match facet.to_path().as_slice() {
                    [root, value] => (root.to_string(), value.to_string()),
                    _ => (String::new(), String::new()),
                });
                Ok(())
            })
            .ok()?;
        (names.len() == usize::from(empty)).then_some(Table { ords, names })
    }

    /// How many places a counter by slot needs: one per facet, and the empty slots' one.
    pub(super) fn places(&self) -> usize {
        self.names.len() + 1
    }

    /// The slots of `doc`: its facets' ordinals, then [`Self::places`]` - 1` in the empty ones.
    pub(super) fn slots(&self, doc: DocId) -> &[u16] {
        let at = doc as usize * PER_UNIT;
        self.ords.get(at..at + PER_UNIT).unwrap_or_default()
    }

    /// The ordinals of `doc`'s facets.
    #[cfg(test)]
    fn of(&self, doc: DocId) -> impl Iterator<Item = usize> + '_ {
        let empty = self.names.len();
        self.slots(doc)
            .iter()
            .map(|&o| usize::from(o))
            .filter(move |&o| o != empty)
    }

    /// The root and value of the facet with ordinal `ord` (empty for a facet that is not a
    /// root and a value).
    pub(super) fn name(&self, ord: usize) -> Option<&(String, String)> {
        self.names.get(ord)
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
        assert_eq!(table.slots(2)[2..], [8, 8]);
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
