//! The JSON Lines interchange format (one record per line), shared by import and export.
//! Documented in README.md ("Import format").

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Record {
    Unit(UnitRecord),
    Succession(SuccessionRecord),
    Authority(AuthorityRecord),
    Document(DocumentRecord),
    Effect(EffectRecord),
    /// One version of an administrative procedure, as one decision announces it.
    Procedure(Box<crate::procedures::records::ProcedureRecord>),
    /// A posting (niêm yết) at one unit, or a whole decision's procedures at every unit of a level.
    Posting(crate::procedures::records::PostingRecord),
    /// Dossiers of one procedure at one unit in one month.
    DossierCount(crate::procedures::records::DossierCountRecord),
    /// An inspector's visit to a unit with findings per procedure.
    Inspection(crate::procedures::records::InspectionRecord),
    /// A day off or working day that overrides the built-in calendar.
    CalendarDay(crate::procedures::records::CalendarDayRecord),
}

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
    #[serde(default)]
    pub text: String,
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
    pub effective_on: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}
