//! The audit trail: every write appends, in its own transaction, one entry saying who did what
//! to which record, with the record before and after. Entries are numbered without gaps and
//! hash-chained: each entry's hash covers its content and the previous entry's hash, so
//! changing, removing or inserting any entry breaks the chain from there on, and a checkpoint
//! (a number and its hash) recorded by a third party proves later that nothing up to it
//! changed and that the trail still reaches it. The database refuses UPDATE and DELETE on the
//! table (and TRUNCATE on PostgreSQL), and any insert that does not continue the chain at its
//! head, which also refuses `REPLACE` / `INSERT OR REPLACE` / `ON CONFLICT DO UPDATE` over an
//! existing entry. [`audit`] checks the chain, those triggers (against the migrations'
//! definitions) and the checkpoints given.

use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::db::audit as rows;
use crate::db::{Db, DbError};

/// The `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

pub use crate::db::audit::Entry;

/// The hash of an entry: SHA-256 over a JSON array of its fields and the previous hash.
pub fn entry_hash(e: &Entry) -> String {
    let canonical = serde_json::json!([
        e.seq,
        e.at,
        e.actor,
        e.action,
        e.entity,
        e.entity_id,
        e.before,
        e.after,
        e.prev_hash,
    ]);
    hex::encode(Sha256::digest(canonical.to_string().as_bytes()))
}

/// What the trail keeps of a document: its metadata and the SHA-256 of its text (the text
/// itself is in the registry; its hash makes any change to it visible in the trail).
pub fn document_summary(d: &crate::db::models::NewDocument) -> Value {
    serde_json::json!({
        "authority_id": d.authority_id,
        "type": d.doc_type,
        "number": d.number,
        "title": d.title,
        "fields": d.fields,
        "signer": d.signer,
        "signer_position": d.signer_position,
        "issued_on": d.issued_on,
        "effective_on": d.effective_on,
        "end_on": d.end_on,
        "gazette": d.gazette,
        "place": d.place,
        "signing_capacity": d.signing_capacity,
        "signing_for": d.signing_for,
        "preamble_sha256": hex::encode(Sha256::digest(d.preamble.as_bytes())),
        "text_sha256": hex::encode(Sha256::digest(d.full_text.as_bytes())),
    })
}

/// The latest entry's number and hash (0 and [`GENESIS`] for an empty trail).
pub fn head(db: &mut Db<'_>) -> Result<(i64, String), DbError> {
    Ok(rows::head(db)?.unwrap_or_else(|| (0, GENESIS.to_string())))
}

/// Appends one entry in the caller's transaction and returns its number. On PostgreSQL the
/// table is locked until the transaction ends, so concurrent writers chain one after another.
pub fn append(
    db: &mut Db<'_>,
    actor: &str,
    action: &str,
    entity: &str,
    entity_id: &str,
    before: Option<&Value>,
    after: Option<&Value>,
) -> Result<i64, DbError> {
    rows::lock_for_append(db)?;
    let (seq, prev_hash) = head(db)?;
    let mut e = Entry {
        seq: seq + 1,
        at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        actor: actor.to_string(),
        action: action.to_string(),
        entity: entity.to_string(),
        entity_id: entity_id.to_string(),
        before: before.map(Value::to_string),
        after: after.map(Value::to_string),
        prev_hash,
        hash: String::new(),
    };
    e.hash = entry_hash(&e);
    rows::insert(db, &e)?;
    Ok(e.seq)
}

/// One entry to append with [`append_many`]: what [`append`] takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// Appends entries in order in the caller's transaction, as many [`append`] calls would (same
/// chain, same lock), in a few multi-row statements; used by bulk imports.
pub fn append_many(db: &mut Db<'_>, actor: &str, pending: &[Pending]) -> Result<(), DbError> {
    if pending.is_empty() {
        return Ok(());
    }
    rows::lock_for_append(db)?;
    let (mut seq, mut prev_hash) = head(db)?;
    let at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    let mut entries = Vec::with_capacity(pending.len());
    for p in pending {
        seq += 1;
        let mut e = Entry {
            seq,
            at: at.clone(),
            actor: actor.to_string(),
            action: p.action.clone(),
            entity: p.entity.clone(),
            entity_id: p.entity_id.clone(),
            before: p.before.as_ref().map(Value::to_string),
            after: p.after.as_ref().map(Value::to_string),
            prev_hash,
            hash: String::new(),
        };
        e.hash = entry_hash(&e);
        prev_hash = e.hash.clone();
        entries.push(e);
    }
    rows::insert_many(db, &entries)
}

/// Where the chain breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Break {
    pub seq: i64,
    pub reason: String,
}

/// What `verify` found: entries checked, the head, and the first break if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    pub entries: i64,
    pub head_seq: i64,
    pub head_hash: String,
    pub broken: Option<Break>,
}

/// Checks one entry against the one before it; `None` when it holds.
pub fn check_link(expected_seq: i64, prev_hash: &str, e: &Entry) -> Option<String> {
    if e.seq > expected_seq {
        let missing = if e.seq == expected_seq + 1 {
            format!("thiếu mục số {expected_seq}")
        } else {
            format!("thiếu các mục số {expected_seq}–{}", e.seq - 1)
        };
        return Some(format!(
            "{missing}: số thứ tự nhảy từ {} lên {} (mục đã bị xoá)",
            expected_seq - 1,
            e.seq
        ));
    }
    if e.seq != expected_seq {
        return Some(format!(
            "số thứ tự {} không liền sau {} (thiếu hoặc thêm mục)",
            e.seq,
            expected_seq - 1
        ));
    }
    if e.prev_hash != prev_hash {
        return Some("không nối với mục trước (prev_hash khác)".into());
    }
    if entry_hash(e) != e.hash {
        return Some("nội dung không khớp với mã băm đã ghi (mục đã bị sửa)".into());
    }
    None
}

/// Recomputes the whole chain, page by page, and names the first broken entry.
pub fn verify(db: &mut Db<'_>) -> Result<Verification, DbError> {
    const PAGE: i64 = 5_000;
    let mut expected = 1;
    let mut prev = GENESIS.to_string();
    let mut entries = 0;
    loop {
        let after = expected - 1;
        let page = rows::page_after(db, after, PAGE)?;
        if page.is_empty() {
            break;
        }
        for e in page {
            if let Some(reason) = check_link(expected, &prev, &e) {
                return Ok(Verification {
                    entries,
                    head_seq: expected - 1,
                    head_hash: prev,
                    broken: Some(Break { seq: e.seq, reason }),
                });
            }
            entries += 1;
            expected = e.seq + 1;
            prev = e.hash;
        }
    }
    Ok(Verification {
        entries,
        head_seq: expected - 1,
        head_hash: prev,
        broken: None,
    })
}

/// A recorded checkpoint: entry `seq` had hash `hash` (written `N:HASH`, as `vanban audit
/// checkpoint` prints it and `/api/v1/audit/checkpoint` gives it in `checkpoint`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    pub seq: i64,
    pub hash: String,
}

impl std::fmt::Display for Checkpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.seq, self.hash)
    }
}

impl std::str::FromStr for Checkpoint {
    type Err = String;

    fn from_str(s: &str) -> Result<Checkpoint, String> {
        let usage = || {
            format!("điểm kiểm tra «{s}» không hợp lệ: viết SỐ:MÃ_BĂM (số thứ tự, dấu hai chấm, 64 chữ số hex), như `vanban audit checkpoint` in ra")
        };
        let (n, h) = s.trim().split_once(':').ok_or_else(usage)?;
        let seq: i64 = n.trim().parse().map_err(|_| usage())?;
        let hash = h.trim().to_ascii_lowercase();
        if seq < 0 || hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(usage());
        }
        if seq == 0 && hash != GENESIS {
            return Err(usage());
        }
        Ok(Checkpoint { seq, hash })
    }
}

/// One thing wrong with the trail or its protection; its `Display` is the line `audit verify`
/// prints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The chain does not hold at this entry.
    Broken(Break),
    /// A trigger the migrations create is not there.
    TriggerMissing { name: String },
    /// A trigger has another definition than the migrations give it.
    TriggerChanged { name: String, found: String },
    /// A trigger is there but switched off (PostgreSQL `DISABLE TRIGGER`, or replica-only).
    TriggerDisabled { name: String, state: String },
    /// A trigger on the table that no migration creates.
    TriggerUnknown { name: String, definition: String },
    /// A trigger function (PostgreSQL) is missing or has another body.
    FunctionChanged { name: String, found: Option<String> },
    /// Entry `seq` no longer has the recorded hash: something up to it changed.
    CheckpointMismatch {
        checkpoint: Checkpoint,
        found: String,
    },
    /// Entry `seq` is gone though later ones remain.
    CheckpointMissing { checkpoint: Checkpoint },
    /// The trail no longer reaches the checkpoint: entries were cut from its end.
    CheckpointCut {
        checkpoint: Checkpoint,
        head_seq: i64,
    },
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::Broken(b) => write!(
                f,
                "nhật ký kiểm toán bị phá vỡ tại mục số {}: {}",
                b.seq, b.reason
            ),
            Problem::TriggerMissing { name } => write!(
                f,
                "thiếu trigger bảo vệ «{name}» trên audit_log (đã bị xoá: nhật ký có thể đã bị sửa rồi băm lại)"
            ),
            Problem::TriggerChanged { name, found } => write!(
                f,
                "trigger bảo vệ «{name}» khác với định nghĩa của migration: {found}"
            ),
            Problem::TriggerDisabled { name, state } => write!(
                f,
                "trigger bảo vệ «{name}» đã bị tắt (tgenabled = {state})"
            ),
            Problem::TriggerUnknown { name, definition } => write!(
                f,
                "trigger lạ «{name}» trên audit_log, không do migration nào tạo: {definition}"
            ),
            Problem::FunctionChanged { name, found: None } => write!(
                f,
                "thiếu hàm trigger «{name}()» (đã bị xoá)"
            ),
            Problem::FunctionChanged {
                name,
                found: Some(body),
            } => write!(
                f,
                "hàm trigger «{name}()» khác với định nghĩa của migration: {body}"
            ),
            Problem::CheckpointMismatch { checkpoint, found } => write!(
                f,
                "điểm kiểm tra {checkpoint}: mục số {} nay có mã băm {found}, khác mã đã ghi (nhật ký đến mục số {} đã bị thay đổi)",
                checkpoint.seq, checkpoint.seq
            ),
            Problem::CheckpointMissing { checkpoint } => write!(
                f,
                "điểm kiểm tra {checkpoint}: không còn mục số {} (đã bị xoá)",
                checkpoint.seq
            ),
            Problem::CheckpointCut {
                checkpoint,
                head_seq,
            } => write!(
                f,
                "điểm kiểm tra {checkpoint}: nhật ký chỉ còn đến mục số {head_seq}, chưa tới mục số {} (các mục sau số {head_seq} đã bị cắt bỏ)",
                checkpoint.seq
            ),
        }
    }
}

/// What [`audit`] found: the chain, how many protections were checked, and every problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Audit {
    pub chain: Verification,
    /// Triggers (and, on PostgreSQL, trigger functions) found as the migrations define them.
    pub guards_ok: usize,
    /// Checkpoints that hold.
    pub checkpoints_ok: Vec<Checkpoint>,
    pub problems: Vec<Problem>,
}

impl Audit {
    pub fn intact(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Verifies the chain, the triggers that protect it, and each checkpoint.
pub fn audit(db: &mut Db<'_>, checkpoints: &[Checkpoint]) -> Result<Audit, DbError> {
    let chain = verify(db)?;
    let mut problems = Vec::new();
    if let Some(b) = &chain.broken {
        problems.push(Problem::Broken(b.clone()));
    }
    let (guards_ok, guard_problems) = check_guards(db)?;
    problems.extend(guard_problems);
    let mut checkpoints_ok = Vec::new();
    for cp in checkpoints {
        match checkpoint_problem(db, cp)? {
            Some(p) => problems.push(p),
            None => checkpoints_ok.push(cp.clone()),
        }
    }
    Ok(Audit {
        chain,
        guards_ok,
        checkpoints_ok,
        problems,
    })
}

/// The triggers (and PostgreSQL trigger functions) that guard the table, compared with the
/// migrations' definitions: how many hold, and what is missing, changed, disabled or foreign.
pub fn check_guards(db: &mut Db<'_>) -> Result<(usize, Vec<Problem>), DbError> {
    let found = rows::triggers(db)?;
    Ok(match db {
        Db::Sqlite(_) => guards::sqlite(found),
        Db::Pg(_) => guards::postgres(found, rows::trigger_functions(db)?),
    })
}

/// Whether entry `cp.seq` still has the hash `cp.hash`; since every hash covers the one
/// before it, that proves no entry up to it changed (the chain check proves the links).
fn checkpoint_problem(db: &mut Db<'_>, cp: &Checkpoint) -> Result<Option<Problem>, DbError> {
    if cp.seq == 0 {
        return Ok(None);
    }
    let found = rows::hash_at(db, cp.seq)?;
    Ok(match found {
        Some(h) if h == cp.hash => None,
        Some(h) => Some(Problem::CheckpointMismatch {
            checkpoint: cp.clone(),
            found: h,
        }),
        None => {
            let (head_seq, _) = head(db)?;
            if head_seq >= cp.seq {
                // Entry N is gone but later ones remain: a gap, also named by the chain check.
                Some(Problem::CheckpointMissing {
                    checkpoint: cp.clone(),
                })
            } else {
                Some(Problem::CheckpointCut {
                    checkpoint: cp.clone(),
                    head_seq,
                })
            }
        }
    })
}

mod guards;

/// The entries about one record, oldest first.
pub fn history(db: &mut Db<'_>, entity: &str, entity_id: &str) -> Result<Vec<Entry>, DbError> {
    rows::for_record(db, entity, entity_id)
}

/// One entry as a record's page shows it: when, who, what, and which fields changed.
#[derive(Debug, Clone, Serialize)]
pub struct HistoryItem {
    pub seq: i64,
    /// Vietnam time, `dd/mm/yyyy hh:mm`.
    pub at: String,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub changes: Vec<Change>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Change {
    pub field: String,
    pub before: String,
    pub after: String,
}

fn show(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => "—".into(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

/// The fields that differ between two JSON objects (all of `after` for a creation).
pub fn changes(before: Option<&str>, after: Option<&str>) -> Vec<Change> {
    let parse = |s: Option<&str>| -> serde_json::Map<String, Value> {
        s.and_then(|s| serde_json::from_str::<Value>(s).ok())
            .and_then(|v| match v {
                Value::Object(m) => Some(m),
                _ => None,
            })
            .unwrap_or_default()
    };
    let (b, a) = (parse(before), parse(after));
    let mut keys: Vec<&String> = b.keys().chain(a.keys()).collect();
    keys.sort();
    keys.dedup();
    // A document's whole text, kept in updates for its earlier versions, is shown by its
    // hash here (`text_sha256`); the versions page shows the text itself.
    keys.into_iter()
        .filter(|k| k.as_str() != "text")
        .filter(|k| b.get(*k) != a.get(*k))
        .map(|k| Change {
            field: k.clone(),
            before: show(b.get(k)),
            after: show(a.get(k)),
        })
        .collect()
}

/// A document's history: its own entries and those of the effects it makes or receives.
pub fn document_history(db: &mut Db<'_>, id: i64) -> Result<Vec<HistoryItem>, DbError> {
    let mut entries = history(db, "document", &id.to_string())?;
    let effects: Vec<i64> = crate::db::queries::effects_on(db, id)?
        .into_iter()
        .chain(crate::db::queries::effects_by(db, id)?)
        .map(|e| e.id)
        .collect();
    for e in effects {
        entries.extend(history(db, "effect", &e.to_string())?);
    }
    entries.sort_by_key(|e| e.seq);
    entries.dedup_by_key(|e| e.seq);
    Ok(entries
        .into_iter()
        .map(|e| {
            let at = crate::domain::text::timestamp_vn(&e.at);
            HistoryItem {
                seq: e.seq,
                at,
                actor: e.actor.clone(),
                action: match e.action.as_str() {
                    "create" => "tạo mới".into(),
                    "update" => "sửa đổi".into(),
                    other => other.to_string(),
                },
                entity: match e.entity.as_str() {
                    "document" => "văn bản".into(),
                    "effect" => "tác động".into(),
                    other => other.to_string(),
                },
                changes: changes(e.before.as_deref(), e.after.as_deref()),
            }
        })
        .collect())
}

#[cfg(test)]
mod tests;
