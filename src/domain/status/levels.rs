//! The status of every level on a date, from the lowest level up: each provision's own effects
//! (ceasing, amendment, suspension, naming it or a provision containing it) decide a leaf; a
//! provision with parts also reads its parts (all ceased → ceased; all in force suspended →
//! suspended; some ceased → ceased in part); the document reads its top-level provisions.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::{
    basis_fate, ceased_on, covers, pending, BasisFate, Cause, DocumentFacts, EffectFact,
    EffectKind, Status, StatusReport,
};

/// The status of the document and of each of its provisions on one date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    pub document: StatusReport,
    /// Every provision of the facts, in their order, then the provisions added by amendments
    /// (in the order of the amendments' dates).
    pub provisions: Vec<(String, StatusReport)>,
    /// Keys of the provisions added by amendments, with the day each was added.
    pub added: Vec<(String, NaiveDate)>,
}

impl Evaluation {
    pub fn provision(&self, key: &str) -> Option<&StatusReport> {
        self.provisions
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, r)| r)
    }
}

struct Node {
    key: String,
    containers: Vec<String>,
    children: Vec<usize>,
    root: bool,
    /// A provision added by an amendment: the day and the effect.
    added: Option<(NaiveDate, usize)>,
}

impl Node {
    fn exists_on(&self, date: NaiveDate) -> bool {
        self.added.is_none_or(|(d, _)| d <= date)
    }
}

/// A node's state on the date.
#[derive(Clone)]
struct Outcome {
    report: StatusReport,
    /// The day it ceased and whether every part of it ceased by replacement.
    ceased: Option<(NaiveDate, bool)>,
    added_on: Option<NaiveDate>,
}

/// The provisions of the facts, and those the acting amendments add (only where the document's
/// structure is known: an amendment naming a provision not among them adds it).
fn tree(doc: &DocumentFacts) -> Vec<Node> {
    let mut nodes: Vec<Node> = Vec::with_capacity(doc.provisions.len());
    let mut at: HashMap<String, usize> = HashMap::new();
    for p in &doc.provisions {
        let parent = p.containers.iter().rev().find_map(|c| at.get(c).copied());
        let i = nodes.len();
        nodes.push(Node {
            key: p.key.clone(),
            containers: p.containers.clone(),
            children: Vec::new(),
            root: parent.is_none(),
            added: None,
        });
        if let Some(parent) = parent {
            nodes[parent].children.push(i);
        }
        at.insert(p.key.clone(), i);
    }
    if nodes.is_empty() {
        return nodes;
    }
    let mut amendments: Vec<(NaiveDate, usize, &String)> = doc
        .received
        .iter()
        .enumerate()
        .filter(|(_, e)| e.acts && e.kind == EffectKind::Amend)
        .flat_map(|(i, e)| e.provisions.iter().map(move |p| (e.effective_on, i, p)))
        .collect();
    amendments.sort_by_key(|(d, i, p)| (p.matches('/').count(), *d, *i));
    for (on, index, key) in amendments {
        let known =
            at.contains_key(key) || doc.provisions.iter().any(|p| p.containers.contains(key));
        if known {
            continue;
        }
        // Its containers: those of the longest existing prefix, and that prefix.
        let mut parent = None;
        let mut prefix = key.as_str();
        while let Some((head, _)) = prefix.rsplit_once('/') {
            if let Some(i) = at.get(head) {
                parent = Some(*i);
                break;
            }
            prefix = head;
        }
        let containers = parent.map_or_else(Vec::new, |p| {
            let mut c = nodes[p].containers.clone();
            c.push(nodes[p].key.clone());
            c
        });
        let i = nodes.len();
        nodes.push(Node {
            key: key.clone(),
            containers,
            children: Vec::new(),
            root: parent.is_none(),
            added: Some((on, index)),
        });
        if let Some(p) = parent {
            nodes[p].children.push(i);
        }
        at.insert(key.clone(), i);
    }
    nodes
}

/// What the effects naming a provision (or a provision containing it) do to it on `date`.
#[derive(Default)]
struct Direct {
    /// The day, the cause and whether by replacement.
    ceased: Option<(NaiveDate, Cause, bool)>,
    amended: Option<usize>,
    suspended: Option<usize>,
}

fn direct(
    doc: &DocumentFacts,
    key: &str,
    containers: &[String],
    from: Option<NaiveDate>,
    date: NaiveDate,
) -> Direct {
    let mut order: Vec<(usize, &EffectFact)> = doc
        .received
        .iter()
        .enumerate()
        .filter(|(_, e)| e.counts_on(date))
        .filter(|(_, e)| from.is_none_or(|f| f <= e.effective_on))
        .collect();
    order.sort_by_key(|(i, e)| (e.effective_on, *i));
    let mut d = Direct::default();
    for (index, e) in order {
        let named = e.provisions.iter().any(|p| covers(p, key, containers));
        if e.kind.ceases() && named && d.ceased.is_none() {
            let cause = Cause::Effect { index };
            d.ceased = Some((e.effective_on, cause, e.kind == EffectKind::Replace));
        }
        if e.kind == EffectKind::Amend && named && d.ceased.is_none() {
            d.amended = Some(index);
        }
        let whole = e.provisions.is_empty();
        if e.suspends_on(date) && (whole || named) && d.suspended.is_none() {
            d.suspended = Some(index);
        }
    }
    d
}

/// When every part (that existed then) has ceased: the day the last did, and whether all did
/// by replacement. A part added after that day was added to a provision already ended.
fn all_ceased(parts: &[&Outcome]) -> Option<(NaiveDate, bool)> {
    let ended: Vec<(NaiveDate, bool)> = parts.iter().filter_map(|o| o.ceased).collect();
    let last = ended.iter().map(|(d, _)| *d).max()?;
    let rest_added_later = parts
        .iter()
        .filter(|o| o.ceased.is_none())
        .all(|o| o.added_on.is_some_and(|a| a > last));
    rest_added_later.then(|| (last, ended.iter().all(|(_, r)| *r)))
}

fn first_with(parts: &[&Outcome], pick: impl Fn(Status) -> bool) -> Option<StatusReport> {
    parts
        .iter()
        .find(|o| pick(o.report.status))
        .map(|o| o.report.clone())
}

/// The state of a provision with parts `parts` and own effects `own`, or of the document
/// (`own` empty) with top-level provisions `parts`.
fn combine(own: &Direct, parts: &[&Outcome]) -> (StatusReport, Option<(NaiveDate, bool)>) {
    if let Some((on, cause, replaced)) = own.ceased {
        let r = StatusReport::new(Status::HetHieuLucToanBo, Some(cause));
        return (r, Some((on, replaced)));
    }
    if !parts.is_empty() {
        if let Some((on, replaced)) = all_ceased(parts) {
            let cause = Some(Cause::AllArticlesCeased { on });
            let r = StatusReport::new(Status::HetHieuLucToanBo, cause);
            return (r, Some((on, replaced)));
        }
    }
    let report = if let Some(index) = own.suspended {
        StatusReport::new(Status::NgungHieuLucToanBo, Some(Cause::Effect { index }))
    } else if let Some(r) = first_with(parts, |s| s == Status::NgungHieuLucToanBo).filter(|_| {
        parts.iter().all(|o| {
            matches!(
                o.report.status,
                Status::NgungHieuLucToanBo | Status::HetHieuLucToanBo | Status::ChuaCoHieuLuc
            )
        })
    }) {
        r
    } else if let Some(r) = first_with(parts, |s| {
        matches!(s, Status::NgungHieuLucToanBo | Status::NgungHieuLucMotPhan)
    }) {
        StatusReport::new(Status::NgungHieuLucMotPhan, r.cause)
    } else if let Some(r) = first_with(parts, |s| {
        matches!(s, Status::HetHieuLucToanBo | Status::HetHieuLucMotPhan)
    }) {
        StatusReport::new(Status::HetHieuLucMotPhan, r.cause)
    } else if let Some(index) = own.amended {
        StatusReport::new(Status::DuocSuaDoiBoSung, Some(Cause::Effect { index }))
    } else if let Some(r) = first_with(parts, |s| s == Status::DuocSuaDoiBoSung) {
        r
    } else {
        StatusReport::new(Status::ConHieuLuc, None)
    };
    (report, None)
}

/// Every node's outcome on `date`, from the lowest level up (parts always follow the
/// provision containing them, so a walk from the end meets the parts first).
fn outcomes(doc: &DocumentFacts, nodes: &[Node], date: NaiveDate) -> Vec<Option<Outcome>> {
    let mut out: Vec<Option<Outcome>> = vec![None; nodes.len()];
    let ended = ended_unless_kept(nodes, doc, date);
    for i in (0..nodes.len()).rev() {
        let n = &nodes[i];
        let added_on = n.added.map(|(d, _)| d);
        let own_date = pending(doc, &n.key, &n.containers, date);
        if !n.exists_on(date) || own_date.is_some() {
            let on = own_date.or(added_on).unwrap_or(date);
            out[i] = Some(Outcome {
                report: StatusReport::new(
                    Status::ChuaCoHieuLuc,
                    Some(Cause::NotYetEffective { on }),
                ),
                ceased: None,
                added_on,
            });
            continue;
        }
        let mut own = direct(doc, &n.key, &n.containers, added_on, date);
        if let Some(on) = ended[i].filter(|on| own.ceased.is_none_or(|(d, _, _)| *on < d)) {
            own.ceased = Some((on, Cause::BasisCeased { on }, false));
        }
        let parts: Vec<&Outcome> = n
            .children
            .iter()
            .filter(|c| nodes[**c].exists_on(date))
            .filter_map(|c| out[*c].as_ref())
            .collect();
        let (report, ceased) = combine(&own, &parts);
        out[i] = Some(Outcome {
            report,
            ceased,
            added_on,
        });
    }
    out
}

/// For each node, the day it ceased with the documents it details when a new document kept
/// other provisions (2015 law Điều 154 khoản 2): every provision neither kept nor containing a
/// kept one.
fn ended_unless_kept(
    nodes: &[Node],
    doc: &DocumentFacts,
    date: NaiveDate,
) -> Vec<Option<NaiveDate>> {
    let Some(BasisFate::CeasesExcept(on, kept)) = basis_fate(doc).filter(|_| !nodes.is_empty())
    else {
        return vec![None; nodes.len()];
    };
    if on > date {
        return vec![None; nodes.len()];
    }
    let contains = |outer: &Node, k: &str| {
        k.strip_prefix(outer.key.as_str())
            .is_some_and(|rest| rest.starts_with('/'))
            || nodes
                .iter()
                .any(|n| n.key == k && n.containers.contains(&outer.key))
    };
    nodes
        .iter()
        .map(|n| {
            let keeps = kept
                .iter()
                .any(|k| covers(k, &n.key, &n.containers) || contains(n, k));
            (!keeps).then_some(on)
        })
        .collect()
}

fn roots<'a>(nodes: &[Node], out: &'a [Option<Outcome>], date: NaiveDate) -> Vec<&'a Outcome> {
    nodes
        .iter()
        .zip(out)
        .filter(|(n, _)| n.root && n.exists_on(date))
        .filter_map(|(_, o)| o.as_ref())
        .collect()
}

/// When every provision of the document has ceased by `horizon`: the day the last did, and
/// whether all did by replacement. `None` when the structure is unknown.
pub(super) fn all_provisions_ceased(
    doc: &DocumentFacts,
    horizon: NaiveDate,
) -> Option<(NaiveDate, bool)> {
    let nodes = tree(doc);
    if nodes.is_empty() {
        return None;
    }
    let out = outcomes(doc, &nodes, horizon);
    all_ceased(&roots(&nodes, &out, horizon))
}

/// The status of the document and of every provision on `date`: the one function every page,
/// the API, the search index, the feeds and the annual list read.
pub fn evaluate(doc: &DocumentFacts, date: NaiveDate) -> Evaluation {
    let nodes = tree(doc);
    let added = nodes
        .iter()
        .filter_map(|n| n.added.map(|(d, _)| (n.key.clone(), d)))
        .collect();
    let every = |r: &StatusReport| -> Vec<(String, StatusReport)> {
        nodes.iter().map(|n| (n.key.clone(), r.clone())).collect()
    };
    if let Some((_, cause)) = ceased_on(doc, date) {
        let r = StatusReport::new(Status::HetHieuLucToanBo, Some(cause));
        return Evaluation {
            provisions: every(&r),
            document: r,
            added,
        };
    }
    if date < doc.effective_on {
        let on = doc.effective_on;
        let r = StatusReport::new(Status::ChuaCoHieuLuc, Some(Cause::NotYetEffective { on }));
        return Evaluation {
            provisions: every(&r),
            document: r,
            added,
        };
    }
    let out = outcomes(doc, &nodes, date);
    let top = roots(&nodes, &out, date);
    let document = match not_yet(&top) {
        Some(r) => r,
        None => document_level(doc, &top, date),
    };
    let provisions = nodes
        .iter()
        .zip(out)
        .filter_map(|(n, o)| Some((n.key.clone(), o?.report)))
        .collect();
    Evaluation {
        document,
        provisions,
        added,
    }
}

/// When every top-level provision takes effect on a later date of its own, the document is not
/// in force yet either: from the earliest of them.
fn not_yet(top: &[&Outcome]) -> Option<StatusReport> {
    let dates: Option<Vec<NaiveDate>> = top
        .iter()
        .map(|o| match o.report.cause {
            Some(Cause::NotYetEffective { on }) if o.report.status == Status::ChuaCoHieuLuc => {
                Some(on)
            }
            _ => None,
        })
        .collect();
    let on = dates?.into_iter().min()?;
    Some(StatusReport::new(
        Status::ChuaCoHieuLuc,
        Some(Cause::NotYetEffective { on }),
    ))
}

/// The document in force on `date`, its top-level provisions' outcomes `top`.
fn document_level(doc: &DocumentFacts, top: &[&Outcome], date: NaiveDate) -> StatusReport {
    let suspensions = || {
        doc.received
            .iter()
            .enumerate()
            .filter(|(_, e)| e.suspends_on(date))
    };
    if let Some((index, _)) = suspensions().find(|(_, e)| e.provisions.is_empty()) {
        return StatusReport::new(Status::NgungHieuLucToanBo, Some(Cause::Effect { index }));
    }
    if top.is_empty() {
        // Structure unknown: a suspension of some provisions is taken as in force.
        if let Some((index, _)) = suspensions().next() {
            let cause = Some(Cause::Effect { index });
            return StatusReport::new(Status::NgungHieuLucMotPhan, cause);
        }
    } else {
        let (r, _) = combine(&Direct::default(), top);
        if matches!(
            r.status,
            Status::NgungHieuLucToanBo | Status::NgungHieuLucMotPhan
        ) {
            return r;
        }
    }
    // Ceased in part: the status names the latest cause (the one a reader looks for first).
    let mut latest: Option<(NaiveDate, usize, Cause)> = doc
        .received
        .iter()
        .enumerate()
        .filter(|(_, e)| e.counts_on(date) && e.kind.ends_wording())
        .map(|(index, e)| (e.effective_on, index, Cause::Effect { index }))
        .max_by_key(|(on, index, _)| (*on, *index));
    if let Some(BasisFate::CeasesExcept(on, _)) = basis_fate(doc) {
        if on <= date && latest.as_ref().is_none_or(|(d, _, _)| on >= *d) {
            latest = Some((on, usize::MAX, Cause::BasisCeased { on }));
        }
    }
    match latest {
        Some((_, _, cause)) => StatusReport::new(Status::HetHieuLucMotPhan, Some(cause)),
        None => StatusReport::new(Status::ConHieuLuc, None),
    }
}

/// A provision the facts do not list: its own effects, and those naming its parts.
pub(super) fn loose_provision(
    doc: &DocumentFacts,
    document: &StatusReport,
    key: &str,
    containers: &[String],
    date: NaiveDate,
) -> StatusReport {
    if matches!(
        document.status,
        Status::HetHieuLucToanBo | Status::ChuaCoHieuLuc
    ) {
        return document.clone();
    }
    if let Some(on) = pending(doc, key, containers, date) {
        let cause = Some(Cause::NotYetEffective { on });
        return StatusReport::new(Status::ChuaCoHieuLuc, cause);
    }
    let own = direct(doc, key, containers, None, date);
    let inside = |e: &EffectFact| {
        e.provisions.iter().any(|p| {
            p.strip_prefix(key)
                .is_some_and(|rest| rest.starts_with('/'))
        })
    };
    let part = |pick: &dyn Fn(&EffectFact) -> bool| {
        doc.received
            .iter()
            .enumerate()
            .find(|(_, e)| e.counts_on(date) && inside(e) && pick(e))
            .map(|(index, _)| Some(Cause::Effect { index }))
    };
    if let Some((_, cause, _)) = own.ceased {
        return StatusReport::new(Status::HetHieuLucToanBo, Some(cause));
    }
    if let Some(index) = own.suspended {
        return StatusReport::new(Status::NgungHieuLucToanBo, Some(Cause::Effect { index }));
    }
    if let Some(cause) = part(&|e| e.suspends_on(date)) {
        return StatusReport::new(Status::NgungHieuLucMotPhan, cause);
    }
    if let Some(cause) = part(&|e| e.kind.ceases()) {
        return StatusReport::new(Status::HetHieuLucMotPhan, cause);
    }
    if let Some(index) = own.amended {
        return StatusReport::new(Status::DuocSuaDoiBoSung, Some(Cause::Effect { index }));
    }
    if let Some(cause) = part(&|e| e.kind == EffectKind::Amend) {
        return StatusReport::new(Status::DuocSuaDoiBoSung, cause);
    }
    StatusReport::new(Status::ConHieuLuc, None)
}
