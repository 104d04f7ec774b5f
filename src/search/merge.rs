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
