//! The yearly list of documents that expired in whole or in part (danh mục văn bản hết hiệu
//! lực toàn bộ / một phần), computed from the derived statuses with the ground of each entry.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::db::{queries, Db, DbError};
use crate::domain::review::{annual_entry, Extent};
use crate::domain::status::{ceased_on, status_on};
use crate::domain::structure::display_reference;
use crate::domain::text::date_vn;
use crate::registry::status::StatusGraph;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AnnualRow {
    pub document_id: i64,
    pub doc_type: String,
    pub number: String,
    pub title: String,
    pub issued_on: NaiveDate,
    pub authority_id: i64,
    pub authority: String,
    pub extent: Extent,
    /// The day it ceased (in whole), or the first day a part of it ceased during the year.
    pub on: NaiveDate,
    pub ground: String,
    /// `dd/mm/yyyy` forms of `issued_on` and `on`, for pages and spreadsheets.
    pub issued_on_vn: String,
    pub on_vn: String,
}

/// The list for `year`, restricted to documents of `authorities` when given; ordered by
/// authority, then by the day each ceased.
pub fn annual_list(
    db: &mut Db<'_>,
    graph: &StatusGraph,
    year: i32,
    authorities: Option<&[i64]>,
) -> Result<Vec<AnnualRow>, DbError> {
    let Some(end) = NaiveDate::from_ymd_opt(year, 12, 31) else {
        return Ok(Vec::new());
    };
    let mut found: Vec<(i64, Extent, NaiveDate, Grounds)> = Vec::new();
    for id in graph.ids() {
        let Some(facts) = graph.facts(id, end) else {
            continue;
        };
        let Some(extent) = annual_entry(&facts, year) else {
            continue;
        };
        match extent {
            Extent::Whole => {
                let on = ceased_on(&facts, end).map(|(d, _)| d).unwrap_or(end);
                found.push((id, extent, on, Grounds::Whole(status_on(&facts, end).cause)));
            }
            Extent::Part => {
                let parts: Vec<_> = graph
                    .effects_received(id)
                    .iter()
                    .filter(|e| e.effective_on.year() == year)
                    .filter(|e| e.kind.ends_wording())
                    .filter(|e| !e.provisions.is_empty())
                    // An acting document not in force on the effect's date did not act
                    // (Luật 80/2015 Điều 154; Luật 64/2025 Điều 57).
                    .filter(|e| graph.effect_acted(id, e.id))
                    .cloned()
                    .collect();
                let on = parts.iter().map(|e| e.effective_on).min().unwrap_or(end);
                found.push((id, extent, on, Grounds::Part(parts)));
            }
        }
    }
    // Names of the listed documents and of the documents acting on them.
    let mut ids: Vec<i64> = found.iter().map(|f| f.0).collect();
    for f in &found {
        if let Grounds::Part(parts) = &f.3 {
            ids.extend(parts.iter().map(|e| e.acting_id));
        }
        ids.extend(graph.effects_received(f.0).iter().map(|e| e.acting_id));
    }
    ids.sort_unstable();
    ids.dedup();
    let docs: HashMap<i64, crate::db::models::DocumentSummary> =
        queries::summaries_by_ids(db, &ids)?
            .into_iter()
            .map(|d| (d.id, d))
            .collect();
    let name = |id: i64| {
        docs.get(&id)
            .map(|d| format!("{} {}", d.doc_type, d.number))
            .unwrap_or_else(|| format!("văn bản #{id}"))
    };
    let authority_names: HashMap<i64, String> = queries::all_authorities(db)?
        .into_iter()
        .map(|a| (a.id, a.name))
        .collect();
    let mut rows = Vec::with_capacity(found.len());
    for (id, extent, on, grounds) in found {
        let Some(d) = docs.get(&id) else { continue };
        if authorities.is_some_and(|a| !a.contains(&d.authority_id)) {
            continue;
        }
        let ground = match grounds {
            Grounds::Whole(cause) => {
                crate::registry::reason::status_reason(graph, id, cause, &name).unwrap_or_default()
            }
            Grounds::Part(parts) => parts
                .iter()
                .map(|e| part_ground(e, &name))
                .collect::<Vec<_>>()
                .join("; "),
        };
        rows.push(AnnualRow {
            document_id: id,
            doc_type: d.doc_type.clone(),
            number: d.number.clone(),
            title: d.title.clone(),
            issued_on: d.issued_on,
            authority_id: d.authority_id,
            authority: authority_names
                .get(&d.authority_id)
                .cloned()
                .unwrap_or_default(),
            extent,
            on,
            ground,
            issued_on_vn: date_vn(d.issued_on),
            on_vn: date_vn(on),
        });
    }
    rows.sort_by(|a, b| {
        (a.authority_id, a.extent == Extent::Part, a.on, &a.number).cmp(&(
            b.authority_id,
            b.extent == Extent::Part,
            b.on,
            &b.number,
        ))
    });
    Ok(rows)
}

/// The ground of a partial expiry: which provisions ceased, by what and from when.
fn part_ground(e: &crate::db::models::StoredEffect, name: &impl Fn(i64) -> String) -> String {
    let kind = e.kind.passive_label().trim_end_matches(" bởi").to_string();
    let what: Vec<String> = e.provisions.iter().map(|k| display_reference(k)).collect();
    if e.id < 0 {
        // A review decision declaring these provisions expired.
        return format!(
            "{}: công bố hết hiệu lực theo kết quả rà soát (quyết định rà soát số {}) từ ngày {}",
            what.join(", "),
            -e.id,
            date_vn(e.effective_on)
        );
    }
    format!(
        "{}: {} bởi {} từ ngày {}",
        what.join(", "),
        kind.to_lowercase(),
        name(e.acting_id),
        date_vn(e.effective_on)
    )
}

enum Grounds {
    Whole(Option<crate::domain::status::Cause>),
    Part(Vec<crate::db::models::StoredEffect>),
}

/// When the list for `year` was published for `authority`.
pub fn published_on(
    db: &mut Db<'_>,
    year: i32,
    authority: i64,
) -> Result<Option<chrono::NaiveDateTime>, DbError> {
    crate::db::campaigns::published_on(db, year, authority)
}

#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error("{0}")]
    NotFound(String),
    /// The authority is outside the units of the approver (403); nothing written.
    #[error("{0}")]
    Forbidden(String),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<diesel::result::Error> for PublishError {
    fn from(e: diesel::result::Error) -> Self {
        PublishError::Db(DbError::Query(e))
    }
}

/// Records that the list for `year` is published for `authority` (once), by `p`. Publishing
/// cannot be undone, so it is refused unless the authority belongs to `p`'s units.
pub fn publish(
    db: &mut Db<'_>,
    p: &super::decisions::Person,
    year: i32,
    authority: i64,
    now: chrono::NaiveDateTime,
) -> Result<bool, PublishError> {
    let Some(a) = queries::authority_by_id(db, authority)? else {
        return Err(PublishError::NotFound(
            "Không có cơ quan ban hành này.".into(),
        ));
    };
    if let Some(units) = &p.units {
        if !a.unit_id.is_some_and(|u| units.contains(&u)) {
            return Err(PublishError::Forbidden(format!(
                "Danh mục của «{}» không thuộc đơn vị hành chính mà tài khoản được phân công; chỉ công bố danh mục của cơ quan thuộc đơn vị mình.",
                a.name
            )));
        }
    }
    if published_on(db, year, authority)?.is_some() {
        return Ok(false);
    }
    crate::db::campaigns::insert_publication(db, year, authority, now, p.id)?;
    let after = serde_json::json!({ "year": year, "authority_id": authority });
    crate::audit::append(
        db,
        &p.actor,
        "publish",
        "annual_list",
        &format!("{year}/{authority}"),
        None,
        Some(&after),
    )?;
    Ok(true)
}

/// Whether the list for `year` was published for any authority.
pub fn any_published(db: &mut Db<'_>, year: i32) -> Result<bool, DbError> {
    crate::db::campaigns::any_published(db, year)
}
