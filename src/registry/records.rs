//! The registry's records of the JSON Lines interchange format (one record per line), shared
//! by import and export (`crate::exchange`). Documented in README.md ("Import format").

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::kinds::{AuthorityKind, UnitLevel};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitRecord {
    pub code: String,
    pub name: String,
    pub level: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_from: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_to: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuccessionRecord {
    pub predecessor: String,
    pub successor: String,
    pub on: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorityRecord {
    pub code: String,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DocumentRecord {
    pub authority: String,
    #[serde(rename = "type")]
    pub doc_type: String,
    pub number: String,
    pub title: String,
    #[serde(default)]
    pub fields: Vec<String>,
    #[serde(default)]
    pub signer: String,
    #[serde(default)]
    pub signer_position: String,
    pub issued_on: NaiveDate,
    pub effective_on: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_on: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gazette: Option<String>,
    /// Where it was issued (địa danh: `Cà Mau`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
    /// The signer's own capacity: `tm`, `kt`, `q`, `tl` or `tuq` (absent: the last line of
    /// `signing_for`'s, if any).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signing_capacity: Option<String>,
    /// The capacity lines as written, ` / ` between lines (`TM. ỦY BAN NHÂN DÂN / KT. CHỦ
    /// TỊCH`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signing_for: Option<String>,
    /// Whether it is a legal normative document; absent: `domain::issuers::default_normative`
    /// (export writes it only where the stored value differs from that default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub normative: Option<bool>,
    /// Provisions taking effect on their own date, later than the document's.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub provisions_effective: Vec<ProvisionsEffective>,
    /// Withdrawn because it was entered in error (the export keeps the record, flagged; the
    /// importer reads the flag back).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawn: Option<WithdrawnFlag>,
    #[serde(default)]
    pub text: String,
}

/// When and why a document was withdrawn.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct WithdrawnFlag {
    pub on: NaiveDate,
    pub reason: String,
}

/// Provisions that take effect on their own date ("Điều 5 có hiệu lực từ ngày 01/01/2027").
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ProvisionsEffective {
    pub provisions: Vec<String>,
    pub effective_on: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentRef {
    pub authority: String,
    pub number: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EffectRecord {
    pub acting: DocumentRef,
    pub target: DocumentRef,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub provisions: Vec<String>,
    /// Required but for a detailing link (`implements`), which acts from the acting
    /// document's own effective date when it has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective_on: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// An amendment's new wording of each provision (`{"khoản 2 Điều 5": "2. …"}`), in the
    /// order written (`registry::wording`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wording: Option<super::wording::WordingMap>,
}

/// A document (or some of its provisions) declared expired by a review (công bố hết hiệu
/// lực theo kết quả rà soát), from `effective_on`. Written when the review decision is
/// approved; `ended_at` is set when a later correction supersedes that decision (the record
/// is kept, and no longer counts).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeclaredExpiryRecord {
    pub document: DocumentRef,
    #[serde(default)]
    pub provisions: Vec<String>,
    pub effective_on: NaiveDate,
    /// The number of the review decision that declared it.
    pub decision: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended_at: Option<DateTime<Utc>>,
}

/// An end date that a transitional provision (`basis` + `provision`) sets for every legal
/// normative document of a class: issued by authorities of `authority_kinds` of units of
/// `levels`, of `types`, issued between `issued_from` and `issued_to` (an empty list or a
/// missing date does not restrict). `ceases_on` is the first day they are no longer in force.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassEndRecord {
    pub basis: DocumentRef,
    pub provision: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authority_kinds: Vec<AuthorityKind>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub levels: Vec<UnitLevel>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub types: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issued_from: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issued_to: Option<NaiveDate>,
    pub ceases_on: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}
