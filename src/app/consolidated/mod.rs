//! The reading of a document on a date: the changes that acted on it (amendments with the new
//! wording each gives, when recorded; repeals, replacements and declared expiries of
//! provisions) turned into `domain::pointintime`'s text in force, the views of it that the
//! document page, the provision page and the API give each provision, and the consolidated text
//! (văn bản hợp nhất) with the list of amending documents its downloads render.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;

use super::view::iso;
use crate::db::models::{DocumentSummary, Provision as Row};
use crate::db::stored::Corrupt;
use crate::db::{queries, Db};
use crate::domain::eli::Eli;
use crate::domain::kinds::EffectKind;
use crate::domain::pointintime::{
    text_on, Change, ChangeKind, Item, Mark, PointInTime, Provision, Source,
};
use crate::domain::structure::node_label;
use crate::domain::text::date_vn;
use crate::error::AppError;
use crate::registry::org::Org;
use crate::registry::status::StatusGraph;
use crate::registry::wording::wordings;

/// A document that changed this one, as the head of a consolidated text lists it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Amending {
    pub id: i64,
    /// `Quyết định số 12/2024/QĐ-UBND ngày 01/06/2024 của Ủy ban nhân dân tỉnh Cà Mau, có hiệu
    /// lực kể từ ngày 01/07/2024`.
    pub citation: String,
    pub doc_type: String,
    pub number: String,
    pub title: String,
    pub url: Option<String>,
    pub effective_on: String,
    pub effective_on_iso: String,
    /// The day its first change acted on this document.
    #[serde(skip)]
    pub first_on: NaiveDate,
}

/// The original provisions as the pure reading takes them.
pub fn original(rows: &[Row]) -> Result<Vec<Provision>, Corrupt> {
    rows.iter()
        .map(|p| {
            let kind = p.kind_stored()?;
            Ok(Provision {
                key: p.key.clone(),
                kind,
                label: node_label(kind, &p.label),
                heading: p.heading.clone(),
                body: p.body.clone(),
                parent: p.parent_key.clone(),
            })
        })
        .collect()
}

fn change_kind(id: i64, kind: EffectKind) -> Option<ChangeKind> {
    if id < 0 {
        return Some(ChangeKind::Expire);
    }
    Some(match kind {
        EffectKind::Amend => ChangeKind::Amend,
        EffectKind::Replace => ChangeKind::Replace,
        EffectKind::Repeal => ChangeKind::Repeal,
        _ => return None,
    })
}

fn eli_of(org: &Org, d: &DocumentSummary) -> String {
    let code = org
        .authorities
        .get(&d.authority_id)
        .map(|a| a.code.as_str())
        .unwrap_or_default();
    Eli::of(code, &d.doc_type, &d.number, d.issued_on).path()
}

/// The changes that acted on document `id` (an effect whose acting document was not in force on
/// its date changes nothing), one per provision named, with the wordings recorded; and the
/// amending documents in the order of their first change.
pub fn changes_of(
    db: &mut Db<'_>,
    org: &Org,
    graph: &StatusGraph,
    id: i64,
) -> Result<(Vec<Change>, Vec<Amending>), AppError> {
    let effects: Vec<_> = graph
        .effects_received(id)
        .iter()
        .filter(|e| change_kind(e.id, e.kind).is_some() && graph.effect_acted(id, e.id))
        .collect();
    let ids: Vec<i64> = effects.iter().filter(|e| e.id > 0).map(|e| e.id).collect();
    let words = wordings(db, &ids)?;
    let mut acting: Vec<i64> = effects
        .iter()
        .filter(|e| e.id > 0)
        .map(|e| e.acting_id)
        .collect();
    acting.sort_unstable();
    acting.dedup();
    let docs: HashMap<i64, DocumentSummary> = queries::summaries_by_ids(db, &acting)?
        .into_iter()
        .map(|d| (d.id, d))
        .collect();
    let mut changes = Vec::new();
    let mut amending: Vec<Amending> = Vec::new();
    for e in effects {
        let Some(kind) = change_kind(e.id, e.kind) else {
            continue;
        };
        let doc = docs.get(&e.acting_id).filter(|_| e.id > 0);
        let source = Source {
            effect_id: e.id,
            document: match doc {
                Some(d) => format!("{} số {}", d.doc_type, d.number),
                // A declared expiry: the review decision that declared it (its id is minus
                // the decision's number).
                None => format!("kết quả rà soát (quyết định rà soát số {})", -e.id),
            },
            url: doc.map(|d| eli_of(org, d)),
            provision: None,
        };
        // A whole replacement or repeal is the document's status, not a change of its text.
        let changes_text = kind == ChangeKind::Amend || !e.provisions.is_empty();
        if let Some(d) = doc.filter(|d| changes_text && !amending.iter().any(|a| a.id == d.id)) {
            amending.push(Amending {
                id: d.id,
                citation: format!(
                    "{} số {} ngày {} của {}, có hiệu lực kể từ ngày {}",
                    d.doc_type,
                    d.number,
                    date_vn(d.issued_on),
                    org.authority_name(d.authority_id),
                    date_vn(d.effective_on)
                ),
                doc_type: d.doc_type.clone(),
                number: d.number.clone(),
                title: d.title.clone(),
                url: source.url.clone(),
                effective_on: date_vn(d.effective_on),
                effective_on_iso: iso(d.effective_on),
                first_on: e.effective_on,
            });
        }
        for key in &e.provisions {
            changes.push(Change {
                key: key.clone(),
                kind,
                on: e.effective_on,
                wording: words.get(&(e.id, key.clone())).cloned(),
                source: source.clone(),
            });
        }
    }
    Ok((changes, amending))
}

/// What changed a provision, as pages and the API show it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ChangeView {
    /// `amend`, `replace`, `repeal`, `expire`.
    pub kind: &'static str,
    /// `được sửa đổi, bổ sung`, `bị bãi bỏ`…
    pub verb: &'static str,
    /// The note's first words: `Được sửa đổi, bổ sung bởi`, `Bị bãi bỏ bởi`…
    pub lead: &'static str,
    /// The acting document as cited (`Quyết định số 12/2024/QĐ-UBND`).
    pub document: String,
    /// The acting document's address, with the acting provision's anchor when known.
    pub url: Option<String>,
    pub on: String,
    pub on_iso: String,
    /// Whether the change names this provision (not only a provision containing it).
    pub direct: bool,
}

/// An earlier wording of a provision and its period.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PeriodView {
    /// The wording; absent where the amendment's new wording was not recorded.
    pub body: Option<String>,
    /// First day (`null`: since the document took effect).
    pub from: Option<String>,
    pub until: String,
    /// The document that gave this wording (`null`: the original text).
    pub by: Option<String>,
    pub by_url: Option<String>,
}

/// A provision's text in force on the date, beside its status.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReadingView {
    /// `original`, `amended` (new wording in force), `gap` (amended, new wording not
    /// recorded: `body` is the old wording, no longer in force), `ceased` (kept, no longer in
    /// force), `added`, `added-gap` (added, wording not recorded).
    pub mark: &'static str,
    pub change: Option<ChangeView>,
    /// Earlier wordings, oldest first.
    pub earlier: Vec<PeriodView>,
    /// The number of its footnote in the consolidated text.
    pub footnote: Option<usize>,
}

pub fn mark_code(m: Mark) -> &'static str {
    match m {
        Mark::Original => "original",
        Mark::Amended => "amended",
        Mark::Gap => "gap",
        Mark::Ceased => "ceased",
        Mark::Added => "added",
        Mark::AddedGap => "added-gap",
    }
}

fn kind_code(k: ChangeKind) -> &'static str {
    match k {
        ChangeKind::Amend => "amend",
        ChangeKind::Replace => "replace",
        ChangeKind::Repeal => "repeal",
        ChangeKind::Expire => "expire",
    }
}

fn lead(mark: Mark, kind: ChangeKind) -> &'static str {
    match (mark, kind) {
        (Mark::Added | Mark::AddedGap, _) => "Được bổ sung bởi",
        (Mark::Gap, _) => "Đã được sửa đổi, bổ sung bởi",
        (_, ChangeKind::Amend) => "Được sửa đổi, bổ sung bởi",
        (_, ChangeKind::Replace) => "Được thay thế bởi",
        (_, ChangeKind::Repeal) => "Bị bãi bỏ bởi",
        (_, ChangeKind::Expire) => "Hết hiệu lực theo",
    }
}

impl From<&Item> for ReadingView {
    fn from(i: &Item) -> ReadingView {
        ReadingView {
            mark: mark_code(i.mark),
            change: i.change.as_ref().map(|c| ChangeView {
                kind: kind_code(c.kind),
                verb: match i.mark {
                    Mark::Added | Mark::AddedGap => "được bổ sung",
                    _ => c.kind.verb(),
                },
                lead: lead(i.mark, c.kind),
                document: c.source.document.clone(),
                url: c.source.link(),
                on: date_vn(c.on),
                on_iso: iso(c.on),
                direct: c.direct,
            }),
            earlier: i
                .earlier
                .iter()
                .map(|p| PeriodView {
                    body: p.body.clone(),
                    from: p.from.map(date_vn),
                    until: date_vn(p.until),
                    by: p.by.as_ref().map(|s| s.document.clone()),
                    by_url: p.by.as_ref().and_then(Source::link),
                })
                .collect(),
            footnote: i.footnote,
        }
    }
}

/// The text of document `id` in force on `date`, with the documents that amended it.
pub fn reading(
    db: &mut Db<'_>,
    org: &Org,
    graph: &StatusGraph,
    id: i64,
    rows: &[Row],
    date: NaiveDate,
) -> Result<(PointInTime, Vec<Amending>), AppError> {
    let (changes, mut amending) = changes_of(db, org, graph, id)?;
    let provisions = original(rows).map_err(crate::db::DbError::from)?;
    let text = text_on(&provisions, &changes, date);
    // Only the documents whose changes had taken effect by the date.
    amending.retain(|a| a.first_on <= date);
    Ok((text, amending))
}

mod file;
mod model;
pub use file::{docx_bytes, layout, plain_text, NOT_A_LEGAL_DOCUMENT};
pub use model::{ascii_stem, consolidated, Consolidated, Part};
