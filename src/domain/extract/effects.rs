//! The date the document takes effect (its entry-into-force article) and the effects it makes
//! on other documents, read through `domain::amendment`.

use chrono::NaiveDate;

use super::layout::key;
use super::{Effect, Field};
use crate::domain::amendment;
use crate::domain::text::date_in_text;

/// The date after `có hiệu lực` in its usual phrasings: `… kể từ ngày 15 tháng 5 năm 2021`,
/// `… thi hành từ ngày 01/01/2022`, `… thông qua ngày … và có hiệu lực từ ngày …`; `… kể từ
/// ngày ký` is the issue date. The first such sentence of the body wins.
pub fn effective_on(lines: &[&str], issued_on: Option<NaiveDate>) -> Option<Field<NaiveDate>> {
    lines.iter().enumerate().find_map(|(i, line)| {
        let k = key(line);
        let at = k.find("co hieu luc")?;
        // The closing mark "./." of a document's last sentence is not part of a date.
        let rest = k[at + "co hieu luc".len()..].replace("/.", " ");
        let rest = rest.as_str();
        let signing = rest
            .split_whitespace()
            .collect::<Vec<_>>()
            .windows(2)
            .find(|w| w[0] == "ngay")
            .is_some_and(|w| w[1].trim_end_matches(['.', ',', ';']) == "ky");
        let date = if signing {
            issued_on
        } else {
            date_in_text(rest)
        };
        date.map(|d| Field::at(d, i))
    })
}

/// The effects of the body (`amendment::parse`): amendments, repeals, replacements and
/// expiries with their targets and provisions. An effect whose phrase gives no date takes the
/// document's own effective date; an instruction that names neither a target nor a provision
/// is dropped.
pub fn read(body: &str, effective: Option<NaiveDate>) -> Vec<Effect> {
    amendment::parse(body)
        .into_iter()
        .filter(|ins| ins.target.is_some() || !ins.provisions.is_empty())
        .map(|ins| Effect {
            kind: ins.kind,
            target_number: ins.target,
            provisions: ins.provisions,
            effective_on: ins.date.or(effective),
            line: ins.line,
        })
        .collect()
}
