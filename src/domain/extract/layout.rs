//! How a plain-text rendering of a two-column page reads: the columns of one line (split at a
//! tab or a run of two or more spaces), upper-case blocks, separator rules and the motto.

use crate::domain::text::fold;

/// One column of a line: its text (trimmed) and whether it stands right of the left margin
/// (a later column, or a line indented as a right column is).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment<'a> {
    pub text: &'a str,
    pub right: bool,
}

/// Indentation (in characters, a tab counting as several) from which a lone column is the
/// right one.
const RIGHT_INDENT: usize = 12;

/// The columns of `line`, left to right; empty columns are dropped.
pub fn segments(line: &str) -> Vec<Segment<'_>> {
    let indent: usize = line
        .chars()
        .take_while(|c| c.is_whitespace())
        .map(|c| if c == '\t' { 8 } else { 1 })
        .sum();
    let mut out = Vec::new();
    let mut start = 0;
    let bytes: Vec<(usize, char)> = line.char_indices().collect();
    let mut i = 0;
    while i < bytes.len() {
        let (at, c) = bytes[i];
        let wide_gap = c == '\t'
            || (c == ' '
                && bytes
                    .get(i + 1)
                    .is_some_and(|&(_, n)| n == ' ' || n == '\t'));
        if wide_gap {
            push(&mut out, &line[start..at], indent);
            while i < bytes.len() && bytes[i].1.is_whitespace() {
                i += 1;
            }
            start = bytes.get(i).map_or(line.len(), |&(a, _)| a);
            continue;
        }
        i += 1;
    }
    push(&mut out, &line[start..], indent);
    out
}

fn push<'a>(out: &mut Vec<Segment<'a>>, text: &'a str, indent: usize) {
    let text = text.trim();
    if text.is_empty() {
        return;
    }
    let right = !out.is_empty() || indent >= RIGHT_INDENT;
    out.push(Segment { text, right });
}

/// Whether `s` has letters and every letter is upper case.
pub fn is_upper(s: &str) -> bool {
    let mut letters = s.chars().filter(|c| c.is_alphabetic()).peekable();
    letters.peek().is_some() && letters.all(char::is_uppercase)
}

/// A rule drawn with dashes, underscores or stars.
pub fn is_rule(s: &str) -> bool {
    let s = s.trim();
    !s.is_empty() && s.chars().all(|c| "-_=*~.…– ".contains(c))
}

/// The lower-case folded form (no diacritics) used to recognise words.
pub fn key(s: &str) -> String {
    fold(s).to_lowercase()
}

/// The national motto and its second line.
pub fn is_motto(s: &str) -> bool {
    let k = key(s);
    k.starts_with("cong hoa xa hoi chu nghia") || k.starts_with("doc lap")
}
