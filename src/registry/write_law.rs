//! The writer's part for the finer law (issue 15, item 4): provisions taking effect on their
//! own date (on the document record), detailing links without a date, and class-wide ends set
//! by a transitional provision (`class_end` records). Validated in full before anything is
//! written, audited, with an outbox row where a status can change.

use chrono::NaiveDate;

use super::draft::DocumentDraft;
use super::records::{ClassEndRecord, DocumentRecord, EffectRecord};
use super::status::{class_member, issuers};
use super::write::RegistryWriter;
use crate::db::registry::{self as stored, NewClassEnd, NewProvisionDate};
use crate::db::{queries, Db};
use crate::domain::kinds::{document_type, EffectKind};
use crate::domain::status::DocumentClass;
use crate::domain::structure::{display_reference, parse_reference};
use crate::domain::text::nfc;
use crate::jsonl::{invalid, Outcome, RecordError};

/// The provisions' own dates of a document record, as keys: each provision must exist and
/// take effect after the document itself (a date on or before it says nothing).
pub fn provision_dates(
    rec: &DocumentRecord,
    draft: &DocumentDraft,
) -> Result<Vec<(Vec<String>, NaiveDate)>, RecordError> {
    let mut out = Vec::new();
    for g in &rec.provisions_effective {
        if g.effective_on <= draft.row.effective_on {
            return invalid(format!(
                "«provisions_effective»: ngày có hiệu lực riêng {} phải sau ngày có hiệu lực của văn bản {}",
                g.effective_on, draft.row.effective_on
            ));
        }
        if g.provisions.is_empty() {
            return invalid("«provisions_effective»: cần nêu ít nhất một điều, khoản");
        }
        let mut keys = Vec::new();
        for p in &g.provisions {
            let key = parse_reference(p).map_err(|e| RecordError::Invalid(e.to_string()))?;
            if draft.structure.find(&key).is_none() {
                return invalid(format!(
                    "«provisions_effective»: văn bản không có {}",
                    display_reference(&key)
                ));
            }
            if !keys.contains(&key) {
                keys.push(key);
            }
        }
        out.push((keys, g.effective_on));
    }
    Ok(out)
}

/// The date an effect is stored with, and whether it was given: only a detailing link
/// (`implements`) may leave it out, and then acts from the acting document's effective date.
pub fn effect_date(
    db: &mut Db<'_>,
    kind: EffectKind,
    acting: i64,
    rec: &EffectRecord,
) -> Result<(NaiveDate, bool), RecordError> {
    if let Some(d) = rec.effective_on {
        return Ok((d, false));
    }
    if !kind.may_be_undated() {
        return invalid(format!(
            "thiếu ngày có hiệu lực «effective_on»: chỉ tác động quy định chi tiết, hướng dẫn ({}) được ghi không có ngày",
            EffectKind::Implements.code()
        ));
    }
    match queries::document(db, acting)? {
        Some(d) => Ok((d.effective_on, true)),
        None => invalid("không tìm thấy văn bản tác động"),
    }
}

impl RegistryWriter {
    /// Stores the provisions' own dates of document `id`; returns whether they changed.
    /// Whether `dates` differ from the provision dates stored for document `id`.
    pub(super) fn provision_dates_differ(
        &self,
        db: &mut Db<'_>,
        id: i64,
        dates: &[(Vec<String>, NaiveDate)],
    ) -> Result<bool, RecordError> {
        let stored: Vec<(String, NaiveDate)> = stored::provision_dates_of(db, Some(&[id]))?
            .into_iter()
            .map(|r| (r.provisions, r.effective_on))
            .collect();
        let wanted: Vec<(String, NaiveDate)> = dates
            .iter()
            .map(|(keys, on)| {
                (
                    serde_json::to_string(keys).unwrap_or_else(|_| "[]".into()),
                    *on,
                )
            })
            .collect();
        Ok(stored != wanted)
    }

    pub(super) fn sync_provision_dates(
        &self,
        db: &mut Db<'_>,
        id: i64,
        dates: Vec<(Vec<String>, NaiveDate)>,
    ) -> Result<bool, RecordError> {
        let rows: Vec<NewProvisionDate> = dates
            .into_iter()
            .map(|(keys, effective_on)| NewProvisionDate {
                document_id: id,
                provisions: serde_json::to_string(&keys).unwrap_or_else(|_| "[]".into()),
                effective_on,
            })
            .collect();
        let before: Vec<NewProvisionDate> = stored::provision_dates_of(db, Some(&[id]))?
            .into_iter()
            .map(|r| NewProvisionDate {
                document_id: r.document_id,
                provisions: r.provisions,
                effective_on: r.effective_on,
            })
            .collect();
        if before == rows {
            return Ok(false);
        }
        stored::replace_provision_dates(db, id, &rows)?;
        queries::append_outbox(db, "document", id)?;
        self.audit(db, "update", "provision_dates", id, Some(&before), &rows)?;
        Ok(true)
    }

    /// Validates and writes a class end, matched by its basis document and provision.
    pub fn class_end(
        &mut self,
        db: &mut Db<'_>,
        rec: &ClassEndRecord,
    ) -> Result<Outcome, RecordError> {
        let basis = self.document_id(db, &rec.basis)?;
        let provision =
            parse_reference(&rec.provision).map_err(|e| RecordError::Invalid(e.to_string()))?;
        let existing = queries::provision_keys_of(db, basis)?;
        if !existing.is_empty() && !existing.contains(&provision) {
            return invalid(format!(
                "văn bản {} không có {}",
                nfc(&rec.basis.number),
                display_reference(&provision)
            ));
        }
        let mut types = Vec::new();
        for t in &rec.types {
            match document_type(t) {
                Some(t) => types.push(t.to_string()),
                None => return invalid(format!("loại văn bản «{t}» không hợp lệ")),
            }
        }
        if let (Some(f), Some(t)) = (rec.issued_from, rec.issued_to) {
            if t < f {
                return invalid(format!("«issued_to» {t} trước «issued_from» {f}"));
            }
        }
        let json = |v: serde_json::Result<String>| v.unwrap_or_else(|_| "[]".into());
        let types_json = json(serde_json::to_string(&types));
        let row = NewClassEnd {
            basis_id: basis,
            provision: provision.clone(),
            authority_kinds: json(serde_json::to_string(&rec.authority_kinds)),
            levels: json(serde_json::to_string(&rec.levels)),
            types: types_json,
            issued_from: rec.issued_from,
            issued_to: rec.issued_to,
            ceases_on: rec.ceases_on,
            note: rec.note.as_deref().map(nfc).filter(|n| !n.is_empty()),
        };
        let class = DocumentClass {
            authority_kinds: rec.authority_kinds.clone(),
            levels: rec.levels.clone(),
            types,
            issued_from: rec.issued_from,
            issued_to: rec.issued_to,
        };
        match stored::class_end(db, basis, &provision)? {
            None => {
                let id = stored::insert_class_end(db, &row)?;
                touch_members(db, &[class])?;
                queries::append_outbox(db, "document", basis)?;
                self.audit(db, "create", "class_end", id, None, &row)?;
                Ok(Outcome::Created)
            }
            Some(old) => {
                let before = NewClassEnd {
                    basis_id: old.basis_id,
                    provision: old.provision,
                    authority_kinds: old.authority_kinds,
                    levels: old.levels,
                    types: old.types,
                    issued_from: old.issued_from,
                    issued_to: old.issued_to,
                    ceases_on: old.ceases_on,
                    note: old.note,
                };
                if before == row {
                    return Ok(Outcome::Unchanged);
                }
                let old_class = old_row_class(db, basis, &provision)?;
                stored::update_class_end(db, old.id, &row)?;
                touch_members(db, &[class, old_class])?;
                queries::append_outbox(db, "document", basis)?;
                self.audit(db, "update", "class_end", old.id, Some(&before), &row)?;
                Ok(Outcome::Updated)
            }
        }
    }
}

/// The class a stored class end covers.
fn old_row_class(
    db: &mut Db<'_>,
    basis: i64,
    provision: &str,
) -> Result<DocumentClass, RecordError> {
    match stored::class_end(db, basis, provision)? {
        Some(r) => Ok(r.class_stored()?),
        None => Ok(DocumentClass::default()),
    }
}

/// Appends an outbox row for every document the classes cover, so that the search index
/// and the shared status graph see their new status.
fn touch_members(db: &mut Db<'_>, classes: &[DocumentClass]) -> Result<(), RecordError> {
    let issuers = issuers(db)?;
    for d in queries::document_summaries(db, &Default::default())? {
        let m = class_member(&d, &issuers);
        if classes.iter().any(|c| c.covers(&m)) {
            queries::append_outbox(db, "document", d.id)?;
        }
    }
    Ok(())
}
