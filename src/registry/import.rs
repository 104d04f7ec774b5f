//! Import of the JSON Lines format (and of the ALQAC law corpus): every line is validated in
//! full before anything of it is written, runs in a savepoint inside a transaction of bounded
//! size, and a bad line is reported as `file:line: reason` without touching the rest.
//! Re-importing a file changes nothing: records are matched by their natural keys (unit code,
//! authority code, authority + document number, the whole identity of an effect).

use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::io::{BufRead, Read};
use std::path::Path;

use super::records::*;
use crate::db::models::*;
use crate::db::{queries, Db, DbError, DbPool};
use crate::domain::kinds::{document_type, AuthorityKind, EffectKind, UnitLevel};
use crate::domain::number::DocumentNumber;
use crate::domain::structure::{self, parse_reference, Structure};
use crate::domain::text::{nfc, nfc_keep};

/// Longest line accepted (a whole law fits comfortably).
pub const MAX_LINE: usize = 8 * 1024 * 1024;
/// Lines per transaction.
pub const BATCH: usize = 1000;

#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<diesel::result::Error> for RecordError {
    fn from(e: diesel::result::Error) -> Self {
        RecordError::Db(DbError::Query(e))
    }
}

fn invalid<T>(msg: impl Into<String>) -> Result<T, RecordError> {
    Err(RecordError::Invalid(msg.into()))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Created,
    Updated,
    Unchanged,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for LineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ImportReport {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub documents_created: usize,
    pub errors: Vec<LineError>,
    /// Accepted lines with something to look at (a procedure's local time longer than the
    /// statutory one); stored with the record too.
    pub warnings: Vec<LineError>,
}

impl ImportReport {
    pub(crate) fn count(&mut self, o: Outcome) {
        match o {
            Outcome::Created => self.created += 1,
            Outcome::Updated => self.updated += 1,
            Outcome::Unchanged => self.unchanged += 1,
        }
    }

    pub fn merge(&mut self, other: ImportReport) {
        self.created += other.created;
        self.updated += other.updated;
        self.unchanged += other.unchanged;
        self.documents_created += other.documents_created;
        self.errors.extend(other.errors);
        self.warnings.extend(other.warnings);
    }
}

/// Reads lines of at most `max` bytes; a longer line is skipped to its end and reported,
/// without ever holding more than `max` bytes of it.
pub struct LineReader<R> {
    inner: R,
    max: usize,
    line: usize,
    pub bytes_read: u64,
}

pub enum RawLine {
    Bytes(Vec<u8>),
    TooLong(usize),
}

impl<R: BufRead> LineReader<R> {
    pub fn new(inner: R, max: usize) -> Self {
        LineReader {
            inner,
            max,
            line: 0,
            bytes_read: 0,
        }
    }

    /// The next line (without its newline) and its 1-based number.
    pub fn next_line(&mut self) -> std::io::Result<Option<(usize, RawLine)>> {
        let mut buf = Vec::new();
        let mut len = 0usize;
        let mut too_long = false;
        let mut any = false;
        loop {
            let chunk = self.inner.fill_buf()?;
            if chunk.is_empty() {
                break;
            }
            any = true;
            let (take, done) = match chunk.iter().position(|b| *b == b'\n') {
                Some(i) => (i + 1, true),
                None => (chunk.len(), false),
            };
            let content = if done {
                &chunk[..take - 1]
            } else {
                &chunk[..take]
            };
            len += content.len();
            if len > self.max {
                too_long = true;
                buf = Vec::new();
            } else if !too_long {
                buf.extend_from_slice(content);
            }
            self.inner.consume(take);
            self.bytes_read += take as u64;
            if done {
                break;
            }
        }
        if !any {
            return Ok(None);
        }
        self.line += 1;
        if buf.last() == Some(&b'\r') {
            buf.pop();
        }
        Ok(Some((
            self.line,
            if too_long {
                RawLine::TooLong(len)
            } else {
                RawLine::Bytes(buf)
            },
        )))
    }
}

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

fn non_empty(field: &str, v: &str) -> Result<String, RecordError> {
    let v = nfc(v);
    if v.is_empty() {
        return invalid(format!("thiếu «{field}»"));
    }
    Ok(v)
}

fn check_code(field: &str, v: &str) -> Result<String, RecordError> {
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
    let row = NewDocument {
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
        preamble: structure.preamble.clone(),
        full_text: text,
    };
    Ok(DocumentDraft { row, structure })
}

fn as_new(d: &Document) -> NewDocument {
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
        full_text: d.full_text.clone(),
        preamble: d.preamble.clone(),
    }
}

/// Applies records one at a time; caches what later lines look up.
#[derive(Default)]
pub struct Importer {
    /// Who the audit trail names for these writes (`import:<source>`, `user:<name>`).
    pub actor: String,
    authorities: HashMap<String, i64>,
    documents: HashMap<(i64, String), i64>,
    /// Documents seen in this run: (authority, number key) → (line, fingerprint).
    seen: HashMap<(i64, String), (usize, u64)>,
    /// Cache keys added during the current batch, undone if the batch rolls back.
    journal: Vec<(i64, String)>,
    /// Warnings of the record being applied, taken by the caller with [`Importer::take_warnings`].
    warnings: Vec<String>,
}

fn fingerprint(rec: &DocumentRecord) -> u64 {
    let mut h = DefaultHasher::new();
    rec.hash(&mut h);
    h.finish()
}

impl Importer {
    pub fn new(actor: impl Into<String>) -> Importer {
        Importer {
            actor: actor.into(),
            ..Importer::default()
        }
    }

    fn audit<T: serde::Serialize>(
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

    fn rollback_journal(&mut self) {
        for key in self.journal.drain(..) {
            self.documents.remove(&key);
            self.seen.remove(&key);
        }
        self.authorities.clear();
    }

    fn authority_id(&mut self, db: &mut Db<'_>, code: &str) -> Result<i64, RecordError> {
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

    fn document_id(&mut self, db: &mut Db<'_>, r: &DocumentRef) -> Result<i64, RecordError> {
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

    /// Validates and writes one record. The caller runs it in a savepoint; the caches are only
    /// filled by records that were written, and are forgotten if the savepoint rolls back.
    pub fn apply(&mut self, db: &mut Db<'_>, item: &mut Item) -> Result<Outcome, RecordError> {
        let line = item.line;
        // Parsed lines were checked already; records built in memory (ALQAC, samples) here.
        if let Err(e) = item.record.check_typed_text() {
            return invalid(e.to_string());
        }
        match &item.record {
            Record::Unit(u) => apply_unit(self, db, u),
            Record::Succession(s) => apply_succession(self, db, s),
            Record::Authority(a) => {
                let out = apply_authority(self, db, a)?;
                self.authorities.remove(&nfc(&a.code));
                Ok(out)
            }
            Record::Document(d) => self.apply_document(db, line, d, item.draft.take()),
            Record::Effect(e) => self.apply_effect(db, e),
            Record::Procedure(p) => {
                let (outcome, warnings) =
                    crate::procedures::write::apply_procedure(db, &self.actor, p)?;
                self.warnings = warnings;
                Ok(outcome)
            }
            Record::Posting(p) => crate::procedures::write::apply_posting(db, &self.actor, p),
            Record::DossierCount(c) => {
                crate::procedures::write::apply_dossier_count(db, &self.actor, c)
            }
            Record::Inspection(i) => crate::procedures::write::apply_inspection(db, &self.actor, i),
            Record::CalendarDay(c) => {
                crate::procedures::write::apply_calendar_day(db, &self.actor, c)
            }
        }
    }

    /// The warnings of the last record applied (emptied).
    pub fn take_warnings(&mut self) -> Vec<String> {
        std::mem::take(&mut self.warnings)
    }

    fn apply_document(
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
        let outcome = match queries::document_by_key(db, authority_id, &key.1)? {
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
                Outcome::Created
            }
            Some(existing) => {
                if existing.doc_type != draft.row.doc_type
                    || existing.issued_on != draft.row.issued_on
                {
                    return invalid(format!(
                        "số ký hiệu {} của cơ quan «{}» đã được dùng cho văn bản khác ({} ban hành ngày {}); một số ký hiệu chỉ dùng cho một văn bản",
                        existing.number, rec.authority, existing.doc_type, existing.issued_on
                    ));
                }
                if as_new(&existing) == draft.row {
                    Outcome::Unchanged
                } else {
                    if existing.full_text != draft.row.full_text {
                        let keys: Vec<String> = draft
                            .structure
                            .nodes
                            .iter()
                            .map(|n| n.key.clone())
                            .collect();
                        for e in queries::effects_on(db, existing.id)? {
                            if let Some(missing) =
                                e.provision_keys().into_iter().find(|k| !keys.contains(k))
                            {
                                return invalid(format!(
                                    "nội dung mới không còn {} mà một văn bản tác động đang dẫn chiếu",
                                    structure::display_reference(&missing)
                                ));
                            }
                        }
                        queries::replace_provisions(
                            db,
                            existing.id,
                            &provision_rows(existing.id, &draft.structure),
                        )?;
                    }
                    queries::update_document(db, existing.id, &draft.row)?;
                    queries::append_outbox(db, "document", existing.id)?;
                    self.audit(
                        db,
                        "update",
                        "document",
                        existing.id,
                        Some(&crate::audit::document_summary(&as_new(&existing))),
                        &crate::audit::document_summary(&draft.row),
                    )?;
                    Outcome::Updated
                }
            }
        };
        if self.seen.insert(key.clone(), (line, fp)).is_none() {
            self.journal.push(key);
        }
        Ok(outcome)
    }

    fn apply_effect(
        &mut self,
        db: &mut Db<'_>,
        rec: &EffectRecord,
    ) -> Result<Outcome, RecordError> {
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
        if rec.until.is_some() && kind != EffectKind::Suspend {
            return invalid("«until» chỉ dùng cho tác động ngưng hiệu lực (suspend)");
        }
        if let Some(u) = rec.until {
            if u < rec.effective_on {
                return invalid(format!(
                    "ngày kết thúc ngưng hiệu lực {u} trước ngày bắt đầu {}",
                    rec.effective_on
                ));
            }
        }
        let mut keys = Vec::new();
        if !rec.provisions.is_empty() {
            let existing = queries::provision_keys_of(db, target)?;
            for p in &rec.provisions {
                let key = parse_reference(p).map_err(|e| RecordError::Invalid(e.to_string()))?;
                if !existing.contains(&key) {
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
        }
        let provisions = serde_json::to_string(&keys).unwrap_or_else(|_| "[]".into());
        let row = NewEffect {
            acting_id: acting,
            target_id: target,
            kind: kind.code().to_string(),
            provisions,
            effective_on: rec.effective_on,
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
                queries::append_outbox(db, "document", target)?;
                self.audit(db, "create", "effect", id, None, &row)?;
                Ok(Outcome::Created)
            }
            Some(e) if e.until_on == row.until_on && e.note == row.note => Ok(Outcome::Unchanged),
            Some(e) => {
                queries::update_effect(db, e.id, &row)?;
                queries::append_outbox(db, "document", target)?;
                let before = NewEffect {
                    until_on: e.until_on,
                    note: e.note.clone(),
                    ..row.clone()
                };
                self.audit(db, "update", "effect", e.id, Some(&before), &row)?;
                Ok(Outcome::Updated)
            }
        }
    }
}

fn apply_unit(imp: &Importer, db: &mut Db<'_>, u: &UnitRecord) -> Result<Outcome, RecordError> {
    let code = check_code("code", &u.code)?;
    let Some(level) = UnitLevel::parse(u.level.trim()) else {
        return invalid(format!(
            "cấp đơn vị «{}» không hợp lệ (tinh, huyen, xa)",
            u.level
        ));
    };
    let parent_id = match &u.parent {
        Some(p) => match queries::unit_by_code(db, &nfc(p))? {
            Some(p) => Some(p.id),
            None => return invalid(format!("không tìm thấy đơn vị cấp trên «{p}»")),
        },
        None => None,
    };
    if let (Some(f), Some(t)) = (u.valid_from, u.valid_to) {
        if t < f {
            return invalid(format!("ngày kết thúc {t} trước ngày bắt đầu {f}"));
        }
    }
    let row = NewUnit {
        code: code.clone(),
        name: non_empty("name", &u.name)?,
        level: level.code().to_string(),
        parent_id,
        valid_from: u.valid_from,
        valid_to: u.valid_to,
    };
    match queries::unit_by_code(db, &code)? {
        None => {
            queries::insert_unit(db, &row)?;
            imp.audit(db, "create", "unit", &row.code, None, &row)?;
            Ok(Outcome::Created)
        }
        Some(e) => {
            let before = NewUnit {
                code: e.code.clone(),
                name: e.name.clone(),
                level: e.level.clone(),
                parent_id: e.parent_id,
                valid_from: e.valid_from,
                valid_to: e.valid_to,
            };
            if before == row {
                Ok(Outcome::Unchanged)
            } else {
                queries::update_unit(db, e.id, &row)?;
                imp.audit(db, "update", "unit", &row.code, Some(&before), &row)?;
                Ok(Outcome::Updated)
            }
        }
    }
}

fn apply_succession(
    imp: &Importer,
    db: &mut Db<'_>,
    s: &SuccessionRecord,
) -> Result<Outcome, RecordError> {
    let find = |db: &mut Db<'_>, code: &str| -> Result<Unit, RecordError> {
        match queries::unit_by_code(db, &nfc(code))? {
            Some(u) => Ok(u),
            None => invalid(format!("không tìm thấy đơn vị hành chính «{code}»")),
        }
    };
    let pred = find(db, &s.predecessor)?;
    let succ = find(db, &s.successor)?;
    if pred.id == succ.id {
        return invalid("một đơn vị không thể kế thừa chính nó");
    }
    let row = UnitSuccession {
        predecessor_id: pred.id,
        successor_id: succ.id,
        effective_on: s.on,
    };
    match queries::succession(db, pred.id, succ.id)? {
        None => {
            queries::insert_succession(db, &row)?;
            let id = format!("{}>{}", s.predecessor.trim(), s.successor.trim());
            imp.audit(db, "create", "succession", id, None, &row)?;
            Ok(Outcome::Created)
        }
        Some(e) if e == row => Ok(Outcome::Unchanged),
        Some(e) => {
            queries::update_succession(db, &row)?;
            let id = format!("{}>{}", s.predecessor.trim(), s.successor.trim());
            imp.audit(db, "update", "succession", id, Some(&e), &row)?;
            Ok(Outcome::Updated)
        }
    }
}

fn apply_authority(
    imp: &Importer,
    db: &mut Db<'_>,
    a: &AuthorityRecord,
) -> Result<Outcome, RecordError> {
    let code = check_code("code", &a.code)?;
    let Some(kind) = AuthorityKind::parse(a.kind.trim()) else {
        return invalid(format!(
            "loại cơ quan «{}» không hợp lệ (hdnd, ubnd, chu_tich_ubnd, central)",
            a.kind
        ));
    };
    let unit_id = match (&a.unit, kind) {
        (Some(u), _) => match queries::unit_by_code(db, &nfc(u))? {
            Some(u) => Some(u.id),
            None => return invalid(format!("không tìm thấy đơn vị hành chính «{u}»")),
        },
        (None, AuthorityKind::Central) => None,
        (None, _) => return invalid("cơ quan địa phương cần «unit» (mã đơn vị hành chính)"),
    };
    let row = NewAuthority {
        code: code.clone(),
        name: non_empty("name", &a.name)?,
        kind: kind.code().into(),
        unit_id,
    };
    match queries::authority_by_code(db, &code)? {
        None => {
            queries::insert_authority(db, &row)?;
            imp.audit(db, "create", "authority", &row.code, None, &row)?;
            Ok(Outcome::Created)
        }
        Some(e) if e.name == row.name && e.kind == row.kind && e.unit_id == row.unit_id => {
            Ok(Outcome::Unchanged)
        }
        Some(e) => {
            queries::update_authority(db, e.id, &row)?;
            queries::append_outbox(db, "authority", e.id)?;
            let before = NewAuthority {
                code: e.code.clone(),
                name: e.name.clone(),
                kind: e.kind.clone(),
                unit_id: e.unit_id,
            };
            imp.audit(db, "update", "authority", &row.code, Some(&before), &row)?;
            Ok(Outcome::Updated)
        }
    }
}

/// Parses one line; `None` for blank and comment lines. A record with a control character in
/// a name, title or number (or other than tab and line breaks in a text) is refused here.
pub fn parse_line(raw: RawLine) -> Result<Option<Record>, String> {
    let bytes = match raw {
        RawLine::TooLong(n) => {
            return Err(format!(
                "dòng dài {n} byte, vượt giới hạn {} byte",
                MAX_LINE
            ));
        }
        RawLine::Bytes(b) => b,
    };
    let text = match std::str::from_utf8(&bytes) {
        Ok(t) => t,
        Err(e) => {
            return Err(format!(
                "dòng không phải UTF-8 hợp lệ (byte thứ {})",
                e.valid_up_to() + 1
            ))
        }
    };
    let t = text.trim();
    if t.is_empty() || t.starts_with('#') {
        return Ok(None);
    }
    let record = serde_json::from_str::<Record>(t).map_err(|e| {
        if e.is_eof() {
            format!("dòng bị cắt ngang, JSON chưa kết thúc ({e})")
        } else {
            format!("bản ghi không hợp lệ: {e}")
        }
    })?;
    record.check_typed_text().map_err(|e| e.to_string())?;
    Ok(Some(record))
}

/// A parsed line; documents carry their validated draft, computed off the writer's thread.
pub struct Item {
    pub line: usize,
    pub record: Record,
    pub draft: Option<Result<DocumentDraft, String>>,
}

impl Item {
    /// Does the pure part of the validation (numbers, dates, NFC, structure) up front.
    pub fn prepare(line: usize, record: Record) -> Item {
        let draft = match &record {
            Record::Document(d) => Some(validate_document(0, d).map_err(|e| e.to_string())),
            _ => None,
        };
        Item {
            line,
            record,
            draft,
        }
    }
}

struct Chunk {
    items: Vec<Item>,
    errors: Vec<LineError>,
    bytes_read: u64,
}

/// Reads, parses and prepares lines in batches (runs on its own thread).
fn read_chunks<R: BufRead>(reader: R, name: &str, tx: std::sync::mpsc::SyncSender<Chunk>) {
    let mut lines = LineReader::new(reader, MAX_LINE);
    let mut done = false;
    while !done {
        let mut chunk = Chunk {
            items: Vec::with_capacity(BATCH),
            errors: Vec::new(),
            bytes_read: 0,
        };
        while chunk.items.len() < BATCH {
            match lines.next_line() {
                Ok(Some((n, raw))) => match parse_line(raw) {
                    Ok(Some(r)) => chunk.items.push(Item::prepare(n, r)),
                    Ok(None) => {}
                    Err(message) => chunk.errors.push(LineError {
                        file: name.into(),
                        line: n,
                        message,
                    }),
                },
                Ok(None) => {
                    done = true;
                    break;
                }
                Err(e) => {
                    chunk.errors.push(LineError {
                        file: name.into(),
                        line: lines.line + 1,
                        message: format!("không đọc được tệp: {e}"),
                    });
                    done = true;
                    break;
                }
            }
        }
        chunk.bytes_read = lines.bytes_read;
        if tx.send(chunk).is_err() {
            // The writer stopped (a database error); nothing more to read.
            return;
        }
    }
}

/// Imports a JSON Lines stream; `name` is used in error reports. One thread reads, parses and
/// prepares the next batch while this one writes the current batch.
pub fn import_reader<R: BufRead + Send>(
    pool: &DbPool,
    name: &str,
    reader: R,
    progress: Option<&indicatif::ProgressBar>,
) -> Result<ImportReport, DbError> {
    let mut importer = Importer::new(format!("import:{name}"));
    let mut report = ImportReport::default();
    let mut conn = pool.get()?;
    let (tx, rx) = std::sync::mpsc::sync_channel::<Chunk>(2);
    let result = std::thread::scope(|scope| -> Result<(), DbError> {
        scope.spawn(move || read_chunks(reader, name, tx));
        for chunk in rx {
            report.errors.extend(chunk.errors);
            let mut items = chunk.items;
            report.merge(write_batch(&mut conn, &mut importer, name, &mut items)?);
            if let Some(pb) = progress {
                pb.set_position(chunk.bytes_read);
            }
        }
        Ok(())
    });
    result?;
    report.errors.sort_by_key(|e| e.line);
    Ok(report)
}

/// Writes one batch in one transaction. Validation errors are found before a record writes
/// anything, so the fast path needs no savepoint; if the database itself refuses a record, the
/// batch is rolled back and written again with one savepoint per record, so that only that
/// record is lost.
pub fn write_batch(
    conn: &mut crate::db::Conn,
    importer: &mut Importer,
    name: &str,
    batch: &mut [Item],
) -> Result<ImportReport, DbError> {
    if batch.is_empty() {
        return Ok(ImportReport::default());
    }
    match write_batch_with(conn, importer, name, batch, false) {
        Err(BatchError::Retry) => match write_batch_with(conn, importer, name, batch, true) {
            Ok(r) => Ok(r),
            Err(BatchError::Db(e)) => Err(e),
            Err(BatchError::Retry) => Err(DbError::Migration("import retry failed".into())),
        },
        Err(BatchError::Db(e)) => Err(e),
        Ok(r) => Ok(r),
    }
}

enum BatchError {
    Retry,
    Db(DbError),
}

impl From<diesel::result::Error> for BatchError {
    fn from(e: diesel::result::Error) -> Self {
        BatchError::Db(DbError::Query(e))
    }
}

fn write_batch_with(
    conn: &mut crate::db::Conn,
    importer: &mut Importer,
    name: &str,
    batch: &mut [Item],
    savepoints: bool,
) -> Result<ImportReport, BatchError> {
    importer.journal.clear();
    let result = conn.write(|db| -> Result<ImportReport, BatchError> {
        let mut report = ImportReport::default();
        for item in batch.iter_mut() {
            let mut apply = |db: &mut Db<'_>| match importer.apply(db, item) {
                Ok(o) => Ok(o),
                Err(RecordError::Invalid(m)) => Err(SavepointAbort::Invalid(m)),
                Err(RecordError::Db(e)) => Err(SavepointAbort::Db(e)),
            };
            let r = if savepoints {
                db.savepoint(apply)
            } else {
                apply(db)
            };
            let warnings = importer.take_warnings();
            match r {
                Ok(o) => {
                    report.count(o);
                    if o == Outcome::Created && matches!(item.record, Record::Document(_)) {
                        report.documents_created += 1;
                    }
                    report
                        .warnings
                        .extend(warnings.into_iter().map(|message| LineError {
                            file: name.into(),
                            line: item.line,
                            message,
                        }));
                }
                Err(SavepointAbort::Invalid(message)) => report.errors.push(LineError {
                    file: name.into(),
                    line: item.line,
                    message,
                }),
                Err(SavepointAbort::Db(DbError::Query(_))) if !savepoints => {
                    return Err(BatchError::Retry)
                }
                Err(SavepointAbort::Db(DbError::Query(e))) => report.errors.push(LineError {
                    file: name.into(),
                    line: item.line,
                    message: format!("cơ sở dữ liệu từ chối bản ghi: {e}"),
                }),
                Err(SavepointAbort::Db(e)) => return Err(BatchError::Db(e)),
            }
        }
        Ok(report)
    });
    if result.is_err() {
        // The whole batch rolled back: forget what it cached.
        importer.rollback_journal();
    }
    result
}

enum SavepointAbort {
    Invalid(String),
    Db(DbError),
}

impl From<diesel::result::Error> for SavepointAbort {
    fn from(e: diesel::result::Error) -> Self {
        SavepointAbort::Db(DbError::Query(e))
    }
}

/// Imports a file by path: JSON Lines, or the ALQAC law corpus (`.json` array).
pub fn import_path(pool: &DbPool, path: &Path, progress: bool) -> Result<ImportReport, DbError> {
    let name = path.display().to_string();
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) => {
            return Ok(ImportReport {
                errors: vec![LineError {
                    file: name,
                    line: 0,
                    message: format!("không mở được tệp: {e}"),
                }],
                ..Default::default()
            })
        }
    };
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    let mut reader = std::io::BufReader::with_capacity(1 << 20, file);
    if path.extension().is_some_and(|e| e == "json") {
        let mut buf = String::new();
        if let Err(e) = reader.read_to_string(&mut buf) {
            return Ok(ImportReport {
                errors: vec![LineError {
                    file: name,
                    line: 0,
                    message: format!("không đọc được tệp: {e}"),
                }],
                ..Default::default()
            });
        }
        return super::alqac::import_alqac(pool, path, &buf);
    }
    let pb = progress.then(|| {
        let pb = indicatif::ProgressBar::new(len);
        pb.set_style(
            indicatif::ProgressStyle::with_template(
                "{msg} [{bar:40}] {bytes}/{total_bytes} ({eta})",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        pb.set_message(name.clone());
        pb
    });
    let report = import_reader(pool, &name, reader, pb.as_ref())?;
    if let Some(pb) = pb {
        pb.finish_and_clear();
    }
    Ok(report)
}

/// Imports records already in memory (sample data, ALQAC); `lines` gives each its number.
pub fn import_records(
    pool: &DbPool,
    name: &str,
    records: Vec<(usize, Record)>,
) -> Result<ImportReport, DbError> {
    let mut conn = pool.get()?;
    let mut importer = Importer::new(format!("import:{name}"));
    let mut report = ImportReport::default();
    let mut items: Vec<Item> = records
        .into_iter()
        .map(|(n, r)| Item::prepare(n, r))
        .collect();
    for chunk in items.chunks_mut(BATCH) {
        report.merge(write_batch(&mut conn, &mut importer, name, chunk)?);
    }
    Ok(report)
}
