//! Loads what the status rules need from the database and resolves the chains between
//! documents (a document that details another ends with it), then asks `domain::status`.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;

use crate::db::models::{Effect, StoredEffect};
use crate::db::{queries, registry, Db, DbError};
use crate::domain::kinds::EffectKind;
use crate::domain::status::{self, ArticleFact, DocumentFacts, EffectFact, Status, StatusReport};

/// The dates of documents and the effects between them, for a set of documents.
#[derive(Debug, Default)]
pub struct StatusGraph {
    dates: HashMap<i64, (NaiveDate, Option<NaiveDate>)>,
    /// Effects received, by target, in date order (kept so a cause can be named).
    received: HashMap<i64, Vec<StoredEffect>>,
    /// Documents each document details or implements.
    implements: HashMap<i64, Vec<i64>>,
    articles: HashMap<i64, Vec<ArticleFact>>,
}

/// Chapter and section keys containing an article whose parent is `parent_key`.
pub fn containers_of(parent_key: Option<&str>) -> Vec<String> {
    let Some(p) = parent_key else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut acc = String::new();
    for part in p.split('/') {
        if !acc.is_empty() {
            acc.push('/');
        }
        acc.push_str(part);
        out.push(acc.clone());
    }
    out
}

fn effect_fact(e: &StoredEffect) -> EffectFact {
    EffectFact {
        kind: e.kind,
        provisions: e.provisions.clone(),
        effective_on: e.effective_on,
        until: e.until_on,
    }
}

/// The rows read strictly: an effect of unknown kind or with a corrupt provision list stops
/// the load (it is never skipped, nor read as acting on the whole document).
fn strict(effects: Vec<Effect>) -> Result<Vec<StoredEffect>, DbError> {
    effects
        .into_iter()
        .map(|e| StoredEffect::try_from(e).map_err(DbError::from))
        .collect()
}

impl StatusGraph {
    fn add_effects(&mut self, effects: Vec<StoredEffect>) {
        for e in effects {
            if e.kind == EffectKind::Implements {
                let v = self.implements.entry(e.acting_id).or_default();
                if !v.contains(&e.target_id) {
                    v.push(e.target_id);
                }
            }
            self.received.entry(e.target_id).or_default().push(e);
        }
        for v in self.received.values_mut() {
            v.sort_by_key(|e| (e.effective_on, e.id));
            v.dedup_by_key(|e| e.id);
        }
    }

    /// Declared expiries (registry records written when a review decision declaring a
    /// document, or some provisions, expired was approved, and not ended since) take effect
    /// from their stated date, like a repeal; they enter the graph as effects with a negative
    /// id (minus the decision's number) acting from the document itself.
    fn add_declared(&mut self, db: &mut Db<'_>, ids: Option<&[i64]>) -> Result<(), DbError> {
        let mut effects = Vec::new();
        for row in registry::live_declared_expiries(db, ids)? {
            let keys = row.provisions_stored()?;
            effects.push(StoredEffect {
                id: -row.decision,
                acting_id: row.document_id,
                target_id: row.document_id,
                kind: EffectKind::Repeal,
                provisions: keys,
                effective_on: row.effective_on,
                until_on: None,
                note: Some(format!(
                    "Công bố hết hiệu lực theo kết quả rà soát (quyết định rà soát số {})",
                    row.decision
                )),
            });
        }
        self.add_effects(effects);
        Ok(())
    }

    fn add_articles(&mut self, db: &mut Db<'_>, ids: &[i64]) -> Result<(), DbError> {
        for (doc, key, parent) in queries::article_keys(db, ids)? {
            self.articles.entry(doc).or_default().push(ArticleFact {
                key,
                containers: containers_of(parent.as_deref()),
            });
        }
        Ok(())
    }

    /// Everything: used by lists that filter on status.
    pub fn load_all(db: &mut Db<'_>) -> Result<StatusGraph, DbError> {
        let mut g = StatusGraph::default();
        for d in queries::document_summaries(db, &Default::default())? {
            g.dates.insert(d.id, (d.effective_on, d.end_on));
        }
        g.add_effects(strict(queries::all_effects(db)?)?);
        g.add_declared(db, None)?;
        // Articles matter only where some effect names provisions.
        let partial: Vec<i64> = g
            .received
            .iter()
            .filter(|(_, es)| es.iter().any(|e| !e.provisions.is_empty()))
            .map(|(id, _)| *id)
            .collect();
        g.add_articles(db, &partial)?;
        Ok(g)
    }

    /// One document and the documents whose end can end it.
    pub fn load_around(db: &mut Db<'_>, id: i64) -> Result<StatusGraph, DbError> {
        let mut g = StatusGraph::default();
        let mut todo = vec![id];
        let mut seen = HashSet::new();
        while let Some(x) = todo.pop() {
            if !seen.insert(x) {
                continue;
            }
            g.add_effects(strict(queries::effects_on(db, x)?)?);
            for e in strict(queries::effects_by(db, x)?)? {
                if e.kind == EffectKind::Implements {
                    todo.push(e.target_id);
                    let v = g.implements.entry(x).or_default();
                    if !v.contains(&e.target_id) {
                        v.push(e.target_id);
                    }
                }
            }
        }
        let ids: Vec<i64> = seen.into_iter().collect();
        g.add_declared(db, Some(&ids))?;
        for d in queries::summaries_by_ids(db, &ids)? {
            g.dates.insert(d.id, (d.effective_on, d.end_on));
        }
        g.add_articles(db, &ids)?;
        Ok(g)
    }

    pub fn effects_received(&self, id: i64) -> &[StoredEffect] {
        self.received.get(&id).map_or(&[], Vec::as_slice)
    }

    /// The facts of document `id` as of `date`, with the ends of the documents it implements
    /// resolved (a cycle of implementing documents counts as not ended).
    pub fn facts(&self, id: i64, date: NaiveDate) -> Option<DocumentFacts> {
        let mut visiting = HashSet::new();
        self.facts_inner(id, date, &mut visiting)
    }

    fn facts_inner(
        &self,
        id: i64,
        date: NaiveDate,
        visiting: &mut HashSet<i64>,
    ) -> Option<DocumentFacts> {
        let (effective_on, end_on) = *self.dates.get(&id)?;
        visiting.insert(id);
        let implements = self
            .implements
            .get(&id)
            .map(|targets| {
                targets
                    .iter()
                    .filter(|t| self.dates.contains_key(t))
                    .map(|t| {
                        if visiting.contains(t) {
                            return None;
                        }
                        let f = self.facts_inner(*t, date, visiting)?;
                        status::ceased_on(&f, date).map(|(d, _)| d)
                    })
                    .collect()
            })
            .unwrap_or_default();
        visiting.remove(&id);
        Some(DocumentFacts {
            effective_on,
            end_on,
            articles: self.articles.get(&id).cloned().unwrap_or_default(),
            received: self.effects_received(id).iter().map(effect_fact).collect(),
            implements,
        })
    }

    pub fn status(&self, id: i64, date: NaiveDate) -> Option<StatusReport> {
        self.facts(id, date).map(|f| status::status_on(&f, date))
    }

    /// The effect behind a cause, when the cause is an effect (the facts hold every effect
    /// received, in the same order).
    pub fn cause_effect(&self, id: i64, index: usize) -> Option<&StoredEffect> {
        self.effects_received(id).get(index)
    }

    /// Every document the graph holds.
    pub fn ids(&self) -> impl Iterator<Item = i64> + '_ {
        self.dates.keys().copied()
    }

    pub fn statuses(&self, date: NaiveDate) -> HashMap<i64, Status> {
        self.dates
            .keys()
            .filter_map(|id| Some((*id, self.status(*id, date)?.status)))
            .collect()
    }
}

/// The whole graph, shared between requests until the registry changes. Every write that can
/// change a status (documents, effects, declared expiries written and ended)
/// appends an outbox row in its transaction, and the newest outbox row is never pruned, so
/// the newest outbox id names the state the graph was loaded from. Statuses are kept for a
/// few dates (in practice: today).
#[derive(Default)]
pub struct SharedGraph {
    held: std::sync::Mutex<Option<Held>>,
}

struct Held {
    version: i64,
    graph: std::sync::Arc<StatusGraph>,
    statuses: Vec<(NaiveDate, std::sync::Arc<HashMap<i64, Status>>)>,
}

impl SharedGraph {
    const DATES: usize = 4;

    /// The graph as of now: reloaded when the outbox has moved since it was loaded.
    pub fn graph(&self, db: &mut Db<'_>) -> Result<std::sync::Arc<StatusGraph>, DbError> {
        let version = queries::outbox_max(db)?;
        if let Ok(held) = self.held.lock() {
            if let Some(h) = held.as_ref().filter(|h| h.version == version) {
                return Ok(h.graph.clone());
            }
        }
        // Loaded outside the lock: a write committed meanwhile is already in it, and the next
        // call, seeing a newer outbox id, loads again.
        let graph = std::sync::Arc::new(StatusGraph::load_all(db)?);
        if let Ok(mut held) = self.held.lock() {
            if held.as_ref().is_none_or(|h| h.version <= version) {
                *held = Some(Held {
                    version,
                    graph: graph.clone(),
                    statuses: Vec::new(),
                });
            }
        }
        Ok(graph)
    }

    /// Every document's status on `date`.
    pub fn statuses(
        &self,
        db: &mut Db<'_>,
        date: NaiveDate,
    ) -> Result<std::sync::Arc<HashMap<i64, Status>>, DbError> {
        let graph = self.graph(db)?;
        if let Ok(held) = self.held.lock() {
            if let Some(h) = held
                .as_ref()
                .filter(|h| std::sync::Arc::ptr_eq(&h.graph, &graph))
            {
                if let Some((_, s)) = h.statuses.iter().find(|(d, _)| *d == date) {
                    return Ok(s.clone());
                }
            }
        }
        let statuses = std::sync::Arc::new(graph.statuses(date));
        if let Ok(mut held) = self.held.lock() {
            if let Some(h) = held
                .as_mut()
                .filter(|h| std::sync::Arc::ptr_eq(&h.graph, &graph))
            {
                if h.statuses.len() >= Self::DATES {
                    h.statuses.remove(0);
                }
                h.statuses.push((date, statuses.clone()));
            }
        }
        Ok(statuses)
    }
}
