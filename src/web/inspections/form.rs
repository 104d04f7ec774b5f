//! The inspection form as it is posted: the visit's unit, date and note, and per procedure the
//! finding chosen (`finding:{code}`, empty when not inspected) and its note (`note:{code}`).
//! The procedure codes are the form's own field names, so the form is read field by field
//! into this type rather than into a map of strings.

use std::collections::HashMap;
use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};

use crate::procedures::inspections::{FindingInput, VisitInput};

/// What the inspection form sent.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct InspectionForm {
    pub unit: String,
    pub date: String,
    pub note: String,
    /// Per procedure code: the finding and the note typed.
    pub typed: HashMap<String, (String, String)>,
    /// Procedure codes in the order their finding field first appears.
    pub order: Vec<String>,
    /// «Tất cả khớp»: every procedure left without a finding is recorded as the system
    /// records it (the inspector chose only the exceptions).
    pub all_match: bool,
}

impl InspectionForm {
    /// Takes one field; unknown fields (the CSRF token, buttons) are ignored.
    fn take(&mut self, key: String, value: String) {
        match key.as_str() {
            // The first unit field counts (the form has one).
            "unit" if self.unit.is_empty() => self.unit = value.trim().to_string(),
            "date" => self.date = value.trim().to_string(),
            "note" => self.note = value,
            "all_match" => self.all_match = !value.trim().is_empty(),
            _ => {
                if let Some(code) = key.strip_prefix("finding:") {
                    if !self.order.iter().any(|c| c == code) {
                        self.order.push(code.to_string());
                    }
                    self.typed.entry(code.to_string()).or_default().0 = value.trim().to_string();
                } else if let Some(code) = key.strip_prefix("note:") {
                    self.typed.entry(code.to_string()).or_default().1 = value;
                }
            }
        }
    }

    /// What was typed per procedure, to show the form again.
    pub fn typed(&self) -> HashMap<String, (String, String)> {
        self.typed.clone()
    }

    /// «Tất cả khớp»: each procedure of `system` (code, the finding the system's check gives
    /// it) left without a finding gets that one; findings chosen stay as chosen.
    pub fn fill_unmarked<'a>(&mut self, system: impl IntoIterator<Item = (&'a str, &'a str)>) {
        for (code, finding) in system {
            if !self.order.iter().any(|c| c == code) {
                self.order.push(code.to_string());
            }
            let typed = self.typed.entry(code.to_string()).or_default();
            if typed.0.is_empty() {
                typed.0 = finding.to_string();
            }
        }
    }

    /// The visit to record: the procedures with a finding, in the form's order.
    pub fn into_visit(self) -> VisitInput {
        let mut v = VisitInput {
            unit: self.unit,
            date: self.date,
            note: self.note,
            findings: Vec::new(),
        };
        for code in self.order {
            let Some((f, n)) = self.typed.get(&code) else {
                continue;
            };
            if f.is_empty() {
                // Not inspected.
                continue;
            }
            v.findings.push(FindingInput {
                procedure: code.clone(),
                finding: f.clone(),
                note: Some(n.clone()).filter(|n| !n.trim().is_empty()),
            });
        }
        v
    }
}

impl<'de> Deserialize<'de> for InspectionForm {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Fields;
        impl<'de> Visitor<'de> for Fields {
            type Value = InspectionForm;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("the fields of the inspection form")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<InspectionForm, A::Error> {
                let mut form = InspectionForm::default();
                while let Some((k, v)) = map.next_entry::<String, String>()? {
                    form.take(k, v);
                }
                Ok(form)
            }
        }
        d.deserialize_map(Fields)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(pairs: &[(&str, &str)]) -> InspectionForm {
        let pairs = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string()));
        let d = serde::de::value::MapDeserializer::<_, serde::de::value::Error>::new(pairs);
        InspectionForm::deserialize(d).unwrap()
    }

    #[test]
    fn the_form_keeps_the_order_of_findings_and_skips_the_uninspected() {
        let form = parse(&[
            ("csrf", "x"),
            ("unit", " 32200 "),
            ("date", "2025-12-31"),
            ("note", "Kiểm tra"),
            ("note:1.002", "thiếu"),
            ("finding:1.001", "ok"),
            ("finding:1.002", "missing"),
            ("finding:1.003", ""),
            ("note:1.001", " "),
        ]);
        assert_eq!(form.unit, "32200");
        let v = form.clone().into_visit();
        assert_eq!(v.date, "2025-12-31");
        assert_eq!(v.note, "Kiểm tra");
        let got: Vec<(&str, &str, Option<&str>)> = v
            .findings
            .iter()
            .map(|f| (f.procedure.as_str(), f.finding.as_str(), f.note.as_deref()))
            .collect();
        assert_eq!(
            got,
            vec![("1.001", "ok", None), ("1.002", "missing", Some("thiếu"))]
        );
        assert_eq!(
            form.typed().get("1.003"),
            Some(&(String::new(), String::new()))
        );
    }

    #[test]
    fn all_match_fills_only_the_procedures_left_blank() {
        let mut form = parse(&[
            ("unit", "32200"),
            ("date", "2025-12-31"),
            ("all_match", "1"),
            ("finding:1.001", ""),
            ("finding:1.002", "missing"),
            ("note:1.002", "không thấy"),
        ]);
        assert!(form.all_match);
        form.fill_unmarked([("1.001", "ok"), ("1.002", "ok"), ("1.003", "outdated")]);
        let got: Vec<(String, String)> = form
            .into_visit()
            .findings
            .into_iter()
            .map(|f| (f.procedure, f.finding))
            .collect();
        let want = [("1.001", "ok"), ("1.002", "missing"), ("1.003", "outdated")];
        let want: Vec<(String, String)> = want
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        assert_eq!(got, want);
        assert!(!parse(&[("all_match", "")]).all_match);
    }

    #[test]
    fn an_empty_form_is_an_empty_visit() {
        assert_eq!(parse(&[]).into_visit(), VisitInput::default());
    }
}
