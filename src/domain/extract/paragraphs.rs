//! Lines joined back into the paragraphs they were wrapped from. A PDF, or a text file copied
//! from one, breaks a sentence wherever the line is full: "… có hiệu lực kể từ ngày 15" /
//! "tháng 5 năm 2021 và thay thế Quyết định số" / "12/2018/QĐ-UBND …". The entry-into-force
//! sentence and the effects are read on whole paragraphs; each keeps the line it came from.

use super::layout::key;

/// A paragraph: its text (lines joined by one space) and, for each joined line, the byte
/// offset where it starts in the text and its index among the lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paragraph {
    pub text: String,
    pub starts: Vec<(usize, usize)>,
}

impl Paragraph {
    /// The index of the line that holds byte `offset` of the text.
    pub fn line_at(&self, offset: usize) -> usize {
        self.starts
            .iter()
            .rev()
            .find(|(at, _)| *at <= offset)
            .or(self.starts.first())
            .map_or(0, |(_, line)| *line)
    }

    pub fn first_line(&self) -> usize {
        self.starts.first().map_or(0, |(_, l)| *l)
    }
}

/// Whether a line ends a sentence or an item (`.`, `;`, `:`, a closing quote, `./.`).
fn ends(line: &str) -> bool {
    line.trim_end()
        .ends_with(['.', ';', ':', '!', '?', '”', '"', '»'])
}

/// Whether a line starts a new part: an article, chapter or section, a numbered clause
/// (`1.`, `2)`), a lettered point (`a)`), a dash or plus item, a quoted wording, a preamble
/// line (`Căn cứ …`).
fn opens(line: &str) -> bool {
    let t = line.trim_start();
    let k = key(t);
    if [
        "dieu ",
        "chuong ",
        "muc ",
        "phan ",
        "can cu",
        "xet ",
        "theo de nghi",
    ]
    .iter()
    .any(|w| k.starts_with(w))
    {
        return true;
    }
    if t.starts_with(['-', '+', '–', '•', '“', '"', '*']) {
        return true;
    }
    let head: String = t.chars().take_while(char::is_ascii_digit).collect();
    let after = t[head.len()..].chars().next();
    // A clause number, not a year that wrapped to the start of a line ("2025.").
    if (1..=3).contains(&head.len()) && matches!(after, Some('.' | ')')) {
        return true;
    }
    let mut cs = t.chars();
    matches!((cs.next(), cs.next()), (Some(c), Some(')')) if c.is_lowercase())
}

/// The paragraphs of `lines`: a line that does not end a sentence is continued by the next
/// one, unless that one is blank or opens a new part, or the line is short (a heading: a
/// wrapped line fills most of the width of the longest ones) and the next starts with a
/// capital.
pub fn paragraphs(lines: &[&str]) -> Vec<Paragraph> {
    let full = lines
        .iter()
        .map(|l| l.trim().chars().count())
        .max()
        .unwrap_or(0);
    let mut out: Vec<Paragraph> = Vec::new();
    let mut open = false;
    for (i, line) in lines.iter().enumerate() {
        let t = line.trim();
        let continues = open
            && !t.is_empty()
            && !opens(t)
            && out.last().is_some_and(|p| {
                let last = &p.text[p.starts.last().map_or(0, |s| s.0)..];
                last.chars().count() * 10 >= full * 6 || !t.starts_with(|c: char| c.is_uppercase())
            });
        match out.last_mut() {
            Some(p) if continues => {
                p.text.push(' ');
                p.starts.push((p.text.len(), i));
                p.text.push_str(t);
            }
            _ => out.push(Paragraph {
                text: t.to_string(),
                starts: vec![(0, i)],
            }),
        }
        open = !t.is_empty() && !ends(t);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapped_sentences_are_joined_and_keep_their_lines() {
        let lines = [
            "Điều 2. Quyết định này có hiệu lực kể từ ngày 15",
            "tháng 5 năm 2021 và thay thế Quyết định số 12/2018/QĐ-UBND ngày 05 tháng 3",
            "năm 2018 của Ủy ban nhân dân tỉnh.",
            "Điều 3. Tổ chức thực hiện",
            "Chánh Văn phòng chịu trách nhiệm thi hành.",
            "1. Khoản một",
            "a) điểm a",
        ];
        let ps = paragraphs(&lines);
        assert_eq!(ps.len(), 5, "{ps:#?}");
        assert!(ps[0].text.ends_with("năm 2018 của Ủy ban nhân dân tỉnh."));
        let at = ps[0].text.find("tháng 5").unwrap();
        assert_eq!(ps[0].line_at(at), 1);
        assert_eq!(ps[0].line_at(0), 0);
        // A short heading is not joined to the capitalised sentence under it.
        assert_eq!(ps[1].text, "Điều 3. Tổ chức thực hiện");
        assert_eq!(ps[2].first_line(), 4);
        assert_eq!(ps[4].text, "a) điểm a");
    }
}
