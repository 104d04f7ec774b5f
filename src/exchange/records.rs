//! The record of one JSON Lines line: every kind the interchange carries, each written by its
//! feature's writer (`registry::write`, `procedures::write`). Documented in README.md
//! ("Import format").

use serde::{Deserialize, Serialize};

pub use crate::procedures::records::*;
pub use crate::registry::records::*;

use crate::domain::input::{self, ControlCharacter, Shape};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Record {
    Unit(UnitRecord),
    Succession(SuccessionRecord),
    Authority(AuthorityRecord),
    Document(DocumentRecord),
    Effect(EffectRecord),
    /// A document (or provisions) declared expired by an approved review decision.
    DeclaredExpiry(DeclaredExpiryRecord),
    /// An end date a transitional provision sets for a whole class of documents.
    ClassEnd(ClassEndRecord),
    /// One version of an administrative procedure, as one decision announces it.
    Procedure(Box<ProcedureRecord>),
    /// A posting (niêm yết) at one unit, or a whole decision's procedures at every unit of a level.
    Posting(PostingRecord),
    /// The one-stop office and feedback address of a unit.
    UnitContact(UnitContactRecord),
    /// Dossiers of one procedure at one unit in one month.
    DossierCount(DossierCountRecord),
    /// An inspector's visit to a unit with findings per procedure.
    Inspection(InspectionRecord),
    /// A day off or working day that overrides the built-in calendar.
    CalendarDay(CalendarDayRecord),
}

impl Record {
    /// Refuses control characters in every name, title, number and code of the record, and
    /// all but tab and line breaks in its long texts (`crate::domain::input`). The error names
    /// the field by its JSON key (`title`, `acting.number`, `dossier[2].name`).
    pub fn check_typed_text(&self) -> Result<(), ControlCharacter> {
        let mut c = Checker::default();
        match self {
            Record::Unit(u) => {
                c.line("code", &u.code);
                c.line("name", &u.name);
                c.line("level", &u.level);
                c.opt("parent", &u.parent);
            }
            Record::Succession(s) => {
                c.line("predecessor", &s.predecessor);
                c.line("successor", &s.successor);
            }
            Record::Authority(a) => {
                c.line("code", &a.code);
                c.line("name", &a.name);
                c.line("type", &a.kind);
                c.opt("unit", &a.unit);
            }
            Record::Document(d) => {
                c.line("authority", &d.authority);
                c.line("type", &d.doc_type);
                c.line("number", &d.number);
                c.line("title", &d.title);
                c.all("fields", &d.fields);
                c.line("signer", &d.signer);
                c.line("signer_position", &d.signer_position);
                c.opt("gazette", &d.gazette);
                c.opt("place", &d.place);
                c.opt("signing_for", &d.signing_for);
                for (i, g) in d.provisions_effective.iter().enumerate() {
                    c.all(
                        &format!("provisions_effective[{i}].provisions"),
                        &g.provisions,
                    );
                }
                c.text("text", &d.text);
            }
            Record::Effect(e) => c.effect(e),
            Record::DeclaredExpiry(x) => {
                c.reference("document", &x.document.authority, &x.document.number);
                c.all("provisions", &x.provisions);
            }
            Record::ClassEnd(x) => {
                c.reference("basis", &x.basis.authority, &x.basis.number);
                c.line("provision", &x.provision);
                c.all("types", &x.types);
                if let Some(n) = &x.note {
                    c.text("note", n);
                }
            }
            Record::Procedure(p) => c.procedure(p),
            Record::Posting(p) => {
                c.opt("procedure", &p.procedure);
                c.reference("decision", &p.decision.authority, &p.decision.number);
                c.opt("unit", &p.unit);
                c.opt("level", &p.level);
                c.opt("point", &p.point);
            }
            Record::UnitContact(u) => {
                c.line("unit", &u.unit);
                let k = &u.contact;
                c.line("address", &k.address);
                c.line("hours", &k.hours);
                c.line("phone", &k.phone);
                c.line("email", &k.email);
                c.line("feedback_address", &k.feedback_address);
                c.line("feedback_phone", &k.feedback_phone);
                c.line("feedback_email", &k.feedback_email);
                c.line("feedback_url", &k.feedback_url);
            }
            Record::DossierCount(d) => {
                c.line("procedure", &d.procedure);
                c.line("unit", &d.unit);
                c.line("month", &d.month);
            }
            Record::Inspection(i) => {
                c.line("unit", &i.unit);
                c.line("inspector", &i.inspector);
                c.text("note", &i.note);
                for (k, f) in i.findings.iter().enumerate() {
                    c.line(&format!("findings[{k}].procedure"), &f.procedure);
                    c.line(&format!("findings[{k}].finding"), &f.finding);
                    if let Some(n) = &f.note {
                        c.text(&format!("findings[{k}].note"), n);
                    }
                }
            }
            Record::CalendarDay(d) => c.line("note", &d.note),
        }
        c.result
    }
}

/// Runs the checks in order and keeps the first refusal.
struct Checker {
    result: Result<(), ControlCharacter>,
}

impl Default for Checker {
    fn default() -> Self {
        Checker { result: Ok(()) }
    }
}

impl Checker {
    fn check(&mut self, field: &str, value: &str, shape: Shape) {
        if self.result.is_ok() {
            self.result = input::check(field, value, shape);
        }
    }

    fn line(&mut self, field: &str, value: &str) {
        self.check(field, value, Shape::Line);
    }

    fn text(&mut self, field: &str, value: &str) {
        self.check(field, value, Shape::Text);
    }

    fn opt(&mut self, field: &str, value: &Option<String>) {
        if let Some(v) = value {
            self.line(field, v);
        }
    }

    fn all(&mut self, field: &str, values: &[String]) {
        for (i, v) in values.iter().enumerate() {
            self.line(&format!("{field}[{i}]"), v);
        }
    }

    /// Every typed string of a procedure record.
    fn procedure(&mut self, p: &ProcedureRecord) {
        self.line("code", &p.code);
        self.line("name", &p.name);
        self.line("field", &p.field);
        self.all("levels", &p.levels);
        self.line("agency", &p.agency);
        self.text("applicants", &p.applicants);
        self.text("steps", &p.steps);
        self.all("channels", &p.channels);
        for (i, d) in p.dossier.iter().enumerate() {
            self.line(&format!("dossier[{i}].name"), &d.name);
            self.opt(&format!("dossier[{i}].form"), &d.form);
        }
        for (i, f) in p.fees.iter().enumerate() {
            self.line(&format!("fees[{i}].name"), &f.name);
            if let Some(n) = &f.note {
                self.text(&format!("fees[{i}].note"), n);
            }
        }
        self.text("result", &p.result);
        self.text("conditions", &p.conditions);
        for (i, b) in p.legal_basis.iter().enumerate() {
            self.reference(&format!("legal_basis[{i}]"), &b.authority, &b.number);
            self.opt(&format!("legal_basis[{i}].provision"), &b.provision);
        }
        self.opt("online_level", &p.online_level);
        self.opt("one_stop", &p.one_stop);
        self.reference("decision", &p.decision.authority, &p.decision.number);
        self.line("announcement", &p.announcement);
    }

    fn effect(&mut self, e: &EffectRecord) {
        self.reference("acting", &e.acting.authority, &e.acting.number);
        self.reference("target", &e.target.authority, &e.target.number);
        self.line("type", &e.kind);
        self.all("provisions", &e.provisions);
        if let Some(n) = &e.note {
            self.text("note", n);
        }
        for (k, w) in e.wording.iter().flat_map(|w| w.0.iter()) {
            self.line("wording", k);
            self.text(&format!("wording.{k}"), w);
        }
    }

    fn reference(&mut self, field: &str, authority: &str, number: &str) {
        self.line(&format!("{field}.authority"), authority);
        self.line(&format!("{field}.number"), number);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    /// One line of each kind with every field filled.
    const FULL: &[&str] = &[
        r#"{"kind":"unit","code":"970","name":"Huyện Đầm Dơi","level":"huyen","parent":"96","valid_from":"2000-01-01","valid_to":"2025-06-30"}"#,
        r#"{"kind":"succession","predecessor":"970","successor":"32200","on":"2025-07-01"}"#,
        r#"{"kind":"authority","code":"UBND-970","name":"Ủy ban nhân dân huyện","type":"ubnd","unit":"970"}"#,
        r#"{"kind":"document","authority":"UBND-970","type":"Quyết định","number":"1/2020/QĐ-UBND","title":"Quy chế","fields":["Nội vụ"],"signer":"Trần A","signer_position":"Chủ tịch","issued_on":"2020-01-01","effective_on":"2020-01-10","end_on":"2021-01-01","gazette":"Công báo số 1","provisions_effective":[{"provisions":["Điều 1"],"effective_on":"2020-06-01"}],"text":"Điều 1. A"}"#,
        r#"{"kind":"effect","acting":{"authority":"A","number":"1/2021/QĐ-UBND"},"target":{"authority":"B","number":"1/2020/QĐ-UBND"},"type":"suspend","provisions":["Điều 1"],"effective_on":"2021-01-01","until":"2021-02-01","note":"ghi chú"}"#,
        r#"{"kind":"class_end","basis":{"authority":"QH","number":"64/2025/QH15"},"provision":"Khoản 3 Điều 72","authority_kinds":["ubnd"],"levels":["huyen"],"types":["Quyết định"],"issued_from":"2016-07-01","issued_to":"2025-03-31","ceases_on":"2027-03-01","note":"ghi chú"}"#,
        r#"{"kind":"effect","acting":{"authority":"A","number":"1/2021/QĐ-UBND"},"target":{"authority":"B","number":"1/2020/QĐ-UBND"},"type":"amend","provisions":["Điều 1"],"effective_on":"2021-01-01","wording":{"Điều 1":"Điều 1. Mới"}}"#,
        r#"{"kind":"declared_expiry","document":{"authority":"B","number":"1/2020/QĐ-UBND"},"provisions":["Điều 1"],"effective_on":"2026-01-01","decision":7,"ended_at":"2026-02-01T08:00:00Z"}"#,
        r#"{"kind":"procedure","code":"1.0001","name":"Đăng ký khai sinh","field":"Hộ tịch","levels":["xa"],"agency":"UBND xã","applicants":"Công dân","steps":"Bước 1","channels":["online"],"dossier":[{"name":"Tờ khai","originals":1,"copies":0,"form":"Mẫu 1"}],"statutory_days":1,"local_days":1,"fees":[{"name":"Lệ phí","amount":0,"note":"Miễn"}],"result":"Giấy khai sinh","conditions":"Không","legal_basis":[{"authority":"QH","number":"60/2014/QH13","provision":"Điều 16"}],"online_level":"full","one_stop":"one_stop","decision":{"authority":"UBND-96","number":"1/2025/QĐ-UBND","date":"2025-01-01"},"announcement":"new"}"#,
        r#"{"kind":"posting","procedure":"1.0001","decision":{"authority":"UBND-96","number":"1/2025/QĐ-UBND"},"unit":"32200","level":"xa","point":"portal","from":"2025-01-02","to":"2025-12-31"}"#,
        r#"{"kind":"dossier_count","procedure":"1.0001","unit":"32200","month":"2026-03","received":3,"online":1,"on_time":3}"#,
        r#"{"kind":"inspection","unit":"32200","date":"2026-03-01","inspector":"Lê B","note":"Kiểm tra","findings":[{"procedure":"1.0001","finding":"ok","note":"Đủ"}]}"#,
        r#"{"kind":"calendar_day","date":"2026-01-02","working":false,"note":"Nghỉ bù"}"#,
    ];

    /// The JSON path of every string in `v` (`dossier[0].name`), but the record's `kind`.
    fn strings(v: &Value, path: String, out: &mut Vec<String>) {
        match v {
            Value::String(_) if path != "kind" => out.push(path),
            Value::Array(a) => {
                for (i, x) in a.iter().enumerate() {
                    strings(x, format!("{path}[{i}]"), out);
                }
            }
            Value::Object(m) => {
                for (k, x) in m {
                    let p = if path.is_empty() {
                        k.clone()
                    } else {
                        format!("{path}.{k}")
                    };
                    strings(x, p, out);
                }
            }
            _ => {}
        }
    }

    fn pointer(path: &str) -> String {
        format!(
            "/{}",
            path.replace("].", "/")
                .replace(['[', '.'], "/")
                .replace(']', "")
        )
    }

    #[test]
    fn every_typed_string_of_every_record_is_checked() {
        for line in FULL {
            let full: Value = serde_json::from_str(line).unwrap();
            let record: Record = serde_json::from_value(full.clone()).unwrap();
            assert_eq!(record.check_typed_text(), Ok(()), "{line}");
            let mut paths = Vec::new();
            strings(&full, String::new(), &mut paths);
            let mut checked = 0;
            for path in paths {
                let mut v = full.clone();
                let Some(slot) = v.pointer_mut(&pointer(&path)) else {
                    panic!("{path} in {line}");
                };
                *slot = Value::String("x\u{0}".into());
                // Dates and vocabularies that do not parse are refused by serde already.
                let Ok(r) = serde_json::from_value::<Record>(v) else {
                    continue;
                };
                let e = r.check_typed_text().expect_err(&path);
                assert_eq!(e.field, path, "{line}");
                assert_eq!((e.character, e.position), ('\0', 2));
                checked += 1;
            }
            assert!(checked > 0, "{line}");
        }
    }
}
