//! Values read from a segment's index data and kept while the segment lives, shared by the
//! searches of every thread: a segment never changes, so they depend on no search. The index
//! reader's warmer forgets a segment's values when it is merged away (`search::dense::Warm`);
//! should they still pile up, the map is emptied when it reaches its limit.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Mutex, OnceLock};

pub struct PerSegment<K, V> {
    map: OnceLock<Mutex<HashMap<K, V>>>,
    limit: usize,
}

impl<K: Hash + Eq, V: Clone> PerSegment<K, V> {
    pub const fn new(limit: usize) -> Self {
        PerSegment {
            map: OnceLock::new(),
            limit,
        }
    }

    /// The value kept for `key`, or the one `make` reads, then kept (two threads missing at
    /// once both read it; the values are equal).
    pub fn get_or<E>(&self, key: K, make: impl FnOnce() -> Result<V, E>) -> Result<V, E> {
        let map = self.map.get_or_init(Default::default);
        if let Some(v) = map.lock().ok().and_then(|m| m.get(&key).cloned()) {
            return Ok(v);
        }
        let v = make()?;
        if let Ok(mut m) = map.lock() {
            if m.len() >= self.limit {
                m.clear();
            }
            m.insert(key, v.clone());
        }
        Ok(v)
    }

    /// Whether a value is kept for `key`.
    #[cfg(test)]
    pub fn contains(&self, key: &K) -> bool {
        self.map
            .get()
            .and_then(|m| m.lock().ok().map(|m| m.contains_key(key)))
            .unwrap_or(false)
    }

    /// The values kept now.
    pub fn values(&self) -> Vec<V> {
        self.map
            .get()
            .and_then(|m| m.lock().ok().map(|m| m.values().cloned().collect()))
            .unwrap_or_default()
    }

    /// Forgets the values whose key fails `keep` (those of segments merged away).
    pub fn retain(&self, keep: impl Fn(&K) -> bool) {
        if let Some(Ok(mut m)) = self.map.get().map(Mutex::lock) {
            m.retain(|k, _| keep(k));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_is_read_once_and_the_map_is_emptied_at_its_limit() {
        let kept: PerSegment<u32, u32> = PerSegment::new(2);
        let reads = std::cell::Cell::new(0);
        let get = |k: u32| {
            kept.get_or(k, || {
                reads.set(reads.get() + 1);
                Ok::<_, ()>(k * 10)
            })
        };
        assert_eq!(get(1), Ok(10));
        assert_eq!(get(1), Ok(10));
        assert_eq!(get(2), Ok(20));
        assert_eq!(reads.get(), 2, "kept");
        // The third key empties the map: 1 is read again.
        assert_eq!(get(3), Ok(30));
        assert_eq!(get(1), Ok(10));
        assert_eq!(reads.get(), 4);
        assert_eq!(kept.get_or(9, || Err("unreadable")), Err("unreadable"));
    }
}
