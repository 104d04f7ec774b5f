//! A campaign's register in the shape the justice departments keep it.

use std::collections::HashMap;

use super::super::campaigns;
use super::super::decisions::{self};
use super::*;
use crate::db::{queries, Db, DbError};
use crate::domain::review::{DecisionKind, DecisionState};
use crate::domain::structure::display_reference;
use crate::domain::text::date_vn;

/// A header and its rows.
pub type Table = (Vec<String>, Vec<Vec<String>>);

/// The campaign's register in the shape [`import`] reads back: one row per document of the
/// campaign, its current decision, handling stages and handling document. `None` when there
/// is no such campaign.
pub fn export(db: &mut Db<'_>, campaign: i64) -> Result<Option<Table>, DbError> {
    if campaigns::get(db, campaign)?.is_none() {
        return Ok(None);
    }
    let docs = campaigns::documents(db, campaign)?;
    let latest = decisions::current(decisions::of_campaign(db, campaign)?);
    let names: HashMap<i64, String> = crate::auth::users::rows(db)?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect();
    let assigned: HashMap<i64, Option<i64>> =
        campaigns::assignments(db, campaign)?.into_iter().collect();
    let summaries: HashMap<i64, crate::db::models::DocumentSummary> =
        queries::summaries_by_ids(db, &docs)?
            .into_iter()
            .map(|s| (s.id, s))
            .collect();
    let columns = Column::all();
    let header = columns.iter().map(|c| c.label()).collect();
    let mut rows = Vec::with_capacity(docs.len());
    for (i, doc) in docs.iter().enumerate() {
        let Some(s) = summaries.get(doc) else {
            continue;
        };
        let d = latest.get(doc);
        let stages = match d {
            Some(d) => decisions::stages(db, d.id)?,
            None => Vec::new(),
        };
        let handling = match d.and_then(|d| d.handling_document_id) {
            Some(h) => queries::document(db, h)?
                .map(|h| format!("{} {}", h.doc_type, h.number))
                .unwrap_or_default(),
            None => String::new(),
        };
        let officer = d
            .map(|d| d.proposed_by)
            .or_else(|| assigned.get(doc).copied().flatten());
        let row = columns
            .iter()
            .map(|c| match c {
                Column::Ordinal => (i + 1).to_string(),
                Column::Document => format!("{} {}", s.doc_type, s.number),
                Column::Title => s.title.clone(),
                Column::Kind => d.map_or("", |d| d.kind.label()).to_string(),
                Column::Provisions => d
                    .map(|d| {
                        d.provisions
                            .iter()
                            .map(|k| display_reference(k))
                            .collect::<Vec<_>>()
                            .join("; ")
                    })
                    .unwrap_or_default(),
                Column::Reason => d.map(|d| d.reason.clone()).unwrap_or_default(),
                Column::Ground => d
                    .and_then(|d| d.ground)
                    .map_or("", |g| g.label())
                    .to_string(),
                Column::ExpiryDate => d
                    .filter(|d| d.kind == DecisionKind::DeclareExpired)
                    .and_then(|d| d.effective_on)
                    .map(date_vn)
                    .unwrap_or_default(),
                Column::Agency => stages
                    .iter()
                    .find_map(|x| x.agency.clone())
                    .unwrap_or_default(),
                Column::Officer => officer
                    .and_then(|u| names.get(&u).cloned())
                    .unwrap_or_default(),
                Column::State => d.map_or("Chưa rà soát", |d| d.state.label()).to_string(),
                Column::Approver => d
                    .filter(|d| d.state != DecisionState::Returned)
                    .and_then(|d| d.decided_by)
                    .and_then(|u| names.get(&u).cloned())
                    .unwrap_or_default(),
                Column::StageDate(st) => stages
                    .iter()
                    .find(|x| x.stage == *st)
                    .map(|x| date_vn(x.done_on))
                    .unwrap_or_default(),
                Column::StagePaper(st) => stages
                    .iter()
                    .find(|x| x.stage == *st)
                    .map(|x| x.paper.clone())
                    .unwrap_or_default(),
                Column::Handling => handling.clone(),
            })
            .collect();
        rows.push(row);
    }
    Ok(Some((header, rows)))
}
