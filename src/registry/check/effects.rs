//! Checks of the effects between documents and of the declared expiries.
//!
//! Errors (cannot be true): an effect dated before its acting document was signed, a provision
//! the target does not have, a document acting on itself, a circle of effects.
//! Warnings (forbidden, found in real data): an effect dated before its acting document takes
//! effect (retroactivity), an effect on a provision that had already ceased, an effect on a
//! target (or a provision) not yet in force, a declared expiry naming a provision the document
//! does not have, a `keep` of a document that details nothing.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::db::models::{Effect, StoredEffect};
use crate::db::registry::DeclaredExpiryRow;
use crate::db::stored::Corrupt;
use crate::db::{queries, Db, DbError};
use crate::domain::issuers::article;
use crate::domain::kinds::EffectKind;
use crate::domain::structure::display_reference;
use crate::domain::text::date_vn;

use super::{cycles::cycles, FindingCode, Registry, Report};

/// The provisions of one document: key → the key of the provision containing it.
type Outline = HashMap<String, Option<String>>;

/// Outlines read once per document.
#[derive(Default)]
struct Outlines {
    by_document: HashMap<i64, Outline>,
}

impl Outlines {
    fn of(&mut self, db: &mut Db<'_>, id: i64) -> Result<&Outline, DbError> {
        Ok(match self.by_document.entry(id) {
            std::collections::hash_map::Entry::Occupied(o) => o.into_mut(),
            std::collections::hash_map::Entry::Vacant(v) => v.insert(
                queries::provisions_of(db, id)?
                    .into_iter()
                    .map(|p| (p.key, p.parent_key))
                    .collect(),
            ),
        })
    }
}

/// The provision and every provision containing it (`dieu-2/khoan-1`, `dieu-2`, `chuong-I`).
fn self_and_containers(outline: &Outline, key: &str) -> Vec<String> {
    let mut out = vec![key.to_string()];
    let mut at = key.to_string();
    while let Some(Some(parent)) = outline.get(&at) {
        if out.contains(parent) {
            break;
        }
        out.push(parent.clone());
        at = parent.clone();
    }
    // Keys not in the outline still roll up by their path.
    let mut path = key;
    while let Some((head, _)) = path.rsplit_once('/') {
        if !out.iter().any(|k| k == head) {
            out.push(head.to_string());
        }
        path = head;
    }
    out
}

/// Something that ended (part of) a document: acts dated after `after` find it ceased.
struct Ceasing {
    after: NaiveDate,
    /// Empty: the whole document.
    provisions: Vec<String>,
    /// The effect that ended it, so that it is not found to act on what it ended itself.
    effect: Option<i64>,
    what: String,
}

/// Whether an effect of this kind acts on the force of its target (and so meets the rules on
/// when it may act).
fn acts(kind: EffectKind) -> bool {
    matches!(
        kind,
        EffectKind::Amend | EffectKind::Replace | EffectKind::Repeal | EffectKind::Suspend
    )
}

/// Everything that ended each document or some of its provisions: its term, replacements and
/// repeals (amendment ends the old wording, not the provision), declared expiries.
fn ceasings(
    reg: &Registry,
    effects: &[StoredEffect],
    expiries: &[DeclaredExpiryRow],
) -> Result<HashMap<i64, Vec<Ceasing>>, DbError> {
    let mut out: HashMap<i64, Vec<Ceasing>> = HashMap::new();
    for d in reg.docs.values() {
        if let Some(end) = d.end_on {
            out.entry(d.id).or_default().push(Ceasing {
                after: end,
                provisions: Vec::new(),
                effect: None,
                what: format!("hết thời hạn ngày {}", date_vn(end)),
            });
        }
    }
    for e in effects {
        if matches!(e.kind, EffectKind::Replace | EffectKind::Repeal) {
            out.entry(e.target_id).or_default().push(Ceasing {
                after: e.effective_on,
                provisions: e.provisions.clone(),
                effect: Some(e.id),
                what: format!(
                    "{} bởi {} từ ngày {}",
                    e.kind.label().to_lowercase(),
                    reg.name(e.acting_id),
                    date_vn(e.effective_on)
                ),
            });
        }
    }
    for x in expiries {
        out.entry(x.document_id).or_default().push(Ceasing {
            after: x.effective_on,
            provisions: x.provisions_stored()?,
            effect: None,
            what: format!(
                "công bố hết hiệu lực (quyết định rà soát số {}) từ ngày {}",
                x.decision,
                date_vn(x.effective_on)
            ),
        });
    }
    Ok(out)
}

/// Runs the checks of effects and declared expiries.
pub(super) fn check(
    db: &mut Db<'_>,
    reg: &Registry,
    effects: &[Effect],
    expiries: &[DeclaredExpiryRow],
    report: &mut Report,
) -> Result<(), DbError> {
    let effects: Vec<StoredEffect> = effects
        .iter()
        .cloned()
        .map(StoredEffect::try_from)
        .collect::<Result<_, Corrupt>>()?;
    let ended = ceasings(reg, &effects, expiries)?;
    let own_dates = own_dates(db)?;
    let mut outlines = Outlines::default();
    let mut edges: HashMap<i64, Vec<i64>> = HashMap::new();
    for e in &effects {
        edges.entry(e.acting_id).or_default().push(e.target_id);
        let dated = before_signing(reg, e, report);
        missing_provisions(db, &mut outlines, reg, e, report)?;
        if e.acting_id == e.target_id {
            report.push(
                FindingCode::SelfEffect,
                article::CEASING,
                format!(
                    "tác động id {}: {} tác động đến chính nó",
                    e.id,
                    reg.name(e.acting_id)
                ),
            );
        }
        if dated && acts(e.kind) {
            retroactive(reg, e, report)?;
            target_not_in_force(reg, e, report);
            let outline = outlines.of(db, e.target_id)?;
            provision_not_in_force(reg, e, outline, own_dates.get(&e.target_id), report);
            already_ceased(reg, e, outline, ended.get(&e.target_id), report);
        }
    }
    keeps_without_basis(reg, &effects, report);
    for cycle in cycles(&edges) {
        let names: Vec<String> = cycle.iter().map(|i| reg.name(*i)).collect();
        report.push(
            FindingCode::EffectCycle,
            article::CEASING,
            format!("vòng tác động: {} → (quay lại đầu)", names.join(" → ")),
        );
    }
    expiry_provisions(db, &mut outlines, reg, expiries, report)
}

fn describe(reg: &Registry, e: &StoredEffect) -> String {
    format!(
        "tác động id {} ({}) của {} đến {}",
        e.id,
        e.kind.label(),
        reg.name(e.acting_id),
        reg.name(e.target_id)
    )
}

/// An effect dated before its acting document was signed (an error); returns whether the
/// effect's date is possible, so that the rules on its date are checked only then.
fn before_signing(reg: &Registry, e: &StoredEffect, report: &mut Report) -> bool {
    let Some(acting) = reg.docs.get(&e.acting_id) else {
        return false;
    };
    if e.effective_on >= acting.issued_on {
        return true;
    }
    report.push(
        FindingCode::EffectBeforeActingIssued,
        article::IN_FORCE,
        format!(
            "{} có hiệu lực ngày {}, trước khi văn bản tác động được ban hành ({})",
            describe(reg, e),
            e.effective_on,
            acting.issued_on
        ),
    );
    false
}

fn missing_provisions(
    db: &mut Db<'_>,
    outlines: &mut Outlines,
    reg: &Registry,
    e: &StoredEffect,
    report: &mut Report,
) -> Result<(), DbError> {
    if e.provisions.is_empty() {
        return Ok(());
    }
    let outline = outlines.of(db, e.target_id)?;
    let added = |p: &str| {
        e.kind == EffectKind::Amend
            && crate::domain::structure::is_addition(p, |k| outline.contains_key(k))
    };
    for p in e
        .provisions
        .iter()
        .filter(|p| !outline.contains_key(*p) && !added(p))
    {
        report.push(
            FindingCode::MissingProvision,
            article::CEASING,
            format!(
                "{} dẫn chiếu {} nhưng {} không có quy định này",
                describe(reg, e),
                display_reference(p),
                reg.name(e.target_id)
            ),
        );
    }
    Ok(())
}

/// Dated after its acting document was signed but before that document takes effect: a local
/// legal normative document may not reach back (Luật 80/2015, Điều 152 khoản 3).
fn retroactive(reg: &Registry, e: &StoredEffect, report: &mut Report) -> Result<(), Corrupt> {
    let Some(acting) = reg.docs.get(&e.acting_id) else {
        return Ok(());
    };
    if e.effective_on < acting.effective_on && reg.local_normative(acting)? {
        report.push(
 FindingCode::RetroactiveEffect,
            article::RETROACTIVE,
            format!(
                "{} có hiệu lực từ ngày {}, trước ngày văn bản tác động có hiệu lực ({}): hiệu lực trở về trước",
                describe(reg, e),
                date_vn(e.effective_on),
                date_vn(acting.effective_on)
            ),
        );
    }
    Ok(())
}

/// Acting on a legal normative document before it takes effect.
fn target_not_in_force(reg: &Registry, e: &StoredEffect, report: &mut Report) {
    let Some(target) = reg.docs.get(&e.target_id).filter(|t| t.normative) else {
        return;
    };
    if e.effective_on < target.effective_on {
        report.push(
            FindingCode::EffectOnTargetNotInForce,
            article::IN_FORCE,
            format!(
                "{} có hiệu lực ngày {}, khi văn bản bị tác động chưa có hiệu lực (từ ngày {})",
                describe(reg, e),
                date_vn(e.effective_on),
                date_vn(target.effective_on)
            ),
        );
    }
}

/// Keeping provisions of a detailing document when its base ends.
const DETAILING: &str = "khoản 2 Điều 154 Luật Ban hành văn bản quy phạm pháp luật năm 2015";

/// Provisions taking effect on their own date, by document: (key, first day in force).
fn own_dates(db: &mut Db<'_>) -> Result<HashMap<i64, Vec<(String, NaiveDate)>>, DbError> {
    let mut out: HashMap<i64, Vec<(String, NaiveDate)>> = HashMap::new();
    for row in crate::db::registry::provision_dates_of(db, None)? {
        let v = out.entry(row.document_id).or_default();
        v.extend(
            row.provisions_stored()?
                .into_iter()
                .map(|k| (k, row.effective_on)),
        );
    }
    Ok(out)
}

/// Acting on a provision before it takes effect on its own date (the same rule as acting on a
/// document not yet in force).
fn provision_not_in_force(
    reg: &Registry,
    e: &StoredEffect,
    outline: &Outline,
    own: Option<&Vec<(String, NaiveDate)>>,
    report: &mut Report,
) {
    let Some(own) = own else { return };
    if !reg.docs.get(&e.target_id).is_some_and(|t| t.normative) {
        return;
    }
    for p in &e.provisions {
        let around = self_and_containers(outline, p);
        let waits = own
            .iter()
            .filter(|(k, on)| e.effective_on < *on && around.contains(k))
            .map(|(_, on)| *on)
            .max();
        if let Some(on) = waits {
            report.push(
                FindingCode::EffectOnTargetNotInForce,
                article::IN_FORCE,
                format!(
                    "{} có hiệu lực ngày {}, khi {} chưa có hiệu lực (từ ngày {})",
                    describe(reg, e),
                    date_vn(e.effective_on),
                    display_reference(p),
                    date_vn(on)
                ),
            );
        }
    }
}

/// A `keep` effect on a document that details nothing: there is no base whose end it could
/// survive (Luật 80/2015, Điều 154 khoản 2).
fn keeps_without_basis(reg: &Registry, effects: &[StoredEffect], report: &mut Report) {
    for e in effects.iter().filter(|e| e.kind == EffectKind::Keep) {
        let details = effects
            .iter()
            .any(|x| x.kind == EffectKind::Implements && x.acting_id == e.target_id);
        if !details {
            report.push(
                FindingCode::KeepWithoutBasis,
                DETAILING,
                format!(
                    "{}: văn bản được giữ lại không quy định chi tiết văn bản nào",
                    describe(reg, e)
                ),
            );
        }
    }
}

/// Acting on a provision (or a whole document) that had already ceased before the effect's
/// date: there is nothing left in force to amend, replace, repeal or suspend.
fn already_ceased(
    reg: &Registry,
    e: &StoredEffect,
    outline: &Outline,
    ended: Option<&Vec<Ceasing>>,
    report: &mut Report,
) {
    let Some(ended) = ended else { return };
    if !reg.docs.get(&e.target_id).is_some_and(|t| t.normative) {
        return;
    }
    let before: Vec<&Ceasing> = ended
        .iter()
        .filter(|c| c.effect != Some(e.id) && c.after < e.effective_on)
        .collect();
    let covers = |key: Option<&str>| -> Option<&Ceasing> {
        before.iter().copied().find(|c| match key {
            None => c.provisions.is_empty(),
            Some(key) => {
                c.provisions.is_empty()
                    || self_and_containers(outline, key)
                        .iter()
                        .any(|k| c.provisions.contains(k))
            }
        })
    };
    let hits: Vec<(String, &Ceasing)> = if e.provisions.is_empty() {
        covers(None)
            .map(|c| ("toàn bộ văn bản".to_string(), c))
            .into_iter()
            .collect()
    } else {
        e.provisions
            .iter()
            .filter_map(|p| covers(Some(p)).map(|c| (display_reference(p), c)))
            .collect()
    };
    for (what, c) in hits {
        report.push(
            FindingCode::EffectOnCeasedProvision,
            article::CEASING,
            format!(
                "{} ngày {} tác động đến {what}, đã hết hiệu lực trước đó ({})",
                describe(reg, e),
                date_vn(e.effective_on),
                c.what
            ),
        );
    }
}

/// Declared expiries (not ended) that name a provision the document does not have.
fn expiry_provisions(
    db: &mut Db<'_>,
    outlines: &mut Outlines,
    reg: &Registry,
    expiries: &[DeclaredExpiryRow],
    report: &mut Report,
) -> Result<(), DbError> {
    for x in expiries {
        let provisions = x.provisions_stored()?;
        if provisions.is_empty() {
            continue;
        }
        let outline = outlines.of(db, x.document_id)?;
        for p in provisions.iter().filter(|p| !outline.contains_key(*p)) {
            report.push(
 FindingCode::ExpiryMissingProvision,
                article::DECLARED_EXPIRY,
                format!(
                    "công bố hết hiệu lực id {} (quyết định rà soát số {}) dẫn chiếu {} nhưng {} không có quy định này",
                    x.id,
                    x.decision,
                    display_reference(p),
                    reg.name(x.document_id)
                ),
            );
        }
    }
    Ok(())
}
