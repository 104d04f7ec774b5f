//! Read models of the review tracker shared by the pages and the API: a campaign with its
//! documents, assignments and decisions (`campaign`, what the API returns), and the campaign
//! page built on it (`campaign_page`): progress, the filtered document list with each
//! document's decision, its other versions and the proposal form it offers.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use serde::Serialize;

use crate::auth::Actor;
use crate::db::{queries, Db};
use crate::domain::review::{DecisionState, Stage};
use crate::domain::text::date_vn;
use crate::error::AppError;
use crate::review::campaigns::{self, Campaign};
use crate::review::dashboard::{dashboard, last_stages, Dashboard};
use crate::review::decisions::{self, Decision};

/// Documents per page of the campaign page.
pub const PAGE: usize = 100;

// A campaign with its documents, assignments and decisions (a plain comment: the schema of the
// API document has no description for it).
#[derive(Serialize, utoipa::ToSchema)]
pub struct CampaignView {
    pub campaign: Campaign,
    pub documents: Vec<i64>,
    /// (document, officer) for the documents assigned to someone.
    #[schema(value_type = Vec<Vec<i64>>)]
    pub assignments: Vec<(i64, i64)>,
    pub decisions: Vec<Decision>,
}

/// What a campaign holds, as read once for the API and the page alike.
struct CampaignData {
    campaign: Campaign,
    documents: Vec<i64>,
    /// Every document of the campaign with its officer (`None`: assigned to nobody).
    assigned: HashMap<i64, Option<i64>>,
    assignments: Vec<(i64, Option<i64>)>,
    decisions: Vec<Decision>,
}

fn not_found(id: i64) -> AppError {
    AppError::NotFound(format!("Không có đợt rà soát số {id}."))
}

fn campaign_data(db: &mut Db<'_>, id: i64) -> Result<CampaignData, AppError> {
    let campaign = campaigns::get(db, id)?.ok_or_else(|| not_found(id))?;
    let assignments = campaigns::assignments(db, id)?;
    Ok(CampaignData {
        campaign,
        documents: campaigns::documents(db, id)?,
        assigned: assignments.iter().copied().collect(),
        assignments,
        decisions: decisions::of_campaign(db, id)?,
    })
}

/// A campaign with its documents, assignments and decisions; 404 when there is none.
pub fn campaign(db: &mut Db<'_>, id: i64) -> Result<CampaignView, AppError> {
    let d = campaign_data(db, id)?;
    Ok(CampaignView {
        campaign: d.campaign,
        documents: d.documents,
        assignments: d
            .assignments
            .into_iter()
            .filter_map(|(doc, o)| Some((doc, o?)))
            .collect(),
        decisions: d.decisions,
    })
}

/// Which documents of the campaign page are listed (filters read from the query string).
#[derive(Debug, Clone, Default)]
pub struct DocFilter {
    /// An officer's id, or `none` for the documents assigned to nobody.
    pub officer: String,
    pub state: StateFilter,
    pub stage: StageFilter,
}

/// The decision-state filter: every document, those not reviewed yet (`none`), those whose
/// current decision is in a state, or text naming no state (shown back as asked; it keeps no
/// document).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(from = "String")]
pub enum StateFilter {
    #[default]
    All,
    NotReviewed,
    In(DecisionState),
    Unknown(String),
}

impl From<String> for StateFilter {
    fn from(raw: String) -> Self {
        match raw.trim() {
            "" => StateFilter::All,
            "none" => StateFilter::NotReviewed,
            s => DecisionState::parse(s)
                .map_or_else(|| StateFilter::Unknown(s.into()), StateFilter::In),
        }
    }
}

impl StateFilter {
    /// As written in the query string and the filter form (empty: no filter).
    pub fn as_str(&self) -> &str {
        match self {
            StateFilter::All => "",
            StateFilter::NotReviewed => "none",
            StateFilter::In(s) => s.code(),
            StateFilter::Unknown(s) => s,
        }
    }

    fn keeps(&self, current: Option<&Decision>) -> bool {
        match self {
            StateFilter::All => true,
            StateFilter::NotReviewed => current.is_none(),
            StateFilter::In(s) => current.is_some_and(|d| d.state == *s),
            StateFilter::Unknown(_) => false,
        }
    }
}

/// The handling-stage filter, over decisions that need a handling document: every document,
/// approved ones with no stage yet (`waiting`), closed ones (`closed`), approved ones whose
/// last recorded stage is a given one, or text naming no stage (shown back; keeps nothing).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(from = "String")]
pub enum StageFilter {
    #[default]
    All,
    Waiting,
    Closed,
    At(Stage),
    Unknown(String),
}

impl From<String> for StageFilter {
    fn from(raw: String) -> Self {
        match raw.trim() {
            "" => StageFilter::All,
            "waiting" => StageFilter::Waiting,
            "closed" => StageFilter::Closed,
            s => Stage::parse(s).map_or_else(|| StageFilter::Unknown(s.into()), StageFilter::At),
        }
    }
}

impl StageFilter {
    /// As written in the query string and the filter form (empty: no filter).
    pub fn as_str(&self) -> &str {
        match self {
            StageFilter::All => "",
            StageFilter::Waiting => "waiting",
            StageFilter::Closed => "closed",
            StageFilter::At(s) => s.code(),
            StageFilter::Unknown(s) => s,
        }
    }
}

#[derive(Serialize)]
pub struct DocLine {
    pub id: i64,
    /// Whether the viewer's units cover the document (the forms acting on it are shown).
    pub in_scope: bool,
    pub officer: Option<String>,
    pub number: String,
    pub title: String,
    pub decision: Option<DecisionLine>,
    /// The document's other decisions: superseded versions, returned proposals.
    pub history: Vec<HistoryLine>,
    /// The proposal form this document offers, if any.
    pub propose: Option<ProposeForm>,
}

#[derive(Serialize)]
pub struct DecisionLine {
    pub id: i64,
    pub kind: &'static str,
    pub state: &'static str,
    pub state_code: &'static str,
    pub provisions: String,
    pub reason: String,
    pub comment: Option<String>,
    pub version: i32,
    pub mine: bool,
    pub needs_handling: bool,
    pub stages: Vec<String>,
    pub supersedes_id: Option<i64>,
    pub handling: Option<String>,
}

#[derive(Serialize)]
pub struct HistoryLine {
    pub id: i64,
    pub kind: &'static str,
    pub state: &'static str,
    pub superseded: bool,
    pub provisions: String,
    pub reason: String,
    pub comment: Option<String>,
    pub proposed_on: String,
    pub decided_on: Option<String>,
    pub supersedes_id: Option<i64>,
}

/// A proposal: a first one, one made again after a return, or a correction of a decided one
/// (a new version that supersedes it once approved; the decided record is never edited).
#[derive(Serialize)]
pub struct ProposeForm {
    pub summary: &'static str,
    pub supersedes_id: Option<i64>,
}

/// The campaign page's content, for the viewer.
pub struct CampaignPage {
    pub campaign: Campaign,
    pub dash: Dashboard,
    /// The documents of the page asked for.
    pub docs: Vec<DocLine>,
    pub pages: usize,
    /// (id, name) of the officers documents are assigned to, for the officer filter.
    pub officers: Vec<(String, String)>,
    /// Who documents may be assigned to: active legal officers (and administrators).
    pub assignable: Vec<(i64, String)>,
    /// Where a handling document may come from, to tell apart documents sharing a number.
    pub authorities: Vec<(i64, String)>,
    /// Whether the viewer's units cover the campaign's reach (may start it).
    pub reach: bool,
}

fn provisions_text(d: &Decision) -> String {
    d.provisions
        .iter()
        .map(|k| crate::domain::structure::display_reference(k))
        .collect::<Vec<_>>()
        .join(", ")
}

fn propose_form(d: Option<&Decision>) -> Option<ProposeForm> {
    let Some(d) = d else {
        return Some(ProposeForm {
            summary: "Đề xuất kết quả rà soát",
            supersedes_id: None,
        });
    };
    match d.state {
        DecisionState::Returned => Some(ProposeForm {
            summary: "Đề xuất lại",
            supersedes_id: d.supersedes_id,
        }),
        DecisionState::Approved | DecisionState::Closed => Some(ProposeForm {
            summary: "Đính chính / đề xuất lại",
            supersedes_id: Some(d.id),
        }),
        DecisionState::Proposed | DecisionState::Superseded => None,
    }
}

/// Whether a document's current decision is at this point of the handling pipeline.
fn at_stage(
    filter: &StageFilter,
    d: Option<&Decision>,
    last: &HashMap<i64, (Stage, NaiveDate)>,
) -> bool {
    let Some(d) = d else {
        return false;
    };
    if !d.kind.needs_handling() {
        return false;
    }
    let state = d.state;
    match filter {
        StageFilter::All => true,
        StageFilter::Waiting => state == DecisionState::Approved && !last.contains_key(&d.id),
        StageFilter::Closed => state == DecisionState::Closed,
        StageFilter::At(stage) => {
            state == DecisionState::Approved && last.get(&d.id).map(|(s, _)| *s) == Some(*stage)
        }
        StageFilter::Unknown(_) => false,
    }
}

/// The documents the filters keep, in the campaign's order.
fn filtered(
    db: &mut Db<'_>,
    data: &CampaignData,
    latest: &HashMap<i64, Decision>,
    filter: &DocFilter,
) -> Result<Vec<i64>, AppError> {
    let last = if filter.stage == StageFilter::All {
        HashMap::new()
    } else {
        last_stages(db, data.campaign.id)?
    };
    Ok(data
        .documents
        .iter()
        .copied()
        .filter(|d| {
            let to = data.assigned.get(d).copied().flatten();
            match filter.officer.as_str() {
                "" => true,
                "none" => to.is_none(),
                o => o.parse::<i64>().ok().is_some_and(|o| to == Some(o)),
            }
        })
        .filter(|d| filter.state.keeps(latest.get(d)))
        .filter(|d| {
            filter.stage == StageFilter::All || at_stage(&filter.stage, latest.get(d), &last)
        })
        .collect())
}

/// The people of the page: user names, the officers of the filter, who may be assigned.
struct People {
    names: HashMap<i64, String>,
    officers: Vec<(String, String)>,
    assignable: Vec<(i64, String)>,
}

fn people(db: &mut Db<'_>, assigned: &HashMap<i64, Option<i64>>) -> Result<People, AppError> {
    let users = crate::auth::users::rows(db)?;
    let names: HashMap<i64, String> = users
        .iter()
        .map(|u| (u.id, u.display_name.clone()))
        .collect();
    let mut officers: Vec<(i64, String)> = assigned
        .values()
        .flatten()
        .map(|o| (*o, names.get(o).cloned().unwrap_or_default()))
        .collect();
    officers.sort();
    officers.dedup();
    let assignable = users
        .iter()
        .filter(|u| !u.disabled && matches!(u.role.as_str(), "officer" | "admin"))
        .map(|u| (u.id, format!("{} ({})", u.display_name, u.username)))
        .collect();
    Ok(People {
        officers: officers
            .into_iter()
            .map(|(o, n)| (o.to_string(), n))
            .collect(),
        names,
        assignable,
    })
}

/// Per current decision of the shown documents: its stage lines and its handling document.
type Handling = (HashMap<i64, Vec<String>>, HashMap<i64, String>);

fn handling_of(
    db: &mut Db<'_>,
    shown: &[i64],
    latest: &HashMap<i64, Decision>,
) -> Result<Handling, AppError> {
    let mut stage_lines: HashMap<i64, Vec<String>> = HashMap::new();
    let mut handling: HashMap<i64, String> = HashMap::new();
    for d in shown.iter().filter_map(|doc| latest.get(doc)) {
        let lines: Vec<String> = decisions::stages(db, d.id)?
            .into_iter()
            .map(|st| {
                format!(
                    "{}: {} — {}",
                    st.stage.label(),
                    date_vn(st.done_on),
                    st.paper
                )
            })
            .collect();
        if !lines.is_empty() {
            stage_lines.insert(d.id, lines);
        }
        if let Some(h) = d.handling_document_id {
            if let Some(h) = queries::document(db, h)? {
                handling.insert(d.id, format!("{} {}", h.doc_type, h.number));
            }
        }
    }
    Ok((stage_lines, handling))
}

fn decision_line(d: &Decision, me: i64, handling: &Handling) -> DecisionLine {
    DecisionLine {
        id: d.id,
        kind: d.kind.label(),
        state: d.state.label(),
        state_code: d.state.code(),
        provisions: provisions_text(d),
        reason: d.reason.clone(),
        comment: d.comment.clone(),
        version: d.version,
        mine: d.proposed_by == me,
        needs_handling: d.kind.needs_handling(),
        stages: handling.0.get(&d.id).cloned().unwrap_or_default(),
        supersedes_id: d.supersedes_id,
        handling: handling.1.get(&d.id).cloned(),
    }
}

fn history_line(d: &Decision) -> HistoryLine {
    HistoryLine {
        id: d.id,
        kind: d.kind.label(),
        state: d.state.label(),
        superseded: d.state == DecisionState::Superseded,
        provisions: provisions_text(d),
        reason: d.reason.clone(),
        comment: d.comment.clone(),
        proposed_on: date_vn(crate::domain::text::date_in_vietnam(d.proposed_at)),
        decided_on: d
            .decided_at
            .map(|t| date_vn(crate::domain::text::date_in_vietnam(t))),
        supersedes_id: d.supersedes_id,
    }
}

/// The viewer's units (`None`: all) and the unit of each authority: which documents the
/// viewer may act on.
struct Coverage {
    units: Option<HashSet<i64>>,
    unit_of: HashMap<i64, Option<i64>>,
}

impl Coverage {
    fn read(db: &mut Db<'_>, units: Option<HashSet<i64>>) -> Result<Coverage, AppError> {
        let unit_of = queries::all_authorities(db)?
            .into_iter()
            .map(|x| (x.id, x.unit_id))
            .collect();
        Ok(Coverage { units, unit_of })
    }

    fn covers(&self, authority: i64) -> bool {
        self.units.as_ref().is_none_or(|u| {
            self.unit_of
                .get(&authority)
                .copied()
                .flatten()
                .is_some_and(|x| u.contains(&x))
        })
    }
}

/// The lines of the shown documents: each with its current decision, its other decisions
/// (newest first) and the proposal form it offers.
fn doc_lines(
    db: &mut Db<'_>,
    data: &CampaignData,
    latest: &HashMap<i64, Decision>,
    shown: &[i64],
    me: i64,
    names: &HashMap<i64, String>,
    covered: &Coverage,
) -> Result<Vec<DocLine>, AppError> {
    let summaries: HashMap<i64, crate::db::models::DocumentSummary> =
        queries::summaries_by_ids(db, shown)?
            .into_iter()
            .map(|s| (s.id, s))
            .collect();
    let handling = handling_of(db, shown, latest)?;
    let mut others: HashMap<i64, Vec<&Decision>> = HashMap::new();
    for d in &data.decisions {
        if summaries.contains_key(&d.document_id)
            && latest.get(&d.document_id).is_none_or(|l| l.id != d.id)
        {
            others.entry(d.document_id).or_default().push(d);
        }
    }
    Ok(shown
        .iter()
        .filter_map(|d| summaries.get(d))
        .map(|s| DocLine {
            in_scope: covered.covers(s.authority_id),
            officer: data
                .assigned
                .get(&s.id)
                .copied()
                .flatten()
                .and_then(|o| names.get(&o).cloned()),
            id: s.id,
            number: format!("{} {}", s.doc_type, s.number),
            title: s.title.clone(),
            decision: latest.get(&s.id).map(|d| decision_line(d, me, &handling)),
            history: others
                .get(&s.id)
                .map(|v| v.iter().rev().map(|d| history_line(d)).collect())
                .unwrap_or_default(),
            propose: propose_form(latest.get(&s.id)),
        })
        .collect())
}

/// The campaign page for `actor`: page `page` (from 1) of the documents `filter` keeps.
pub fn campaign_page(
    db: &mut Db<'_>,
    actor: &Actor,
    id: i64,
    filter: &DocFilter,
    page: usize,
    day: NaiveDate,
) -> Result<CampaignPage, AppError> {
    let data = campaign_data(db, id)?;
    // The viewer's units: forms are offered only for the documents they may act on.
    let units = crate::app::reviewer(db, actor)?.units;
    let covered = Coverage::read(db, units)?;
    let dash = dashboard(db, id, day)?.ok_or_else(|| not_found(id))?;
    let latest = decisions::current(data.decisions.clone());
    let all = filtered(db, &data, &latest, filter)?;
    let people = people(db, &data.assigned)?;
    let pages = all.len().div_ceil(PAGE).max(1);
    let shown: Vec<i64> = all
        .iter()
        .skip((page.max(1) - 1) * PAGE)
        .take(PAGE)
        .copied()
        .collect();
    let docs = doc_lines(
        db,
        &data,
        &latest,
        &shown,
        actor.user_id,
        &people.names,
        &covered,
    )?;
    let mut authorities: Vec<(i64, String)> = queries::all_authorities(db)?
        .into_iter()
        .map(|a| (a.id, a.name))
        .collect();
    authorities.sort_by(|a, b| a.1.cmp(&b.1));
    let reach = campaigns::reach_covered(db, covered.units.as_ref(), &data.campaign)?;
    Ok(CampaignPage {
        campaign: data.campaign,
        dash,
        docs,
        pages,
        officers: people.officers,
        assignable: people.assignable,
        authorities,
        reach,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_filter_is_read_once_and_written_back_as_asked() {
        assert_eq!(StateFilter::from(" ".to_string()), StateFilter::All);
        assert_eq!(
            StateFilter::from("none".to_string()),
            StateFilter::NotReviewed
        );
        assert_eq!(
            StateFilter::from(" approved ".to_string()),
            StateFilter::In(DecisionState::Approved)
        );
        let odd = StateFilter::from("weekly".to_string());
        assert_eq!(odd.as_str(), "weekly");
        assert!(!odd.keeps(None));
        assert!(StateFilter::NotReviewed.keeps(None));
        assert_eq!(
            StageFilter::from("waiting".to_string()),
            StageFilter::Waiting
        );
        assert_eq!(
            StageFilter::from("appraisal".to_string()),
            StageFilter::At(Stage::Appraisal)
        );
        assert_eq!(StageFilter::from("bogus".to_string()).as_str(), "bogus");
        assert_eq!(StageFilter::At(Stage::Issued).as_str(), "issued");
    }
}
