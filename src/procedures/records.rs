//! The JSON Lines records of the procedure tables (kinds `procedure`, `posting`,
//! `dossier_count`, `inspection`, `calendar_day`), part of the import format
//! (`crate::exchange::records::Record`; README "Thủ tục hành chính / Procedures").

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::domain::procedure::{DossierComponent, Fee};

/// An announcing decision (quyết định công bố): its authority and number, and, on a
/// `procedure` line, its date (signed) and, when it states a later one, the date it takes
/// effect (`effective_on`; a version is current from then, the posting deadline is counted
/// from `date`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionRef {
    pub authority: String,
    pub number: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective_on: Option<NaiveDate>,
}

impl DecisionRef {
    /// The decision by its authority and number only (as a posting names it).
    pub fn named(d: &DecisionRef) -> DecisionRef {
        DecisionRef {
            authority: d.authority.clone(),
            number: d.number.clone(),
            date: None,
            effective_on: None,
        }
    }
}

/// A legal basis: a registry document, optionally one provision of it (`Điều 5`,
/// `khoản 2 Điều 7`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BasisRef {
    pub authority: String,
    pub number: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provision: Option<String>,
}

/// One version of a procedure. A second line for the same procedure and decision must be
/// identical (re-import) or is refused: a version is never overwritten.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcedureRecord {
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub field: String,
    /// `tinh`, `huyen` (announcements before 1 July 2025), `xa`.
    #[serde(default)]
    pub levels: Vec<String>,
    #[serde(default)]
    pub agency: String,
    #[serde(default)]
    pub applicants: String,
    #[serde(default)]
    pub steps: String,
    /// `in_person`, `post`, `online`.
    #[serde(default)]
    pub channels: Vec<String>,
    #[serde(default)]
    pub dossier: Vec<DossierComponent>,
    /// Working days set by law; required unless the procedure is abolished.
    #[serde(default)]
    pub statutory_days: Option<i64>,
    /// Working days committed locally; required unless the procedure is abolished.
    #[serde(default)]
    pub local_days: Option<i64>,
    #[serde(default)]
    pub fees: Vec<Fee>,
    #[serde(default)]
    pub result: String,
    #[serde(default)]
    pub conditions: String,
    #[serde(default)]
    pub legal_basis: Vec<BasisRef>,
    /// `1`–`4` (before 1 August 2022), `full`, `partial`, `none`; default `none`.
    #[serde(default)]
    pub online_level: Option<String>,
    /// `one_stop` (default) or `inter_agency`.
    #[serde(default)]
    pub one_stop: Option<String>,
    pub decision: DecisionRef,
    /// `new`, `amended`, `replaced`, `abolished`.
    pub announcement: String,
    /// Where the procedure is submitted online (`https://…`; http or https only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub online_url: Option<String>,
}

/// A posting. With `procedure` and `unit`: one posting. Without `procedure`: every procedure
/// of the decision that applies at the unit's level. With `level` instead of `unit`: at every
/// unit of that level in the decision's province that exists on `from` (abolished procedures
/// and procedures of other levels are left out).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostingRecord {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub procedure: Option<String>,
    pub decision: DecisionRef,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
    /// `reception` (bộ phận tiếp nhận và trả kết quả, default) or `portal`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub point: Option<String>,
    pub from: NaiveDate,
    /// Last day posted (absent: still posted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<NaiveDate>,
}

/// The one-stop office and feedback address of a unit (`domain::contact`); the whole contact
/// each time (a field left out is not known).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitContactRecord {
    /// The unit's code (`code@YYYY-MM-DD` for a reused code).
    pub unit: String,
    #[serde(flatten)]
    pub contact: crate::domain::contact::ContactInput,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DossierCountRecord {
    pub procedure: String,
    pub unit: String,
    /// `2026-03`.
    pub month: String,
    pub received: i64,
    #[serde(default)]
    pub online: i64,
    #[serde(default)]
    pub on_time: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindingRecord {
    pub procedure: String,
    /// `ok`, `missing`, `outdated`, `late`, `basis_not_in_force`, `not_required`.
    pub finding: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// An inspection; identified by unit, date and inspector, and never overwritten.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InspectionRecord {
    pub unit: String,
    pub date: NaiveDate,
    pub inspector: String,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub findings: Vec<FindingRecord>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarDayRecord {
    pub date: NaiveDate,
    pub working: bool,
    pub note: String,
}
