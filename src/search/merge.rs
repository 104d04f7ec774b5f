//! How index segments are merged. tantivy's log merge policy merges segments of similar size
//! into ever larger ones; on a bulk build that ends with one segment holding most of the
//! index, and a search is only as parallel as its segments (one core per segment). This policy
//! keeps its choices but splits any merge that would produce a segment larger than the
//! index's share per search thread, so the largest segments stay about equal.

use std::collections::HashMap;

use tantivy::index::SegmentId;
use tantivy::indexer::{LogMergePolicy, MergeCandidate, MergePolicy};
use tantivy::SegmentMeta;

#[derive(Debug)]
pub struct BalancedMergePolicy {
    inner: LogMergePolicy,
    /// Search threads the largest segments are shared among.
    threads: usize,
}

impl BalancedMergePolicy {
    pub fn new(threads: usize) -> BalancedMergePolicy {
        BalancedMergePolicy {
            inner: LogMergePolicy::default(),
            threads: threads.max(1),
        }
    }
}

/// Splits `candidate` (segment sizes in `docs`) into groups of at most `cap` documents, in
/// order; groups of a single segment are dropped (nothing to merge).
pub fn split(candidate: &[(SegmentId, u32)], cap: u64) -> Vec<Vec<SegmentId>> {
    let mut out: Vec<Vec<SegmentId>> = Vec::new();
    let mut group: Vec<SegmentId> = Vec::new();
    let mut size = 0u64;
    for (id, n) in candidate {
        let n = u64::from(*n);
        if !group.is_empty() && size + n > cap {
            out.push(std::mem::take(&mut group));
            size = 0;
        }
        group.push(*id);
        size += n;
    }
    if !group.is_empty() {
        out.push(group);
    }
    out.retain(|g| g.len() > 1);
    out
}

/// The segments (sizes in `docs`) shared among `bins` groups of about equal size, the largest
/// first, each to the group smallest so far; groups of a single segment are dropped (nothing
/// to merge).
pub fn balance(segments: &[(SegmentId, u32)], bins: usize) -> Vec<Vec<SegmentId>> {
    let mut order: Vec<&(SegmentId, u32)> = segments.iter().collect();
    order.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
    let mut groups: Vec<(u64, Vec<SegmentId>)> = vec![(0, Vec::new()); bins.max(1)];
    for (id, n) in order {
        if let Some(g) = groups.iter_mut().min_by_key(|g| g.0) {
            g.0 += u64::from(*n);
            g.1.push(*id);
        }
    }
    groups
        .into_iter()
        .map(|g| g.1)
        .filter(|g| g.len() > 1)
        .collect()
}

impl MergePolicy for BalancedMergePolicy {
    fn compute_merge_candidates(&self, segments: &[SegmentMeta]) -> Vec<MergeCandidate> {
        let total: u64 = segments.iter().map(|s| u64::from(s.num_docs())).sum();
        let cap = total.div_ceil(self.threads as u64).max(100_000);
        let sizes: HashMap<SegmentId, u32> =
            segments.iter().map(|s| (s.id(), s.num_docs())).collect();
        self.inner
            .compute_merge_candidates(segments)
            .into_iter()
            .flat_map(|c| {
                let with_sizes: Vec<(SegmentId, u32)> =
                    c.0.iter()
                        .map(|id| (*id, sizes.get(id).copied().unwrap_or(0)))
                        .collect();
                split(&with_sizes, cap)
            })
            .map(MergeCandidate)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn balanced_groups_hold_every_segment_once_at_about_equal_sizes() {
        let sizes = [
            353_456, 268_485, 89_764, 88_908, 88_340, 87_258, 85_749, 26_610, 11_557,
        ];
        let c: Vec<(SegmentId, u32)> = sizes
            .iter()
            .map(|n| (SegmentId::generate_random(), *n))
            .collect();
        let size = |id: &SegmentId| c.iter().find(|s| s.0 == *id).map_or(0, |s| s.1);
        let groups = balance(&c, 2);
        assert_eq!(groups.len(), 2);
        let mut seen: Vec<SegmentId> = groups.iter().flatten().copied().collect();
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), c.len(), "each segment in exactly one group");
        let totals: Vec<u64> = groups
            .iter()
            .map(|g| g.iter().map(|id| u64::from(size(id))).sum())
            .collect();
        // No more apart than the smallest segment placed last could even out.
        assert!(totals[0].abs_diff(totals[1]) <= 89_764, "{totals:?}");
        // Already one segment per thread: nothing to merge.
        assert!(balance(&c[..2], 2).is_empty());
        // A single bin takes everything.
        assert_eq!(balance(&c, 1)[0].len(), c.len());
    }

    #[test]
    fn merges_stop_at_the_cap() {
        let ids: Vec<SegmentId> = (0..8).map(|_| SegmentId::generate_random()).collect();
        let c: Vec<(SegmentId, u32)> = ids.iter().map(|id| (*id, 88_000)).collect();
        let groups = split(&c, 550_000);
        assert_eq!(groups.iter().map(Vec::len).collect::<Vec<_>>(), [6, 2]);
        // Everything fits: one merge, as the log policy chose.
        assert_eq!(split(&c, 10_000_000).len(), 1);
        // A group of one is no merge.
        assert!(split(&c[..2], 100_000).is_empty());
    }
}
