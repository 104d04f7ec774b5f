//! What templates and the JSON API receive: plain serialisable views built from rows.

use chrono::NaiveDate;
use serde::Serialize;

use crate::db::models::{DocumentSummary, Effect};
use crate::domain::kinds::EffectKind;
use crate::domain::status::{Cause, Status};
use crate::domain::structure::display_reference;
use crate::domain::text::date_vn;
use crate::registry::org::Org;
use crate::registry::status::StatusGraph;

pub use crate::app::view::StatusView;

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
    pub fn new(e: &Effect, other: DocLink, passive: bool) -> Option<EffectView> {
        let kind = EffectKind::parse(&e.kind)?;
        let keys = e.provision_keys();
        Some(EffectView {
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
        })
    }
}

/// A sentence saying why the document has its status.
pub fn status_reason(
    graph: &StatusGraph,
    id: i64,
    cause: Option<Cause>,
    numbers: &dyn Fn(i64) -> String,
) -> Option<String> {
    Some(match cause? {
        Cause::NotYetEffective { on } => format!("Có hiệu lực từ ngày {}.", date_vn(on)),
        Cause::TermEnded { last_day } => format!("Hết thời hạn có hiệu lực vào cuối ngày {}.", date_vn(last_day)),
        Cause::AllArticlesCeased { on } => format!("Tất cả các điều đã hết hiệu lực (từ ngày {}).", date_vn(on)),
        Cause::BasisCeased { on } => format!(
            "Văn bản được quy định chi tiết đã hết hiệu lực từ ngày {}, nên văn bản này hết hiệu lực theo (Điều 154 khoản 2).",
            date_vn(on)
        ),
        Cause::Effect { index } => {
            let e = graph.cause_effect(id, index)?;
            if e.id < 0 {
                // A review decision declaring it expired.
                return Some(format!(
                    "Được công bố hết hiệu lực theo kết quả rà soát (quyết định rà soát số {}) từ ngày {}.",
                    -e.id,
                    date_vn(e.effective_on)
                ));
            }
            let kind = EffectKind::parse(&e.kind)?;
            let keys = e.provision_keys();
            let what = if keys.is_empty() {
                "toàn bộ".to_string()
            } else {
                keys.iter().map(|k| display_reference(k)).collect::<Vec<_>>().join(", ")
            };
            let until = e.until_on.map(|u| format!(" đến hết ngày {}", date_vn(u))).unwrap_or_default();
            format!(
                "{} ({what}) bởi {} từ ngày {}{until}.",
                kind.passive_label().trim_end_matches(" bởi"),
                numbers(e.acting_id),
                date_vn(e.effective_on)
            )
        }
    })
}

pub fn iso(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}
