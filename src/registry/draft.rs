//! A document record checked and turned into its rows, before anything is written: the pure
//! part of writing a document (number, type, dates, NFC, structure), done off the writer's
//! thread by the importer.

use crate::db::models::*;
use crate::domain::issuers;
use crate::domain::kinds::document_type;
use crate::domain::number::DocumentNumber;
use crate::domain::structure::{self, Structure};
use crate::domain::text::{nfc, nfc_keep};
use crate::jsonl::{invalid, RecordError};

use super::records::DocumentRecord;

/// Validated document ready to be written.
#[derive(Clone)]
pub struct DocumentDraft {
    pub row: NewDocument,
    pub structure: Structure,
}

/// The provision rows of a parsed structure.
pub fn provision_rows(document_id: i64, s: &Structure) -> Vec<NewProvision> {
    s.nodes
        .iter()
        .enumerate()
        .map(|(i, n)| NewProvision {
            document_id,
            ordinal: i32::try_from(i).unwrap_or(i32::MAX),
            kind: n.kind.as_str().to_string(),
            label: n.label.clone(),
            key: n.key.clone(),
            parent_key: n.parent.and_then(|p| s.nodes.get(p)).map(|p| p.key.clone()),
            heading: n.heading.clone(),
            body: n.body.clone(),
        })
        .collect()
}

pub(crate) fn non_empty(field: &str, v: &str) -> Result<String, RecordError> {
    let v = nfc(v);
    if v.is_empty() {
        return invalid(format!("thiếu «{field}»"));
    }
    Ok(v)
}

pub(crate) fn check_code(field: &str, v: &str) -> Result<String, RecordError> {
    let v = non_empty(field, v)?;
    if v.len() > 64
        || !v
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_' || c == '.')
    {
        return invalid(format!(
            "mã «{v}» ({field}) chỉ được gồm chữ, số, «-», «_», «.» (tối đa 64 ký tự)"
        ));
    }
    Ok(v)
}

/// Checks a document record against the registry and turns it into a row.
pub fn validate_document(
    authority_id: i64,
    rec: &DocumentRecord,
) -> Result<DocumentDraft, RecordError> {
    let number =
        DocumentNumber::parse(&rec.number).map_err(|e| RecordError::Invalid(e.to_string()))?;
    let Some(doc_type) = document_type(&rec.doc_type) else {
        return invalid(format!(
            "loại văn bản «{}» không được hỗ trợ (các loại: {})",
            rec.doc_type,
            crate::domain::kinds::DOCUMENT_TYPES.join(", ")
        ));
    };
    let title = non_empty("title", &rec.title)?;
    if rec.effective_on < rec.issued_on {
        return invalid(format!(
            "ngày có hiệu lực {} trước ngày ban hành {}",
            rec.effective_on, rec.issued_on
        ));
    }
    if let Some(end) = rec.end_on {
        if end < rec.effective_on {
            return invalid(format!(
                "ngày hết hiệu lực {end} trước ngày có hiệu lực {}",
                rec.effective_on
            ));
        }
    }
    let text = nfc_keep(rec.text.trim_end());
    let structure = structure::parse(&text);
    let fields: Vec<String> = rec
        .fields
        .iter()
        .map(|f| nfc(f))
        .filter(|f| !f.is_empty())
        .collect();
    let normative = rec
        .normative
        .unwrap_or_else(|| issuers::default_normative(doc_type, &number, rec.issued_on));
    let (capacity, signing_for) = crate::domain::signing::signing(
        rec.signing_capacity.as_deref(),
        rec.signing_for.as_deref(),
    )
    .map_err(|e| RecordError::Invalid(format!("thẩm quyền ký: {e}")))?;
    let row = NewDocument {
        normative,
        authority_id,
        doc_type: doc_type.to_string(),
        number: number.as_str().to_string(),
        number_key: number.key(),
        title,
        fields: serde_json::to_string(&fields).unwrap_or_else(|_| "[]".into()),
        signer: nfc(&rec.signer),
        signer_position: nfc(&rec.signer_position),
        issued_on: rec.issued_on,
        effective_on: rec.effective_on,
        end_on: rec.end_on,
        gazette: rec.gazette.as_deref().map(nfc).filter(|g| !g.is_empty()),
        place: rec
            .place
            .as_deref()
            .map(|p| nfc(p.trim()))
            .filter(|p| !p.is_empty()),
        signing_capacity: capacity.map(|c| c.code().to_string()),
        signing_for: signing_for.map(|s| s.as_stored()),
        preamble: structure.preamble.clone(),
        full_text: text,
    };
    Ok(DocumentDraft { row, structure })
}

pub(crate) fn as_new(d: &Document) -> NewDocument {
    NewDocument {
        authority_id: d.authority_id,
        doc_type: d.doc_type.clone(),
        number: d.number.clone(),
        number_key: d.number_key.clone(),
        title: d.title.clone(),
        fields: d.fields.clone(),
        signer: d.signer.clone(),
        signer_position: d.signer_position.clone(),
        issued_on: d.issued_on,
        effective_on: d.effective_on,
        end_on: d.end_on,
        gazette: d.gazette.clone(),
        place: d.place.clone(),
        signing_capacity: d.signing_capacity.clone(),
        signing_for: d.signing_for.clone(),
        full_text: d.full_text.clone(),
        preamble: d.preamble.clone(),
        normative: d.normative,
    }
}
