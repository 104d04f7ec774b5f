//! The date the document takes effect (its entry-into-force article) and the effects it makes
//! on other documents, read through `domain::amendment`.

use chrono::NaiveDate;

use super::layout::key;
use super::paragraphs::Paragraph;
use super::{Effect, Field};
use crate::domain::amendment;
use crate::domain::text::date_in_text;

/// The date after `có hiệu lực` in its usual phrasings: `… kể từ ngày 15 tháng 5 năm 2021`,
/// `… thi hành từ ngày 01/01/2022`, `… thông qua ngày … và có hiệu lực từ ngày …`; `… kể từ
/// ngày ký` is the issue date. The first such sentence of the body wins; its line is the one
/// `có hiệu lực` stands on (`shift`: the index of the paragraphs' first line in the text).
pub fn effective_on(
    paragraphs: &[Paragraph],
    shift: usize,
    issued_on: Option<NaiveDate>,
) -> Option<Field<NaiveDate>> {
    paragraphs.iter().find_map(|p| {
        // `key` folds letter by letter: byte offsets differ, so the phrase is found on the
        // folded text and its line on the original by the count of characters before it.
        let k = key(&p.text);
        let at = k.find("co hieu luc")?;
        let chars_before = k[..at].chars().count();
        let offset = p
            .text
            .char_indices()
            .nth(chars_before)
            .map_or(0, |(o, _)| o);
        let i = shift + p.line_at(offset);
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
/// is dropped, and so is an expiry that names no document ("… hết hiệu lực toàn bộ năm
/// 2023" in a list's description). The paragraphs are read one a line; an effect's line is
/// its paragraph's first.
pub fn read(paragraphs: &[Paragraph], shift: usize, effective: Option<NaiveDate>) -> Vec<Effect> {
    let text: Vec<&str> = paragraphs.iter().map(|p| p.text.as_str()).collect();
    amendment::parse(&text.join("\n"))
        .into_iter()
        .filter(|ins| ins.target.is_some() || !ins.provisions.is_empty())
        .filter(|ins| ins.target.is_some() || ins.kind != amendment::InstructionKind::Expire)
        .map(|ins| Effect {
            kind: ins.kind,
            target_number: ins.target,
            provisions: ins.provisions,
            effective_on: ins.date.or(effective),
            line: shift
                + paragraphs
                    .get(ins.line.saturating_sub(1))
                    .map_or(0, Paragraph::first_line)
                + 1,
        })
        .collect()
}
