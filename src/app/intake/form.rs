//! The review form of a new document: every field as the officer sees and edits it, filled
//! from an extraction ([`Draft::from_extraction`]) or read back as posted (`Deserialize`, field
//! by field: the effects are the form's own numbered fields `e{N}.{field}`, so the form is read
//! into this type rather than into a map of strings, and an unknown field is refused).

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{Deserialize, Deserializer, Error as _, MapAccess, Visitor};
use serde::Serialize;

use crate::domain::amendment::{self, InstructionKind};
use crate::domain::extract::{Extraction, Field};
use crate::domain::structure::display_reference;

/// The most effects one form carries (a consolidating decision repeals a few dozen).
pub const MAX_EFFECTS: usize = 200;

/// Errors beside their fields: field name (`title`, `e0.target`) → message; `form` for what
/// belongs to no field.
pub type FieldErrors = BTreeMap<String, String>;

/// What the review form holds. Dates are ISO (`2026-12-04`) as `<input type="date">` sends them.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
pub struct Draft {
    /// The authority's code (an authority of the registry in the officer's scope).
    pub authority: String,
    /// The issuing body as the file's header wrote it (to match it to an authority).
    pub issuer: String,
    pub doc_type: String,
    pub number: String,
    pub issued_on: String,
    pub place: String,
    pub title: String,
    pub signer: String,
    pub signer_position: String,
    pub signing_capacity: String,
    pub effective_on: String,
    pub text: String,
    /// The line of the file each field was read from (`title` → 7).
    pub lines: BTreeMap<String, usize>,
    pub effects: Vec<EffectDraft>,
    /// The server-side pending upload holding the file (`intake_pending`), if a file was sent.
    pub upload: String,
    /// Which button was pressed: `preview` or `save`.
    pub action: String,
}

/// One effect of the document on another, as the form holds it.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
pub struct EffectDraft {
    /// Whether it is saved with the document (the officer may drop it).
    pub include: bool,
    /// The effect kind's code (`replace`, `repeal`, `amend`, `suspend`).
    pub kind: String,
    /// The target's number as written.
    pub target_number: String,
    /// The target chosen among the candidates (a document id), empty when none is chosen.
    pub target: String,
    /// Provisions as a reader writes them, separated by `;` (`khoản 2 Điều 5; Điều 3`); empty:
    /// the whole document.
    pub provisions: String,
    pub effective_on: String,
    /// The last day of a suspension.
    pub until: String,
    pub note: String,
    /// An amendment's new wording (of its one provision).
    pub wording: String,
    /// The line of the file the effect was read from (0: entered by hand).
    pub line: usize,
}

fn iso(d: chrono::NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

impl Draft {
    /// The form prefilled from what was read in `text`.
    pub fn from_extraction(x: &Extraction, text: &str) -> Draft {
        let mut d = Draft {
            text: text.to_string(),
            ..Draft::default()
        };
        let mut put = |name: &str, value: String, line: usize| {
            d.lines.insert(name.to_string(), line);
            value
        };
        fn take<T>(f: &Option<Field<T>>) -> Option<(&T, usize)> {
            f.as_ref().map(|f| (&f.value, f.line))
        }
        if let Some((v, l)) = take(&x.issuer) {
            d.issuer = put("authority", v.clone(), l);
        }
        if let Some((v, l)) = take(&x.doc_type) {
            d.doc_type = put("doc_type", (*v).to_string(), l);
        }
        if let Some((v, l)) = take(&x.number) {
            let n = x.number_normalised.clone().unwrap_or_else(|| v.clone());
            d.number = put("number", n, l);
        }
        if let Some((v, l)) = take(&x.issued_on) {
            d.issued_on = put("issued_on", iso(*v), l);
        }
        if let Some((v, l)) = take(&x.place) {
            d.place = put("place", v.clone(), l);
        }
        if let Some((v, l)) = take(&x.title) {
            d.title = put("title", v.clone(), l);
        }
        if let Some((v, l)) = take(&x.signer) {
            d.signer = put("signer", v.clone(), l);
        }
        if let Some((v, l)) = take(&x.signer_position) {
            d.signer_position = put("signer_position", v.clone(), l);
        }
        if let Some((v, l)) = take(&x.signing_capacity) {
            d.signing_capacity = put("signing_capacity", v.clone(), l);
        }
        if let Some((v, l)) = take(&x.effective_on) {
            d.effective_on = put("effective_on", iso(*v), l);
        }
        let quotes = amendment::parse(text);
        d.effects = x
            .effects
            .iter()
            .take(MAX_EFFECTS)
            .map(|e| {
                let wording = quotes
                    .iter()
                    .find(|q| q.line == e.line && q.kind == e.kind)
                    .and_then(|q| q.wording.clone())
                    .filter(|_| e.kind == InstructionKind::Amend)
                    .unwrap_or_default();
                EffectDraft {
                    include: true,
                    kind: e.kind.effect_code().to_string(),
                    target_number: e.target_number.clone().unwrap_or_default(),
                    target: String::new(),
                    provisions: e
                        .provisions
                        .iter()
                        .map(|k| display_reference(k))
                        .collect::<Vec<_>>()
                        .join("; "),
                    effective_on: e.effective_on.map(iso).unwrap_or_default(),
                    until: String::new(),
                    note: String::new(),
                    wording,
                    line: e.line,
                }
            })
            .collect();
        d
    }

    /// Takes one posted field.
    fn take(&mut self, key: &str, value: String) -> Result<(), String> {
        let trimmed = || value.trim().to_string();
        match key {
            "csrf_token" => {}
            "action" => self.action = trimmed(),
            "authority" => self.authority = trimmed(),
            "issuer" => self.issuer = trimmed(),
            "doc_type" => self.doc_type = trimmed(),
            "number" => self.number = trimmed(),
            "issued_on" => self.issued_on = trimmed(),
            "place" => self.place = trimmed(),
            "title" => self.title = trimmed(),
            "signer" => self.signer = trimmed(),
            "signer_position" => self.signer_position = trimmed(),
            "signing_capacity" => self.signing_capacity = trimmed(),
            "effective_on" => self.effective_on = trimmed(),
            "text" => self.text = value,
            "upload" => self.upload = trimmed(),
            _ => {
                if let Some(name) = key.strip_prefix("line.") {
                    if let Ok(n) = value.trim().parse() {
                        self.lines.insert(name.to_string(), n);
                    }
                    return Ok(());
                }
                let Some((index, field)) = key
                    .strip_prefix('e')
                    .and_then(|k| k.split_once('.'))
                    .and_then(|(i, f)| Some((i.parse::<usize>().ok()?, f)))
                else {
                    return Err(format!("trường «{key}» không thuộc biểu mẫu"));
                };
                if index >= MAX_EFFECTS {
                    return Err(format!("biểu mẫu có quá {MAX_EFFECTS} tác động"));
                }
                if self.effects.len() <= index {
                    self.effects.resize(index + 1, EffectDraft::default());
                }
                self.effects[index].take(field, value)?;
            }
        }
        Ok(())
    }
}

impl EffectDraft {
    pub(super) fn take(&mut self, field: &str, value: String) -> Result<(), String> {
        let v = value.trim().to_string();
        match field {
            "include" => self.include = !v.is_empty(),
            "kind" => self.kind = v,
            "target_number" => self.target_number = v,
            "target" => self.target = v,
            "provisions" => self.provisions = v,
            "effective_on" => self.effective_on = v,
            "until" => self.until = v,
            "note" => self.note = v,
            "wording" => self.wording = value.trim_end().to_string(),
            "line" => self.line = v.parse().unwrap_or(0),
            _ => {
                return Err(format!(
                    "trường «{field}» của tác động không thuộc biểu mẫu"
                ))
            }
        }
        Ok(())
    }

    /// The provisions typed, one per `;` (or line).
    pub fn provision_list(&self) -> Vec<String> {
        self.provisions
            .split([';', '\n'])
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_string)
            .collect()
    }
}

impl<'de> Deserialize<'de> for Draft {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Draft;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("the fields of the new document form")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Draft, A::Error> {
                let mut d = Draft::default();
                while let Some((k, v)) = m.next_entry::<String, String>()? {
                    d.take(&k, v).map_err(A::Error::custom)?;
                }
                Ok(d)
            }
        }
        d.deserialize_map(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_posted_form_is_read_field_by_field() {
        let body = serde_json::json!({"csrf_token": "x", "action": "save",
            "number": "15/2026/QĐ-UBND", "e1.kind": "repeal", "e1.include": "on",
            "e0.kind": "replace", "line.title": "7"});
        let d: Draft = serde_json::from_value(body).unwrap();
        assert_eq!(d.number, "15/2026/QĐ-UBND");
        assert_eq!(d.effects.len(), 2);
        assert_eq!(d.effects[0].kind, "replace");
        assert!(!d.effects[0].include);
        assert!(d.effects[1].include);
        assert_eq!(d.lines.get("title"), Some(&7));
        let bad = |k: &str| serde_json::from_value::<Draft>(serde_json::json!({ k: "1" })).is_err();
        assert!(bad("nonsense"));
        assert!(bad("e999999.kind"));
    }
}
