//! `vanban check`: the data-quality report by the law in force. It names each offending record
//! and the article of law each finding relies on, and separates **errors** (what cannot be
//! true: an effect before its acting document was signed, a cycle, a provision that does not
//! exist) from **warnings** (what the law forbids but real data contains: retroactivity, a
//! short gap, a type the issuer could not issue, a signature after the issuer's unit ended …).
//! The table of checks is in README ("vanban check"). Nothing here blocks an import, a
//! migration or `serve`: stored rows that break a rule are only reported.
//!
//! - [`documents`]: each document's dates and number, and the issuer rules of
//!   `domain::issuers` (legal normative documents only for the law's rules);
//! - [`effects`]: the effects between documents, and the declared expiries;
//! - [`cycles`]: circles of effects;
//! - [`law`]: class ends set by transitional provisions.

mod cycles;
mod documents;
mod effects;
mod law;
mod wordings;

use std::collections::HashMap;

use crate::db::models::{Authority, DocumentSummary, Unit};
use crate::db::registry::live_declared_expiries;
use crate::db::stored::Corrupt;
use crate::db::{queries, Db, DbError};
use crate::domain::kinds::{vocabulary, AuthorityKind, UnitLevel};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Finding {
    pub severity: Severity,
    pub code: FindingCode,
    /// What is wrong, naming the records, ending with the article of law ("căn cứ: …").
    pub message: String,
    /// The article of law the finding relies on.
    pub article: &'static str,
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = match self.severity {
            Severity::Error => "LỖI",
            Severity::Warning => "CẢNH BÁO",
        };
        write!(f, "{s} [{}] {}", self.code.code(), self.message)
    }
}

vocabulary! {
    /// What a finding of `vanban check` is about; README's table lists every code.
    FindingCode {
        EffectiveBeforeIssue = "effective-before-issue", "Có hiệu lực trước ngày ban hành";
        EndBeforeEffective = "end-before-effective", "Hết hiệu lực trước ngày có hiệu lực";
        InvalidNumber = "invalid-number", "Số ký hiệu không đúng dạng";
        DuplicateNumber = "duplicate-number", "Số ký hiệu trùng";
        EffectBeforeActingIssued = "effect-before-acting-issued", "Tác động trước khi văn bản tác động được ban hành";
        MissingProvision = "missing-provision", "Dẫn chiếu quy định không có";
        SelfEffect = "self-effect", "Văn bản tác động đến chính nó";
        EffectCycle = "effect-cycle", "Vòng tác động";
        EffectiveTooSoon = "effective-too-soon", "Có hiệu lực quá sớm sau khi ký";
        IssuerCannotIssue = "issuer-cannot-issue", "Cơ quan không có thẩm quyền ban hành loại văn bản này";
        SignedAfterUnitEnded = "signed-after-unit-ended", "Ký sau khi đơn vị hành chính kết thúc";
        SymbolContradictsType = "symbol-contradicts-type", "Ký hiệu không khớp loại văn bản";
        RetroactiveEffect = "retroactive-effect", "Hiệu lực trở về trước";
        EffectOnCeasedProvision = "effect-on-ceased-provision", "Tác động đến quy định đã hết hiệu lực";
        EffectOnTargetNotInForce = "effect-on-target-not-in-force", "Tác động đến văn bản chưa có hiệu lực";
        ExpiryMissingProvision = "expiry-missing-provision", "Công bố hết hiệu lực dẫn chiếu quy định không có";
        KeepWithoutBasis = "keep-without-basis", "Giữ lại hiệu lực một văn bản không quy định chi tiết văn bản nào";
        ClassEndBeforeBasis = "class-end-before-basis", "Hết hiệu lực theo nhóm trước khi văn bản quy định có hiệu lực";
        WordingUnreadable = "wording-unreadable", "Không đọc được nội dung sửa đổi, bổ sung";
        WordingMissingProvision = "wording-missing-provision", "Nội dung sửa đổi cho quy định không có";
    }
}

impl FindingCode {
    /// Errors cannot be true; warnings are forbidden by the law but found in real data.
    pub fn severity(self) -> Severity {
        use FindingCode::*;
        match self {
            EffectiveBeforeIssue
            | EndBeforeEffective
            | InvalidNumber
            | DuplicateNumber
            | EffectBeforeActingIssued
            | MissingProvision
            | SelfEffect
            | EffectCycle => Severity::Error,
            EffectiveTooSoon
            | IssuerCannotIssue
            | SignedAfterUnitEnded
            | SymbolContradictsType
            | RetroactiveEffect
            | EffectOnCeasedProvision
            | EffectOnTargetNotInForce
            | ExpiryMissingProvision
            | KeepWithoutBasis
            | ClassEndBeforeBasis
            | WordingUnreadable
            | WordingMissingProvision => Severity::Warning,
        }
    }
}

/// Findings compare with their code as text (`f.code == "effect-cycle"`).
impl PartialEq<&str> for FindingCode {
    fn eq(&self, other: &&str) -> bool {
        self.code() == *other
    }
}

/// The findings collected so far.
#[derive(Default)]
pub(super) struct Report {
    out: Vec<Finding>,
}

impl Report {
    fn push(&mut self, code: FindingCode, article: &'static str, what: String) {
        self.out.push(Finding {
            severity: code.severity(),
            code,
            message: format!("{what} (căn cứ: {article})"),
            article,
        });
    }
}

/// The documents, authorities and units the checks read, by id.
pub(super) struct Registry {
    docs: HashMap<i64, DocumentSummary>,
    authorities: HashMap<i64, Authority>,
    units: HashMap<i64, Unit>,
}

/// Who issued a document: the authority's kind and its unit (none for central authorities).
pub(super) struct Issuer<'a> {
    kind: AuthorityKind,
    unit: Option<(&'a Unit, UnitLevel)>,
}

impl Registry {
    fn load(db: &mut Db<'_>) -> Result<Registry, DbError> {
        Ok(Registry {
            docs: queries::document_summaries(db, &Default::default())?
                .into_iter()
                .map(|d| (d.id, d))
                .collect(),
            authorities: queries::all_authorities(db)?
                .into_iter()
                .map(|a| (a.id, a))
                .collect(),
            units: queries::all_units(db)?
                .into_iter()
                .map(|u| (u.id, u))
                .collect(),
        })
    }

    /// Document ids in ascending order (findings come out in a stable order).
    fn ids(&self) -> Vec<i64> {
        let mut ids: Vec<i64> = self.docs.keys().copied().collect();
        ids.sort_unstable();
        ids
    }

    /// "văn bản 15/2018/NQ-HĐND (HDND-96, id 3)".
    fn name(&self, id: i64) -> String {
        match self.docs.get(&id) {
            Some(d) => {
                let a = self
                    .authorities
                    .get(&d.authority_id)
                    .map_or("?", |a| a.code.as_str());
                format!("văn bản {} ({a}, id {id})", d.number)
            }
            None => format!("văn bản id {id}"),
        }
    }

    fn issuer(&self, d: &DocumentSummary) -> Result<Option<Issuer<'_>>, Corrupt> {
        let Some(a) = self.authorities.get(&d.authority_id) else {
            return Ok(None);
        };
        let unit = match a.unit_id.and_then(|u| self.units.get(&u)) {
            Some(u) => Some((u, u.level_stored()?)),
            None => None,
        };
        Ok(Some(Issuer {
            kind: a.kind_stored()?,
            unit,
        }))
    }

    /// Whether the law's rules for local legal normative documents apply to `d`.
    fn local_normative(&self, d: &DocumentSummary) -> Result<bool, Corrupt> {
        Ok(d.normative
            && self
                .issuer(d)?
                .is_some_and(|i| i.kind != AuthorityKind::Central))
    }
}

/// Runs every check; errors first, then warnings.
pub fn run(db: &mut Db<'_>) -> Result<Vec<Finding>, DbError> {
    let reg = Registry::load(db)?;
    let mut report = Report::default();
    documents::check_dates_and_numbers(&reg, &mut report);
    documents::check_issuers(&reg, &mut report)?;
    // A withdrawn document (entered in error) and its effects act on no status, so the check
    // reads them no more than the status does (`registry::withdraw`); a withdrawn effect is
    // already gone from the table.
    let withdrawn = crate::db::editing::withdrawn_ids(db)?;
    let mut effects = queries::all_effects(db)?;
    effects.retain(|e| !withdrawn.contains(&e.acting_id) && !withdrawn.contains(&e.target_id));
    let mut expiries = live_declared_expiries(db, None)?;
    expiries.retain(|x| !withdrawn.contains(&x.document_id));
    effects::check(db, &reg, &effects, &expiries, &mut report)?;
    law::check(db, &reg, &mut report)?;
    wordings::check(db, &reg, &effects, &mut report)?;
    let mut out = report.out;
    out.sort_by_key(|f| f.severity);
    Ok(out)
}
