//! The review form turned into interchange records (a `document` line, then one `effect` line
//! per effect kept), previewed or saved through `exchange::write` — the import's own checks —
//! and the importer's line errors put back beside the form's fields.

use chrono::NaiveDate;
use serde::Serialize;

use super::form::{Draft, EffectDraft, FieldErrors};
use super::resolve::{self, AuthorityChoice, Candidate};
use crate::db::{queries, Db, DbError, DbPool};
use crate::domain::kinds::{document_type, EffectKind};
use crate::domain::number::DocumentNumber;
use crate::domain::signing::SigningFor;
use crate::error::AppError;
use crate::exchange::preview::{preview_records, Preview};
use crate::exchange::records::{DocumentRecord, DocumentRef, EffectRecord, Record};
use crate::exchange::write::{write_records_then, WriteError, Writer};
use crate::jsonl::LineError;
use crate::registry::wording::WordingMap;

/// The name the importer's errors and the audit trail give the form's records.
const SOURCE: &str = "bieu-mau";

/// One effect as the review page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct EffectView {
    pub draft: EffectDraft,
    pub kind_label: &'static str,
    pub candidates: Vec<Candidate>,
    /// No document of the registry has the target's number.
    pub not_found: bool,
}

/// One annex found after the signature, as the review page lists it: the text saved keeps it,
/// and it becomes the document's annex node (`phu-luc-I`).
#[derive(Debug, Clone, Serialize)]
pub struct AnnexView {
    /// `Phụ lục I` (`Phụ lục` unnumbered).
    pub label: String,
    pub title: String,
    /// The line of the text its heading stands on.
    pub line: usize,
}

/// The annexes of `text`, read as the extraction reads them.
pub fn annexes(text: &str) -> Vec<AnnexView> {
    crate::domain::extract::extract(text)
        .annexes
        .into_iter()
        .map(|a| AnnexView {
            label: crate::domain::structure::node_label(
                crate::domain::structure::NodeKind::PhuLuc,
                &a.label,
            ),
            title: a.title.unwrap_or_default(),
            line: a.line,
        })
        .collect()
}

/// Everything the review page shows.
#[derive(Debug, Clone, Serialize)]
pub struct Review {
    pub draft: Draft,
    pub authorities: Vec<AuthorityChoice>,
    pub effects: Vec<EffectView>,
    /// The annexes the text holds (listed; saved as part of the text).
    pub annexes: Vec<AnnexView>,
    pub errors: FieldErrors,
    pub preview: Option<Preview>,
}

/// The text of line `n` (1-based) of `text`: where an effect was read, to find the issuer its
/// phrase names.
fn line_of(text: &str, n: usize) -> &str {
    n.checked_sub(1)
        .and_then(|i| text.lines().nth(i))
        .unwrap_or("")
}

/// The review page for `draft`: the authority matched when it is not chosen yet, and each
/// effect's target candidates (the one candidate chosen when none is).
pub fn review(db: &mut Db<'_>, w: &Writer, mut draft: Draft) -> Result<Review, AppError> {
    let authorities = resolve::authority_choices(db, w, &draft.issuer)?;
    if draft.authority.is_empty() {
        if let Some(a) = resolve::only_match(&authorities) {
            draft.authority = a.code.clone();
        }
    }
    let mut effects = Vec::new();
    for e in &mut draft.effects {
        let hint = line_of(&draft.text, e.line);
        let candidates = resolve::targets(db, &e.target_number, hint, &draft.authority)?;
        if e.target.is_empty() {
            if let [one] = candidates.as_slice() {
                e.target = one.id.to_string();
            }
        }
        effects.push(EffectView {
            kind_label: EffectKind::parse(&e.kind).map_or("", EffectKind::label),
            not_found: candidates.is_empty(),
            candidates,
            draft: e.clone(),
        });
    }
    Ok(Review {
        annexes: annexes(&draft.text),
        draft,
        authorities,
        effects,
        errors: FieldErrors::new(),
        preview: None,
    })
}

/// A date as the form sends it (`2026-12-04`), or as typed (`04/12/2026`).
fn date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(s.trim(), "%d/%m/%Y"))
        .ok()
}

const BAD_DATE: &str = "Ngày không hợp lệ: chọn ngày, hoặc nhập theo dạng ngày/tháng/năm.";

/// Records to write and, for each line, the form field its errors go beside (`` for the
/// document, `e{N}` for an effect).
pub struct Records {
    pub body: Vec<u8>,
    pub owners: Vec<String>,
    pub document: Option<DocumentRef>,
}

/// The document line of the form, checked field by field.
fn document_record(
    db: &mut Db<'_>,
    d: &Draft,
    choices: &[AuthorityChoice],
    errors: &mut FieldErrors,
) -> Result<Option<DocumentRecord>, AppError> {
    let mut fail = |field: &str, m: String| {
        errors.entry(field.to_string()).or_insert(m);
    };
    if !choices.iter().any(|c| c.code == d.authority) {
        fail(
            "authority",
            "Chọn cơ quan ban hành (trong phạm vi được phân công).".into(),
        );
    }
    let doc_type = document_type(&d.doc_type);
    if doc_type.is_none() {
        fail("doc_type", "Chọn loại văn bản.".into());
    }
    let number = DocumentNumber::parse(&d.number);
    match &number {
        Err(e) => fail("number", format!("Số ký hiệu không hợp lệ: {e}.")),
        Ok(n) => {
            if let Some(a) = queries::authority_by_code(db, &d.authority)? {
                if let Some(id) = queries::document_id_by_key(db, a.id, &n.key())? {
                    let other = resolve::candidate(db, id)?;
                    fail(
                        "number",
                        format!(
                            "Số ký hiệu {} đã dùng cho văn bản khác của cơ quan này{}: mỗi số ký hiệu chỉ dùng cho một văn bản.",
                            n,
                            other.map(|c| format!(" («{}», ban hành ngày {})", c.title, c.issued_on)).unwrap_or_default()
                        ),
                    );
                }
            }
        }
    }
    let issued_on = date(&d.issued_on);
    if issued_on.is_none() {
        fail("issued_on", BAD_DATE.into());
    }
    let effective_on = date(&d.effective_on);
    if effective_on.is_none() {
        fail("effective_on", BAD_DATE.into());
    }
    if d.title.trim().is_empty() {
        fail("title", "Nhập trích yếu (tên) của văn bản.".into());
    }
    // The capacity lines as read or typed (`TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH`).
    let signing = SigningFor::parse(&d.signing_capacity);
    if let Err(e) = &signing {
        fail(
            "signing_capacity",
            format!("Thẩm quyền ký: {e}; viết các dòng cách nhau bằng « / ».",),
        );
    }
    let (Some(doc_type), Ok(number), Some(issued_on), Some(effective_on), Ok(signing)) =
        (doc_type, number, issued_on, effective_on, signing)
    else {
        return Ok(None);
    };
    Ok(Some(DocumentRecord {
        authority: d.authority.clone(),
        doc_type: doc_type.to_string(),
        number: number.to_string(),
        title: d.title.trim().to_string(),
        fields: Vec::new(),
        signer: d.signer.trim().to_string(),
        signer_position: d.signer_position.trim().to_string(),
        issued_on,
        effective_on,
        end_on: None,
        gazette: None,
        place: Some(d.place.trim().to_string()).filter(|p| !p.is_empty()),
        signing_capacity: signing
            .as_ref()
            .and_then(SigningFor::capacity)
            .map(|c| c.code().to_string()),
        signing_for: signing.map(|s| s.as_stored()),
        normative: None,
        provisions_effective: Vec::new(),
        text: d.text.clone(),
        withdrawn: None,
    }))
}

/// The effect line of one effect kept, checked field by field (`p` is the field prefix).
pub fn effect_record(
    db: &mut Db<'_>,
    acting: &DocumentRef,
    e: &EffectDraft,
    p: &str,
    errors: &mut FieldErrors,
) -> Result<Option<EffectRecord>, AppError> {
    let mut fail = |field: &str, m: &str| {
        errors
            .entry(format!("{p}.{field}"))
            .or_insert_with(|| m.to_string());
    };
    let kind = EffectKind::parse(&e.kind);
    if kind.is_none() {
        fail("kind", "Chọn loại tác động.");
    }
    let target = match e.target.parse::<i64>() {
        Ok(id) => resolve::candidate(db, id)?,
        Err(_) => None,
    };
    if target.is_none() {
        fail(
            "target",
            if e.target_number.is_empty() {
                "Nhập số ký hiệu của văn bản bị tác động rồi chọn văn bản."
            } else {
                "Chọn văn bản bị tác động (hoặc sửa số ký hiệu, hoặc bỏ tác động này)."
            },
        );
    }
    let effective_on = date(&e.effective_on);
    if effective_on.is_none() {
        fail("effective_on", BAD_DATE);
    }
    let until = if e.until.is_empty() {
        None
    } else {
        let u = date(&e.until);
        if u.is_none() {
            fail("until", BAD_DATE);
        }
        u
    };
    let provisions = e.provision_list();
    let wording = if e.wording.trim().is_empty() || kind != Some(EffectKind::Amend) {
        None
    } else if let [one] = provisions.as_slice() {
        Some(WordingMap(vec![(one.clone(), e.wording.clone())]))
    } else {
        fail(
            "wording",
            "Nội dung mới chỉ ghi được khi tác động nêu đúng một điều, khoản, điểm.",
        );
        None
    };
    let (Some(kind), Some(target), Some(effective_on)) = (kind, target, effective_on) else {
        return Ok(None);
    };
    Ok(Some(EffectRecord {
        acting: acting.clone(),
        target: DocumentRef {
            authority: target.authority,
            number: target.number,
        },
        kind: kind.code().to_string(),
        provisions,
        effective_on: Some(effective_on),
        until,
        note: Some(e.note.clone()).filter(|n| !n.is_empty()),
        wording,
    }))
}

/// The form's records, or the errors of its fields.
pub fn records(db: &mut Db<'_>, review: &Review) -> Result<Result<Records, FieldErrors>, AppError> {
    let d = &review.draft;
    let mut errors = FieldErrors::new();
    let doc = document_record(db, d, &review.authorities, &mut errors)?;
    let acting = DocumentRef {
        authority: d.authority.clone(),
        number: doc.as_ref().map_or(d.number.clone(), |r| r.number.clone()),
    };
    let mut lines = Vec::new();
    let mut owners = Vec::new();
    if let Some(doc) = doc {
        lines.push(Record::Document(doc));
        owners.push(String::new());
    }
    for (i, e) in d.effects.iter().enumerate().filter(|(_, e)| e.include) {
        let p = format!("e{i}");
        if let Some(r) = effect_record(db, &acting, e, &p, &mut errors)? {
            lines.push(Record::Effect(r));
            owners.push(p);
        }
    }
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    Ok(Ok(to_records(&lines, owners, Some(acting))?))
}

/// Serialises records as JSON Lines.
pub fn to_records(
    lines: &[Record],
    owners: Vec<String>,
    document: Option<DocumentRef>,
) -> Result<Records, AppError> {
    let mut body = Vec::new();
    for r in lines {
        serde_json::to_writer(&mut body, r).map_err(|e| AppError::Internal(e.to_string()))?;
        body.push(b'\n');
    }
    Ok(Records {
        body,
        owners,
        document,
    })
}

/// The form field an importer's message on a document line belongs to: the JSON key it names
/// (`«title»`), else what it speaks of.
fn document_field(message: &str) -> &'static str {
    const KEYS: &[(&str, &str)] = &[
        ("«title»", "title"),
        ("«number»", "number"),
        ("«signer»", "signer"),
        ("«signer_position»", "signer_position"),
        ("thẩm quyền ký", "signing_capacity"),
        ("«text»", "text"),
        ("«type»", "doc_type"),
        ("«authority»", "authority"),
    ];
    if let Some((_, f)) = KEYS.iter().find(|(k, _)| message.contains(k)) {
        return f;
    }
    let m = message.to_lowercase();
    if m.contains("số ký hiệu") {
        "number"
    } else if m.contains("ngày có hiệu lực") {
        "effective_on"
    } else if m.contains("loại văn bản") {
        "doc_type"
    } else if m.contains("cơ quan") {
        "authority"
    } else if m.contains("nội dung") {
        "text"
    } else {
        "form"
    }
}

/// The field of an effect an importer's message belongs to.
fn effect_field(message: &str) -> &'static str {
    let m = message.to_lowercase();
    if m.contains("until") || m.contains("ngày kết thúc") {
        "until"
    } else if m.contains("wording") || m.contains("nội dung mới") {
        "wording"
    } else if m.contains(" không có ") || m.contains("điều") || m.contains("khoản") {
        "provisions"
    } else if m.contains("ngày") {
        "effective_on"
    } else {
        "target"
    }
}

/// A write's refusal as errors beside the form's fields, with the status of the answer (403
/// for what lies outside the writer's scope, 422 for records the importer refuses).
pub fn place_errors(e: WriteError, owners: &[String]) -> Result<(u16, FieldErrors), AppError> {
    let (status, lines, forbidden): (u16, Vec<LineError>, bool) = match e {
        WriteError::Forbidden(l) => (403, l, true),
        WriteError::Invalid(l) => (422, l, false),
        WriteError::Conflict(l) => (
            409,
            l.into_iter()
                .map(crate::exchange::write::ConflictLine::into_line_error)
                .collect(),
            false,
        ),
        WriteError::Db(e) => return Err(AppError::Db(e)),
    };
    let mut errors = FieldErrors::new();
    for l in lines {
        let owner = l
            .line
            .checked_sub(1)
            .and_then(|i| owners.get(i))
            .map(String::as_str);
        let field = match owner {
            Some("") if forbidden => "authority".to_string(),
            Some("") => document_field(&l.message).to_string(),
            Some(p) if forbidden => format!("{p}.target"),
            Some(p) => format!("{p}.{}", effect_field(&l.message)),
            None => "form".to_string(),
        };
        let message = if forbidden {
            format!("Ngoài phạm vi được phân công: {}.", l.message)
        } else {
            format!("{}.", l.message.trim_end_matches('.'))
        };
        errors.entry(field).or_insert(message);
    }
    Ok((status, errors))
}

/// What a save of `records` would change, or why it would be refused.
pub fn preview(
    pool: &DbPool,
    w: &Writer,
    r: &Records,
    today: NaiveDate,
) -> Result<Result<Preview, (u16, FieldErrors)>, AppError> {
    match preview_records(pool, w, SOURCE, &r.body, today) {
        Ok(p) => Ok(Ok(p)),
        Err(e) => Ok(Err(place_errors(e, &r.owners)?)),
    }
}

/// Why a save failed.
#[derive(Debug)]
pub enum SaveError {
    Write(WriteError),
    Other(AppError),
}

impl From<WriteError> for SaveError {
    fn from(e: WriteError) -> Self {
        SaveError::Write(e)
    }
}

impl From<diesel::result::Error> for SaveError {
    fn from(e: diesel::result::Error) -> Self {
        SaveError::Write(WriteError::from(e))
    }
}

impl From<DbError> for SaveError {
    fn from(e: DbError) -> Self {
        SaveError::Write(WriteError::Db(e))
    }
}

impl From<AppError> for SaveError {
    fn from(e: AppError) -> Self {
        SaveError::Other(e)
    }
}

/// Saves `records` (one transaction), then runs `after` on the acting document's id in the same
/// transaction; answers that id, or the errors beside the fields.
pub fn save(
    pool: &DbPool,
    w: &Writer,
    r: &Records,
    after: impl FnOnce(&mut Db<'_>, i64) -> Result<(), SaveError>,
) -> Result<Result<i64, (u16, FieldErrors)>, AppError> {
    let document = r.document.clone();
    let outcome = write_records_then(
        pool,
        w,
        SOURCE,
        &r.body,
        |db, _| -> Result<i64, SaveError> {
            let id = match &document {
                Some(d) => crate::exchange::preview::document_id(db, d)?,
                None => None,
            };
            let id = id.ok_or_else(|| {
                SaveError::Other(AppError::Internal("văn bản vừa ghi không tìm thấy".into()))
            })?;
            after(db, id)?;
            Ok(id)
        },
    );
    match outcome {
        Ok((_, id)) => Ok(Ok(id)),
        Err(SaveError::Write(e)) => Ok(Err(place_errors(e, &r.owners)?)),
        Err(SaveError::Other(e)) => Err(e),
    }
}
