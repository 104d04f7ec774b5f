//! What a reader sees of a procedure version and of a line of a listing: codes with their
//! Vietnamese labels, fees in đồng, the legal basis with its status.

use chrono::NaiveDate;
use serde::Serialize;

use crate::app::view::StatusView;
use crate::db::procedures::ProcedureVersion;
use crate::db::stored::Corrupt;
use crate::domain::procedure::{time_cut_percent, DossierComponent, OnlineLevel, PostingPoint};
use crate::domain::text::{date_vn, fold};

/// A code with its Vietnamese label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[schema(as = CodeLabel)]
pub struct Label {
    pub code: String,
    pub label: String,
}

impl Label {
    pub fn new(code: &str, label: &str) -> Label {
        Label {
            code: code.to_string(),
            label: label.to_string(),
        }
    }
}

/// One legal basis of a version and its status on the listing's date.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = ProcedureBasis)]
pub struct BasisView {
    pub document_id: i64,
    pub number: String,
    pub title: String,
    /// Provision key (`dieu-5`) when the basis is one provision.
    pub provision: Option<String>,
    /// `Điều 5`, `Khoản 2 Điều 7`.
    pub provision_label: Option<String>,
    /// The basis cited the Vietnamese way: `khoản 2 Điều 7 Luật Hộ tịch`,
    /// `Điều 5 Nghị quyết số 15/2018/NQ-HĐND`.
    pub citation: String,
    pub url: String,
    pub status: Option<StatusView>,
    pub in_force: bool,
}

/// The text with its first letter capitalised (a citation starting a sentence).
fn upper_first(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

impl BasisView {
    pub fn describe(&self) -> String {
        let what = upper_first(&self.citation);
        match &self.status {
            Some(s) => format!("{what}: {}", s.label.to_lowercase()),
            None => format!("{what}: không xác định được tình trạng"),
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = ProcedureDecision)]
pub struct DecisionView {
    pub number: String,
    pub date: NaiveDate,
    pub date_display: String,
    /// The day the decision takes effect, when it states one later than its signing (the
    /// version is current from then).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effective_display: Option<String>,
    pub authority_id: i64,
    pub authority_name: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = ProcedureFee)]
pub struct FeeView {
    pub name: String,
    pub amount: i64,
    pub amount_display: String,
    pub note: Option<String>,
}

/// One version of a procedure, with everything a citizen needs.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = ProcedureVersion)]
pub struct VersionView {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub field: String,
    pub levels: Vec<Label>,
    pub agency: String,
    pub applicants: String,
    pub steps: String,
    /// The steps one by one, without their "Bước 1:" markers (`domain::steps`).
    pub steps_list: Vec<String>,
    pub channels: Vec<Label>,
    pub dossier: Vec<DossierComponent>,
    /// Working days set by law, and committed locally.
    pub statutory_days: i32,
    pub local_days: i32,
    /// How much shorter the local time is, in percent (negative when longer).
    pub time_cut_percent: Option<f64>,
    pub time_warning: Option<String>,
    pub fees: Vec<FeeView>,
    pub fees_summary: String,
    pub result: String,
    pub conditions: String,
    pub online_level: Label,
    /// Where the procedure is submitted online (http or https), when known.
    pub online_url: Option<String>,
    pub one_stop: Option<Label>,
    pub decision: DecisionView,
    pub announcement: Label,
    pub legal_basis: Vec<BasisView>,
    pub basis_in_force: bool,
    pub abolished: bool,
    #[serde(skip)]
    pub(crate) online: Option<OnlineLevel>,
}

/// One line of a listing.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = ProcedureRow)]
pub struct Row {
    pub code: String,
    pub name: String,
    pub field: String,
    pub levels: Vec<Label>,
    pub agency: String,
    pub channels: Vec<Label>,
    pub online_level: Label,
    pub statutory_days: i32,
    pub local_days: i32,
    pub fees: String,
    pub decision: DecisionView,
    pub announcement: Label,
    pub abolished: bool,
    pub basis_in_force: bool,
    /// What of the legal basis is no longer in force.
    pub basis_not_in_force: Vec<String>,
    pub url: String,
    /// At a unit: first day the shown version is posted, where, and whether a newer version
    /// was announced for the unit's province (its decision).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub posted_from: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub points: Vec<Label>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub newer_version: Option<String>,
    #[serde(skip)]
    pub(crate) online: Option<OnlineLevel>,
    #[serde(skip)]
    pub(crate) folded_name: String,
}

impl Row {
    pub fn of(v: &VersionView) -> Row {
        Row {
            code: v.code.clone(),
            name: v.name.clone(),
            field: v.field.clone(),
            levels: v.levels.clone(),
            agency: v.agency.clone(),
            channels: v.channels.clone(),
            online_level: v.online_level.clone(),
            statutory_days: v.statutory_days,
            local_days: v.local_days,
            fees: v.fees_summary.clone(),
            decision: v.decision.clone(),
            announcement: v.announcement.clone(),
            abolished: v.abolished,
            basis_in_force: v.basis_in_force,
            basis_not_in_force: v
                .legal_basis
                .iter()
                .filter(|b| !b.in_force)
                .map(BasisView::describe)
                .collect(),
            url: format!("/procedures/{}", v.code),
            posted_from: None,
            points: Vec::new(),
            newer_version: None,
            online: v.online,
            folded_name: fold(&v.name).to_lowercase(),
        }
    }
}

pub fn money(amount: i64) -> String {
    if amount == 0 {
        return "Không thu".to_string();
    }
    let digits = amount.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    format!("{}{out} đồng", if amount < 0 { "-" } else { "" })
}

/// A stored posting point with its label (`domain::procedure::PostingPoint`); a code that is
/// not one is shown as it is stored.
pub fn point_label(point: &str) -> Label {
    match PostingPoint::parse(point) {
        Some(p) => Label::new(p.code(), p.label()),
        None => Label::new(point, point),
    }
}

pub fn online_label(code: &str) -> Label {
    match OnlineLevel::parse(code) {
        Ok(l) => Label::new(l.code(), l.label()),
        Err(_) => Label::new(code, code),
    }
}

pub fn version_view(
    code: &str,
    v: &ProcedureVersion,
    authority_name: String,
    legal_basis: Vec<BasisView>,
) -> Result<VersionView, Corrupt> {
    let online = Some(v.online_stored()?);
    let fees: Vec<FeeView> = v
        .fees_stored()?
        .into_iter()
        .map(|f| FeeView {
            amount_display: money(f.amount),
            name: f.name,
            amount: f.amount,
            note: f.note,
        })
        .collect();
    let fees_summary = if fees.is_empty() || fees.iter().all(|f| f.amount == 0) {
        "Không thu".to_string()
    } else {
        fees.iter()
            .map(|f| format!("{}: {}", f.name, f.amount_display))
            .collect::<Vec<_>>()
            .join("; ")
    };
    let announcement = match v.announcement_kind() {
        Some(a) => Label::new(a.code(), a.label()),
        None => Label::new(&v.announcement, &v.announcement),
    };
    Ok(VersionView {
        id: v.id,
        code: code.to_string(),
        name: v.name.clone(),
        field: v.field.clone(),
        levels: v
            .levels_stored()?
            .into_iter()
            .map(|l| Label::new(l.code(), l.label()))
            .collect(),
        agency: v.agency.clone(),
        applicants: v.applicants.clone(),
        steps: v.steps.clone(),
        steps_list: crate::domain::steps::split_steps(&v.steps),
        channels: v
            .channels_stored()?
            .into_iter()
            .map(|c| Label::new(c.code(), c.label()))
            .collect(),
        dossier: v.dossier_stored()?,
        statutory_days: v.statutory_days,
        local_days: v.local_days,
        time_cut_percent: time_cut_percent(
            u32::try_from(v.statutory_days).unwrap_or_default(),
            u32::try_from(v.local_days).unwrap_or_default(),
        )
        .map(|p| (p * 10.0).round() / 10.0),
        time_warning: v.time_warning.clone(),
        fees,
        fees_summary,
        result: v.result.clone(),
        conditions: v.conditions.clone(),
        online_level: online_label(&v.online_level),
        online_url: v.online_url.clone(),
        one_stop: v.one_stop_kind().map(|o| Label::new(o.code(), o.label())),
        decision: DecisionView {
            number: v.decision_number.clone(),
            date: v.decision_date,
            date_display: date_vn(v.decision_date),
            effective_display: v
                .decision_effective_on
                .filter(|e| *e != v.decision_date)
                .map(date_vn),
            authority_id: v.decision_authority_id,
            authority_name,
        },
        announcement,
        basis_in_force: legal_basis.iter().all(|b| b.in_force),
        legal_basis,
        abolished: v.is_abolished(),
        online,
    })
}
