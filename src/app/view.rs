//! What templates and the JSON API receive: plain serialisable views built from rows.

use chrono::NaiveDate;
use serde::Serialize;

use crate::db::models::{DocumentSummary, StoredEffect};
use crate::domain::status::Status;
use crate::domain::structure::display_reference;
use crate::domain::text::date_vn;
use crate::registry::org::Org;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StatusView {
    #[schema(value_type = Status, inline)]
    pub code: &'static str,
    pub label: &'static str,
}

impl From<Status> for StatusView {
    fn from(s: Status) -> Self {
        StatusView {
            code: s.code(),
            label: s.label(),
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DocRow {
    pub id: i64,
    pub number: String,
    pub doc_type: String,
    pub title: String,
    pub authority_id: i64,
    pub authority_name: String,
    pub issued_on: String,
    pub effective_on: String,
    pub end_on: Option<String>,
    pub status: Option<StatusView>,
}

impl DocRow {
    pub fn new(d: &DocumentSummary, org: &Org, status: Option<Status>) -> DocRow {
        DocRow {
            id: d.id,
            number: d.number.clone(),
            doc_type: d.doc_type.clone(),
            title: d.title.clone(),
            authority_id: d.authority_id,
            authority_name: org.authority_name(d.authority_id),
            issued_on: date_vn(d.issued_on),
            effective_on: date_vn(d.effective_on),
            end_on: d.end_on.map(date_vn),
            status: status.map(StatusView::from),
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DocLink {
    pub id: i64,
    pub number: String,
    pub title: String,
    /// Its stable (ELI) address, when it still exists.
    pub eli: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EffectView {
    pub kind: &'static str,
    pub kind_label: &'static str,
    pub other: DocLink,
    pub provisions: String,
    pub provision_keys: Vec<String>,
    pub effective_on: String,
    pub until: Option<String>,
    pub note: Option<String>,
}

impl EffectView {
    /// `passive`: described from the target's side ("Bị thay thế bởi").
    pub fn new(e: &StoredEffect, other: DocLink, passive: bool) -> EffectView {
        let kind = e.kind;
        let keys = e.provisions.clone();
        EffectView {
            kind: kind.code(),
            kind_label: if passive {
                kind.passive_label()
            } else {
                kind.label()
            },
            other,
            provisions: keys
                .iter()
                .map(|k| display_reference(k))
                .collect::<Vec<_>>()
                .join("; "),
            provision_keys: keys,
            effective_on: date_vn(e.effective_on),
            until: e.until_on.map(date_vn),
            note: e.note.clone(),
        }
    }
}

pub fn iso(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}
