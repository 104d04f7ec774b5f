//! Derived validity status (tình trạng hiệu lực). Nobody types a status: it is a pure function
//! of a document's dates, its provisions, the effects it received and, for a document that
//! details another, of how that other document ended. [`evaluate`] is the one function that
//! gives the status of the document and of every provision on a date; the others read it.
//!
//! Rules, each with its article of law (Luật Ban hành văn bản quy phạm pháp luật 80/2015/QH13,
//! "the 2015 law"; Luật 64/2025/QH15, in force 1 April 2025, "the 2025 law"):
//! - 2015 law Điều 151–152, 2025 law Điều 53: a document takes effect on the date it states;
//!   before it, the document and every provision are "chưa có hiệu lực".
//! - 2015 law Điều 152: an effect never reaches back (effects count from their own date).
//! - 2015 law Điều 154 khoản 1 điểm a, 2025 law Điều 57 khoản 1 điểm a: a document with a term
//!   ceases when the term ends; `end_on` is the last day in force.
//! - 2015 law Điều 154 khoản 1 điểm b–c, 2025 law Điều 57 khoản 1 điểm b–c: replacement and
//!   repeal end the provisions concerned (or the whole document) on the effect's date. Replacing
//!   a provision ends it: a provision of the new document applies in its place.
//! - Same articles: amendment (sửa đổi, bổ sung) ends the *old wording* only. The provision
//!   stays in force with its new wording and has the provision-level status
//!   [`Status::DuocSuaDoiBoSung`]; an amendment naming a provision the document does not have
//!   adds it (bổ sung Điều 5a), in force from the amendment's date.
//! - From the lowest level up (điểm → khoản → điều → mục → chương → document): a provision all of
//!   whose parts have ceased has ceased; a document all of whose provisions have ceased has
//!   ceased in whole ("hết hiệu lực toàn bộ"; amendment never counts as ceasing). Otherwise the
//!   document is "hết hiệu lực một phần" as soon as any provision has ceased or been amended
//!   (the old wording ceased), and "còn hiệu lực" when nothing has.
//! - Acting documents act only when in force on the effect's date: an effect whose acting
//!   document has not taken effect yet on that date, had ceased in whole before it, or was
//!   suspended in whole on it (a suspended document does not apply, 2015 law Điều 153), does
//!   nothing ([`EffectFact::acts`], resolved by the caller with [`in_force_on`] on the acting
//!   document's facts at the effect's date — see `registry::status` for how loops are avoided).
//! - Suspension (ngưng hiệu lực; 2015 law Điều 153 on the supervision of documents, and the
//!   notes in README): provisions do not apply during the period, then apply again. It applies
//!   only to provisions in force: suspending a provision that has already ceased changes
//!   nothing. A document whose every provision still in force is suspended is "ngưng hiệu lực
//!   toàn bộ".
//! - Detailing documents (`implements`), by the law in force on the day the base ceases:
//!   before 1 April 2025 they cease with their base unless a new document keeps them (2015 law
//!   Điều 154 khoản 2; "kept" is recorded as an `implements` link to the new document). From
//!   1 April 2025, when the base ceases because another document replaces it, they continue
//!   where not contrary to the new document unless declared expired (2025 law Điều 57 khoản 2;
//!   a declaration is a declared expiry, which acts like a repeal). When a base ends from
//!   1 April 2025 by repeal or by its term, nothing replaces it and there is nothing left to
//!   detail: the detailing document ceases with it (2025 law Điều 57 khoản 1 and the general
//!   rule; khoản 2 speaks of replacement and amendment only).
//! - Provisions may take effect on their own date, later than the document's ("Điều 5 có hiệu
//!   lực từ ngày 01/01/2027"; 2015 law Điều 151 khoản 1 and 2025 law Điều 53 khoản 1 let a
//!   document state when it, or a part of it, takes effect): before that date the provision
//!   and its parts are "chưa có hiệu lực"; the document is in force from its own date as long
//!   as any provision is ([`DocumentFacts::provisions_from`]).
//! - A new document may keep named provisions of a detailing document whose base ceases (2015
//!   law Điều 154 khoản 2, "trừ trường hợp … được giữ lại"): an effect of kind `keep` (acting =
//!   the new document, target = the detailing document, provisions = those kept; none = the
//!   whole) dated on or before the day the base ceased. The kept provisions stay in force, the
//!   others cease with the base, and the document is "hết hiệu lực một phần".
//! - A transitional provision may end a whole class of documents on one day (by issuer kind,
//!   level, type and issue dates; e.g. 2025 law Điều 72, Nghị quyết 190/2025/QH15): recorded
//!   once as data (`class_end`) and applied like a term ([`Cause::ClassEnded`]).
//! - Nghị quyết 190/2025/QH15: documents of an abolished or merged unit stay in force until the
//!   successor handles them, so an issuer's end never ends its documents (no input for it here).

mod class;
mod levels;
#[cfg(test)]
mod tests;

use chrono::{Days, NaiveDate};
use serde::Serialize;

use super::kinds::EffectKind;

pub use class::{ClassEndFact, ClassMember, DocumentClass};
pub use levels::{evaluate, Evaluation};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Status {
    ChuaCoHieuLuc,
    ConHieuLuc,
    /// Provision level only: in force with a new wording (or added by an amendment).
    DuocSuaDoiBoSung,
    HetHieuLucMotPhan,
    HetHieuLucToanBo,
    NgungHieuLucMotPhan,
    NgungHieuLucToanBo,
}

impl Status {
    /// The statuses a document can have.
    pub const ALL: [Status; 6] = [
        Status::ChuaCoHieuLuc,
        Status::ConHieuLuc,
        Status::HetHieuLucMotPhan,
        Status::HetHieuLucToanBo,
        Status::NgungHieuLucMotPhan,
        Status::NgungHieuLucToanBo,
    ];

    /// Every status, the provision-level one included.
    pub const EVERY: [Status; 7] = [
        Status::ChuaCoHieuLuc,
        Status::ConHieuLuc,
        Status::DuocSuaDoiBoSung,
        Status::HetHieuLucMotPhan,
        Status::HetHieuLucToanBo,
        Status::NgungHieuLucMotPhan,
        Status::NgungHieuLucToanBo,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Status::ChuaCoHieuLuc => "chua-co-hieu-luc",
            Status::ConHieuLuc => "con-hieu-luc",
            Status::DuocSuaDoiBoSung => "duoc-sua-doi-bo-sung",
            Status::HetHieuLucMotPhan => "het-hieu-luc-mot-phan",
            Status::HetHieuLucToanBo => "het-hieu-luc-toan-bo",
            Status::NgungHieuLucMotPhan => "ngung-hieu-luc-mot-phan",
            Status::NgungHieuLucToanBo => "ngung-hieu-luc-toan-bo",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::ChuaCoHieuLuc => "Chưa có hiệu lực",
            Status::ConHieuLuc => "Còn hiệu lực",
            Status::DuocSuaDoiBoSung => "Được sửa đổi, bổ sung",
            Status::HetHieuLucMotPhan => "Hết hiệu lực một phần",
            Status::HetHieuLucToanBo => "Hết hiệu lực toàn bộ",
            Status::NgungHieuLucMotPhan => "Ngưng hiệu lực một phần",
            Status::NgungHieuLucToanBo => "Ngưng hiệu lực toàn bộ",
        }
    }

    /// Any status code, the provision-level one included.
    pub fn parse(code: &str) -> Option<Status> {
        Status::EVERY.into_iter().find(|s| s.code() == code)
    }

    /// A status a document (not only a provision) can have.
    pub fn of_documents(self) -> bool {
        self != Status::DuocSuaDoiBoSung
    }

    /// Whether at least part of the document (or the provision) applies.
    pub fn applies(self) -> bool {
        matches!(
            self,
            Status::ConHieuLuc
                | Status::DuocSuaDoiBoSung
                | Status::HetHieuLucMotPhan
                | Status::NgungHieuLucMotPhan
        )
    }
}

/// In the API description: one of the codes, each with its Vietnamese label (the
/// provision-level "được sửa đổi, bổ sung" included).
impl utoipa::PartialSchema for Status {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        let description = Status::EVERY
            .iter()
            .map(|s| format!("`{}`: {}.", s.code(), s.label()))
            .collect::<Vec<_>>()
            .join(" ");
        utoipa::openapi::schema::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .enum_values(Some(Status::EVERY.iter().map(|s| s.code())))
            .description(Some(description))
            .into()
    }
}

impl utoipa::ToSchema for Status {}

/// One effect received by the document, as the status rules need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EffectFact {
    pub kind: EffectKind,
    /// Keys of the provisions concerned (`dieu-5`, `dieu-7/khoan-2`, `chuong-II`); empty = whole.
    pub provisions: Vec<String>,
    pub effective_on: NaiveDate,
    /// Suspension only: last day suspended; `None` = until lifted.
    pub until: Option<NaiveDate>,
    /// Whether the acting document was in force on `effective_on` (see [`in_force_on`]); an
    /// effect that does not act changes nothing.
    pub acts: bool,
}

impl EffectFact {
    /// An effect whose acting document is in force on its date.
    pub fn new(
        kind: EffectKind,
        provisions: Vec<String>,
        effective_on: NaiveDate,
        until: Option<NaiveDate>,
    ) -> EffectFact {
        EffectFact {
            kind,
            provisions,
            effective_on,
            until,
            acts: true,
        }
    }

    /// Acting and dated on or before `date`.
    fn counts_on(&self, date: NaiveDate) -> bool {
        self.acts && self.effective_on <= date
    }

    fn suspends_on(&self, date: NaiveDate) -> bool {
        self.acts
            && self.kind == EffectKind::Suspend
            && self.effective_on <= date
            && self.until.is_none_or(|u| date <= u)
    }
}

/// A provision of the document (chương, mục, điều, khoản, điểm) with the keys of every
/// provision containing it, outermost first (`dieu-2/khoan-1` in `chuong-I`:
/// `["chuong-I", "dieu-2"]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProvisionFact {
    pub key: String,
    pub containers: Vec<String>,
}

/// How a document this one details ended: the first day it was no longer in force, and
/// whether it ended because another document replaced it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BasisEnd {
    pub on: NaiveDate,
    pub by_replacement: bool,
}

impl BasisEnd {
    /// Whether the detailing document ceases with this end: always under the 2015 law
    /// (Điều 154 khoản 2); from 1 April 2025, unless the base was replaced (2025 law Điều 57
    /// khoản 2).
    pub fn carries(self) -> bool {
        self.on < law_2025() || !self.by_replacement
    }
}

/// The day the 2025 law (Luật 64/2025/QH15) took effect.
pub fn law_2025() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 4, 1).unwrap_or(NaiveDate::MIN)
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DocumentFacts {
    pub effective_on: NaiveDate,
    /// Last day in force of a document with a term.
    pub end_on: Option<NaiveDate>,
    /// Every provision, in document order (empty when the text was not structured).
    pub provisions: Vec<ProvisionFact>,
    pub received: Vec<EffectFact>,
    /// For each document this one details or implements: how it ended (`None` while it has
    /// not). Resolved by the caller with [`ending`].
    pub implements: Vec<Option<BasisEnd>>,
    /// Provisions taking effect on their own date, later than the document's (keys, with the
    /// provisions inside them): `(key, first day in force)`.
    pub provisions_from: Vec<(String, NaiveDate)>,
    /// The earliest end set for a class of documents this one belongs to.
    pub class_end: Option<ClassEndFact>,
}

/// Why a document or a provision has the status it has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Cause {
    NotYetEffective {
        on: NaiveDate,
    },
    TermEnded {
        last_day: NaiveDate,
    },
    /// Index into [`DocumentFacts::received`].
    Effect {
        index: usize,
    },
    /// Every provision of the document (or every part of the provision) ceased; `on` is the
    /// day the last one did.
    AllArticlesCeased {
        on: NaiveDate,
    },
    BasisCeased {
        on: NaiveDate,
    },
    /// A transitional provision ended the class of documents this one belongs to; `rule`
    /// indexes the caller's list of class ends.
    ClassEnded {
        rule: usize,
        on: NaiveDate,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusReport {
    pub status: Status,
    pub cause: Option<Cause>,
}

impl StatusReport {
    fn new(status: Status, cause: Option<Cause>) -> StatusReport {
        StatusReport { status, cause }
    }
}

fn next_day(d: NaiveDate) -> NaiveDate {
    d.checked_add_days(Days::new(1)).unwrap_or(d)
}

/// Whether an effect naming `p` covers the provision `key` inside `containers` in whole.
fn covers(p: &str, key: &str, containers: &[String]) -> bool {
    p == key
        || key
            .strip_prefix(p)
            .is_some_and(|rest| rest.starts_with('/'))
        || containers.iter().any(|k| k == p)
}

/// What the end of the documents it details does to a detailing document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum BasisFate {
    /// It ceases in whole on that day.
    Ceases(NaiveDate),
    /// It ceases on that day but for the provisions a new document kept (keys).
    CeasesExcept(NaiveDate, Vec<String>),
}

/// The fate of a detailing document when every document it details has ended in a way that
/// carries it (2015 law Điều 154 khoản 2; 2025 law Điều 57 khoản 2), and what `keep` effects
/// dated by then keep of it. `None` while a base is in force, or when a new document kept it in
/// whole.
pub(crate) fn basis_fate(doc: &DocumentFacts) -> Option<BasisFate> {
    let carried: Option<Vec<NaiveDate>> = doc
        .implements
        .iter()
        .map(|b| b.filter(|b| b.carries()).map(|b| b.on))
        .collect();
    let on = carried.and_then(|v| v.into_iter().max())?;
    let keeps: Vec<&EffectFact> = doc
        .received
        .iter()
        .filter(|e| e.kind == EffectKind::Keep && e.counts_on(on))
        .collect();
    if keeps.is_empty() {
        return Some(BasisFate::Ceases(on));
    }
    if keeps.iter().any(|e| e.provisions.is_empty()) {
        return None;
    }
    let mut kept: Vec<String> = Vec::new();
    for k in keeps.iter().flat_map(|e| e.provisions.iter()) {
        if !kept.contains(k) {
            kept.push(k.clone());
        }
    }
    Some(BasisFate::CeasesExcept(on, kept))
}

/// The first day a provision (`key` inside `containers`) takes effect when it is later than
/// `date`: the latest own date of it or of a provision containing it.
fn pending(
    doc: &DocumentFacts,
    key: &str,
    containers: &[String],
    date: NaiveDate,
) -> Option<NaiveDate> {
    doc.provisions_from
        .iter()
        .filter(|(k, on)| *on > date && covers(k, key, containers))
        .map(|(_, on)| *on)
        .max()
}

/// How the document ended in whole, counting only effects dated on or before `horizon`:
/// the first day it was no longer in force, and whether a replacement ended it (which decides
/// the fate of the documents detailing it from 1 April 2025). Ceasing is final.
pub fn ending(doc: &DocumentFacts, horizon: NaiveDate) -> Option<BasisEnd> {
    ceased_with(doc, horizon).map(|(on, _, by_replacement)| BasisEnd { on, by_replacement })
}

/// The first day on which the document has ceased in whole, with its cause.
pub fn ceased_on(doc: &DocumentFacts, horizon: NaiveDate) -> Option<(NaiveDate, Cause)> {
    ceased_with(doc, horizon).map(|(on, cause, _)| (on, cause))
}

fn ceased_with(doc: &DocumentFacts, horizon: NaiveDate) -> Option<(NaiveDate, Cause, bool)> {
    let mut best: Option<(NaiveDate, Cause, bool)> = None;
    let mut consider = |d: NaiveDate, c: Cause, replaced: bool| {
        if d <= horizon && best.is_none_or(|(b, _, _)| d < b) {
            best = Some((d, c, replaced));
        }
    };
    if let Some(last_day) = doc.end_on {
        consider(next_day(last_day), Cause::TermEnded { last_day }, false);
    }
    for (index, e) in doc.received.iter().enumerate() {
        if e.acts && e.kind.ceases() && e.provisions.is_empty() {
            let replaced = e.kind == EffectKind::Replace;
            consider(e.effective_on, Cause::Effect { index }, replaced);
        }
    }
    if let Some(BasisFate::Ceases(on)) = basis_fate(doc) {
        consider(on, Cause::BasisCeased { on }, false);
    }
    if let Some(c) = doc.class_end {
        let cause = Cause::ClassEnded {
            rule: c.rule,
            on: c.on,
        };
        consider(c.on, cause, false);
    }
    if let Some((on, replaced)) = levels::all_provisions_ceased(doc, horizon) {
        consider(on, Cause::AllArticlesCeased { on }, replaced);
    }
    best
}

/// Whether the document is in force on `date` (in whole or in part, suspended or not): it has
/// taken effect and has not ceased in whole. Only such a document acts on others.
pub fn in_force_on(doc: &DocumentFacts, date: NaiveDate) -> bool {
    date >= doc.effective_on && ceased_on(doc, date).is_none()
}

/// Whether the document can act on others on `date`: in force and not suspended in whole. A
/// suspended document does not apply during the suspension (2015 law Điều 153), so an effect it would have on a day inside the suspension does not act.
pub fn acts_on(doc: &DocumentFacts, date: NaiveDate) -> bool {
    in_force_on(doc, date) && status_on(doc, date).status != Status::NgungHieuLucToanBo
}

/// Status of the whole document on `date`.
pub fn status_on(doc: &DocumentFacts, date: NaiveDate) -> StatusReport {
    evaluate(doc, date).document
}

/// Status of one provision on `date` (`containers`: the keys of the provisions containing
/// it). A provision the facts do not list is judged by the effects naming it or its
/// containers.
pub fn article_status(
    doc: &DocumentFacts,
    key: &str,
    containers: &[String],
    date: NaiveDate,
) -> StatusReport {
    let e = evaluate(doc, date);
    match e.provision(key) {
        Some(r) => r.clone(),
        None => levels::loose_provision(doc, &e.document, key, containers, date),
    }
}
