//! Word's automatic numbering (`word/numbering.xml`, ECMA-376 Part 1 §17.9) turned into the
//! labels a reader sees: `1.`, `a)`, `II.`, `1.2.`.
//!
//! A paragraph names a `num` (`w:numId`) and a level (`w:ilvl`); the `num` points to an
//! `abstractNum` holding the levels' start, format (`numFmt`), label pattern (`lvlText`, `%1` the
//! first level's counter) and restart rule (`lvlRestart`). As Word does, `num`s of one
//! `abstractNum` share their counters unless a `num` overrides a start (`lvlOverride` /
//! `startOverride`, what "Restart at 1" writes): such a `num` counts on its own, from the
//! override.

use std::collections::HashMap;
use std::io::Read;

use quick_xml::events::Event;

use super::{attr, DocxError, Part};

const LEVELS: usize = 9;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Format {
    #[default]
    Decimal,
    DecimalZero,
    LowerLetter,
    UpperLetter,
    LowerRoman,
    UpperRoman,
    Bullet,
    None,
}

impl Format {
    fn parse(code: &str) -> Format {
        match code {
            "decimalZero" => Format::DecimalZero,
            "lowerLetter" => Format::LowerLetter,
            "upperLetter" => Format::UpperLetter,
            "lowerRoman" => Format::LowerRoman,
            "upperRoman" => Format::UpperRoman,
            "bullet" => Format::Bullet,
            "none" => Format::None,
            // decimal and the formats no Vietnamese legal text uses read as decimal numbers.
            _ => Format::Decimal,
        }
    }

    fn show(self, n: i64) -> String {
        match self {
            Format::Decimal | Format::Bullet => n.to_string(),
            Format::DecimalZero if (0..10).contains(&n) => format!("0{n}"),
            Format::DecimalZero => n.to_string(),
            Format::LowerLetter => letters(n),
            Format::UpperLetter => letters(n).to_uppercase(),
            Format::LowerRoman => roman(n).to_lowercase(),
            Format::UpperRoman => roman(n),
            Format::None => String::new(),
        }
    }
}

/// Word's letters: a … z, then aa … zz, aaa …
fn letters(n: i64) -> String {
    if n < 1 {
        return n.to_string();
    }
    let letter = char::from(b'a' + ((n - 1) % 26) as u8);
    std::iter::repeat_n(letter, ((n - 1) / 26 + 1) as usize).collect()
}

fn roman(n: i64) -> String {
    if !(1..4000).contains(&n) {
        return n.to_string();
    }
    const TABLE: [(i64, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut n = n;
    let mut out = String::new();
    for (value, digits) in TABLE {
        while n >= value {
            out.push_str(digits);
            n -= value;
        }
    }
    out
}

#[derive(Debug, Clone, Default)]
struct Level {
    start: i64,
    format: Format,
    text: String,
    /// `lvlRestart`: restart after a use of a level up to this one (1-based); 0 never; `None`
    /// after any shallower level (the default).
    restart: Option<usize>,
    /// What follows the label: a tab (read as a space) or a space; nothing for `suff="nothing"`.
    separator: bool,
}

#[derive(Debug, Clone, Default)]
struct Num {
    abstract_id: String,
    start_overrides: HashMap<usize, i64>,
}

/// The numbering definitions of a document and the counters as its paragraphs are read.
#[derive(Debug, Default)]
pub(crate) struct Numbering {
    abstracts: HashMap<String, Vec<Option<Level>>>,
    nums: HashMap<String, Num>,
    counters: HashMap<String, [Option<i64>; LEVELS]>,
}

/// Where the reader of `numbering.xml` stands.
#[derive(Default)]
struct Cursor {
    abstract_id: Option<String>,
    level: Option<(usize, Level)>,
    num_id: Option<String>,
    override_level: Option<usize>,
}

impl Numbering {
    pub(crate) fn read<R: Read>(mut part: Part<'_, R>) -> Result<Numbering, DocxError> {
        let mut numbering = Numbering::default();
        let mut at = Cursor::default();
        loop {
            match part.next()? {
                Event::Start(e) | Event::Empty(e) => numbering.open(&mut at, &e),
                Event::End(e) => numbering.close(&mut at, e.local_name().as_ref()),
                Event::Eof => return Ok(numbering),
                _ => {}
            }
        }
    }

    fn open(&mut self, at: &mut Cursor, e: &quick_xml::events::BytesStart<'_>) {
        let val = || attr(e, "val");
        match e.local_name().as_ref() {
            "abstractNum" => at.abstract_id = attr(e, "abstractNumId"),
            "lvl" if at.abstract_id.is_some() => {
                let ilvl = attr(e, "ilvl").and_then(|v| v.parse().ok()).unwrap_or(0);
                let level = Level {
                    start: 1,
                    separator: true,
                    ..Level::default()
                };
                at.level = (ilvl < LEVELS).then_some((ilvl, level));
            }
            "num" => {
                at.num_id = attr(e, "numId");
                if let Some(id) = &at.num_id {
                    self.nums.insert(id.clone(), Num::default());
                }
            }
            "abstractNumId" => {
                if let Some(num) = at.num_id.as_ref().and_then(|id| self.nums.get_mut(id)) {
                    num.abstract_id = val().unwrap_or_default();
                }
            }
            "lvlOverride" => at.override_level = attr(e, "ilvl").and_then(|v| v.parse().ok()),
            "startOverride" => {
                let num = at.num_id.as_ref().and_then(|id| self.nums.get_mut(id));
                if let (Some(num), Some(ilvl), Some(start)) =
                    (num, at.override_level, val().and_then(|v| v.parse().ok()))
                {
                    num.start_overrides.insert(ilvl, start);
                }
            }
            name => {
                if let Some((_, level)) = at.level.as_mut() {
                    match name {
                        "start" => level.start = val().and_then(|v| v.parse().ok()).unwrap_or(1),
                        "numFmt" => level.format = Format::parse(&val().unwrap_or_default()),
                        "lvlText" => level.text = val().unwrap_or_default(),
                        "lvlRestart" => level.restart = val().and_then(|v| v.parse().ok()),
                        "suff" => level.separator = val().as_deref() != Some("nothing"),
                        _ => {}
                    }
                }
            }
        }
    }

    fn close(&mut self, at: &mut Cursor, name: &str) {
        match name {
            "lvl" => {
                if let (Some((ilvl, level)), Some(id)) = (at.level.take(), &at.abstract_id) {
                    let levels = self.abstracts.entry(id.clone()).or_default();
                    if levels.len() <= ilvl {
                        levels.resize(ilvl + 1, None);
                    }
                    levels[ilvl] = Some(level);
                }
            }
            "abstractNum" => at.abstract_id = None,
            "num" => at.num_id = None,
            "lvlOverride" => at.override_level = None,
            _ => {}
        }
    }

    /// The label of the next paragraph numbered `num_id` at level `ilvl`, with its separator
    /// (`"1. "`, `"a) "`), counting it; `None` when the paragraph shows no number.
    pub(crate) fn label(&mut self, num_id: &str, ilvl: usize) -> Option<String> {
        let num = self.nums.get(num_id)?;
        let levels = self.abstracts.get(&num.abstract_id)?;
        let level = levels.get(ilvl)?.as_ref()?;
        let start = |k: usize| {
            num.start_overrides
                .get(&k)
                .copied()
                .or_else(|| levels.get(k).and_then(|l| l.as_ref()).map(|l| l.start))
                .unwrap_or(1)
        };
        let key = if num.start_overrides.is_empty() {
            format!("a{}", num.abstract_id)
        } else {
            format!("n{num_id}")
        };
        let counters = self.counters.entry(key).or_insert([None; LEVELS]);
        counters[ilvl] = Some(counters[ilvl].map_or_else(|| start(ilvl), |c| c + 1));
        for (k, counter) in counters.iter_mut().enumerate().skip(ilvl + 1) {
            let restart = levels
                .get(k)
                .and_then(|l| l.as_ref())
                .and_then(|l| l.restart);
            let reset = match restart {
                None => true,
                Some(0) => false,
                Some(after) => ilvl < after,
            };
            if reset {
                *counter = None;
            }
        }
        let label = match level.format {
            Format::None => return None,
            Format::Bullet => level.text.chars().map(bullet).collect(),
            _ => fill(&level.text, |k| {
                let format = levels.get(k).and_then(|l| l.as_ref()).map(|l| l.format);
                format
                    .unwrap_or_default()
                    .show(counters[k].unwrap_or_else(|| start(k)))
            }),
        };
        if label.trim().is_empty() {
            return None;
        }
        Some(if level.separator { label + " " } else { label })
    }
}

/// `lvlText` with `%1` … `%9` replaced by the levels' numbers.
fn fill(pattern: &str, number: impl Fn(usize) -> String) -> String {
    let mut out = String::new();
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek().and_then(|d| d.to_digit(10))) {
            ('%', Some(d @ 1..=9)) => {
                chars.next();
                out.push_str(&number(d as usize - 1));
            }
            _ => out.push(c),
        }
    }
    out
}

/// A bullet drawn from a symbol font's private-use code point (Symbol, Wingdings) read as a
/// plain bullet; the dash of Symbol as a dash.
fn bullet(c: char) -> char {
    match u32::from(c) {
        0xF02D => '-',
        0xF000..=0xF0FF => '•',
        _ => c,
    }
}
