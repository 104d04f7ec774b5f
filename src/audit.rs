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

use diesel::prelude::*;
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::db::schema::audit_log;
use crate::db::{Db, DbError};

/// The `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = audit_log)]
pub struct Entry {
    pub seq: i64,
    /// UTC, RFC 3339 with microseconds.
    pub at: String,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

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
        "preamble_sha256": hex::encode(Sha256::digest(d.preamble.as_bytes())),
        "text_sha256": hex::encode(Sha256::digest(d.full_text.as_bytes())),
    })
}

/// The latest entry's number and hash (0 and [`GENESIS`] for an empty trail).
pub fn head(db: &mut Db<'_>) -> Result<(i64, String), DbError> {
    let last: Option<(i64, String)> = crate::with_db!(db, c => audit_log::table
        .select((audit_log::seq, audit_log::hash))
        .order(audit_log::seq.desc())
        .first(c)
        .optional())?;
    Ok(last.unwrap_or_else(|| (0, GENESIS.to_string())))
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
    if let Db::Pg(c) = db {
        diesel::sql_query("LOCK TABLE audit_log IN EXCLUSIVE MODE").execute(&mut **c)?;
    }
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
    crate::with_db!(db, c => diesel::insert_into(audit_log::table).values(&e).execute(c))?;
    Ok(e.seq)
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
        let page: Vec<Entry> = crate::with_db!(db, c => audit_log::table
            .filter(audit_log::seq.gt(after))
            .order(audit_log::seq.asc())
            .limit(PAGE)
            .select(Entry::as_select())
            .load(c))?;
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
    match db {
        Db::Sqlite(c) => guards::sqlite(c),
        Db::Pg(c) => guards::postgres(c),
    }
}

/// Whether entry `cp.seq` still has the hash `cp.hash`; since every hash covers the one
/// before it, that proves no entry up to it changed (the chain check proves the links).
fn checkpoint_problem(db: &mut Db<'_>, cp: &Checkpoint) -> Result<Option<Problem>, DbError> {
    if cp.seq == 0 {
        return Ok(None);
    }
    let found: Option<String> = crate::with_db!(db, c => audit_log::table
        .filter(audit_log::seq.eq(cp.seq))
        .select(audit_log::hash)
        .first(c)
        .optional())?;
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

/// The triggers that protect the trail, compared with the migrations that create them.
mod guards {
    use diesel::pg::PgConnection;
    use diesel::prelude::*;
    use diesel::sql_types::Text;
    use diesel::sqlite::SqliteConnection;

    use super::Problem;
    use crate::db::DbError;

    const SQLITE_ACCOUNTS: &str =
        include_str!("../migrations/sqlite/2026-11-27-000003_accounts/up.sql");
    const SQLITE_GUARD: &str =
        include_str!("../migrations/sqlite/2026-12-01-000007_audit_guard/up.sql");
    const PG_ACCOUNTS: &str =
        include_str!("../migrations/postgres/2026-11-27-000003_accounts/up.sql");
    const PG_GUARD: &str =
        include_str!("../migrations/postgres/2026-12-01-000007_audit_guard/up.sql");

    /// The triggers on `audit_log` as PostgreSQL prints them back (`pg_get_triggerdef`, the
    /// table's schema left out): its own normal form of the migrations' statements.
    const PG_TRIGGERS: [(&str, &str); 3] = [
        (
            "audit_log_no_update",
            "CREATE TRIGGER audit_log_no_update BEFORE DELETE OR UPDATE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
        ),
        (
            "audit_log_no_truncate",
            "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()",
        ),
        (
            "audit_log_append_at_head",
            "CREATE TRIGGER audit_log_append_at_head BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_continue_chain()",
        ),
    ];

    /// Runs of whitespace as one space, trimmed: the same statement however it was indented.
    pub(super) fn squash(s: &str) -> String {
        s.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    /// The `CREATE TRIGGER … END` statements of a SQLite migration, by trigger name.
    pub(super) fn sqlite_triggers(sql: &str) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let mut rest = sql;
        while let Some(i) = rest.find("CREATE TRIGGER ") {
            let from = &rest[i..];
            let Some(end) = from.find("END;") else {
                break;
            };
            let stmt = &from[..end + "END".len()];
            if let Some(name) = stmt.split_whitespace().nth(2) {
                out.push((name.to_string(), squash(stmt)));
            }
            rest = &from[end..];
        }
        out
    }

    /// The body (between `$$`) of each `CREATE FUNCTION name()` of a PostgreSQL migration.
    pub(super) fn pg_functions(sql: &str) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let mut rest = sql;
        while let Some(i) = rest.find("CREATE FUNCTION ") {
            let from = &rest[i + "CREATE FUNCTION ".len()..];
            let name = from
                .split('(')
                .next()
                .unwrap_or_default()
                .trim()
                .to_string();
            let Some(open) = from.find("$$") else { break };
            let body = &from[open + 2..];
            let Some(close) = body.find("$$") else { break };
            out.push((name, body[..close].to_string()));
            rest = &body[close + 2..];
        }
        out
    }

    #[derive(QueryableByName)]
    struct Trigger {
        #[diesel(sql_type = Text)]
        name: String,
        #[diesel(sql_type = Text)]
        definition: String,
        #[diesel(sql_type = Text)]
        enabled: String,
    }

    #[derive(QueryableByName)]
    struct Function {
        #[diesel(sql_type = Text)]
        name: String,
        #[diesel(sql_type = Text)]
        source: String,
        #[diesel(sql_type = Text)]
        language: String,
    }

    /// Compares what the database has with what is expected, trigger by trigger.
    fn compare(expected: &[(String, String)], found: Vec<Trigger>) -> (usize, Vec<Problem>) {
        let mut ok = 0;
        let mut problems = Vec::new();
        for (name, def) in expected {
            match found.iter().find(|t| &t.name == name) {
                None => problems.push(Problem::TriggerMissing { name: name.clone() }),
                Some(t) if squash(&t.definition) != *def => {
                    problems.push(Problem::TriggerChanged {
                        name: name.clone(),
                        found: squash(&t.definition),
                    })
                }
                Some(t) if t.enabled != "O" && t.enabled != "A" => {
                    problems.push(Problem::TriggerDisabled {
                        name: name.clone(),
                        state: t.enabled.clone(),
                    })
                }
                Some(_) => ok += 1,
            }
        }
        for t in &found {
            if !expected.iter().any(|(n, _)| *n == t.name) {
                problems.push(Problem::TriggerUnknown {
                    name: t.name.clone(),
                    definition: squash(&t.definition),
                });
            }
        }
        (ok, problems)
    }

    pub(super) fn sqlite(c: &mut SqliteConnection) -> Result<(usize, Vec<Problem>), DbError> {
        let expected: Vec<(String, String)> = sqlite_triggers(SQLITE_ACCOUNTS)
            .into_iter()
            .chain(sqlite_triggers(SQLITE_GUARD))
            .filter(|(_, def)| def.contains(" ON audit_log "))
            .collect();
        let found: Vec<Trigger> = diesel::sql_query(
            "SELECT name, COALESCE(sql, '') AS definition, 'O' AS enabled FROM sqlite_master \
             WHERE type = 'trigger' AND lower(tbl_name) = 'audit_log' ORDER BY name",
        )
        .load(c)?;
        Ok(compare(&expected, found))
    }

    pub(super) fn postgres(c: &mut PgConnection) -> Result<(usize, Vec<Problem>), DbError> {
        let mut found: Vec<Trigger> = diesel::sql_query(
            "SELECT t.tgname::text AS name, \
                    replace(pg_get_triggerdef(t.oid), ' ON ' || quote_ident(n.nspname) || '.audit_log ', ' ON audit_log ') AS definition, \
                    t.tgenabled::text AS enabled \
             FROM pg_trigger t \
             JOIN pg_class r ON r.oid = t.tgrelid \
             JOIN pg_namespace n ON n.oid = r.relnamespace \
             WHERE t.tgrelid = to_regclass('audit_log') AND NOT t.tgisinternal \
             ORDER BY t.tgname",
        )
        .load(c)?;
        for t in &mut found {
            t.definition = squash(&t.definition);
        }
        let expected: Vec<(String, String)> = PG_TRIGGERS
            .iter()
            .map(|(n, d)| (n.to_string(), squash(d)))
            .collect();
        let (mut ok, mut problems) = compare(&expected, found);
        let functions: Vec<Function> = diesel::sql_query(
            "SELECT p.proname::text AS name, p.prosrc AS source, l.lanname::text AS language \
             FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang \
             WHERE p.pronamespace = (SELECT relnamespace FROM pg_class WHERE oid = to_regclass('audit_log')) \
               AND p.proname IN ('audit_log_append_only', 'audit_log_continue_chain')",
        )
        .load(c)?;
        for (name, body) in pg_functions(PG_ACCOUNTS)
            .into_iter()
            .chain(pg_functions(PG_GUARD))
            .filter(|(n, _)| n.starts_with("audit_log_"))
        {
            match functions.iter().find(|f| f.name == name) {
                Some(f) if squash(&f.source) == squash(&body) && f.language == "plpgsql" => ok += 1,
                Some(f) => problems.push(Problem::FunctionChanged {
                    name,
                    found: Some(squash(&f.source)),
                }),
                None => problems.push(Problem::FunctionChanged { name, found: None }),
            }
        }
        Ok((ok, problems))
    }
}

/// The entries about one record, oldest first.
pub fn history(db: &mut Db<'_>, entity: &str, entity_id: &str) -> Result<Vec<Entry>, DbError> {
    Ok(crate::with_db!(db, c => audit_log::table
        .filter(audit_log::entity.eq(entity))
        .filter(audit_log::entity_id.eq(entity_id))
        .order(audit_log::seq.asc())
        .select(Entry::as_select())
        .load(c))?)
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
    keys.into_iter()
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
    let vn = chrono::FixedOffset::east_opt(7 * 3600);
    Ok(entries
        .into_iter()
        .map(|e| {
            let at = chrono::DateTime::parse_from_rfc3339(&e.at)
                .ok()
                .zip(vn)
                .map(|(t, tz)| t.with_timezone(&tz).format("%d/%m/%Y %H:%M").to_string())
                .unwrap_or_else(|| e.at.clone());
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
mod tests {
    use super::*;

    fn entry(seq: i64, prev: &str) -> Entry {
        let mut e = Entry {
            seq,
            at: "2026-11-27T01:02:03.000004Z".into(),
            actor: "user:lan".into(),
            action: "update".into(),
            entity: "document".into(),
            entity_id: "7".into(),
            before: Some(r#"{"title":"A"}"#.into()),
            after: Some(r#"{"title":"B"}"#.into()),
            prev_hash: prev.into(),
            hash: String::new(),
        };
        e.hash = entry_hash(&e);
        e
    }

    #[test]
    fn every_field_is_covered_by_the_hash() {
        let e = entry(1, GENESIS);
        assert_eq!(e.hash.len(), 64);
        let variants: Vec<Entry> = vec![
            Entry {
                seq: 2,
                ..e.clone()
            },
            Entry {
                at: "2026-11-27T01:02:03.000005Z".into(),
                ..e.clone()
            },
            Entry {
                actor: "user:mai".into(),
                ..e.clone()
            },
            Entry {
                action: "create".into(),
                ..e.clone()
            },
            Entry {
                entity: "effect".into(),
                ..e.clone()
            },
            Entry {
                entity_id: "8".into(),
                ..e.clone()
            },
            Entry {
                before: None,
                ..e.clone()
            },
            Entry {
                after: Some(r#"{"title":"C"}"#.into()),
                ..e.clone()
            },
            Entry {
                prev_hash: "1".repeat(64),
                ..e.clone()
            },
        ];
        for v in variants {
            assert_ne!(entry_hash(&v), e.hash, "{v:?}");
        }
    }

    #[test]
    fn changes_name_only_what_differs() {
        let c = changes(
            Some(r#"{"title":"A","number":"1/2020","end_on":null}"#),
            Some(r#"{"title":"B","number":"1/2020","end_on":"2025-01-01"}"#),
        );
        let fields: Vec<&str> = c.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(fields, ["end_on", "title"]);
        assert_eq!((c[1].before.as_str(), c[1].after.as_str()), ("A", "B"));
        assert_eq!(c[0].before, "—");
        // A creation lists every field.
        assert_eq!(changes(None, Some(r#"{"a":1,"b":"x"}"#)).len(), 2);
        assert!(changes(Some("{}"), Some("{}")).is_empty());
    }

    #[test]
    fn checkpoints_are_read_strictly() {
        let h = "ab".repeat(32);
        let cp: Checkpoint = format!("12:{}", h.to_uppercase()).parse().unwrap();
        assert_eq!(
            cp,
            Checkpoint {
                seq: 12,
                hash: h.clone()
            }
        );
        assert_eq!(cp.to_string(), format!("12:{h}"));
        assert_eq!(cp.to_string().parse::<Checkpoint>(), Ok(cp));
        assert!(format!("0:{GENESIS}").parse::<Checkpoint>().is_ok());
        for bad in [
            format!("12 {h}"),
            format!("-1:{h}"),
            format!("x:{h}"),
            "12:abc".to_string(),
            format!("12:{}", "g".repeat(64)),
            format!("0:{h}"),
            String::new(),
        ] {
            let err = bad.parse::<Checkpoint>().expect_err(&bad);
            assert!(err.contains("không hợp lệ"), "{err}");
        }
    }

    #[test]
    fn the_expected_guards_come_from_the_migrations() {
        let sqlite: Vec<String> = guards::sqlite_triggers(include_str!(
            "../migrations/sqlite/2026-11-27-000003_accounts/up.sql"
        ))
        .into_iter()
        .chain(guards::sqlite_triggers(include_str!(
            "../migrations/sqlite/2026-12-01-000007_audit_guard/up.sql"
        )))
        .map(|(name, def)| {
            assert!(def.starts_with(&format!("CREATE TRIGGER {name} ")), "{def}");
            assert!(def.ends_with(" END"), "{def}");
            name
        })
        .collect();
        assert_eq!(
            sqlite,
            [
                "audit_log_no_update",
                "audit_log_no_delete",
                "audit_log_append_at_head"
            ]
        );
        let pg: Vec<String> = guards::pg_functions(include_str!(
            "../migrations/postgres/2026-12-01-000007_audit_guard/up.sql"
        ))
        .into_iter()
        .map(|(name, body)| {
            assert!(body.contains("RAISE EXCEPTION"), "{body}");
            name
        })
        .collect();
        assert_eq!(pg, ["audit_log_continue_chain"]);
        assert_eq!(guards::squash("  a \n\t b  "), "a b");
    }

    #[test]
    fn a_gap_names_the_missing_numbers() {
        let a = entry(1, GENESIS);
        let r = check_link(2, &a.hash, &entry(3, &a.hash)).unwrap();
        assert!(
            r.starts_with("thiếu mục số 2: số thứ tự nhảy từ 1 lên 3"),
            "{r}"
        );
        let r = check_link(2, &a.hash, &entry(5, &a.hash)).unwrap();
        assert!(r.starts_with("thiếu các mục số 2–4"), "{r}");
    }

    #[test]
    fn links_are_checked_in_order() {
        let a = entry(1, GENESIS);
        let b = entry(2, &a.hash);
        assert_eq!(check_link(1, GENESIS, &a), None);
        assert_eq!(check_link(2, &a.hash, &b), None);
        // A missing entry, a foreign link, an edited entry.
        assert!(check_link(2, &a.hash, &entry(3, &a.hash)).is_some());
        assert!(check_link(2, GENESIS, &b).is_some());
        let edited = Entry {
            actor: "user:mallory".into(),
            ..b.clone()
        };
        assert!(check_link(2, &a.hash, &edited).is_some_and(|r| r.contains("bị sửa")));
    }
}
