//! Loads what the status rules need from the database and resolves the chains between
//! documents, then asks `domain::status`:
//! - a document that details another may end with it (how that other ended decides, see
//!   `domain::status`);
//! - an effect acts only when its acting document is in force on the effect's date. That
//!   status depends only on effects dated on or before it, so the resolution walks back in
//!   time and ends; two documents acting on each other on the same day are a loop, broken by
//!   taking the document already being resolved as acting (`vanban check` reports the cycle).
//!   Answers are memoised by (acting document, date) for a whole pass over the graph.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;

use crate::db::models::{DocumentSummary, Effect, StoredEffect};
use crate::db::{editing, queries, registry, status as stored_status, Db, DbError};
use crate::domain::kinds::{AuthorityKind, EffectKind, UnitLevel};
use crate::domain::status::{
    self, ClassEndFact, ClassMember, DocumentClass, DocumentFacts, EffectFact, Evaluation,
    ProvisionFact, Status, StatusReport,
};

/// The dates of documents and the effects between them, for a set of documents.
#[derive(Debug, Default)]
pub struct StatusGraph {
    dates: HashMap<i64, (NaiveDate, Option<NaiveDate>)>,
    /// Effects received, by target, in date order (kept so a cause can be named).
    received: HashMap<i64, Vec<StoredEffect>>,
    /// Documents each document details or implements.
    implements: HashMap<i64, Vec<i64>>,
    provisions: HashMap<i64, Vec<ProvisionFact>>,
    /// Provisions taking effect on their own date, by document.
    provision_dates: HashMap<i64, Vec<(String, NaiveDate)>>,
    /// The class ends recorded (a cause names its rule by index here).
    class_rules: Vec<ClassRule>,
    /// The earliest class end of each document some class covers.
    class_end: HashMap<i64, ClassEndFact>,
}

/// A class end as a cause names it: the transitional provision and the day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassRule {
    pub basis_id: i64,
    /// The basis document's number (`64/2025/QH15`).
    pub basis_number: String,
    /// The provision key of the transitional provision.
    pub provision: String,
    pub ceases_on: NaiveDate,
    pub class: DocumentClass,
}

/// Each authority's kind and its unit's level, read strictly.
pub fn issuers(
    db: &mut Db<'_>,
) -> Result<HashMap<i64, (AuthorityKind, Option<UnitLevel>)>, DbError> {
    let mut out = HashMap::new();
    for (id, kind, level) in registry::authority_classes(db)? {
        let at = |column| crate::db::stored::At::new("authorities", &id, column);
        let kind = crate::db::stored::code(&kind, at("kind"), AuthorityKind::parse)?;
        let level = match level {
            Some(l) => Some(crate::db::stored::code(
                &l,
                at("unit level"),
                UnitLevel::parse,
            )?),
            None => None,
        };
        out.insert(id, (kind, level));
    }
    Ok(out)
}

/// What a class end reads of a document.
pub fn class_member<'a>(
    d: &'a DocumentSummary,
    issuers: &HashMap<i64, (AuthorityKind, Option<UnitLevel>)>,
) -> ClassMember<'a> {
    let issuer = issuers.get(&d.authority_id);
    ClassMember {
        authority_kind: issuer.map(|(k, _)| *k),
        level: issuer.and_then(|(_, l)| *l),
        doc_type: &d.doc_type,
        issued_on: d.issued_on,
        normative: d.normative,
    }
}

/// The class ends recorded, read strictly.
pub fn class_rules(db: &mut Db<'_>) -> Result<Vec<ClassRule>, DbError> {
    let rows = registry::all_class_ends(db)?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = rows.iter().map(|r| r.basis_id).collect();
    let numbers: HashMap<i64, String> = queries::summaries_by_ids(db, &ids)?
        .into_iter()
        .map(|d| (d.id, d.number))
        .collect();
    rows.into_iter()
        .map(|r| {
            Ok(ClassRule {
                class: r.class_stored()?,
                basis_number: numbers.get(&r.basis_id).cloned().unwrap_or_default(),
                basis_id: r.basis_id,
                provision: r.provision,
                ceases_on: r.ceases_on,
            })
        })
        .collect()
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
    EffectFact::new(e.kind, e.provisions.clone(), e.effective_on, e.until_on)
}

/// Each provision with the keys of the provisions containing it, outermost first, from the
/// rows of one document (`key`, `parent key`) in document order.
pub fn provision_facts(rows: &[(String, Option<String>)]) -> Vec<ProvisionFact> {
    let parent: HashMap<&str, &str> = rows
        .iter()
        .filter_map(|(k, p)| Some((k.as_str(), p.as_deref()?)))
        .collect();
    rows.iter()
        .map(|(key, _)| {
            let mut containers = Vec::new();
            let mut at = key.as_str();
            // Bounded by the number of rows: a stored loop of parents cannot hang the walk.
            while let Some(p) = parent.get(at).filter(|_| containers.len() < rows.len()) {
                containers.push((*p).to_string());
                at = p;
            }
            containers.reverse();
            ProvisionFact {
                key: key.clone(),
                containers,
            }
        })
        .collect()
}

/// Memoised answers of one pass over the graph: whether a document acted on a date.
#[derive(Default)]
struct Resolver {
    acts: HashMap<(i64, NaiveDate), bool>,
    visiting: HashSet<i64>,
    /// Whether the answer being computed met a loop: such an answer depends on where the
    /// resolution started and is not memoised (so each document's status is the same whether
    /// it is asked alone or in a pass over the whole graph).
    looped: bool,
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

    /// The dates of `docs`, the class ends covering them and their provisions' own dates.
    fn add_documents(
        &mut self,
        db: &mut Db<'_>,
        docs: &[DocumentSummary],
        ids: Option<&[i64]>,
    ) -> Result<(), DbError> {
        self.class_rules = class_rules(db)?;
        let issuers = if self.class_rules.is_empty() {
            HashMap::new()
        } else {
            issuers(db)?
        };
        for d in docs {
            self.dates.insert(d.id, (d.effective_on, d.end_on));
            let member = class_member(d, &issuers);
            let end = self
                .class_rules
                .iter()
                .enumerate()
                .filter(|(_, r)| r.class.covers(&member))
                .map(|(rule, r)| ClassEndFact {
                    rule,
                    on: r.ceases_on,
                })
                .min_by_key(|c| (c.on, c.rule));
            if let Some(end) = end {
                self.class_end.insert(d.id, end);
            }
        }
        for row in registry::provision_dates_of(db, ids)? {
            let keys = row.provisions_stored()?;
            let v = self.provision_dates.entry(row.document_id).or_default();
            v.extend(keys.into_iter().map(|k| (k, row.effective_on)));
        }
        Ok(())
    }

    /// The transitional provision behind a class end.
    pub fn class_rule(&self, rule: usize) -> Option<&ClassRule> {
        self.class_rules.get(rule)
    }

    fn add_provisions(&mut self, db: &mut Db<'_>, ids: &[i64]) -> Result<(), DbError> {
        let mut by_doc: HashMap<i64, Vec<(String, Option<String>)>> = HashMap::new();
        for (doc, key, parent) in stored_status::provision_tree(db, ids)? {
            by_doc.entry(doc).or_default().push((key, parent));
        }
        for (doc, rows) in by_doc {
            self.provisions.insert(doc, provision_facts(&rows));
        }
        Ok(())
    }

    /// Everything: used by lists that filter on status.
    pub fn load_all(db: &mut Db<'_>) -> Result<StatusGraph, DbError> {
        let mut g = StatusGraph::default();
        // Withdrawn documents (entered in error) and their effects act on no status.
        let withdrawn = editing::withdrawn_ids(db)?;
        let docs = queries::document_summaries(db, &Default::default())?;
        g.add_documents(db, &docs, None)?;
        let mut effects = strict(queries::all_effects(db)?)?;
        effects.retain(|e| !withdrawn.contains(&e.acting_id));
        g.add_effects(effects);
        g.add_declared(db, None)?;
        // Provisions matter only where some effect names provisions, or some take effect on
        // their own date.
        let mut partial: Vec<i64> = g
            .received
            .iter()
            .filter(|(_, es)| es.iter().any(|e| !e.provisions.is_empty()))
            .map(|(id, _)| *id)
            .collect();
        partial.extend(
            g.provision_dates
                .keys()
                .filter(|id| !g.received.contains_key(id)),
        );
        g.add_provisions(db, &partial)?;
        Ok(g)
    }

    /// One document, the documents whose end can end it and the documents acting on them (whose
    /// force decides whether their effects act), transitively.
    pub fn load_around(db: &mut Db<'_>, id: i64) -> Result<StatusGraph, DbError> {
        Self::load_around_all(db, &[id])
    }

    /// As [`Self::load_around`] for several documents at once, in one pass: one query per step
    /// of the walk for all of them (the preview of a decision touching fifty documents), not
    /// one walk per document. Each document evaluates as in its own graph.
    pub fn load_around_all(db: &mut Db<'_>, start: &[i64]) -> Result<StatusGraph, DbError> {
        let mut g = StatusGraph::default();
        // Withdrawn documents (entered in error) and their effects act on no status.
        let withdrawn = editing::withdrawn_ids(db)?;
        let mut seen = HashSet::new();
        let mut frontier: Vec<i64> = start.to_vec();
        loop {
            frontier.retain(|x| seen.insert(*x));
            if frontier.is_empty() {
                break;
            }
            let mut next = Vec::new();
            let mut received = strict(queries::effects_on_any(db, &frontier)?)?;
            received.retain(|e| !withdrawn.contains(&e.acting_id));
            // Citations and links do not depend on their acting document's force.
            let acting = received
                .iter()
                .filter(|e| e.kind.ends_wording() || e.kind == EffectKind::Suspend);
            next.extend(acting.map(|e| e.acting_id));
            g.add_effects(received);
            for e in strict(queries::effects_by_any(db, &frontier)?)? {
                if e.kind == EffectKind::Implements && !withdrawn.contains(&e.acting_id) {
                    next.push(e.target_id);
                    let v = g.implements.entry(e.acting_id).or_default();
                    if !v.contains(&e.target_id) {
                        v.push(e.target_id);
                    }
                }
            }
            frontier = next;
        }
        let ids: Vec<i64> = seen.into_iter().collect();
        g.add_declared(db, Some(&ids))?;
        let docs = queries::summaries_by_ids(db, &ids)?;
        g.add_documents(db, &docs, Some(&ids))?;
        g.add_provisions(db, &ids)?;
        Ok(g)
    }

    pub fn effects_received(&self, id: i64) -> &[StoredEffect] {
        self.received.get(&id).map_or(&[], Vec::as_slice)
    }

    /// The facts of document `id` as of `date`: the ends of the documents it implements
    /// resolved (a cycle of implementing documents counts as not ended), and each effect dated
    /// by then marked by whether its acting document was in force on the effect's date.
    pub fn facts(&self, id: i64, date: NaiveDate) -> Option<DocumentFacts> {
        self.facts_with(id, date, &mut Resolver::default())
    }

    fn facts_with(&self, id: i64, date: NaiveDate, r: &mut Resolver) -> Option<DocumentFacts> {
        let (effective_on, end_on) = *self.dates.get(&id)?;
        r.visiting.insert(id);
        let received = self
            .effects_received(id)
            .iter()
            .map(|e| {
                let mut f = effect_fact(e);
                f.acts = e.effective_on > date || self.acts(e, r);
                f
            })
            .collect();
        let implements = self
            .implements
            .get(&id)
            .map(|targets| {
                targets
                    .iter()
                    .filter(|t| self.dates.contains_key(t))
                    .map(|t| {
                        if r.visiting.contains(t) {
                            return None;
                        }
                        let f = self.facts_with(*t, date, r)?;
                        status::ending(&f, date)
                    })
                    .collect()
            })
            .unwrap_or_default();
        r.visiting.remove(&id);
        Some(DocumentFacts {
            effective_on,
            end_on,
            provisions: self.provisions.get(&id).cloned().unwrap_or_default(),
            received,
            implements,
            provisions_from: self.provision_dates.get(&id).cloned().unwrap_or_default(),
            class_end: self.class_end.get(&id).copied(),
        })
    }

    /// Whether the acting document of `e` was in force on the effect's date. A declared expiry
    /// (the document acting on itself) always acts; so does an acting document the graph does
    /// not hold, or one already being resolved (a loop).
    fn acts(&self, e: &StoredEffect, r: &mut Resolver) -> bool {
        let acting = e.acting_id;
        if e.id < 0
            || acting == e.target_id
            || !e.kind.ends_wording() && e.kind != EffectKind::Suspend
        {
            return true;
        }
        let key = (acting, e.effective_on);
        if let Some(b) = r.acts.get(&key) {
            return *b;
        }
        if r.visiting.contains(&acting) {
            r.looped = true;
            return true;
        }
        if !self.dates.contains_key(&acting) {
            return true;
        }
        let outer = std::mem::replace(&mut r.looped, false);
        let b = self
            .facts_with(acting, e.effective_on, r)
            .is_none_or(|f| status::acts_on(&f, e.effective_on));
        if !r.looped {
            r.acts.insert(key, b);
        }
        r.looped |= outer;
        b
    }

    /// Whether the effect `effect_id` received by `id` acted: its acting document was in
    /// force on the effect's date (an effect the graph does not hold counts as acting).
    pub fn effect_acted(&self, id: i64, effect_id: i64) -> bool {
        let received = self.effects_received(id);
        let Some(index) = received.iter().position(|e| e.id == effect_id) else {
            return true;
        };
        let on = received[index].effective_on;
        self.facts(id, on)
            .and_then(|f| f.received.get(index).map(|e| e.acts))
            .unwrap_or(true)
    }

    pub fn status(&self, id: i64, date: NaiveDate) -> Option<StatusReport> {
        self.facts(id, date).map(|f| status::status_on(&f, date))
    }

    /// The facts of a document and the status of it and of every provision on `date`.
    pub fn evaluate(&self, id: i64, date: NaiveDate) -> Option<(DocumentFacts, Evaluation)> {
        let f = self.facts(id, date)?;
        let e = status::evaluate(&f, date);
        Some((f, e))
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

    /// Every document's evaluation on `date` (document and provisions), from one pass.
    pub fn evaluations(&self, date: NaiveDate) -> HashMap<i64, Evaluation> {
        let mut r = Resolver::default();
        self.dates
            .keys()
            .filter_map(|id| {
                let f = self.facts_with(*id, date, &mut r)?;
                Some((*id, status::evaluate(&f, date)))
            })
            .collect()
    }

    pub fn statuses(&self, date: NaiveDate) -> HashMap<i64, Status> {
        let mut r = Resolver::default();
        self.dates
            .keys()
            .filter_map(|id| {
                let f = self.facts_with(*id, date, &mut r)?;
                Some((*id, status::status_on(&f, date).status))
            })
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
    /// Held while the graph is loaded, and while a date's statuses are derived: requests
    /// arriving meanwhile (a server's first seconds, or the moment after a write under load)
    /// wait for that one load and take its result instead of each loading the whole registry.
    loading_graph: std::sync::Mutex<()>,
    loading_statuses: std::sync::Mutex<()>,
}

/// Takes a lock that guards no data (a panic while it was held leaves nothing half-written).
fn one_at_a_time(m: &std::sync::Mutex<()>) -> std::sync::MutexGuard<'_, ()> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
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
        if let Some(g) = self.held_graph(version) {
            return Ok(g);
        }
        let _loading = one_at_a_time(&self.loading_graph);
        if let Some(g) = self.held_graph(version) {
            return Ok(g);
        }
        // Loaded outside the lock of what is held: a write committed meanwhile is already in
        // it, and the next call, seeing a newer outbox id, loads again.
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

    /// The graph held, if it was loaded at outbox id `version`.
    fn held_graph(&self, version: i64) -> Option<std::sync::Arc<StatusGraph>> {
        let held = self.held.lock().ok()?;
        held.as_ref()
            .filter(|h| h.version == version)
            .map(|h| h.graph.clone())
    }

    /// The statuses on `date` held for `graph`, if they were derived.
    fn held_statuses(
        &self,
        graph: &std::sync::Arc<StatusGraph>,
        date: NaiveDate,
    ) -> Option<std::sync::Arc<HashMap<i64, Status>>> {
        let held = self.held.lock().ok()?;
        let h = held
            .as_ref()
            .filter(|h| std::sync::Arc::ptr_eq(&h.graph, graph))?;
        h.statuses
            .iter()
            .find(|(d, _)| *d == date)
            .map(|(_, s)| s.clone())
    }

    /// Every document's status on `date`.
    pub fn statuses(
        &self,
        db: &mut Db<'_>,
        date: NaiveDate,
    ) -> Result<std::sync::Arc<HashMap<i64, Status>>, DbError> {
        let graph = self.graph(db)?;
        if let Some(s) = self.held_statuses(&graph, date) {
            return Ok(s);
        }
        let _loading = one_at_a_time(&self.loading_statuses);
        if let Some(s) = self.held_statuses(&graph, date) {
            return Ok(s);
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
