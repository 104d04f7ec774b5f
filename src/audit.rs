//! The audit trail: every write appends, in its own transaction, one entry saying who did what
//! to which record, with the record before and after. Entries are numbered without gaps and
//! hash-chained: each entry's hash covers its content and the previous entry's hash, so
//! changing, removing or inserting any entry breaks the chain from there on, and a checkpoint
//! (the latest number and hash) recorded by a third party proves later that nothing before it
//! changed. The database refuses UPDATE and DELETE on the table (and TRUNCATE on PostgreSQL).

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
