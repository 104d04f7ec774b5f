//! A cache of recent search results. The public asks the same questions again and again (a
//! commune's name, a well-known resolution number); a repeated search is answered from memory
//! until the index changes. Results are keyed by the index's exact contents (its segments and
//! their deletions), so a commit, a status refresh or a reindex makes every cached answer stale
//! at once and nothing outdated is ever served.

use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};

use lru::LruCache;
use tantivy::Searcher;

use super::query::{Params, Results};

pub struct ResultCache {
    inner: Option<Mutex<Inner>>,
}

struct Inner {
    /// The index contents the cached results were computed on.
    contents: String,
    entries: LruCache<Key, Arc<Results>>,
}

/// What a cached answer is the answer to: the search's parameters, whole (the normalised
/// words, every filter, the page and what is computed besides the hits), compared field by
/// field. Two searches share an answer exactly when their parameters are equal; the index
/// contents they were computed on are checked apart ([`Inner::contents`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Key(Params);

impl Key {
    pub fn of(p: &Params) -> Key {
        Key(p.clone())
    }
}

/// Names the contents of the index a searcher sees: its segments and their deletions.
fn contents(searcher: &Searcher) -> String {
    let mut s = String::new();
    for (id, deletes) in searcher.generation().segments() {
        s.push_str(&id.uuid_string());
        s.push(':');
        if let Some(d) = deletes {
            s.push_str(&d.to_string());
        }
        s.push(';');
    }
    s
}

impl ResultCache {
    /// A cache of `capacity` result pages; 0 disables it.
    pub fn new(capacity: usize) -> ResultCache {
        ResultCache {
            inner: NonZeroUsize::new(capacity).map(|c| {
                Mutex::new(Inner {
                    contents: String::new(),
                    entries: LruCache::new(c),
                })
            }),
        }
    }

    /// The results of `p` on `searcher`, from the cache when this index already answered it.
    pub fn search(
        &self,
        searcher: &Searcher,
        fields: &super::index::Fields,
        p: &Params,
    ) -> tantivy::Result<Arc<Results>> {
        let Some(inner) = &self.inner else {
            return super::query::search(searcher, fields, p).map(Arc::new);
        };
        let contents = contents(searcher);
        let key = Key::of(p);
        if let Ok(mut c) = inner.lock() {
            if c.contents == contents {
                if let Some(r) = c.entries.get(&key) {
                    return Ok(r.clone());
                }
            }
        }
        let results = Arc::new(super::query::search(searcher, fields, p)?);
        if let Ok(mut c) = inner.lock() {
            if c.contents != contents {
                c.entries.clear();
                c.contents = contents;
            }
            c.entries.put(key, results.clone());
        }
        Ok(results)
    }

    /// How many result pages are held.
    pub fn len(&self) -> usize {
        self.inner
            .as_ref()
            .and_then(|m| m.lock().ok().map(|c| c.entries.len()))
            .unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::query::Scope;

    fn add(index: &tantivy::Index, f: &crate::search::index::Fields, id: i64, text: &str) {
        let mut w = index.writer(15_000_000).unwrap();
        let unit = crate::search::index::Unit::sample("document", id, "Quy định", text);
        w.add_document(crate::search::index::to_document(f, &unit))
            .unwrap();
        w.commit().unwrap();
    }

    #[test]
    fn answers_again_from_memory_until_the_index_changes() {
        let (index, f) = crate::search::index::in_memory();
        add(&index, &f, 1, "nuôi trồng thủy sản");
        let reader = index.reader().unwrap();
        let cache = ResultCache::new(10);
        let p = Params::new("thủy sản", Scope::Documents);
        let first = cache.search(&reader.searcher(), &f, &p).unwrap();
        let again = cache.search(&reader.searcher(), &f, &p).unwrap();
        assert!(
            Arc::ptr_eq(&first, &again),
            "the second answer is the cached one"
        );
        assert_eq!(first.total, 1);
        assert_eq!(cache.len(), 1);

        // A commit changes the index: the cached answer is not served any more.
        add(&index, &f, 2, "khai thác thủy sản");
        reader.reload().unwrap();
        let after = cache.search(&reader.searcher(), &f, &p).unwrap();
        assert!(!Arc::ptr_eq(&first, &after));
        assert_eq!(after.total, 2);
        assert_eq!(cache.len(), 1, "stale answers are dropped");
    }

    #[test]
    fn different_parameters_are_different_answers() {
        let (index, f) = crate::search::index::in_memory();
        add(&index, &f, 1, "nuôi trồng thủy sản");
        let reader = index.reader().unwrap();
        let cache = ResultCache::new(10);
        let mut p = Params::new("thủy sản", Scope::Documents);
        let docs = cache.search(&reader.searcher(), &f, &p).unwrap();
        p.scope = Scope::Articles;
        let articles = cache.search(&reader.searcher(), &f, &p).unwrap();
        assert_eq!((docs.total, articles.total), (1, 0));
    }

    #[test]
    fn the_key_is_every_parameter() {
        let p = Params::new("thủy sản", Scope::Documents);
        assert_eq!(Key::of(&p), Key::of(&p.clone()));
        let mut later = p.clone();
        later.offset = 10;
        assert_ne!(Key::of(&p), Key::of(&later));
        let mut filtered = p.clone();
        filtered.authority_ids = Some(vec![1, 2]);
        assert_ne!(Key::of(&p), Key::of(&filtered));
        let mut faceted = p.clone();
        faceted.facets = true;
        assert_ne!(Key::of(&p), Key::of(&faceted));
    }

    #[test]
    fn capacity_zero_never_caches() {
        let (index, f) = crate::search::index::in_memory();
        add(&index, &f, 1, "nuôi trồng thủy sản");
        let reader = index.reader().unwrap();
        let cache = ResultCache::new(0);
        let p = Params::new("thủy sản", Scope::Documents);
        let a = cache.search(&reader.searcher(), &f, &p).unwrap();
        let b = cache.search(&reader.searcher(), &f, &p).unwrap();
        assert!(!Arc::ptr_eq(&a, &b));
        assert!(cache.is_empty());
    }
}
