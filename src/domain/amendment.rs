//! The instructions of an amending document (văn bản sửa đổi, bổ sung, bãi bỏ, thay thế), read
//! from its text: what it does (sửa đổi, bổ sung / bãi bỏ / thay thế / hết hiệu lực), to which
//! document, to which provisions, and — for an amendment — the new wording it quotes.
//!
//! The shape follows how local documents are drafted (Luật 80/2015, Điều 154 khoản 1 điểm b;
//! Luật 64/2025, Điều 57 khoản 1; the drafting rules of Nghị định 34/2016 and 79/2025 on how an
//! amending document names what it changes):
//!
//! ```text
//! Điều 1. Sửa đổi, bổ sung một số điều của Quyết định số 12/2018/QĐ-UBND ngày … như sau:
//! 1. Sửa đổi, bổ sung khoản 2 Điều 5 như sau:
//! “2. Nội dung mới …”
//! 2. Bãi bỏ Điều 7.
//! ```
//!
//! The document named in a heading applies to the list under it, until the next article of the
//! amending document. A heading that names provisions without quoting a wording (“Sửa đổi Điều
//! 5 như sau:” then “a) Sửa đổi khoản 2 như sau: …”) completes the shorter references under it.
//! Pure: no I/O. The document-entry work reuses it to draft effects from a signed text.

use chrono::NaiveDate;

use super::number::DocumentNumber;
use super::structure::{key_part, parse_reference, split_part, NodeKind};
use super::text::{date_in_text, fold, nfc_keep};

/// What an instruction does to the provisions (or the document) it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum InstructionKind {
    /// "sửa đổi, bổ sung", "sửa đổi", "bổ sung" (a new wording, or a provision added).
    Amend,
    /// "bãi bỏ".
    Repeal,
    /// "thay thế".
    Replace,
    /// "… hết hiệu lực (kể từ ngày …)": the acting document ends the target, as a repeal does.
    Expire,
}

impl InstructionKind {
    /// The effect kind (`domain::kinds::EffectKind` code) an effect record of it carries.
    pub fn effect_code(self) -> &'static str {
        match self {
            InstructionKind::Amend => "amend",
            InstructionKind::Repeal | InstructionKind::Expire => "repeal",
            InstructionKind::Replace => "replace",
        }
    }
}

/// One instruction of an amending document.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Instruction {
    pub kind: InstructionKind,
    /// The target document's number as written (NFC), when the instruction or the heading
    /// above it names one.
    pub target: Option<String>,
    /// Provision keys (`dieu-5/khoan-2`); empty: the whole document.
    pub provisions: Vec<String>,
    /// The quoted new wording (NFC, without the outer quotes, keeping its own numbering).
    pub wording: Option<String>,
    /// The line (1-based) where the instruction starts.
    pub line: usize,
    /// The date the instruction carries ("kể từ ngày 01/01/2020").
    pub date: Option<NaiveDate>,
    /// Whether the instruction announces a new wording ("… như sau:", or a quote on its line),
    /// as an amendment giving one does; an article's caption ("Điều 1. Sửa đổi khoản 3 Điều
    /// 6") names the change without announcing it.
    pub announced: bool,
}

impl Instruction {
    /// Whether the instruction's target is `number` (compared as document numbers: case,
    /// diacritics and spacing aside).
    pub fn targets(&self, number: &str) -> bool {
        let key = |s: &str| DocumentNumber::parse(s).map(|n| n.key()).ok();
        match (&self.target, key(number)) {
            (Some(t), Some(k)) => key(t).as_deref() == Some(k.as_str()),
            _ => false,
        }
    }

    /// The new wording of `key`: the whole quoted wording when the instruction names one
    /// provision, else the part of it that starts with the provision's own number (“2. …”,
    /// “a) …”, “Điều 5. …”) up to the next sibling's.
    pub fn wording_for(&self, key: &str) -> Option<String> {
        let wording = self.wording.as_ref()?;
        if !self.provisions.iter().any(|p| p == key) {
            return None;
        }
        if self.provisions.len() == 1 {
            return Some(wording.clone());
        }
        let labels: Vec<String> = self.provisions.iter().filter_map(|p| label(p)).collect();
        let own = label(key)?;
        let mut out: Vec<&str> = Vec::new();
        let mut inside = false;
        for line in wording.lines() {
            if let Some(l) = labels.iter().find(|l| starts_with_label(line, l)) {
                inside = *l == own;
            }
            if inside {
                out.push(line);
            }
        }
        (!out.is_empty()).then(|| out.join("\n"))
    }
}

/// How the last part of `key` opens its own wording: `2.` for a clause, `a)` for a point,
/// `Điều 5.` for an article.
fn label(key: &str) -> Option<String> {
    let last = key.rsplit('/').next()?;
    let (kind, l) = split_part(last)?;
    Some(match kind {
        NodeKind::Khoan => format!("{l}."),
        NodeKind::Diem => format!("{l})"),
        k => format!("{} {l}.", k.word()),
    })
}

fn starts_with_label(line: &str, label: &str) -> bool {
    let line = line.trim_start_matches(['“', '"', ' ', '\t']);
    fold(line)
        .to_lowercase()
        .starts_with(&fold(label).to_lowercase())
}

/// Reads every instruction of `text` in order.
pub fn parse(text: &str) -> Vec<Instruction> {
    let text = nfc_keep(text);
    let lines: Vec<&str> = text.lines().collect();
    let mut p = Parser::default();
    let mut i = 0;
    while i < lines.len() {
        i = p.line(&lines, i);
    }
    p.out
}

/// What the lines read so far leave in force for the next ones.
#[derive(Default)]
struct Parser {
    out: Vec<Instruction>,
    /// The document named by the heading in force (until the next article).
    target: Option<String>,
    /// The kind of the heading in force, for list items that name only provisions.
    kind: Option<InstructionKind>,
    /// The provision named by a heading with no wording, completing shorter references.
    context: Option<String>,
}

impl Parser {
    /// Reads the line `i` (and the wording quoted after it); returns the next line to read.
    fn line(&mut self, lines: &[&str], i: usize) -> usize {
        let l = Line::read(lines[i]);
        if l.article_heading {
            self.target = None;
            self.kind = None;
            self.context = None;
        }
        if l.preamble {
            return i + 1;
        }
        let kind = match (l.kind, self.kind) {
            (Some(k), _) => k,
            (None, Some(k)) if l.list_item && !l.items.is_empty() => k,
            _ => return i + 1,
        };
        let (wording, next) = quoted(lines, i, l.quote_from);
        let provisions = self.keys(&l.items);
        let heading = wording.is_none() && l.ends_colon && !next_is_quote(lines, next);
        if heading {
            if !l.numbers.is_empty() {
                self.target = l.numbers.first().cloned();
            }
            self.kind = Some(kind);
            self.context = match provisions.as_slice() {
                [one] => Some(one.clone()),
                _ => None,
            };
            // Provisions named with nothing under them that acts: an instruction whose
            // wording is not quoted (reported as such).
            if provisions.is_empty() || next_acts(lines, next) {
                return next;
            }
        } else if l.items.first().is_some_and(|it| it.kind == NodeKind::Dieu) && l.kind.is_some() {
            // A complete reference of its own: the provision heading above no longer applies.
            self.context = None;
        }
        let target = l.numbers.first().cloned().or_else(|| self.target.clone());
        if provisions.is_empty() {
            if kind == InstructionKind::Amend || l.numbers.is_empty() {
                return next;
            }
            for n in &l.numbers {
                self.push(kind, Some(n.clone()), Vec::new(), None, i, &l);
            }
            return next;
        }
        self.push(kind, target, provisions, wording, i, &l);
        next
    }

    fn push(
        &mut self,
        kind: InstructionKind,
        target: Option<String>,
        provisions: Vec<String>,
        wording: Option<String>,
        i: usize,
        l: &Line,
    ) {
        self.out.push(Instruction {
            kind,
            target,
            provisions,
            announced: wording.is_some() || l.ends_colon || l.quote_from.is_some(),
            wording,
            line: i + 1,
            date: l.date,
        });
    }

    /// The keys of the references on a line, completed by the provision heading in force.
    fn keys(&self, items: &[Item]) -> Vec<String> {
        let mut keys = Vec::new();
        for chain in chains(items) {
            let mut key = chain.join("/");
            let whole = ["dieu-", "chuong-", "phu-luc"];
            if !whole.iter().any(|w| key.starts_with(w)) {
                if let Some(c) = &self.context {
                    key = format!("{c}/{key}");
                }
            }
            if let Ok(k) = parse_reference(&key) {
                if !keys.contains(&k) {
                    keys.push(k);
                }
            }
        }
        keys
    }
}

/// One reference word with its label (`khoản 2`), in the order written.
#[derive(Debug, Clone)]
struct Item {
    kind: NodeKind,
    label: String,
    /// Written after "sau"/"trước" ("bổ sung Điều 5a vào sau Điều 5"): a position, not a target.
    anchor: bool,
}

fn level(k: NodeKind) -> u8 {
    match k {
        NodeKind::Diem => 0,
        NodeKind::Khoan => 1,
        NodeKind::Dieu => 2,
        NodeKind::Muc => 3,
        NodeKind::Chuong => 4,
        NodeKind::PhuLuc => 5,
    }
}

/// Groups references written innermost first into keys' parts, outermost first: "điểm a, điểm
/// b khoản 1 Điều 2" → `dieu-2/khoan-1/diem-a`, `dieu-2/khoan-1/diem-b`; "khoản 2 Điều 5, Điều
/// 6" → `dieu-5/khoan-2`, `dieu-6`. A reference of a lower level after a higher one starts a
/// new chain; an anchor only lends its containers.
fn chains(items: &[Item]) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut chain: Vec<Vec<&Item>> = Vec::new();
    let mut flush = |chain: &mut Vec<Vec<&Item>>| {
        let runs = std::mem::take(chain);
        for (r, run) in runs.iter().enumerate() {
            for (j, item) in run.iter().enumerate() {
                if item.anchor || (r > 0 && j == 0) {
                    continue;
                }
                let mut parts = vec![part(item)];
                let has_article = item.kind == NodeKind::Dieu
                    || runs[r + 1..].iter().any(|x| x[0].kind == NodeKind::Dieu);
                for outer in &runs[r + 1..] {
                    let c = outer[0];
                    if has_article && level(c.kind) > level(NodeKind::Dieu) {
                        continue;
                    }
                    parts.push(part(c));
                }
                parts.reverse();
                out.push(parts);
            }
        }
    };
    for item in items {
        let lv = level(item.kind);
        let last = chain.last().map(|run| level(run[0].kind));
        match last {
            Some(l) if lv == l && !item.anchor && chain.len() == 1 => {
                chain.last_mut().into_iter().for_each(|run| run.push(item));
            }
            Some(l) if lv == l && item.anchor => {
                chain.last_mut().into_iter().for_each(|run| run.push(item));
            }
            Some(l) if lv > l => chain.push(vec![item]),
            Some(l) if lv == l && chain.last().is_some_and(|run| run.len() == 1) => {
                // "khoản 2 Điều 5, Điều 6": another article after the container.
                chain.last_mut().into_iter().for_each(|run| run.push(item));
            }
            Some(_) => {
                flush(&mut chain);
                chain.push(vec![item]);
            }
            None => chain.push(vec![item]),
        }
    }
    flush(&mut chain);
    out
}

fn part(item: &Item) -> String {
    key_part(item.kind, &item.label)
}

/// What one line says, read outside its quotes and parentheses.
#[derive(Default)]
struct Line {
    kind: Option<InstructionKind>,
    items: Vec<Item>,
    numbers: Vec<String>,
    date: Option<NaiveDate>,
    /// The line opens an article of the amending document ("Điều 1. …").
    article_heading: bool,
    /// A list item ("1.", "a)", "-").
    list_item: bool,
    /// "Căn cứ …", "Theo đề nghị …", "Xét …": the preamble, which cites but does not act.
    preamble: bool,
    /// Ends with ":" (outside quotes), as "như sau:" does.
    ends_colon: bool,
    /// Char index where a quote opens after "như sau:" on the same line.
    quote_from: Option<usize>,
}

/// A word of a line: its text as written and folded (lower case, no diacritics).
struct Word {
    text: String,
    folded: String,
}

const KEYWORDS: &[(&str, InstructionKind)] = &[
    ("sua doi", InstructionKind::Amend),
    ("bo sung", InstructionKind::Amend),
    ("bai bo", InstructionKind::Repeal),
    ("thay the", InstructionKind::Replace),
    ("het hieu luc", InstructionKind::Expire),
];

impl Line {
    fn read(raw: &str) -> Line {
        let chars: Vec<char> = raw.chars().collect();
        let mask = outside(&chars);
        // "như sau:" then a quote on the same line: the wording starts there.
        let quote_from = (0..chars.len()).find(|&k| !mask[k] && is_open_quote(chars[k]));
        let visible: String = chars
            .iter()
            .enumerate()
            .map(|(k, c)| if mask[k] { *c } else { ' ' })
            .collect();
        let mut words: Vec<Word> = visible
            .split(|c: char| c.is_whitespace() || ",;:()".contains(c))
            .filter(|w| !w.is_empty())
            .map(|w| Word {
                text: w.to_string(),
                folded: fold(w).to_lowercase(),
            })
            .collect();
        let mut l = Line::default();
        let first = words.first().map(|w| w.folded.as_str()).unwrap_or("");
        l.preamble = matches!(first, "can" | "theo" | "xet")
            && words
                .get(1)
                .is_some_and(|w| matches!(w.folded.as_str(), "cu" | "de" | "nghi" | "ket"));
        if first == "dieu" && words.get(1).is_some_and(|w| w.text.ends_with('.')) {
            l.article_heading = true;
            words.drain(..2.min(words.len()));
        } else if let Some(marker) = list_marker(raw) {
            l.list_item = true;
            if words.first().is_some_and(|w| w.text == marker) {
                words.remove(0);
            }
        }
        let folded: Vec<&str> = words.iter().map(|w| w.folded.as_str()).collect();
        let joined = format!(" {} ", folded.join(" "));
        l.kind = KEYWORDS
            .iter()
            .filter_map(|(k, kind)| joined.find(&format!(" {k} ")).map(|at| (at, *kind)))
            .min_by_key(|(at, _)| *at)
            .map(|(_, k)| k);
        let stop = (0..folded.len())
            .find(|&k| folded[k] == "nhu" && folded.get(k + 1) == Some(&"sau"))
            .unwrap_or(folded.len());
        l.items = references(&words[..stop]);
        l.numbers = numbers(&words);
        l.date = date_after(&folded, &words);
        let trimmed: String = visible.trim_end().to_string();
        l.ends_colon = trimmed.ends_with(':');
        l.quote_from = quote_from.filter(|&k| visible[..byte_at(&visible, k)].contains(':'));
        l
    }
}

/// The list marker opening a line (`1.`, `a)`, `-`), as the words of the line hold it.
fn list_marker(raw: &str) -> Option<&str> {
    let first = raw.split_whitespace().next()?;
    if first == "-" || first == "+" {
        return Some("");
    }
    let bare = first
        .strip_suffix('.')
        .or_else(|| first.strip_suffix(')'))?;
    let short = !bare.is_empty() && bare.chars().count() <= 3;
    (short && bare.chars().all(char::is_alphanumeric)).then(|| {
        if first.ends_with(')') {
            bare
        } else {
            first
        }
    })
}

fn byte_at(s: &str, k: usize) -> usize {
    s.char_indices().nth(k).map_or(s.len(), |(b, _)| b)
}

/// For each char, whether it is outside quotes and parentheses.
fn outside(chars: &[char]) -> Vec<bool> {
    let mut depth = 0usize;
    let mut straight = false;
    let mut parens = 0usize;
    chars
        .iter()
        .map(|&c| {
            let before = depth == 0 && !straight && parens == 0;
            match c {
                '“' | '«' => depth += 1,
                '”' | '»' => depth = depth.saturating_sub(1),
                '"' => straight = !straight,
                '(' if depth == 0 && !straight => parens += 1,
                ')' if depth == 0 && !straight => parens = parens.saturating_sub(1),
                _ => {}
            }
            before && depth == 0 && !straight && parens == 0 && c != ')'
        })
        .collect()
}

fn is_open_quote(c: char) -> bool {
    matches!(c, '“' | '"' | '«')
}

/// The references on a line: kind words followed by labels, lists of labels ("khoản 2, 3").
fn references(words: &[Word]) -> Vec<Item> {
    let mut items = Vec::new();
    let mut k = 0;
    while k < words.len() {
        // "Phụ lục II", "Phụ lục" (a document's one annex): two words, then the label if any.
        let annex = words[k].folded == "phu" && words.get(k + 1).is_some_and(|w| w.folded == "luc");
        let Some(kind) = annex
            .then_some(NodeKind::PhuLuc)
            .or_else(|| ref_word(&words[k].folded))
        else {
            k += 1;
            continue;
        };
        let anchor = k > 0 && matches!(words[k - 1].folded.as_str(), "sau" | "truoc");
        let mut j = k + if annex { 2 } else { 1 };
        if annex
            && words
                .get(j)
                .is_none_or(|w| ref_label(kind, &w.text).is_none())
        {
            items.push(Item {
                kind,
                label: String::new(),
                anchor,
            });
            k = j;
            continue;
        }
        while let Some(w) = words.get(j) {
            if w.folded == "va"
                && words
                    .get(j + 1)
                    .is_some_and(|n| ref_label(kind, &n.text).is_some())
            {
                j += 1;
                continue;
            }
            let Some(label) = ref_label(kind, &w.text) else {
                break;
            };
            items.push(Item {
                kind,
                label,
                anchor: anchor && j == k + 1,
            });
            j += 1;
        }
        k = j.max(k + 1);
    }
    items
}

fn ref_word(folded: &str) -> Option<NodeKind> {
    NodeKind::parse(folded).filter(|k| *k != NodeKind::PhuLuc)
}

fn ref_label(kind: NodeKind, text: &str) -> Option<String> {
    let t = text.trim_end_matches(['.', ',', ';']);
    let ok = match kind {
        NodeKind::Chuong | NodeKind::Muc | NodeKind::PhuLuc => {
            !t.is_empty()
                && (t.chars().all(|c| c.is_ascii_digit())
                    || t.chars().all(|c| "IVXLCDM".contains(c)))
        }
        NodeKind::Dieu | NodeKind::Khoan => {
            t.chars().next().is_some_and(|c| c.is_ascii_digit())
                && t.chars().all(|c| c.is_ascii_digit() || c.is_alphabetic())
                && t.chars().filter(|c| c.is_alphabetic()).count() <= 1
        }
        NodeKind::Diem => t.chars().count() == 1 && t.chars().all(char::is_alphabetic),
    };
    ok.then(|| match kind {
        NodeKind::Chuong | NodeKind::Muc | NodeKind::PhuLuc => t.to_uppercase(),
        _ => t.to_lowercase(),
    })
}

/// Document numbers on a line (`12/2018/QĐ-UBND`), as written.
fn numbers(words: &[Word]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for w in words {
        let t = w.text.trim_end_matches(['.', ',', ';']);
        if !t.contains('/') || !t.chars().any(char::is_alphabetic) {
            continue;
        }
        if DocumentNumber::parse(t).is_ok() && !out.iter().any(|n| n == t) {
            out.push(t.to_string());
        }
    }
    out
}

/// The date after "kể từ ngày" / "từ ngày" (not the date a document was signed).
fn date_after(folded: &[&str], words: &[Word]) -> Option<NaiveDate> {
    let at =
        (0..folded.len()).find(|&k| folded[k] == "tu" && folded.get(k + 1) == Some(&"ngay"))?;
    let rest: Vec<&str> = words[at + 1..].iter().map(|w| w.text.as_str()).collect();
    date_in_text(&rest.join(" "))
}

/// Whether the first non-empty line from `i` says what to do (a keyword, or a list item of
/// references under a heading).
fn next_acts(lines: &[&str], i: usize) -> bool {
    lines[i.min(lines.len())..]
        .iter()
        .find(|l| !l.trim().is_empty())
        .is_some_and(|l| {
            let l = Line::read(l);
            l.kind.is_some() || (l.list_item && !l.items.is_empty())
        })
}

/// Whether the first non-empty line from `i` opens a quote.
fn next_is_quote(lines: &[&str], i: usize) -> bool {
    lines[i.min(lines.len())..]
        .iter()
        .find(|l| !l.trim().is_empty())
        .is_some_and(|l| l.trim_start().starts_with(is_open_quote))
}

/// The quoted wording after the instruction on line `i` (on the same line from `from`, or
/// opening on the next non-empty line), and the line after it. Paragraphs quoted one by one
/// (“2. …” then “a) …”) are one wording. A quote never closed gives no wording.
fn quoted(lines: &[&str], i: usize, from: Option<usize>) -> (Option<String>, usize) {
    let mut parts: Vec<String> = Vec::new();
    let mut next = i + 1;
    let mut start = from.map(|k| (i, k));
    loop {
        if start.is_none() {
            let Some(j) = (next..lines.len()).find(|&j| !lines[j].trim().is_empty()) else {
                break;
            };
            if !lines[j].trim_start().starts_with(is_open_quote) {
                break;
            }
            let skip = lines[j].chars().take_while(|c| c.is_whitespace()).count();
            start = Some((j, skip));
        }
        let Some((j, k)) = start.take() else {
            break;
        };
        match block(lines, j, k) {
            Some((text, end)) => {
                parts.push(text);
                next = end + 1;
            }
            None => break,
        }
    }
    if parts.is_empty() {
        return (None, i + 1);
    }
    (Some(parts.join("\n")), next)
}

/// One quote opening at char `k` of line `j`: its text and the line where it closes. Curly
/// quotes nest (“… “x” …”); a straight quote closes when only punctuation follows it on its line.
fn block(lines: &[&str], j: usize, k: usize) -> Option<(String, usize)> {
    let open = lines[j].chars().nth(k)?;
    let mut depth = 0i64;
    let mut out: Vec<String> = Vec::new();
    for (n, line) in lines.iter().enumerate().skip(j) {
        let chars: Vec<char> = line.chars().collect();
        let from = if n == j { k + 1 } else { 0 };
        if n == j {
            depth = 1;
        }
        let mut text = String::new();
        // A paragraph that opens its own quote inside the wording (“2. …: / “a) … / “b) …”)
        // continues it rather than nesting.
        let lead = chars.iter().take_while(|c| c.is_whitespace()).count();
        for (m, &c) in chars.iter().enumerate().skip(from) {
            if n > j && m == lead && open != '"' && (c == '“' || c == '«') && depth == 1 {
                continue;
            }
            let closed = if open == '"' {
                c == '"' && closes_here(&chars[m + 1..])
            } else {
                match c {
                    '“' | '«' => depth += 1,
                    '”' | '»' => depth -= 1,
                    _ => {}
                }
                depth == 0
            };
            if closed {
                out.push(text.trim().to_string());
                return Some((out.join("\n").trim().to_string(), n));
            }
            text.push(c);
        }
        out.push(text.trim().to_string());
    }
    None
}

/// A straight quote closes the wording when only punctuation follows it on its line.
fn closes_here(rest: &[char]) -> bool {
    rest.iter().all(|c| c.is_whitespace() || ".,;".contains(*c))
}

#[cfg(test)]
mod tests;
