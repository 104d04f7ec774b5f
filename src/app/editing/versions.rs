//! A document's earlier versions, read from the audit trail: every update of the record names
//! who changed it, when and why, and the fields that differ; the text of each version is in the
//! entry when the text changed (updates audited since corrections came to the browser), shown
//! as the provisions that changed. Older entries keep only the text's hash: the page says so.

use std::collections::HashMap;

use serde::Serialize;
use serde_json::Value;

use super::refuse_withdrawn;
use crate::app::AppError;
use crate::db::{queries, Db};
use crate::domain::structure::{self, Structure};

/// One change of the record: the version it replaced and what changed.
#[derive(Debug, Clone, Serialize)]
pub struct Version {
    /// 1 for the first version recorded.
    pub number: usize,
    pub seq: i64,
    /// Vietnam time, `dd/mm/yyyy hh:mm`.
    pub at: String,
    pub actor: String,
    /// `tạo mới`, `sửa đổi`.
    pub action: String,
    pub reason: Option<String>,
    /// The metadata of this version (label, value).
    pub fields: Vec<(String, String)>,
    /// What this change did to the metadata (label, before, after).
    pub changes: Vec<(String, String, String)>,
    /// The provisions whose wording this change altered.
    pub provisions: Vec<ProvisionChange>,
    /// Whether the text changed but the entry keeps only its hash.
    pub text_unrecorded: bool,
    /// The text of the version this change replaced, when recorded.
    pub earlier_text: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProvisionChange {
    pub label: String,
    /// `sửa`, `thêm`, `bỏ`.
    pub kind: &'static str,
    pub before: String,
    pub after: String,
}

/// The page: the document and its versions, newest first.
#[derive(Debug, Clone, Serialize)]
pub struct Versions {
    pub id: i64,
    pub number: String,
    pub title: String,
    pub versions: Vec<Version>,
}

const LABELS: &[(&str, &str)] = &[
    ("type", "Loại văn bản"),
    ("number", "Số ký hiệu"),
    ("title", "Trích yếu"),
    ("fields", "Lĩnh vực"),
    ("signer", "Người ký"),
    ("signer_position", "Chức vụ người ký"),
    ("issued_on", "Ngày ban hành"),
    ("effective_on", "Ngày có hiệu lực"),
    ("end_on", "Ngày hết hiệu lực"),
    ("gazette", "Công báo"),
    ("place", "Nơi ban hành"),
    ("signing_capacity", "Thẩm quyền ký"),
    ("signing_for", "Dòng thẩm quyền ký"),
    ("text_sha256", "Nội dung (SHA-256)"),
];

fn show(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => "—".into(),
        Some(Value::String(s)) => {
            // Fields are stored as a JSON array in a string.
            match serde_json::from_str::<Vec<String>>(s) {
                Ok(list) if s.starts_with('[') => list.join("; "),
                _ => s.clone(),
            }
        }
        Some(other) => other.to_string(),
    }
}

fn object(s: Option<&str>) -> serde_json::Map<String, Value> {
    match s.and_then(|s| serde_json::from_str::<Value>(s).ok()) {
        Some(Value::Object(m)) => m,
        _ => serde_json::Map::new(),
    }
}

/// The provisions whose wording differs between two texts, in the later text's order (those
/// removed last).
pub fn provision_changes(before: &str, after: &str) -> Vec<ProvisionChange> {
    let (b, a) = (structure::parse(before), structure::parse(after));
    let wording = |s: &Structure| -> HashMap<String, (String, String)> {
        s.nodes
            .iter()
            .map(|n| {
                let text = format!("{}\n{}", n.heading, n.body).trim().to_string();
                (n.key.clone(), (structure::display_reference(&n.key), text))
            })
            .collect()
    };
    let (bw, aw) = (wording(&b), wording(&a));
    let mut out = Vec::new();
    for n in &a.nodes {
        let (label, now) = &aw[&n.key];
        match bw.get(&n.key) {
            None => out.push(ProvisionChange {
                label: label.clone(),
                kind: "thêm",
                before: String::new(),
                after: now.clone(),
            }),
            Some((_, was)) if was != now => out.push(ProvisionChange {
                label: label.clone(),
                kind: "sửa",
                before: was.clone(),
                after: now.clone(),
            }),
            Some(_) => {}
        }
    }
    for n in &b.nodes {
        if !aw.contains_key(&n.key) {
            let (label, was) = &bw[&n.key];
            out.push(ProvisionChange {
                label: label.clone(),
                kind: "bỏ",
                before: was.clone(),
                after: String::new(),
            });
        }
    }
    if b.preamble.trim() != a.preamble.trim() {
        out.insert(
            0,
            ProvisionChange {
                label: "Phần mở đầu".into(),
                kind: "sửa",
                before: b.preamble.clone(),
                after: a.preamble.clone(),
            },
        );
    }
    out
}

fn vietnam_time(at: &str) -> String {
    crate::domain::text::timestamp_vn(at)
}

/// Every version of document `id` from the audit trail, newest first.
pub fn versions(db: &mut Db<'_>, id: i64) -> Result<Versions, AppError> {
    refuse_withdrawn(db, id)?;
    let d = queries::document(db, id)?
        .ok_or_else(|| AppError::NotFound(format!("Không có văn bản mã số {id}.")))?;
    let entries = crate::audit::history(db, "document", &id.to_string())?;
    let mut out = Vec::new();
    for e in entries
        .iter()
        .filter(|e| e.action == "create" || e.action == "update")
    {
        let (before, after) = (object(e.before.as_deref()), object(e.after.as_deref()));
        let fields = LABELS
            .iter()
            .filter(|(k, _)| *k != "text_sha256")
            .map(|(k, label)| (label.to_string(), show(after.get(*k))))
            .collect();
        let changes = if e.action == "update" {
            LABELS
                .iter()
                .filter(|(k, _)| before.get(*k) != after.get(*k))
                .map(|(k, label)| (label.to_string(), show(before.get(*k)), show(after.get(*k))))
                .collect()
        } else {
            Vec::new()
        };
        let text_changed =
            e.action == "update" && before.get("text_sha256") != after.get("text_sha256");
        let (old, new) = (
            before.get("text").and_then(Value::as_str),
            after.get("text").and_then(Value::as_str),
        );
        let provisions = match (old, new) {
            (Some(o), Some(n)) => provision_changes(o, n),
            _ => Vec::new(),
        };
        out.push(Version {
            number: out.len() + 1,
            seq: e.seq,
            at: vietnam_time(&e.at),
            actor: e.actor.clone(),
            action: if e.action == "create" {
                "tạo mới".into()
            } else {
                "sửa đổi".into()
            },
            reason: after
                .get("reason")
                .and_then(Value::as_str)
                .map(str::to_string),
            fields,
            changes,
            provisions,
            text_unrecorded: text_changed && old.is_none(),
            earlier_text: old.map(str::to_string),
        });
    }
    out.reverse();
    Ok(Versions {
        id,
        number: d.number,
        title: d.title,
        versions: out,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changed_added_and_removed_provisions_are_named() {
        let before = "Điều 1. Phạm vi\nÁp dụng cho xã.\nĐiều 2. Mức thu\nMười nghìn đồng.\nĐiều 3. Hiệu lực\nTừ ngày ký.";
        let after = "Điều 1. Phạm vi\nÁp dụng cho xã.\nĐiều 2. Mức thu\nHai mươi nghìn đồng.\nĐiều 4. Thi hành\nGiao Văn phòng.";
        let c = provision_changes(before, after);
        let kinds: Vec<(&str, &str)> = c.iter().map(|p| (p.label.as_str(), p.kind)).collect();
        assert_eq!(
            kinds,
            vec![("Điều 2", "sửa"), ("Điều 4", "thêm"), ("Điều 3", "bỏ")]
        );
        assert!(c[0].before.contains("Mười nghìn"));
        assert!(c[0].after.contains("Hai mươi nghìn"));
        assert!(provision_changes(before, before).is_empty());
    }
}
