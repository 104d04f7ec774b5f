//! Circles of effects: document A acts on B, which acts (through others) back on A.

use std::collections::{HashMap, HashSet};

/// Each elementary cycle found once, as the list of documents on it (smallest id first).
pub(super) fn cycles(edges: &HashMap<i64, Vec<i64>>) -> Vec<Vec<i64>> {
    // Peel off nodes that cannot lie on a cycle (no way in or no way out), then walk.
    let mut alive: HashSet<i64> = edges.keys().copied().collect();
    for ts in edges.values() {
        alive.extend(ts.iter().copied());
    }
    loop {
        let mut indeg: HashMap<i64, usize> = alive.iter().map(|n| (*n, 0)).collect();
        for (s, ts) in edges {
            if !alive.contains(s) {
                continue;
            }
            for t in ts.iter().filter(|t| alive.contains(t)) {
                *indeg.entry(*t).or_default() += 1;
            }
        }
        let before = alive.len();
        alive.retain(|n| {
            indeg.get(n).copied().unwrap_or(0) > 0
                && edges
                    .get(n)
                    .is_some_and(|ts| ts.iter().any(|t| indeg.contains_key(t)))
        });
        if alive.len() == before {
            break;
        }
    }
    let mut found = Vec::new();
    let mut starts: Vec<i64> = alive.iter().copied().collect();
    starts.sort_unstable();
    for start in starts {
        if !alive.contains(&start) {
            continue;
        }
        let mut path = vec![start];
        let mut at = start;
        let cycle = loop {
            let next = edges
                .get(&at)
                .and_then(|ts| ts.iter().copied().filter(|t| alive.contains(t)).min());
            let Some(n) = next else { break None };
            if let Some(pos) = path.iter().position(|p| *p == n) {
                break Some(path[pos..].to_vec());
            }
            path.push(n);
            at = n;
        };
        if let Some(mut c) = cycle {
            for n in &c {
                alive.remove(n);
            }
            if let Some(min_pos) = c
                .iter()
                .enumerate()
                .min_by_key(|(_, v)| **v)
                .map(|(i, _)| i)
            {
                c.rotate_left(min_pos);
            }
            found.push(c);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_cycles_and_ignores_chains() {
        let edges: HashMap<i64, Vec<i64>> = [
            (1, vec![2]),
            (2, vec![3]),
            (3, vec![1]),
            (4, vec![1]),
            (5, vec![6]),
        ]
        .into_iter()
        .collect();
        assert_eq!(cycles(&edges), vec![vec![1, 2, 3]]);
        let chain: HashMap<i64, Vec<i64>> = [(1, vec![2]), (2, vec![3])].into_iter().collect();
        assert!(cycles(&chain).is_empty());
    }
}
