//! The ALQAC law corpus (`laws-*.json` with `law-metadata.csv` beside it): national laws split
//! into articles. Each law becomes a document of a central authority, its articles written back
//! as `Điều N. Heading` so that the one structure parser reads them.

use std::collections::HashMap;
use std::path::Path;

use chrono::NaiveDate;
use serde::Deserialize;

use super::import::{import_records, ImportReport, LineError};
use super::records::{AuthorityRecord, DocumentRecord, Record};
use crate::db::{DbError, DbPool};
use crate::domain::text::{fold_upper, nfc};

#[derive(Deserialize)]
struct Law {
    id: String,
    articles: Vec<Article>,
}

#[derive(Deserialize)]
struct Article {
    id: String,
    text: String,
}

struct Meta {
    number: String,
    doc_type: String,
    issuer: String,
    issued_on: NaiveDate,
    effective_on: Option<NaiveDate>,
    title: String,
}

/// Code of a central authority from its name: the initials of its syllables (`Quốc hội` → `QH`).
pub fn authority_code(name: &str) -> String {
    fold_upper(name)
        .split_whitespace()
        .filter_map(|w| w.chars().next())
        .collect()
}

fn read_metadata(path: &Path) -> Result<HashMap<String, Meta>, String> {
    let mut rdr = csv::Reader::from_path(path)
        .map_err(|e| format!("không đọc được {}: {e}", path.display()))?;
    let mut out = HashMap::new();
    for (i, row) in rdr.records().enumerate() {
        let row = row.map_err(|e| format!("{}:{}: {e}", path.display(), i + 2))?;
        let get = |k: usize| row.get(k).map(nfc).unwrap_or_default();
        let date = |s: String| NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok();
        let Some(issued_on) = date(get(4)) else {
            return Err(format!(
                "{}:{}: ngày ban hành không hợp lệ",
                path.display(),
                i + 2
            ));
        };
        out.insert(
            get(0),
            Meta {
                number: get(1),
                doc_type: get(2),
                issuer: get(3),
                issued_on,
                effective_on: date(get(5)),
                title: get(6),
            },
        );
    }
    Ok(out)
}

pub fn import_alqac(pool: &DbPool, path: &Path, content: &str) -> Result<ImportReport, DbError> {
    let name = path.display().to_string();
    let fail = |line: usize, message: String| {
        Ok(ImportReport {
            errors: vec![LineError {
                file: name.clone(),
                line,
                message,
            }],
            ..Default::default()
        })
    };
    let laws: Vec<Law> = match serde_json::from_str(content) {
        Ok(l) => l,
        Err(e) => return fail(e.line(), format!("không phải tệp luật ALQAC hợp lệ: {e}")),
    };
    let meta_path = path.with_file_name("law-metadata.csv");
    let meta = match read_metadata(&meta_path) {
        Ok(m) => m,
        Err(e) => return fail(0, e),
    };
    let mut records = Vec::new();
    let mut errors = Vec::new();
    let mut authorities_seen = Vec::new();
    for (i, law) in laws.iter().enumerate() {
        let line = i + 1;
        let Some(m) = meta.get(&nfc(&law.id)) else {
            errors.push(LineError {
                file: name.clone(),
                line,
                message: format!("luật «{}» không có trong law-metadata.csv", law.id),
            });
            continue;
        };
        let code = authority_code(&m.issuer);
        if !authorities_seen.contains(&code) {
            authorities_seen.push(code.clone());
            records.push((
                line,
                Record::Authority(AuthorityRecord {
                    code: code.clone(),
                    name: m.issuer.clone(),
                    kind: "central".into(),
                    unit: None,
                }),
            ));
        }
        let mut text = String::new();
        for a in &law.articles {
            let body = nfc(&a.text);
            let (heading, rest) = body.split_once('\n').unwrap_or((body.as_str(), ""));
            text.push_str(&format!("Điều {}. {}\n", a.id.trim(), heading.trim()));
            for l in rest.lines().filter(|l| !l.trim().is_empty()) {
                text.push_str(l.trim());
                text.push('\n');
            }
        }
        records.push((
            line,
            Record::Document(DocumentRecord {
                authority: code,
                doc_type: m.doc_type.clone(),
                number: m.number.clone(),
                title: m.title.clone(),
                fields: Vec::new(),
                signer: String::new(),
                signer_position: String::new(),
                issued_on: m.issued_on,
                effective_on: m.effective_on.unwrap_or(m.issued_on),
                end_on: None,
                gazette: None,
                place: None,
                signing_capacity: None,
                signing_for: None,
                normative: None,
                provisions_effective: Vec::new(),
                withdrawn: None,
                text,
            }),
        ));
    }
    let mut report = import_records(pool, &name, records)?;
    report.errors.splice(0..0, errors);
    Ok(report)
}

#[cfg(test)]
mod tests {
    #[test]
    fn authority_codes_are_initials() {
        assert_eq!(super::authority_code("Quốc hội"), "QH");
        assert_eq!(super::authority_code("Văn phòng Quốc hội"), "VPQH");
    }
}
