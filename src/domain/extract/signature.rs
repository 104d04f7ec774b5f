//! The signature block: capacity (`TM.`, `KT.`, `Q.`, `TL.`, `TUQ.`), position and the
//! signer's name — the last name-like line of the block. The block stands either in the right
//! column beside the list of recipients (`Nơi nhận:`), or alone, the list before or after it.

use super::header::one_space;
use super::layout::{is_rule, is_upper, key, segments, Segment};
use super::Field;

#[derive(Debug, Clone)]
pub struct Signature {
    /// Where the body of the document ends: the signature block, or the list of recipients
    /// when it comes before the block.
    pub start: usize,
    pub signer: Option<Field<String>>,
    pub position: Option<Field<String>>,
    pub capacity: Option<Field<String>>,
}

const CAPACITIES: [&str; 5] = ["tm.", "kt.", "q.", "tl.", "tuq."];
const POSITIONS: [&str; 6] = [
    "chu tich",
    "pho chu tich",
    "giam doc",
    "pho giam doc",
    "truong ban",
    "pho truong ban",
];

fn is_capacity(s: &str) -> bool {
    let k = key(s);
    CAPACITIES.iter().any(|c| k.starts_with(c))
}

fn is_position(s: &str) -> bool {
    is_upper(s) && POSITIONS.contains(&key(s).trim())
}

fn is_recipients(s: &str) -> bool {
    key(s).starts_with("noi nhan")
}

/// A person's name: two to six words, each capitalised.
fn is_name(s: &str) -> bool {
    let words: Vec<&str> = s.split_whitespace().collect();
    (2..=6).contains(&words.len())
        && !is_upper(s)
        && words
            .iter()
            .all(|w| w.chars().next().is_some_and(char::is_uppercase))
        && s.chars().all(|c| c.is_alphabetic() || c == ' ' || c == '.')
}

/// The signature block after line `from` (the end of the title).
pub fn read(lines: &[&str], from: usize) -> Option<Signature> {
    let (first, right) = lines.iter().enumerate().skip(from).find_map(|(i, l)| {
        segments(l)
            .into_iter()
            .find(|s| is_capacity(s.text) || is_position(s.text))
            .map(|s| (i, s.right))
    })?;
    let recipients_before = (from..first).find(|&i| is_recipients(lines[i]) && !right);
    let block = column(lines, first, right);
    let capacities: Vec<&(usize, &str)> = block.iter().filter(|(_, s)| is_capacity(s)).collect();
    let capacity = capacities.first().map(|(i, _)| {
        let joined: Vec<String> = capacities.iter().map(|(_, s)| one_space(s)).collect();
        Field::at(joined.join(" / "), *i)
    });
    let position = block
        .iter()
        .rev()
        .find(|(_, s)| is_upper(s) && !is_capacity(s))
        .map(|(i, s)| Field::at(one_space(s), *i))
        .or_else(|| {
            let (i, s) = capacities.last()?;
            let (_, rest) = s.split_once('.')?;
            Some(Field::at(one_space(rest), *i))
        });
    let signer = block
        .iter()
        .rev()
        .find(|(_, s)| is_name(s))
        .map(|(i, s)| Field::at(one_space(s), *i));
    Some(Signature {
        start: recipients_before.unwrap_or(first),
        signer,
        position,
        capacity,
    })
}

/// The texts of the signature column from line `first` on, with their line indexes: the
/// right column only when the block stands right, else whole lines up to the recipients. The
/// block ends at an upper-case line after the name (an annex's header).
fn column<'a>(lines: &[&'a str], first: usize, right: bool) -> Vec<(usize, &'a str)> {
    let mut out = Vec::new();
    let mut named = false;
    for (i, line) in lines.iter().enumerate().skip(first) {
        let segs: Vec<Segment<'a>> = segments(line);
        if !right && segs.first().is_some_and(|s| is_recipients(s.text)) {
            break;
        }
        if named
            && segs
                .iter()
                .any(|s| is_upper(s.text) && !is_capacity(s.text))
        {
            break;
        }
        for s in segs.into_iter().filter(|s| s.right == right || !right) {
            if is_rule(s.text) || s.text.starts_with(['(', '[']) {
                continue;
            }
            named |= is_name(s.text);
            out.push((i, s.text));
        }
    }
    out
}
