//! Document structure (Chương › Mục › Điều › Khoản › Điểm, then the annexes) parsed from plain
//! text, and the addresses of provisions. Every node has a key that addresses it inside its
//! document: `chuong-II`, `chuong-II/muc-1`, `dieu-5`, `dieu-5/khoan-2`, `dieu-5/khoan-2/diem-a`,
//! `phu-luc-I` (`phu-luc` for a document's one unnumbered annex).
//! Article numbers are unique in a document whatever chapter holds them, so an article's key
//! does not include its chapter (a reference "khoản 2 Điều 7" never names the chapter either).
//!
//! An annex (phụ lục, Nghị định 30/2020 Phụ lục I: "PHỤ LỤC I", its title in capitals, then
//! "(Kèm theo Quyết định số …)") comes after the articles and the signature. Everything from
//! its heading to the next annex is its text — tables, lists numbered "1.", even a line
//! beginning "Điều 3" quoted from another text — never a part of the last article.

use super::text::{fold, nfc};

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum NodeKind {
    Chuong,
    Muc,
    Dieu,
    Khoan,
    Diem,
    /// An annex (phụ lục): a top-level node after the articles, its text whole.
    #[serde(rename = "phu-luc")]
    PhuLuc,
}

impl NodeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NodeKind::Chuong => "chuong",
            NodeKind::Muc => "muc",
            NodeKind::Dieu => "dieu",
            NodeKind::Khoan => "khoan",
            NodeKind::Diem => "diem",
            NodeKind::PhuLuc => "phu-luc",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "chuong" => NodeKind::Chuong,
            "muc" => NodeKind::Muc,
            "dieu" => NodeKind::Dieu,
            "khoan" => NodeKind::Khoan,
            "diem" => NodeKind::Diem,
            "phu-luc" => NodeKind::PhuLuc,
            _ => return None,
        })
    }

    /// The Vietnamese word used in references, capitalised as in legal texts.
    pub fn word(self) -> &'static str {
        match self {
            NodeKind::Chuong => "Chương",
            NodeKind::Muc => "Mục",
            NodeKind::Dieu => "Điều",
            NodeKind::Khoan => "khoản",
            NodeKind::Diem => "điểm",
            NodeKind::PhuLuc => "Phụ lục",
        }
    }
}

/// One part of a key (`dieu-5`, `phu-luc-II`, `phu-luc`) as its kind and label (empty for an
/// unnumbered annex). The annex's kind holds a hyphen itself, so it is matched first.
pub fn split_part(part: &str) -> Option<(NodeKind, &str)> {
    if part == "phu-luc" {
        return Some((NodeKind::PhuLuc, ""));
    }
    if let Some(label) = part.strip_prefix("phu-luc-") {
        return (!label.is_empty()).then_some((NodeKind::PhuLuc, label));
    }
    let (kind, label) = part.split_once('-')?;
    let kind = NodeKind::parse(kind).filter(|k| *k != NodeKind::PhuLuc)?;
    (!label.is_empty()).then_some((kind, label))
}

/// The key part of a node of `kind` numbered `label` (the reverse of [`split_part`]).
pub fn key_part(kind: NodeKind, label: &str) -> String {
    if label.is_empty() {
        kind.as_str().to_string()
    } else {
        format!("{}-{label}", kind.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    pub kind: NodeKind,
    /// The number or letter as written: `II`, `1`, `5`, `2`, `a`.
    pub label: String,
    pub key: String,
    /// Index of the parent node in [`Structure::nodes`].
    pub parent: Option<usize>,
    pub heading: String,
    pub body: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Structure {
    pub preamble: String,
    pub nodes: Vec<Node>,
}

impl Structure {
    pub fn find(&self, key: &str) -> Option<&Node> {
        self.nodes.iter().find(|n| n.key == key)
    }

    pub fn articles(&self) -> impl Iterator<Item = &Node> {
        self.nodes.iter().filter(|n| n.kind == NodeKind::Dieu)
    }

    pub fn annexes(&self) -> impl Iterator<Item = &Node> {
        self.nodes.iter().filter(|n| n.kind == NodeKind::PhuLuc)
    }

    /// Keys of the chapter and section that contain node `i` (outermost first).
    pub fn containers(&self, i: usize) -> Vec<String> {
        let mut out = Vec::new();
        let mut p = self.nodes.get(i).and_then(|n| n.parent);
        while let Some(j) = p {
            if let Some(n) = self.nodes.get(j) {
                if matches!(n.kind, NodeKind::Chuong | NodeKind::Muc) {
                    out.push(n.key.clone());
                }
                p = n.parent;
            } else {
                break;
            }
        }
        out.reverse();
        out
    }
}

/// What one line of text opens, if anything.
enum Line<'a> {
    Chuong(String, &'a str),
    Muc(String, &'a str),
    Dieu(String, &'a str),
    Khoan(String, &'a str),
    Diem(String, &'a str),
    PhuLuc(String, &'a str),
    Text(&'a str),
}

fn roman_or_digits(s: &str) -> bool {
    !s.is_empty()
        && (s.chars().all(|c| c.is_ascii_digit()) || s.chars().all(|c| "IVXLC".contains(c)))
}

/// Splits `word label rest` where `word` matches (folded, case-insensitive) `kw`.
fn keyword_line<'a>(line: &'a str, kw: &str) -> Option<(String, &'a str)> {
    // Cheap test first: this runs on every line of every text.
    if !line
        .chars()
        .next()
        .is_some_and(|c| c.eq_ignore_ascii_case(&kw.chars().next().unwrap_or(' ')))
    {
        return None;
    }
    let mut it = line.splitn(2, char::is_whitespace);
    let word = it.next()?;
    if word.len() > 8 || fold(word).to_lowercase() != kw {
        return None;
    }
    let rest = it.next()?.trim_start();
    let end = rest
        .find(|c: char| c.is_whitespace() || c == '.' || c == ':' || c == '-' || c == '–')
        .unwrap_or(rest.len());
    let label = &rest[..end];
    let tail = rest[end..].trim_start_matches(|c: char| c.is_whitespace() || ".:-–".contains(c));
    Some((label.to_string(), tail.trim()))
}

/// An annex's heading line: "PHỤ LỤC", "PHỤ LỤC I", "PHỤ LỤC SỐ 02: DANH MỤC …", "Phụ lục
/// II", "Phụ lục kèm theo Quyết định số …". Answers the label as written (empty when the annex
/// is not numbered) and what follows it on the line. Written in small letters ("Phụ lục I") the
/// line must hold nothing but the number, a parenthesis or "kèm theo …": a sentence that begins
/// with the words ("Phụ lục I quy định …") is text.
pub fn annex_heading(line: &str) -> Option<(String, &str)> {
    let line = line.trim();
    if !line.starts_with(['P', 'p']) {
        return None;
    }
    let mut words = line.splitn(3, char::is_whitespace);
    let (w1, w2) = (words.next()?, words.next()?);
    let w2 = w2.trim_end_matches(['.', ':']);
    if fold(w1).to_lowercase() != "phu" || fold(w2).to_lowercase() != "luc" {
        return None;
    }
    let capitals = w1.chars().all(char::is_uppercase) && w2.chars().all(char::is_uppercase);
    if !capitals && !w1.starts_with('P') {
        return None;
    }
    let mut rest = words.next().unwrap_or("").trim_start();
    if let Some(after) = rest
        .strip_prefix("SỐ ")
        .or_else(|| rest.strip_prefix("số "))
    {
        rest = after.trim_start();
    }
    let end = rest
        .find(|c: char| c.is_whitespace() || ".:-–,".contains(c))
        .unwrap_or(rest.len());
    let label = if roman_or_digits(&rest[..end]) {
        let l = &rest[..end];
        rest = &rest[end..];
        l
    } else {
        ""
    };
    let separated = rest.trim_start().starts_with([':', '.', '-', '–']);
    let tail = rest
        .trim_start_matches(|c: char| c.is_whitespace() || ".:-–".contains(c))
        .trim();
    if !capitals {
        let k = fold(tail).to_lowercase();
        let attached = k.starts_with("kem theo") || k.starts_with("ban hanh kem theo");
        let titled = !label.is_empty() && separated;
        let ok = tail.is_empty()
            || tail.starts_with('(')
            || ((attached || titled) && !tail.ends_with([';', ':', '.']));
        if !ok {
            return None;
        }
    }
    Some((label.to_string(), tail))
}

/// An annex's heading on `line`, the line before it being `prev` (the last line with text):
/// a heading in small letters right after a line that stops mid-sentence (ending with a comma
/// or a word in small letters: "… quy định tại" / "Phụ lục 01.") is a sentence wrapped by a
/// PDF, not a heading. "PHỤ LỤC" in capitals is a heading wherever it stands.
pub fn annex_at<'a>(prev: Option<&str>, line: &'a str) -> Option<(String, &'a str)> {
    let found = annex_heading(line)?;
    let capitals = line.split_whitespace().take(2).all(|w| {
        w.chars()
            .filter(|c| c.is_alphabetic())
            .all(char::is_uppercase)
    });
    let wrapped = prev.is_some_and(|p| {
        let p = p.trim_end();
        p.ends_with(',')
            || p.split_whitespace()
                .last()
                .and_then(|w| w.chars().next())
                .is_some_and(char::is_lowercase)
    });
    (capitals || !wrapped).then_some(found)
}

/// Whether a line continues an annex's title: capitals, no tab (a table's header row), not
/// the "(Kèm theo …)" line.
pub fn is_annex_title(line: &str) -> bool {
    let t = line.trim();
    let mut letters = t.chars().filter(|c| c.is_alphabetic()).peekable();
    letters.peek().is_some()
        && letters.all(char::is_uppercase)
        && !t.contains('\t')
        && !t.starts_with(['(', '['])
}

/// Whether what follows "PHỤ LỤC I" on its line is the annex's title rather than its text:
/// "(Kèm theo …)" and "kèm theo …" are text.
fn tail_is_title(tail: &str) -> bool {
    let k = fold(tail).to_lowercase();
    !tail.is_empty()
        && !tail.starts_with('(')
        && !k.starts_with("kem theo")
        && !k.starts_with("ban hanh kem theo")
}

fn classify<'a>(line: &'a str, prev: Option<&str>, in_article: bool, in_annex: bool) -> Line<'a> {
    if let Some((label, rest)) = annex_at(prev, line) {
        return Line::PhuLuc(label, rest);
    }
    if in_annex {
        return Line::Text(line);
    }
    if let Some((label, rest)) = keyword_line(line, "chuong") {
        if roman_or_digits(&label) {
            return Line::Chuong(label, rest);
        }
    }
    if let Some((label, rest)) = keyword_line(line, "muc") {
        if roman_or_digits(&label) {
            return Line::Muc(label, rest);
        }
    }
    // "Điều" must be written with its diacritics and a capital: "điều 5" inside a sentence is
    // a cross reference, not a heading.
    if let Some(rest) = line
        .strip_prefix("Điều ")
        .or_else(|| line.strip_prefix("ĐIỀU "))
    {
        let digits = rest.chars().take_while(char::is_ascii_digit).count();
        if digits > 0 {
            let after = &rest[digits..];
            let suffix = after
                .chars()
                .next()
                .filter(|c| c.is_lowercase() && c.is_alphabetic());
            let label_len = digits + suffix.map_or(0, char::len_utf8);
            let tail = &rest[label_len..];
            if tail.is_empty() || tail.starts_with(['.', ':', ' ']) {
                let heading = tail.trim_start_matches(['.', ':', ' ']).trim();
                return Line::Dieu(rest[..label_len].to_string(), heading);
            }
        }
    }
    if in_article {
        let digits = line.chars().take_while(char::is_ascii_digit).count();
        if digits > 0 && digits <= 3 {
            if let Some(rest) = line[digits..].strip_prefix(". ") {
                return Line::Khoan(line[..digits].to_string(), rest.trim());
            }
        }
        let mut chars = line.char_indices();
        if let (Some((_, c)), Some((i, ')'))) = (chars.next(), chars.next()) {
            if c.is_lowercase() && c.is_alphabetic() {
                if let Some(rest) = line[i + 1..].strip_prefix(' ') {
                    return Line::Diem(c.to_string(), rest.trim());
                }
            }
        }
    }
    Line::Text(line)
}

fn append(buf: &mut String, line: &str) {
    if !buf.is_empty() {
        buf.push('\n');
    }
    buf.push_str(line);
}

/// Parses a full text. Unrecognised lines continue the element before them; lines before the
/// first structural element form the preamble. A repeated key (a text that numbers an article
/// twice) is kept as text of the element before it, so keys stay unique.
pub fn parse(text: &str) -> Structure {
    let text = nfc(text);
    let mut s = Structure::default();
    let mut at = Open::default();
    let mut keys = std::collections::HashSet::new();
    let mut prev: Option<&str> = None;

    for raw in text.lines() {
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        let before = prev.replace(line);
        let (kind, label, rest) =
            match classify(line, before, at.article.is_some(), at.annex.is_some()) {
                Line::Text(t) => {
                    at.continue_with(&mut s, t);
                    continue;
                }
                Line::Chuong(l, r) => (NodeKind::Chuong, l, r),
                Line::Muc(l, r) => (NodeKind::Muc, l, r),
                Line::Dieu(l, r) => (NodeKind::Dieu, l, r),
                Line::Khoan(l, r) => (NodeKind::Khoan, l, r),
                Line::Diem(l, r) => (NodeKind::Diem, l, r),
                Line::PhuLuc(l, r) => (NodeKind::PhuLuc, l, r),
            };
        let (parent, key) = at.place(&s, kind, &label);
        if !keys.insert(key.clone()) {
            match at.current {
                Some(i) => append(&mut s.nodes[i].body, line),
                None => append(&mut s.preamble, line),
            }
            continue;
        }
        let (heading, body) = match kind {
            NodeKind::Chuong | NodeKind::Muc | NodeKind::Dieu => (rest.to_string(), String::new()),
            NodeKind::Khoan | NodeKind::Diem => (String::new(), rest.to_string()),
            NodeKind::PhuLuc if tail_is_title(rest) => (rest.to_string(), String::new()),
            NodeKind::PhuLuc => (String::new(), rest.to_string()),
        };
        s.nodes.push(Node {
            kind,
            label,
            key,
            parent,
            heading,
            body,
        });
        at.opened(kind, s.nodes.len() - 1, rest.is_empty());
    }
    s
}

/// The elements open while a text is parsed: the innermost of each level, and the element
/// the next unrecognised line continues.
#[derive(Default)]
struct Open {
    chapter: Option<usize>,
    section: Option<usize>,
    article: Option<usize>,
    clause: Option<usize>,
    /// The annex being read: every line up to the next annex is its text.
    annex: Option<usize>,
    current: Option<usize>,
    /// A chapter or section title on the line after "Chương I".
    expect_title: bool,
    /// An annex's title: the lines in capitals after "PHỤ LỤC I" (joined by one space).
    annex_title: bool,
}

impl Open {
    /// A line that opens nothing: the title of the chapter just opened, or more text of the
    /// current element (the preamble before any).
    fn continue_with(&mut self, s: &mut Structure, t: &str) {
        match self.current {
            Some(i) if self.annex_title && is_annex_title(t) && s.nodes[i].body.is_empty() => {
                let n = &mut s.nodes[i];
                if !n.heading.is_empty() {
                    n.heading.push(' ');
                }
                n.heading.push_str(t);
                return;
            }
            Some(i) => {
                let n = &mut s.nodes[i];
                if self.expect_title && n.heading.is_empty() {
                    n.heading = t.to_string();
                } else {
                    append(&mut n.body, t);
                }
            }
            None => append(&mut s.preamble, t),
        }
        self.expect_title = false;
        self.annex_title = false;
    }

    /// The parent and the key of a new element of `kind` numbered `label`.
    fn place(&self, s: &Structure, kind: NodeKind, label: &str) -> (Option<usize>, String) {
        match kind {
            NodeKind::Chuong => (None, format!("chuong-{label}")),
            NodeKind::Muc => {
                let base = self
                    .chapter
                    .map(|c| format!("{}/", s.nodes[c].key))
                    .unwrap_or_default();
                (self.chapter, format!("{base}muc-{label}"))
            }
            NodeKind::Dieu => (self.section.or(self.chapter), format!("dieu-{label}")),
            NodeKind::Khoan => {
                let a = self.article.unwrap_or_default();
                (self.article, format!("{}/khoan-{label}", s.nodes[a].key))
            }
            NodeKind::Diem => {
                let p = self.clause.or(self.article).unwrap_or_default();
                (Some(p), format!("{}/diem-{label}", s.nodes[p].key))
            }
            NodeKind::PhuLuc => (None, key_part(NodeKind::PhuLuc, label)),
        }
    }

    /// Element `idx` of `kind` was opened; `bare` when its line had no text after the number.
    fn opened(&mut self, kind: NodeKind, idx: usize, bare: bool) {
        self.current = Some(idx);
        self.expect_title = matches!(kind, NodeKind::Chuong | NodeKind::Muc) && bare;
        // The title may also follow "PHỤ LỤC I: DANH MỤC …" on more lines in capitals.
        self.annex_title = kind == NodeKind::PhuLuc;
        match kind {
            NodeKind::Chuong => {
                self.chapter = Some(idx);
                self.section = None;
                self.article = None;
                self.clause = None;
            }
            NodeKind::Muc => {
                self.section = Some(idx);
                self.article = None;
                self.clause = None;
            }
            NodeKind::Dieu => {
                self.article = Some(idx);
                self.clause = None;
            }
            NodeKind::Khoan => self.clause = Some(idx),
            NodeKind::Diem => {}
            NodeKind::PhuLuc => {
                self.annex = Some(idx);
                self.chapter = None;
                self.section = None;
                self.article = None;
                self.clause = None;
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("không hiểu địa chỉ quy định «{0}»: cần dạng «Điều 5», «khoản 2 Điều 7», «điểm a khoản 2 Điều 7», «Chương II» hoặc «Phụ lục I»")]
pub struct ReferenceError(pub String);

/// Parses a reference as written in legal texts (`khoản 2 Điều 7`, `điểm a khoản 1 Điều 3`,
/// `Chương II`, `Mục 1 Chương II`, `Phụ lục I`, `Phụ lục`) or a key (`dieu-7/khoan-2`,
/// `phu-luc-I`) into a key. An annex is addressed whole.
pub fn parse_reference(input: &str) -> Result<String, ReferenceError> {
    let input = nfc(input);
    let err = || ReferenceError(input.clone());
    if input.contains('-') && !input.contains(' ') {
        // Already a key: check its shape (an annex only on its own).
        let parts: Vec<&str> = input.split('/').collect();
        for part in &parts {
            let (kind, _) = split_part(part).ok_or_else(err)?;
            if kind == NodeKind::PhuLuc && parts.len() > 1 {
                return Err(err());
            }
        }
        return Ok(input);
    }
    if let Some(label) = annex_reference(&input) {
        return label
            .map(|l| key_part(NodeKind::PhuLuc, &l))
            .ok_or_else(err);
    }
    let tokens: Vec<&str> = input.split_whitespace().collect();
    if tokens.is_empty() || !tokens.len().is_multiple_of(2) {
        return Err(err());
    }
    let mut parts: Vec<(NodeKind, String)> = Vec::new();
    for pair in tokens.chunks(2) {
        let kind = match fold(pair[0]).to_lowercase().as_str() {
            "chuong" => NodeKind::Chuong,
            "muc" => NodeKind::Muc,
            "dieu" => NodeKind::Dieu,
            "khoan" => NodeKind::Khoan,
            "diem" => NodeKind::Diem,
            _ => return Err(err()),
        };
        let label = pair[1].trim_end_matches([',', '.', ';']);
        let ok = match kind {
            NodeKind::Chuong | NodeKind::Muc => roman_or_digits(&label.to_uppercase()),
            NodeKind::Dieu | NodeKind::Khoan => {
                label.chars().next().is_some_and(|c| c.is_ascii_digit())
                    && label
                        .chars()
                        .all(|c| c.is_ascii_digit() || c.is_lowercase())
            }
            NodeKind::Diem => label.chars().count() == 1 && label.chars().all(char::is_lowercase),
            NodeKind::PhuLuc => false,
        };
        if !ok {
            return Err(err());
        }
        let label = match kind {
            NodeKind::Chuong | NodeKind::Muc => label.to_uppercase(),
            _ => label.to_string(),
        };
        parts.push((kind, label));
    }
    // Written innermost first ("điểm a khoản 2 Điều 7"): the key is outermost first.
    parts.reverse();
    let kinds: Vec<NodeKind> = parts.iter().map(|p| p.0).collect();
    let valid = matches!(
        kinds.as_slice(),
        [NodeKind::Chuong]
            | [NodeKind::Chuong, NodeKind::Muc]
            | [NodeKind::Dieu]
            | [NodeKind::Dieu, NodeKind::Khoan]
            | [NodeKind::Dieu, NodeKind::Diem]
            | [NodeKind::Dieu, NodeKind::Khoan, NodeKind::Diem]
    );
    if !valid {
        return Err(err());
    }
    Ok(parts
        .iter()
        .map(|(k, l)| key_part(*k, l))
        .collect::<Vec<_>>()
        .join("/"))
}

/// `Phụ lục I`, `phụ lục 02`, `Phụ lục`: `Some(Some(label))` (empty for the unnumbered annex);
/// `Some(None)` for "Phụ lục" followed by what is not a number; `None` when the reference does
/// not name an annex.
fn annex_reference(input: &str) -> Option<Option<String>> {
    let tokens: Vec<&str> = input.split_whitespace().collect();
    let [w1, w2, rest @ ..] = tokens.as_slice() else {
        return None;
    };
    if fold(w1).to_lowercase() != "phu" || fold(w2).to_lowercase() != "luc" {
        return None;
    }
    Some(match rest {
        [] => Some(String::new()),
        [label] => {
            let l = label.trim_end_matches([',', '.', ';']).to_uppercase();
            roman_or_digits(&l).then_some(l)
        }
        _ => None,
    })
}

/// A key written as a reader would say it: `dieu-7/khoan-2` → `khoản 2 Điều 7`.
/// Whether an amendment naming `key` adds a provision (bổ sung Điều 5a, khoản 3 Điều 5) rather
/// than pointing at one that does not exist: the key is new, and it is an article or sits
/// directly inside a provision the document has (Luật 80/2015, Điều 154 khoản 1 điểm b:
/// "sửa đổi, bổ sung").
pub fn is_addition(key: &str, has: impl Fn(&str) -> bool) -> bool {
    !has(key) && key.rsplit_once('/').is_none_or(|(parent, _)| has(parent))
}

pub fn display_reference(key: &str) -> String {
    let mut parts: Vec<String> = key
        .split('/')
        .filter_map(|p| {
            let (k, l) = split_part(p)?;
            Some(format!("{} {}", k.word(), l).trim_end().to_string())
        })
        .collect();
    parts.reverse();
    let mut s = parts.join(" ");
    if let Some(first) = s.chars().next() {
        let upper: String = first.to_uppercase().collect();
        s.replace_range(..first.len_utf8(), &upper);
    }
    s
}

/// Label shown for a node in the full text: `Chương II`, `Mục 1`, `Điều 5`, `1.`, `a)`,
/// `Phụ lục I` (`Phụ lục` unnumbered).
pub fn node_label(kind: NodeKind, label: &str) -> String {
    match kind {
        NodeKind::PhuLuc if label.is_empty() => kind.word().to_string(),
        NodeKind::Chuong | NodeKind::Muc | NodeKind::Dieu | NodeKind::PhuLuc => {
            format!("{} {}", kind.word(), label)
        }
        NodeKind::Khoan => format!("{label}."),
        NodeKind::Diem => format!("{label})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_addition_is_a_new_key_inside_an_existing_provision_or_a_new_article() {
        let has = |k: &str| ["dieu-5", "dieu-5/khoan-1"].contains(&k);
        assert!(is_addition("dieu-5a", has));
        assert!(is_addition("dieu-5/khoan-3", has));
        assert!(is_addition("dieu-5/khoan-1/diem-d", has));
        assert!(!is_addition("dieu-5/khoan-1", has), "it exists");
        assert!(
            !is_addition("dieu-7/khoan-2", has),
            "inside an article it does not have"
        );
        assert!(
            !is_addition("dieu-5/khoan-4/diem-a", has),
            "inside a clause it does not have"
        );
    }

    const SAMPLE: &str = "HỘI ĐỒNG NHÂN DÂN TỈNH CÀ MAU\nCăn cứ Luật Tổ chức chính quyền địa phương;\n\nQUYẾT NGHỊ:\nChương I\nQUY ĐỊNH CHUNG\nĐiều 1. Phạm vi điều chỉnh\nNghị quyết này quy định mức hỗ trợ.\nĐiều 2. Đối tượng áp dụng\n1. Hộ gia đình nuôi tôm.\n2. Tổ hợp tác:\na) Có đăng ký;\nb) Có trụ sở tại tỉnh.\nChương II: MỨC HỖ TRỢ\nMục 1. Hỗ trợ giống\nĐiều 3. Mức hỗ trợ\n1. Hỗ trợ 50% chi phí theo quy định tại điều 2.\nĐiều 3. Lặp lại\n";

    #[test]
    fn parses_chapters_articles_clauses_points() {
        let s = parse(SAMPLE);
        assert!(s.preamble.starts_with("HỘI ĐỒNG NHÂN DÂN"));
        assert!(s.preamble.contains("QUYẾT NGHỊ:"));
        let keys: Vec<&str> = s.nodes.iter().map(|n| n.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "chuong-I",
                "dieu-1",
                "dieu-2",
                "dieu-2/khoan-1",
                "dieu-2/khoan-2",
                "dieu-2/khoan-2/diem-a",
                "dieu-2/khoan-2/diem-b",
                "chuong-II",
                "chuong-II/muc-1",
                "dieu-3",
                "dieu-3/khoan-1",
            ]
        );
        assert_eq!(s.find("chuong-I").unwrap().heading, "QUY ĐỊNH CHUNG");
        assert_eq!(s.find("chuong-II").unwrap().heading, "MỨC HỖ TRỢ");
        assert_eq!(s.find("dieu-2").unwrap().heading, "Đối tượng áp dụng");
        assert_eq!(
            s.find("dieu-1").unwrap().body,
            "Nghị quyết này quy định mức hỗ trợ."
        );
        assert_eq!(s.find("dieu-2/khoan-2/diem-a").unwrap().body, "Có đăng ký;");
        // The repeated "Điều 3" stays text of the element before it.
        assert!(s
            .find("dieu-3/khoan-1")
            .unwrap()
            .body
            .ends_with("Điều 3. Lặp lại"));
        let i = s.nodes.iter().position(|n| n.key == "dieu-3").unwrap();
        assert_eq!(s.containers(i), ["chuong-II", "chuong-II/muc-1"]);
    }

    #[test]
    fn lowercase_dieu_is_a_cross_reference() {
        let s = parse("Điều 1. A\nTheo điều 5 của Luật.\n");
        assert_eq!(s.nodes.len(), 1);
    }

    #[test]
    fn references_parse_to_keys() {
        assert_eq!(parse_reference("Điều 5").unwrap(), "dieu-5");
        assert_eq!(parse_reference("khoản 2 Điều 7").unwrap(), "dieu-7/khoan-2");
        assert_eq!(parse_reference("Khoản 2 điều 7").unwrap(), "dieu-7/khoan-2");
        assert_eq!(
            parse_reference("điểm a khoản 1 Điều 3").unwrap(),
            "dieu-3/khoan-1/diem-a"
        );
        assert_eq!(
            parse_reference("điểm đ khoản 1 Điều 3").unwrap(),
            "dieu-3/khoan-1/diem-đ"
        );
        assert_eq!(parse_reference("Chương II").unwrap(), "chuong-II");
        assert_eq!(parse_reference("dieu-7/khoan-2").unwrap(), "dieu-7/khoan-2");
        for bad in [
            "",
            "Điều",
            "khoản 2",
            "Điều năm",
            "dieu-",
            "foo-1",
            "Điều 5 Chương II",
            "điểm aa Điều 1",
        ] {
            assert!(parse_reference(bad).is_err(), "{bad}");
        }
    }

    const WITH_ANNEXES: &str = "QUYẾT ĐỊNH:\nĐiều 1. Ban hành\nBan hành kèm theo Quyết định này Danh mục thủ tục hành chính tại Phụ lục I và Phụ lục II.\nĐiều 2. Hiệu lực\n1. Quyết định này có hiệu lực kể từ ngày ký.\nNơi nhận:\tTM. ỦY BAN NHÂN DÂN\n- Lưu: VT.\tCHỦ TỊCH\nNguyễn Văn A\nPHỤ LỤC I\nDANH MỤC THỦ TỤC HÀNH CHÍNH\nLĨNH VỰC HỘ TỊCH\n(Kèm theo Quyết định số 12/2026/QĐ-UBND ngày 04 tháng 12 năm 2026 của Ủy ban nhân dân tỉnh)\nSTT\tTên thủ tục\tMã số\n1. Đăng ký khai sinh\n2. Đăng ký kết hôn\na) tại xã\nĐiều 3. Trích dẫn một điều của văn bản khác\nChương IV\nPhụ lục II: Mẫu đơn\nMẪU SỐ 01\n";

    #[test]
    fn annexes_come_after_the_articles_and_keep_their_own_text() {
        let s = parse(WITH_ANNEXES);
        let keys: Vec<&str> = s.nodes.iter().map(|n| n.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "dieu-1",
                "dieu-2",
                "dieu-2/khoan-1",
                "phu-luc-I",
                "phu-luc-II"
            ]
        );
        assert_eq!(s.articles().count(), 2);
        let i = s.find("phu-luc-I").unwrap();
        assert_eq!(i.kind, NodeKind::PhuLuc);
        assert_eq!(i.label, "I");
        assert_eq!(i.parent, None);
        assert_eq!(i.heading, "DANH MỤC THỦ TỤC HÀNH CHÍNH LĨNH VỰC HỘ TỊCH");
        // The annex's numbered items, its table and an article-like line are its text.
        assert!(
            i.body
                .starts_with("(Kèm theo Quyết định số 12/2026/QĐ-UBND"),
            "{}",
            i.body
        );
        for part in [
            "STT\tTên thủ tục",
            "1. Đăng ký khai sinh",
            "a) tại xã",
            "Điều 3. Trích dẫn",
            "Chương IV",
        ] {
            assert!(i.body.contains(part), "{part} in {}", i.body);
        }
        // The last article ends at the signature, not at the annex.
        let k = s.find("dieu-2/khoan-1").unwrap();
        assert!(!k.body.contains("DANH MỤC"), "{}", k.body);
        let ii = s.find("phu-luc-II").unwrap();
        assert_eq!(ii.heading, "Mẫu đơn MẪU SỐ 01");
        assert_eq!(s.containers(4), Vec::<String>::new());
    }

    #[test]
    fn annex_keys_are_stable() {
        // The same text parses to the same keys; a one-annex document written "PHỤ LỤC" has
        // `phu-luc`; numbers are kept as written; a second annex numbered the same stays text.
        assert_eq!(parse(WITH_ANNEXES), parse(WITH_ANNEXES));
        let one = parse("Điều 1. A\nVăn bản.\nPHỤ LỤC\nBIỂU MẪU\n1. Mẫu đơn\n");
        let keys: Vec<&str> = one.nodes.iter().map(|n| n.key.as_str()).collect();
        assert_eq!(keys, ["dieu-1", "phu-luc"]);
        assert_eq!(one.find("phu-luc").unwrap().heading, "BIỂU MẪU");
        assert_eq!(one.find("phu-luc").unwrap().body, "1. Mẫu đơn");
        let numbered = parse("Điều 1. A\nPHỤ LỤC SỐ 01\nBiểu 1.\nPhụ lục 02\ny\nPHỤ LỤC 02\nz\n");
        let keys: Vec<&str> = numbered.nodes.iter().map(|n| n.key.as_str()).collect();
        assert_eq!(keys, ["dieu-1", "phu-luc-01", "phu-luc-02"]);
        assert!(numbered
            .find("phu-luc-02")
            .unwrap()
            .body
            .ends_with("PHỤ LỤC 02\nz"));
        let attached =
            parse("Điều 1. A\nPhụ lục kèm theo Quyết định số 5/2026/QĐ-UBND\nNội dung\n");
        let a = attached.find("phu-luc").unwrap();
        assert_eq!(a.heading, "");
        assert!(a
            .body
            .starts_with("kèm theo Quyết định số 5/2026/QĐ-UBND\nNội dung"));
    }

    #[test]
    fn a_sentence_beginning_with_phu_luc_is_text() {
        let s = parse("Điều 1. A\nPhụ lục I quy định danh mục thủ tục.\nphụ lục II\n");
        assert_eq!(s.nodes.len(), 1);
        assert!(s
            .find("dieu-1")
            .unwrap()
            .body
            .contains("Phụ lục I quy định"));
        // A sentence a PDF wrapped before "Phụ lục 01." goes on; "PHỤ LỤC" in capitals is
        // a heading after any line.
        let wrapped = parse("Điều 1. Ban hành quy trình tại\nPhụ lục 01.\nĐiều 2. B\n");
        let keys: Vec<&str> = wrapped.nodes.iter().map(|n| n.key.as_str()).collect();
        assert_eq!(keys, ["dieu-1", "dieu-2"]);
        assert!(annex_at(Some("Nguyễn Văn A"), "Phụ lục 01").is_some());
        assert!(annex_at(Some("Ban hành tại"), "Phụ lục 01").is_none());
        assert!(annex_at(Some("Ban hành tại"), "PHỤ LỤC 01").is_some());
        assert_eq!(
            annex_heading("PHỤ LỤC II: DANH MỤC"),
            Some(("II".into(), "DANH MỤC"))
        );
        assert_eq!(annex_heading("Phụ lục I."), Some(("I".into(), "")));
        assert_eq!(
            annex_heading("Phụ lục II (kèm theo)"),
            Some(("II".into(), "(kèm theo)"))
        );
        assert_eq!(annex_heading("Phụ lục"), Some((String::new(), "")));
        assert_eq!(annex_heading("Phụ lục gồm các biểu mẫu sau:"), None);
        assert_eq!(annex_heading("Phục lục"), None);
    }

    #[test]
    fn annexes_are_referenced_and_displayed() {
        assert_eq!(parse_reference("Phụ lục II").unwrap(), "phu-luc-II");
        assert_eq!(parse_reference("phụ lục ii").unwrap(), "phu-luc-II");
        assert_eq!(parse_reference("Phụ lục 01").unwrap(), "phu-luc-01");
        assert_eq!(parse_reference("Phụ lục").unwrap(), "phu-luc");
        assert_eq!(parse_reference("phu-luc-I").unwrap(), "phu-luc-I");
        assert_eq!(parse_reference("phu-luc").unwrap(), "phu-luc");
        for bad in [
            "Phụ lục một",
            "Phụ lục I Điều 2",
            "phu-luc-I/khoan-1",
            "phu-luc-",
            "dieu-2/phu-luc-I",
        ] {
            assert!(parse_reference(bad).is_err(), "{bad}");
        }
        assert_eq!(display_reference("phu-luc-II"), "Phụ lục II");
        assert_eq!(display_reference("phu-luc"), "Phụ lục");
        assert_eq!(node_label(NodeKind::PhuLuc, "I"), "Phụ lục I");
        assert_eq!(node_label(NodeKind::PhuLuc, ""), "Phụ lục");
        assert_eq!(split_part("phu-luc-I"), Some((NodeKind::PhuLuc, "I")));
        assert_eq!(split_part("dieu-5"), Some((NodeKind::Dieu, "5")));
        assert_eq!(split_part("phu-x"), None);
        assert_eq!(
            NodeKind::parse(NodeKind::PhuLuc.as_str()),
            Some(NodeKind::PhuLuc)
        );
    }

    #[test]
    fn references_display_as_written() {
        assert_eq!(display_reference("dieu-7/khoan-2"), "Khoản 2 Điều 7");
        assert_eq!(
            display_reference("dieu-3/khoan-1/diem-a"),
            "Điểm a khoản 1 Điều 3"
        );
        assert_eq!(display_reference("dieu-5"), "Điều 5");
    }
}
