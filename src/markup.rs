//! HTML escaping shared by the pages and the search snippets.

/// Escapes text for HTML element content and quoted attributes. Unlike tera's default it
/// leaves `/` alone, so document numbers (`15/2018/NQ-HĐND`) stay readable in the source.
pub fn escape_html(input: &str) -> String {
    let mut out = String::with_capacity(input.len() + 8);
    for c in input.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            c => out.push(c),
        }
    }
    out
}

/// Escapes text for XML character data and quoted attribute values (Atom feeds, Office Open
/// XML): the five predefined entities; tab and line breaks kept; the characters XML 1.0
/// forbids (other controls, U+FFFE, U+FFFF) dropped.
pub fn escape_xml(input: &str) -> String {
    let mut out = String::with_capacity(input.len() + 8);
    for c in input.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod xml_tests {
    use super::escape_xml;

    #[test]
    fn xml_escapes_entities_keeps_breaks_and_drops_what_xml_forbids() {
        assert_eq!(
            escape_xml("a<b>&\"c\"'d'\n\te\u{1}\u{FFFE}"),
            "a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;\n\te"
        );
        assert_eq!(escape_xml("Quyết định 15/2018"), "Quyết định 15/2018");
    }
}
