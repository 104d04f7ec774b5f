//! The steps of a procedure (trình tự thực hiện) as a numbered list. Stored as one text, they
//! come written three ways: with "Bước 1: … Bước 2: …" markers (in one line or several),
//! one step per line (often with "-", "+", "1." or "a)" in front), or separated by "; ".
//! [`split_steps`] reads each into the steps in order, without their markers, so a page can
//! number them itself; a text of one step stays one item.

/// The steps of `text` in order, each trimmed and without its marker; empty for a blank text.
pub fn split_steps(text: &str) -> Vec<String> {
    let text = text.trim();
    if text.is_empty() {
        return Vec::new();
    }
    let marked = split_at_markers(text);
    if marked.len() > 1 {
        return marked;
    }
    let lines: Vec<String> = text
        .lines()
        .map(strip_bullet)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect();
    if lines.len() > 1 {
        return lines;
    }
    let parts: Vec<String> = text
        .split(';')
        .map(|p| strip_bullet(p).trim_end_matches('.').trim())
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect();
    if parts.len() > 1 {
        return parts;
    }
    vec![strip_marker(text).unwrap_or(text).trim().to_string()]
}

/// Splits before every "Bước N" marker that starts the text or follows a space or a line
/// break; the text before the first marker, if any, is the first item.
fn split_at_markers(text: &str) -> Vec<String> {
    let mut starts: Vec<usize> = Vec::new();
    for (i, _) in text.char_indices() {
        let at_boundary = i == 0
            || text[..i]
                .chars()
                .next_back()
                .is_some_and(char::is_whitespace);
        if at_boundary && strip_marker(&text[i..]).is_some() {
            starts.push(i);
        }
    }
    if starts.is_empty() {
        return vec![text.to_string()];
    }
    let mut out = Vec::new();
    let head = text[..starts[0]].trim();
    if !head.is_empty() {
        out.push(head.to_string());
    }
    for (n, &s) in starts.iter().enumerate() {
        let end = starts.get(n + 1).copied().unwrap_or(text.len());
        let chunk = &text[s..end];
        let body = strip_marker(chunk).unwrap_or(chunk).trim();
        if !body.is_empty() {
            out.push(body.to_string());
        }
    }
    out
}

/// The text after a leading "Bước 3:" ("bước 3.", "BƯỚC 3 -", "Bước 3)"), or `None` when
/// the text does not start with one.
fn strip_marker(text: &str) -> Option<&str> {
    let mut chars = text.char_indices();
    for want in ['b', 'ư', 'ớ', 'c'] {
        let (_, c) = chars.next()?;
        if !c.to_lowercase().eq(std::iter::once(want)) {
            return None;
        }
    }
    let rest = &text[chars.next().map_or(text.len(), |(i, _)| i)..];
    let after_space = rest.trim_start();
    if after_space.len() == rest.len() {
        return None;
    }
    let digits = after_space
        .char_indices()
        .find(|(_, c)| !c.is_ascii_digit())
        .map_or(after_space.len(), |(i, _)| i);
    if digits == 0 {
        return None;
    }
    // The number is followed by its punctuation ("Bước 2:"), so "các bước 2 lần" is no marker.
    let rest = after_space[digits..].trim_start();
    let rest = rest.strip_prefix([':', '.', '-', ')', '–'])?;
    Some(rest.trim_start())
}

/// A line without a leading bullet ("-", "+", "•", "*") or list number ("1.", "2)", "a)").
fn strip_bullet(line: &str) -> &str {
    let line = line.trim();
    if let Some(rest) = line.strip_prefix(['-', '+', '•', '*', '–']) {
        return rest.trim_start();
    }
    let digits = line
        .char_indices()
        .find(|(_, c)| !c.is_ascii_digit())
        .map_or(line.len(), |(i, _)| i);
    let (head, tail) = if digits > 0 {
        line.split_at(digits)
    } else {
        match line.char_indices().nth(1) {
            Some((i, _)) if line.starts_with(|c: char| c.is_ascii_lowercase()) => line.split_at(i),
            _ => return line,
        }
    };
    match tail.strip_prefix(['.', ')']) {
        Some(rest) if !head.is_empty() && rest.starts_with(' ') => rest.trim_start(),
        _ => line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use proptest::string::string_regex;

    /// Vietnamese lower-case letters (NFC).
    const VI: &str = "a-zàáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ";

    #[test]
    fn markers_in_one_line() {
        assert_eq!(
            split_steps(
                "Bước 1: Nộp hồ sơ tại Bộ phận Một cửa. Bước 2: Công chức tiếp nhận, kiểm tra hồ sơ. Bước 3: Giải quyết và trả kết quả."
            ),
            vec![
                "Nộp hồ sơ tại Bộ phận Một cửa.",
                "Công chức tiếp nhận, kiểm tra hồ sơ.",
                "Giải quyết và trả kết quả.",
            ]
        );
    }

    #[test]
    fn markers_on_lines_in_any_case_and_punctuation() {
        assert_eq!(
            split_steps("bước 1. Nộp hồ sơ.\nBƯỚC 2 - Nhận kết quả.\nBước 3) Nộp phí"),
            vec!["Nộp hồ sơ.", "Nhận kết quả.", "Nộp phí"]
        );
    }

    #[test]
    fn text_before_the_first_marker_is_kept() {
        assert_eq!(
            split_steps("Trình tự như sau: Bước 1: nộp. Bước 2: nhận."),
            vec!["Trình tự như sau:", "nộp.", "nhận."]
        );
    }

    #[test]
    fn a_word_inside_a_sentence_is_no_marker() {
        // "bước" not followed by a number and a colon, dot, dash or bracket does not split.
        assert_eq!(
            split_steps("Thực hiện từng bước theo hướng dẫn"),
            vec!["Thực hiện từng bước theo hướng dẫn"]
        );
        assert_eq!(
            split_steps("Xem lại các bước 2 lần; nộp hồ sơ"),
            vec!["Xem lại các bước 2 lần", "nộp hồ sơ"]
        );
    }

    #[test]
    fn one_step_per_line_with_bullets() {
        assert_eq!(
            split_steps("- Nộp hồ sơ\n+ Kiểm tra\n\n1. Giải quyết\n2) Trả kết quả\na) Lưu"),
            vec!["Nộp hồ sơ", "Kiểm tra", "Giải quyết", "Trả kết quả", "Lưu"]
        );
    }

    #[test]
    fn semicolons() {
        assert_eq!(
            split_steps("Nộp hồ sơ; kiểm tra hồ sơ; trả kết quả."),
            vec!["Nộp hồ sơ", "kiểm tra hồ sơ", "trả kết quả"]
        );
    }

    #[test]
    fn one_step_and_blank() {
        assert_eq!(
            split_steps("  Nộp hồ sơ trực tiếp.  "),
            vec!["Nộp hồ sơ trực tiếp."]
        );
        assert_eq!(split_steps("Bước 1: Nộp hồ sơ."), vec!["Nộp hồ sơ."]);
        assert_eq!(split_steps("Bước 1 Nộp hồ sơ"), vec!["Bước 1 Nộp hồ sơ"]);
        assert!(split_steps(" \n ").is_empty());
        // A number that starts a sentence is no list number without its dot and space.
        assert_eq!(split_steps("15 ngày làm việc"), vec!["15 ngày làm việc"]);
    }

    proptest! {
        /// Steps written with markers come back as written, whatever the separator.
        #[test]
        fn marked_steps_round_trip(
            steps in proptest::collection::vec(
                string_regex(&format!("[A-Z{VI}][{VI} ,]{{0,30}}[{VI}.]")).unwrap(),
                1..6,
            ),
            sep in prop_oneof![Just(" "), Just("\n"), Just("  \n")],
        ) {
            let text = steps
                .iter()
                .enumerate()
                .map(|(i, s)| format!("Bước {}: {s}", i + 1))
                .collect::<Vec<_>>()
                .join(sep);
            let want: Vec<String> = steps.iter().map(|s| s.trim().to_string()).collect();
            prop_assert_eq!(split_steps(&text), want);
        }

        /// Nothing is lost: every word of the text is in some step, and no step is blank.
        #[test]
        fn no_word_is_lost(text in string_regex(&format!("[{VI}0-9 ;:.\\n-]{{0,80}}")).unwrap()) {
            let steps = split_steps(&text);
            let joined = steps.join(" ");
            for w in text
                .split(|c: char| !c.is_alphabetic())
                .filter(|w| w.chars().count() > 1)
            {
                if w == "bước" { continue; }
                prop_assert!(joined.contains(w), "{w:?} lost from {text:?}: {steps:?}");
            }
            prop_assert!(steps.iter().all(|s| !s.trim().is_empty()));
        }
    }
}
