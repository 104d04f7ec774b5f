//! What a person may type into vanban. A name, title, number or code is one line of printable
//! text; a long text (a document's content, a note, a reason) may also hold tabs and line
//! breaks. Anything else that is invisible and changes how text is read or stored is refused
//! with the field's name, never silently dropped: control characters (NUL, which PostgreSQL
//! cannot store, escape sequences that rewrite a terminal, backspace, DEL, the C1 range),
//! Unicode's line and paragraph separators, and the bidirectional overrides and isolates that
//! make a title display other than it reads ("Trojan Source").

/// Where a text goes: one line (names, titles, numbers, codes), or a long text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Names, titles, numbers, codes: no control character at all.
    Line,
    /// Long texts: also tab, line feed, and carriage return before a line feed.
    Text,
}

/// A refused character: the field, the character and where it is (1-based, in characters).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("«{field}» chứa ký tự điều khiển {} ở vị trí {position}{}", codepoint(*.character), allowed(*.shape))]
pub struct ControlCharacter {
    pub field: String,
    pub character: char,
    pub position: usize,
    pub shape: Shape,
}

fn codepoint(c: char) -> String {
    let name = match c {
        '\0' => " (NUL)",
        '\t' => " (tab)",
        '\n' => " (xuống dòng)",
        '\r' => " (CR)",
        '\u{1b}' => " (ESC)",
        '\u{7f}' => " (DEL)",
        '\u{2028}' | '\u{2029}' => " (ngắt dòng Unicode)",
        '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => " (đổi chiều chữ)",
        _ => "",
    };
    format!("U+{:04X}{name}", u32::from(c))
}

fn allowed(shape: Shape) -> &'static str {
    match shape {
        Shape::Line => ": tên, tiêu đề, số, mã chỉ được gồm một dòng chữ in được",
        Shape::Text => ": trong văn bản chỉ cho phép tab và xuống dòng",
    }
}

/// Whether `c` is refused everywhere: control characters (Cc), line and paragraph separators,
/// bidirectional embeddings, overrides and isolates.
fn refused(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

/// Checks `value` of the field named `field` (as the person knows it: `title`, «Tên đợt»…).
/// This is the one check of typed text: every name, title and number goes through it.
pub fn check(field: &str, value: &str, shape: Shape) -> Result<(), ControlCharacter> {
    let mut chars = value.chars().enumerate().peekable();
    while let Some((i, c)) = chars.next() {
        if !refused(c) {
            continue;
        }
        let fine = shape == Shape::Text
            && (c == '\t'
                || c == '\n'
                || (c == '\r' && chars.peek().is_some_and(|(_, next)| *next == '\n')));
        if !fine {
            return Err(ControlCharacter {
                field: field.to_string(),
                character: c,
                position: i + 1,
                shape,
            });
        }
    }
    Ok(())
}

/// [`check`] of a name, title, number or code.
pub fn line(field: &str, value: &str) -> Result<(), ControlCharacter> {
    check(field, value, Shape::Line)
}

/// [`check`] of a long text.
pub fn text(field: &str, value: &str) -> Result<(), ControlCharacter> {
    check(field, value, Shape::Text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn names_are_one_printable_line() {
        assert_eq!(line("title", "Quy định mức hỗ trợ nuôi tôm"), Ok(()));
        assert_eq!(line("number", "15/2018/NQ-HĐND"), Ok(()));
        let e = line("title", "Quy định\0 mức").unwrap_err();
        assert_eq!((e.character, e.position), ('\0', 9));
        assert_eq!(
            e.to_string(),
            "«title» chứa ký tự điều khiển U+0000 (NUL) ở vị trí 9: tên, tiêu đề, số, mã chỉ được gồm một dòng chữ in được"
        );
        for bad in [
            "a\tb",
            "a\nb",
            "a\r\nb",
            "\u{1b}[31m",
            "a\u{7f}",
            "a\u{85}",
            "a\u{2028}b",
            "\u{202e}fdp.exe",
        ] {
            assert!(line("name", bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn texts_keep_tabs_and_line_breaks_only() {
        assert_eq!(text("text", "Điều 1.\n\tKhoản 1.\r\nKhoản 2."), Ok(()));
        for (bad, at) in [
            ("a\rb", 2),
            ("a\r", 2),
            ("a\0", 2),
            ("\u{b}", 1),
            ("x\u{2029}", 2),
        ] {
            let e = text("text", bad).unwrap_err();
            assert_eq!(e.position, at, "{bad:?}");
            assert!(
                e.to_string().contains("chỉ cho phép tab và xuống dòng"),
                "{e}"
            );
        }
    }

    fn printable() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            any::<char>().prop_filter("printable", |c| !refused(*c)),
            0..40,
        )
        .prop_map(|v| v.into_iter().collect())
    }

    fn control() -> impl Strategy<Value = char> {
        prop_oneof![
            (0u32..0x20).prop_map(|c| char::from_u32(c).unwrap_or('\0')),
            (0x7fu32..0xa0).prop_map(|c| char::from_u32(c).unwrap_or('\0')),
            Just('\u{2028}'),
            Just('\u{202e}'),
            Just('\u{2067}'),
        ]
    }

    proptest! {
        #[test]
        fn printable_text_is_accepted_as_line_and_text(s in printable()) {
            prop_assert_eq!(line("f", &s), Ok(()));
            prop_assert_eq!(text("f", &s), Ok(()));
        }

        #[test]
        fn a_control_character_is_found_where_it_is(a in printable(), c in control(), b in printable()) {
            let s = format!("{a}{c}{b}");
            let e = line("tên", &s).unwrap_err();
            prop_assert_eq!(e.character, c);
            prop_assert_eq!(e.position, a.chars().count() + 1);
            prop_assert!(e.to_string().starts_with("«tên» chứa ký tự điều khiển U+"));
        }

        #[test]
        fn texts_refuse_what_is_not_a_tab_or_a_line_break(a in printable(), c in control(), b in printable()) {
            let s = format!("{a}{c}{b}");
            let ok = c == '\t' || c == '\n' || (c == '\r' && b.starts_with('\n'));
            prop_assert_eq!(text("f", &s).is_ok(), ok);
            // Whatever a text accepts, with its line breaks and tabs made spaces, a line accepts.
            if ok {
                let flat = s.replace("\r\n", " ").replace(['\n', '\t'], " ");
                prop_assert_eq!(line("f", &flat), Ok(()));
            }
        }
    }
}
