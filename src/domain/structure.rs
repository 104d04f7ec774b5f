//! Document structure (Chương › Mục › Điều › Khoản › Điểm) parsed from plain text, and the
//! addresses of provisions. Every node has a key that addresses it inside its document:
//! `chuong-II`, `chuong-II/muc-1`, `dieu-5`, `dieu-5/khoan-2`, `dieu-5/khoan-2/diem-a`.
//! Article numbers are unique in a document whatever chapter holds them, so an article's key
//! does not include its chapter (a reference "khoản 2 Điều 7" never names the chapter either).

use super::text::{fold, nfc};

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum NodeKind {
    Chuong,
    Muc,
    Dieu,
    Khoan,
    Diem,
}

impl NodeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NodeKind::Chuong => "chuong",
            NodeKind::Muc => "muc",
            NodeKind::Dieu => "dieu",
            NodeKind::Khoan => "khoan",
            NodeKind::Diem => "diem",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "chuong" => NodeKind::Chuong,
            "muc" => NodeKind::Muc,
            "dieu" => NodeKind::Dieu,
            "khoan" => NodeKind::Khoan,
            "diem" => NodeKind::Diem,
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
        }
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

fn classify(line: &str, in_article: bool) -> Line<'_> {
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

    for raw in text.lines() {
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        let (kind, label, rest) = match classify(line, at.article.is_some()) {
            Line::Text(t) => {
                at.continue_with(&mut s, t);
                continue;
            }
            Line::Chuong(l, r) => (NodeKind::Chuong, l, r),
            Line::Muc(l, r) => (NodeKind::Muc, l, r),
            Line::Dieu(l, r) => (NodeKind::Dieu, l, r),
            Line::Khoan(l, r) => (NodeKind::Khoan, l, r),
            Line::Diem(l, r) => (NodeKind::Diem, l, r),
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
    current: Option<usize>,
    /// A chapter or section title on the line after "Chương I".
    expect_title: bool,
}

impl Open {
    /// A line that opens nothing: the title of the chapter just opened, or more text of the
    /// current element (the preamble before any).
    fn continue_with(&mut self, s: &mut Structure, t: &str) {
        match self.current {
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
        }
    }

    /// Element `idx` of `kind` was opened; `bare` when its line had no text after the number.
    fn opened(&mut self, kind: NodeKind, idx: usize, bare: bool) {
        self.current = Some(idx);
        self.expect_title = matches!(kind, NodeKind::Chuong | NodeKind::Muc) && bare;
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
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("không hiểu địa chỉ quy định «{0}»: cần dạng «Điều 5», «khoản 2 Điều 7», «điểm a khoản 2 Điều 7» hoặc «Chương II»")]
pub struct ReferenceError(pub String);

/// Parses a reference as written in legal texts (`khoản 2 Điều 7`, `điểm a khoản 1 Điều 3`,
/// `Chương II`, `Mục 1 Chương II`) or a key (`dieu-7/khoan-2`) into a key.
pub fn parse_reference(input: &str) -> Result<String, ReferenceError> {
    let input = nfc(input);
    let err = || ReferenceError(input.clone());
    if input.contains('-') && !input.contains(' ') {
        // Already a key: check its shape.
        for part in input.split('/') {
            let (kind, label) = part.split_once('-').ok_or_else(err)?;
            NodeKind::parse(kind).ok_or_else(err)?;
            if label.is_empty() {
                return Err(err());
            }
        }
        return Ok(input);
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
        .map(|(k, l)| format!("{}-{}", k.as_str(), l))
        .collect::<Vec<_>>()
        .join("/"))
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
            let (k, l) = p.split_once('-')?;
            Some(format!("{} {}", NodeKind::parse(k)?.word(), l))
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

/// Label shown for a node in the full text: `Chương II`, `Mục 1`, `Điều 5`, `1.`, `a)`.
pub fn node_label(kind: NodeKind, label: &str) -> String {
    match kind {
        NodeKind::Chuong | NodeKind::Muc | NodeKind::Dieu => format!("{} {}", kind.word(), label),
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
