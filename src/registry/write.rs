//! The registry's writer of the interchange records (units, successions, authorities,
//! documents, effects, declared expiries, class ends — `write_law`), called by the importer (`crate::exchange`) inside
//! its transaction: every record is validated in full before anything of it is written, and
//! every write appends an audit entry (and, when a status can change, an outbox row) in the
//! same transaction. Re-writing a record changes nothing: records are matched by their
//! natural keys (unit code, authority code, authority + document number, the whole identity
//! of an effect, document + review decision).

use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use super::draft::{as_new, provision_rows, validate_document, DocumentDraft};
use super::records::*;
use crate::db::models::*;
use crate::db::{queries, Db};
use crate::domain::kinds::EffectKind;
use crate::domain::number::DocumentNumber;
use crate::domain::structure::{self, parse_reference};
use crate::domain::text::nfc;
use crate::jsonl::{invalid, Outcome, RecordError};

/// Writes the registry's records one at a time; caches what later lines look up.
#[derive(Default)]
pub struct RegistryWriter {
    /// Who the audit trail names for these writes (`import:<source>`, `user:<name>`).
    pub actor: String,
    /// Whether a record that differs from the stored one replaces it; when not, the record
    /// is refused as a conflict naming the differing fields (an old file re-imported after a
    /// correction made in the browser never silently reverts it).
    pub update: bool,
    /// Why the records are written (an edit's reason), kept in the audit entries of updates.
    pub reason: Option<String>,
    pub(super) authorities: HashMap<String, i64>,
    documents: HashMap<(i64, String), i64>,
    /// Documents seen in this run: (authority, number key) → (line, fingerprint).
    seen: HashMap<(i64, String), (usize, u64)>,
    /// Cache keys added during the current batch, undone if the batch rolls back.
    journal: Vec<(i64, String)>,
    /// Units and successions read once, and their writes waiting for the end of a batch.
    pub(super) units: super::unit_batch::UnitBatch,
}

fn fingerprint(rec: &DocumentRecord) -> u64 {
    let mut h = DefaultHasher::new();
    rec.hash(&mut h);
    h.finish()
}

impl RegistryWriter {
    pub fn new(actor: impl Into<String>) -> RegistryWriter {
        RegistryWriter {
            actor: actor.into(),
            ..RegistryWriter::default()
        }
    }

    pub(super) fn audit<T: serde::Serialize>(
        &self,
        db: &mut Db<'_>,
        action: &str,
        entity: &str,
        id: impl std::fmt::Display,
        before: Option<&T>,
        after: &T,
    ) -> Result<(), RecordError> {
        let json = |v: &T| serde_json::to_value(v).unwrap_or(serde_json::Value::Null);
        crate::audit::append(
            db,
            &self.actor,
            action,
            entity,
            &id.to_string(),
            before.map(json).as_ref(),
            Some(&json(after)),
        )?;
        Ok(())
    }

    fn remember(&mut self, key: (i64, String), id: i64) {
        if self.documents.insert(key.clone(), id).is_none() {
            self.journal.push(key);
        }
    }

    /// A new transaction begins: what it caches is journalled.
    pub fn begin_batch(&mut self) {
        self.journal.clear();
    }

    /// The transaction rolled back: forget what it cached.
    pub fn rollback_batch(&mut self) {
        for key in self.journal.drain(..) {
            self.documents.remove(&key);
            self.seen.remove(&key);
        }
        self.authorities.clear();
        self.units.forget();
    }

    pub(super) fn authority_id(&mut self, db: &mut Db<'_>, code: &str) -> Result<i64, RecordError> {
        let code = nfc(code);
        if let Some(id) = self.authorities.get(&code) {
            return Ok(*id);
        }
        match queries::authority_by_code(db, &code)? {
            Some(a) => {
                self.authorities.insert(code, a.id);
                Ok(a.id)
            }
            None => invalid(format!("không tìm thấy cơ quan ban hành có mã «{code}»")),
        }
    }

    pub(super) fn document_id(
        &mut self,
        db: &mut Db<'_>,
        r: &DocumentRef,
    ) -> Result<i64, RecordError> {
        let authority = self.authority_id(db, &r.authority)?;
        let number =
            DocumentNumber::parse(&r.number).map_err(|e| RecordError::Invalid(e.to_string()))?;
        let key = (authority, number.key());
        if let Some(id) = self.documents.get(&key) {
            return Ok(*id);
        }
        match queries::document_id_by_key(db, authority, &key.1)? {
            Some(id) => {
                self.remember(key, id);
                Ok(id)
            }
            None => invalid(format!(
                "không tìm thấy văn bản {} của cơ quan «{}»",
                number,
                nfc(&r.authority)
            )),
        }
    }

    /// Validates and writes a document; `prepared` is its draft when the importer made it
    /// already.
    pub fn document(
        &mut self,
        db: &mut Db<'_>,
        line: usize,
        rec: &DocumentRecord,
        prepared: Option<Result<DocumentDraft, String>>,
    ) -> Result<Outcome, RecordError> {
        let authority_id = self.authority_id(db, &rec.authority)?;
        let mut draft = match prepared {
            Some(Ok(d)) => d,
            Some(Err(m)) => return invalid(m),
            None => validate_document(0, rec)?,
        };
        draft.row.authority_id = authority_id;
        let dates = super::write_law::provision_dates(rec, &draft)?;
        let key = (authority_id, draft.row.number_key.clone());
        let fp = fingerprint(rec);
        if let Some((first, other)) = self.seen.get(&key) {
            if *other != fp {
                return invalid(format!(
                    "số ký hiệu {} của cơ quan «{}» đã dùng cho một văn bản khác ở dòng {first}",
                    draft.row.number, rec.authority
                ));
            }
        }
        let (id, outcome) = match queries::document_by_key(db, authority_id, &key.1)? {
            None => {
                let id = queries::insert_document(db, &draft.row)?;
                queries::insert_provisions(db, &provision_rows(id, &draft.structure))?;
                queries::append_outbox(db, "document", id)?;
                self.audit(
                    db,
                    "create",
                    "document",
                    id,
                    None,
                    &crate::audit::document_summary(&draft.row),
                )?;
                self.remember(key.clone(), id);
                (id, Outcome::Created)
            }
            Some(existing) => {
                let id = existing.id;
                (id, self.update_document(db, existing, &draft, rec, &dates)?)
            }
        };
        let dates_changed = self.sync_provision_dates(db, id, dates)?;
        let withdrawn = self.withdrawn_flag(db, id, rec)?;
        let outcome = match outcome {
            Outcome::Unchanged if dates_changed || withdrawn => Outcome::Updated,
            o => o,
        };
        if self.seen.insert(key.clone(), (line, fp)).is_none() {
            self.journal.push(key);
        }
        Ok(outcome)
    }

    /// Writes a document line over the stored document of its number: unchanged, a conflict
    /// naming the differing fields (unless the writer updates), or an update audited with
    /// before, after and the reason.
    fn update_document(
        &mut self,
        db: &mut Db<'_>,
        existing: Document,
        draft: &DocumentDraft,
        rec: &DocumentRecord,
        dates: &[(Vec<String>, chrono::NaiveDate)],
    ) -> Result<Outcome, RecordError> {
        // A type differing is another document under the same number, unless the write was
        // asked to update (a correction of the type).
        if (existing.doc_type != draft.row.doc_type && !self.update)
            || existing.issued_on != draft.row.issued_on
        {
            return invalid(format!(
                "số ký hiệu {} của cơ quan «{}» đã được dùng cho văn bản khác ({} ban hành ngày {}); một số ký hiệu chỉ dùng cho một văn bản",
                existing.number, rec.authority, existing.doc_type, existing.issued_on
            ));
        }
        let stored = as_new(&existing);
        let mut changed = changed_fields(&stored, &draft.row);
        if let Some(w) = crate::db::editing::withdrawal(db, existing.id)? {
            if rec.withdrawn.is_none() {
                changed.insert(0, "withdrawn");
                return Err(RecordError::Conflict(changed));
            }
            if !changed.is_empty() {
                return invalid(format!(
                    "văn bản {} đã bị rút ngày {}; văn bản đã rút không sửa được",
                    existing.number,
                    w.withdrawn_on.format("%d/%m/%Y")
                ));
            }
        }
        if !self.update && self.provision_dates_differ(db, existing.id, dates)? {
            changed.push("provisions_effective");
        }
        if changed.is_empty() || stored == draft.row {
            return Ok(Outcome::Unchanged);
        }
        if !self.update {
            return Err(RecordError::Conflict(changed));
        }
        if existing.full_text != draft.row.full_text {
            replace_text(db, existing.id, draft)?;
            // The documents it amends show the wording its text quotes: re-indexed with it.
            for t in crate::db::wording::amended_by(db, &[existing.id])? {
                queries::append_outbox(db, "document", t)?;
            }
        }
        queries::update_document(db, existing.id, &draft.row)?;
        queries::append_outbox(db, "document", existing.id)?;
        let (before, after) = update_values(&stored, &draft.row, self.reason.as_deref());
        self.audit(db, "update", "document", existing.id, Some(&before), &after)?;
        Ok(Outcome::Updated)
    }

    /// Records the withdrawal a document line carries (an export read back) when the
    /// document is not withdrawn yet; whether it did.
    fn withdrawn_flag(
        &mut self,
        db: &mut Db<'_>,
        id: i64,
        rec: &DocumentRecord,
    ) -> Result<bool, RecordError> {
        let Some(flag) = &rec.withdrawn else {
            return Ok(false);
        };
        if crate::db::editing::withdrawal(db, id)?.is_some() {
            return Ok(false);
        }
        let reason = super::withdraw::reason(&flag.reason)
            .map_err(|e| RecordError::Invalid(format!("«withdrawn»: {e}")))?;
        let w = crate::db::editing::Withdrawal {
            document_id: id,
            withdrawn_on: flag.on,
            reason,
        };
        super::withdraw::record(db, &self.actor, &w)?;
        Ok(true)
    }

    /// Validates and writes an effect between two documents.
    pub fn effect(&mut self, db: &mut Db<'_>, rec: &EffectRecord) -> Result<Outcome, RecordError> {
        let Some(kind) = EffectKind::parse(rec.kind.trim()) else {
            let kinds: Vec<&str> = EffectKind::ALL.iter().map(|k| k.code()).collect();
            return invalid(format!(
                "loại tác động «{}» không hợp lệ (các loại: {})",
                rec.kind,
                kinds.join(", ")
            ));
        };
        let acting = self.document_id(db, &rec.acting)?;
        let target = self.document_id(db, &rec.target)?;
        if acting == target {
            return invalid("một văn bản không thể tác động đến chính nó");
        }
        let (effective_on, undated) = super::write_law::effect_date(db, kind, acting, rec)?;
        if rec.until.is_some() && kind != EffectKind::Suspend {
            return invalid("«until» chỉ dùng cho tác động ngưng hiệu lực (suspend)");
        }
        if let Some(u) = rec.until {
            if u < effective_on {
                return invalid(format!(
                    "ngày kết thúc ngưng hiệu lực {u} trước ngày bắt đầu {effective_on}"
                ));
            }
        }
        let keys = effect_keys(db, kind, target, rec)?;
        let wording = match &rec.wording {
            Some(w) => super::wording::validate(kind, &keys, w).map_err(RecordError::Invalid)?,
            None => Vec::new(),
        };
        let provisions = serde_json::to_string(&keys).unwrap_or_else(|_| "[]".into());
        let row = NewEffect {
            acting_id: acting,
            target_id: target,
            kind: kind.code().to_string(),
            provisions,
            effective_on,
            until_on: rec.until,
            note: rec.note.as_deref().map(nfc).filter(|n| !n.is_empty()),
        };
        match queries::find_effect(
            db,
            acting,
            target,
            &row.kind,
            &row.provisions,
            row.effective_on,
        )? {
            None => {
                let id = queries::insert_effect(db, &row)?;
                if undated {
                    crate::db::registry::set_effect_undated(db, id, true)?;
                }
                super::wording::apply(self, db, id, &wording)?;
                queries::append_outbox(db, "document", target)?;
                self.audit(db, "create", "effect", id, None, &row)?;
                Ok(Outcome::Created)
            }
            Some(e)
                if e.until_on == row.until_on
                    && e.note == row.note
                    && crate::db::registry::effect_undated(db, e.id)? == undated =>
            {
                if !super::wording::apply(self, db, e.id, &wording)? {
                    return Ok(Outcome::Unchanged);
                }
                queries::append_outbox(db, "document", target)?;
                Ok(Outcome::Updated)
            }
            Some(e) => {
                if !self.update {
                    let mut changed = Vec::new();
                    if e.until_on != row.until_on {
                        changed.push("until");
                    }
                    if e.note != row.note {
                        changed.push("note");
                    }
                    if changed.is_empty() {
                        changed.push("effective_on");
                    }
                    return Err(RecordError::Conflict(changed));
                }
                super::wording::apply(self, db, e.id, &wording)?;
                queries::update_effect(db, e.id, &row)?;
                crate::db::registry::set_effect_undated(db, e.id, undated)?;
                queries::append_outbox(db, "document", target)?;
                let before = NewEffect {
                    until_on: e.until_on,
                    note: e.note.clone(),
                    ..row.clone()
                };
                let after = with_reason(serde_json::to_value(&row), self.reason.as_deref());
                let before = with_reason(serde_json::to_value(&before), None);
                self.audit(db, "update", "effect", e.id, Some(&before), &after)?;
                Ok(Outcome::Updated)
            }
        }
    }
}

/// Replaces a document's provisions by those of its new text, refused when the new text lacks
/// a provision another document's effect names.
fn replace_text(db: &mut Db<'_>, id: i64, draft: &DocumentDraft) -> Result<(), RecordError> {
    let keys: Vec<String> = draft
        .structure
        .nodes
        .iter()
        .map(|n| n.key.clone())
        .collect();
    for e in queries::effects_on(db, id)? {
        if let Some(missing) = e
            .provisions_stored()?
            .into_iter()
            .find(|k| !keys.contains(k))
        {
            return invalid(format!(
                "nội dung mới không còn {} mà một văn bản tác động đang dẫn chiếu",
                structure::display_reference(&missing)
            ));
        }
    }
    queries::replace_provisions(db, id, &provision_rows(id, &draft.structure))?;
    Ok(())
}

/// The fields of a stored document that `new` would change, by the names the conflict
/// report gives them (the record's fields; the text is `full_text`).
pub fn changed_fields(stored: &NewDocument, new: &NewDocument) -> Vec<&'static str> {
    let mut out = Vec::new();
    let mut differs = |name: &'static str, d: bool| {
        if d {
            out.push(name);
        }
    };
    differs("type", stored.doc_type != new.doc_type);
    differs("number", stored.number != new.number);
    differs("title", stored.title != new.title);
    differs("fields", stored.fields != new.fields);
    differs("signer", stored.signer != new.signer);
    differs(
        "signer_position",
        stored.signer_position != new.signer_position,
    );
    differs("issued_on", stored.issued_on != new.issued_on);
    differs("effective_on", stored.effective_on != new.effective_on);
    differs("end_on", stored.end_on != new.end_on);
    differs("gazette", stored.gazette != new.gazette);
    differs("place", stored.place != new.place);
    differs(
        "signing_capacity",
        stored.signing_capacity != new.signing_capacity,
    );
    differs("signing_for", stored.signing_for != new.signing_for);
    differs("normative", stored.normative != new.normative);
    differs(
        "full_text",
        stored.full_text != new.full_text || stored.preamble != new.preamble,
    );
    out
}

/// The audited values of a document update: the trail's summaries, with both texts when the
/// text changed (so that earlier versions can be shown from the trail) and the reason given.
fn update_values(
    stored: &NewDocument,
    new: &NewDocument,
    reason: Option<&str>,
) -> (serde_json::Value, serde_json::Value) {
    let mut before = crate::audit::document_summary(stored);
    let mut after = crate::audit::document_summary(new);
    if stored.full_text != new.full_text {
        before["text"] = serde_json::Value::from(stored.full_text.as_str());
        after["text"] = serde_json::Value::from(new.full_text.as_str());
    }
    (before, with_reason(Ok(after), reason))
}

/// An audited value with the writer's reason added (`"reason"`), when one was given.
pub(super) fn with_reason(
    value: Result<serde_json::Value, serde_json::Error>,
    reason: Option<&str>,
) -> serde_json::Value {
    let mut value = value.unwrap_or(serde_json::Value::Null);
    if let (Some(r), serde_json::Value::Object(m)) = (reason, &mut value) {
        m.insert("reason".into(), serde_json::Value::from(r));
    }
    value
}

/// The keys of the provisions an effect names, each checked against the target's text (an
/// amendment may add one: bổ sung Điều 5a, khoản 3 — a key the document does not have yet,
/// inside one it has, or a new article).
fn effect_keys(
    db: &mut Db<'_>,
    kind: EffectKind,
    target: i64,
    rec: &EffectRecord,
) -> Result<Vec<String>, RecordError> {
    let mut keys = Vec::new();
    if rec.provisions.is_empty() {
        return Ok(keys);
    }
    let existing = queries::provision_keys_of(db, target)?;
    for p in &rec.provisions {
        let key = parse_reference(p).map_err(|e| RecordError::Invalid(e.to_string()))?;
        let added = kind == EffectKind::Amend
            && crate::domain::structure::is_addition(&key, |k| existing.iter().any(|x| x == k));
        if !existing.contains(&key) && !added {
            return invalid(format!(
                "văn bản {} không có {}",
                nfc(&rec.target.number),
                structure::display_reference(&key)
            ));
        }
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    Ok(keys)
}
