//! Text typed in the legacy Vietnamese encodings still found in older files, converted to
//! Unicode NFC: TCVN3 (TCVN 5712:1993, "ABC", the `.Vn…` fonts: one byte per letter with its
//! marks) and VNI (VNI-Windows: an ASCII base letter followed by a byte for its marks). A text
//! read as UTF-8 or Latin-1 shows these bytes as Latin-1 letters (`¸ µ ¶ · ¹ ¨ …`, `Quyeát
//! ñònh`). Conversion happens only when the detection is confident: a text holding any letter
//! only Unicode Vietnamese has (ơ, ư, đ, ạ …) is never touched.

use unicode_normalization::UnicodeNormalization;

/// A legacy encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Encoding {
    Tcvn3,
    Vni,
}

impl Encoding {
    pub fn label(self) -> &'static str {
        match self {
            Encoding::Tcvn3 => "TCVN3 (ABC)",
            Encoding::Vni => "VNI",
        }
    }
}

/// TCVN 5712:1993 (VN3, the `.VnTime` fonts): the byte (as its Latin-1 character) of each
/// Vietnamese letter. Upper-case letters with a tone have no code of their own: the `.VnTimeH`
/// fonts draw the lower-case codes as capitals.
pub(super) const TCVN3: [(char, char); 74] = [
    ('\u{a1}', 'Ă'),
    ('\u{a2}', 'Â'),
    ('\u{a3}', 'Ê'),
    ('\u{a4}', 'Ô'),
    ('\u{a5}', 'Ơ'),
    ('\u{a6}', 'Ư'),
    ('\u{a7}', 'Đ'),
    ('\u{a8}', 'ă'),
    ('\u{a9}', 'â'),
    ('\u{aa}', 'ê'),
    ('\u{ab}', 'ô'),
    ('\u{ac}', 'ơ'),
    ('\u{ad}', 'ư'),
    ('\u{ae}', 'đ'),
    ('\u{b5}', 'à'),
    ('\u{b6}', 'ả'),
    ('\u{b7}', 'ã'),
    ('\u{b8}', 'á'),
    ('\u{b9}', 'ạ'),
    ('\u{bb}', 'ằ'),
    ('\u{bc}', 'ẳ'),
    ('\u{bd}', 'ẵ'),
    ('\u{be}', 'ắ'),
    ('\u{c6}', 'ặ'),
    ('\u{c7}', 'ầ'),
    ('\u{c8}', 'ẩ'),
    ('\u{c9}', 'ẫ'),
    ('\u{ca}', 'ấ'),
    ('\u{cb}', 'ậ'),
    ('\u{cc}', 'è'),
    ('\u{ce}', 'ẻ'),
    ('\u{cf}', 'ẽ'),
    ('\u{d0}', 'é'),
    ('\u{d1}', 'ẹ'),
    ('\u{d2}', 'ề'),
    ('\u{d3}', 'ể'),
    ('\u{d4}', 'ễ'),
    ('\u{d5}', 'ế'),
    ('\u{d6}', 'ệ'),
    ('\u{d7}', 'ì'),
    ('\u{d8}', 'ỉ'),
    ('\u{dc}', 'ĩ'),
    ('\u{dd}', 'í'),
    ('\u{de}', 'ị'),
    ('\u{df}', 'ò'),
    ('\u{e1}', 'ỏ'),
    ('\u{e2}', 'õ'),
    ('\u{e3}', 'ó'),
    ('\u{e4}', 'ọ'),
    ('\u{e5}', 'ồ'),
    ('\u{e6}', 'ổ'),
    ('\u{e7}', 'ỗ'),
    ('\u{e8}', 'ố'),
    ('\u{e9}', 'ộ'),
    ('\u{ea}', 'ờ'),
    ('\u{eb}', 'ở'),
    ('\u{ec}', 'ỡ'),
    ('\u{ed}', 'ớ'),
    ('\u{ee}', 'ợ'),
    ('\u{ef}', 'ù'),
    ('\u{f1}', 'ủ'),
    ('\u{f2}', 'ũ'),
    ('\u{f3}', 'ú'),
    ('\u{f4}', 'ụ'),
    ('\u{f5}', 'ừ'),
    ('\u{f6}', 'ử'),
    ('\u{f7}', 'ữ'),
    ('\u{f8}', 'ứ'),
    ('\u{f9}', 'ự'),
    ('\u{fa}', 'ỳ'),
    ('\u{fb}', 'ỷ'),
    ('\u{fc}', 'ỹ'),
    ('\u{fd}', 'ý'),
    ('\u{fe}', 'ỵ'),
];

const GRAVE: char = '\u{300}';
const ACUTE: char = '\u{301}';
const TILDE: char = '\u{303}';
const HOOK: char = '\u{309}';
const DOT: char = '\u{323}';
const CIRCUMFLEX: char = '\u{302}';
const BREVE: char = '\u{306}';

/// VNI-Windows: the mark bytes written after a base vowel (lower case; upper case is the
/// same byte's capital), as combining marks.
pub(super) const VNI_MARKS: [(char, &[char]); 17] = [
    ('ù', &[ACUTE]),
    ('ø', &[GRAVE]),
    ('û', &[HOOK]),
    ('õ', &[TILDE]),
    ('ï', &[DOT]),
    ('â', &[CIRCUMFLEX]),
    ('á', &[CIRCUMFLEX, ACUTE]),
    ('à', &[CIRCUMFLEX, GRAVE]),
    ('å', &[CIRCUMFLEX, HOOK]),
    ('ã', &[CIRCUMFLEX, TILDE]),
    ('ä', &[CIRCUMFLEX, DOT]),
    ('ê', &[BREVE]),
    ('é', &[BREVE, ACUTE]),
    ('è', &[BREVE, GRAVE]),
    ('ú', &[BREVE, HOOK]),
    ('ü', &[BREVE, TILDE]),
    ('ë', &[BREVE, DOT]),
];

/// VNI-Windows: the letters written as one byte.
pub(super) const VNI_LETTERS: [(char, char); 9] = [
    ('ô', 'ơ'),
    ('ö', 'ư'),
    ('ñ', 'đ'),
    ('í', 'í'),
    ('ì', 'ì'),
    ('æ', 'ỉ'),
    ('ó', 'ĩ'),
    ('ò', 'ị'),
    ('î', 'ỵ'),
];

/// Whether a VNI mark byte may follow `base` (circumflex on a, e, o; breve on a; tones on
/// every vowel).
fn mark_fits(base: char, marks: &[char]) -> bool {
    let b = base.to_lowercase().next().unwrap_or(base);
    match marks.first() {
        Some(&CIRCUMFLEX) => matches!(b, 'a' | 'e' | 'o'),
        Some(&BREVE) => b == 'a',
        _ => "aeouyâêôơư".contains(b) || is_vowel_with_shape(b),
    }
}

fn is_vowel_with_shape(c: char) -> bool {
    c.nfd().next().is_some_and(|b| "aeouy".contains(b)) && c.nfd().count() > 1
}

/// Letters only Unicode Vietnamese has (beyond Latin-1), and combining marks.
fn is_unicode_vietnamese(c: char) -> bool {
    matches!(c as u32, 0x102 | 0x103 | 0x110 | 0x111 | 0x128 | 0x129 | 0x168 | 0x169
        | 0x1A0 | 0x1A1 | 0x1AF | 0x1B0 | 0x300..=0x323 | 0x1EA0..=0x1EF9)
}

fn vni_mark(c: char) -> Option<&'static [char]> {
    let lower = c.to_lowercase().next()?;
    VNI_MARKS
        .iter()
        .find(|(m, _)| *m == lower)
        .map(|(_, marks)| *marks)
}

fn tcvn3(c: char) -> Option<char> {
    TCVN3.iter().find(|(b, _)| *b == c).map(|(_, u)| *u)
}

/// The encoding of `text` and its Unicode NFC form, when it is confidently TCVN3 or VNI.
pub fn to_unicode(text: &str) -> Option<(Encoding, String)> {
    if text.chars().any(is_unicode_vietnamese) {
        return None;
    }
    let letters = text.chars().filter(|c| c.is_alphabetic()).count();
    let chars: Vec<char> = text.chars().collect();
    // A mark byte after a vowel it fits: VNI's way of writing every marked vowel.
    let pairs = chars
        .windows(2)
        .filter(|w| {
            w[0].is_ascii_alphabetic() && vni_mark(w[1]).is_some_and(|m| mark_fits(w[0], m))
        })
        .count();
    // Bytes A1–BE (`¨ © ª « ¬ ® µ ¶ · ¸ ¹ …`): TCVN3 letters that VNI never writes.
    let tcvn_only = chars
        .iter()
        .filter(|&&c| ('\u{a1}'..='\u{be}').contains(&c) && tcvn3(c).is_some())
        .count();
    let evidence = pairs.max(tcvn_only);
    if evidence < 3 || evidence * 50 < letters {
        return None;
    }
    if pairs > tcvn_only {
        Some((Encoding::Vni, capitalise_words(&from_vni(&chars))))
    } else {
        Some((
            Encoding::Tcvn3,
            restore_initials(&capitalise_words(&from_tcvn3(text))),
        ))
    }
}

fn from_tcvn3(text: &str) -> String {
    text.chars().map(|c| tcvn3(c).unwrap_or(c)).collect()
}

fn from_vni(chars: &[char]) -> String {
    let mut out = String::with_capacity(chars.len() * 2);
    let mut prev: Option<char> = None;
    for &c in chars {
        if let (Some(p), Some(marks)) = (prev, vni_mark(c)) {
            if mark_fits(p, marks) {
                out.extend(marks.iter());
                prev = None;
                continue;
            }
        }
        let lower = c.to_lowercase().next().unwrap_or(c);
        let letter = VNI_LETTERS.iter().find(|(b, _)| *b == lower).map(|(_, u)| {
            if c.is_uppercase() {
                u.to_uppercase().next().unwrap_or(*u)
            } else {
                *u
            }
        });
        let c = letter.unwrap_or(c);
        out.push(c);
        prev = c.is_alphabetic().then_some(c);
    }
    out.nfc().collect()
}

/// A column (a line, or a part of it between tabs) typed in capitals, and a word typed in
/// capitals, whose marked letters came out in lower case (the `.VnTimeH` fonts draw small
/// codes as capitals) is put in capitals whole.
fn capitalise_words(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        for (j, column) in line.split('\t').enumerate() {
            if j > 0 {
                out.push('\t');
            }
            let capitals = column.chars().filter(char::is_ascii_uppercase).count();
            if capitals >= 2 && !column.chars().any(|c| c.is_ascii_lowercase()) {
                out.push_str(&column.to_uppercase());
            } else {
                out.push_str(&capitalise_each(column));
            }
        }
    }
    out.nfc().collect()
}

fn capitalise_each(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        let lower_ascii = word.chars().any(|c| c.is_ascii_lowercase());
        let capitals = word.chars().filter(char::is_ascii_uppercase).count();
        let inner_capital = word.chars().skip(1).any(|c| c.is_ascii_uppercase());
        if !lower_ascii && (capitals >= 2 || inner_capital) {
            out.push_str(&word.to_uppercase());
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in text.chars() {
        if c.is_alphabetic() {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out.nfc().collect()
}

/// A capital with a tone mark (`Ủ`, `Á`, `Ộ` …) has no TCVN3 code: in a mixed-case text the
/// `.VnTimeH` font draws it from the small letter's code, which converts to the small letter.
/// Such a small first letter is put back in capitals where a capital stands: at the start of a
/// sentence (the first word of a line after one that ended a sentence, or a word after a full
/// stop) and in a name (every other word of the column capitalised).
fn restore_initials(text: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut sentence_ended = true;
    for line in text.split('\n') {
        let columns: Vec<String> = line
            .split('\t')
            .enumerate()
            .map(|(j, c)| restore_column(c, j > 0 || sentence_ended))
            .collect();
        let t = line.trim_end();
        // A heading in capitals ends its line as a full stop does.
        sentence_ended = t.is_empty()
            || t.ends_with(['.', ':', ';', '!', '?'])
            || !t.chars().any(char::is_lowercase);
        out.push(columns.join("\t"));
    }
    out.join("\n")
}

/// Whether `c` is a small letter whose capital TCVN3 cannot write.
fn capital_lost(c: char) -> bool {
    c.is_lowercase()
        && !c.is_ascii()
        && c.to_uppercase()
            .next()
            .is_some_and(|u| u != c && tcvn3_code(u).is_none())
}

fn tcvn3_code(u: char) -> Option<char> {
    TCVN3.iter().find(|(_, x)| *x == u).map(|(b, _)| *b)
}

fn restore_column(column: &str, starts_sentence: bool) -> String {
    let words: Vec<&str> = column.split(' ').collect();
    let lettered: Vec<&str> = words.iter().copied().filter(|w| !w.is_empty()).collect();
    let name_like = (2..=6).contains(&lettered.len())
        && lettered.iter().all(|w| w.chars().all(char::is_alphabetic))
        && lettered
            .iter()
            .filter(|w| !w.starts_with(capital_lost))
            .all(|w| w.starts_with(char::is_uppercase))
        && lettered.iter().any(|w| w.starts_with(char::is_uppercase));
    let mut sentence_start = starts_sentence;
    let mut out: Vec<String> = Vec::with_capacity(words.len());
    for w in words {
        let Some(at) = w.find(char::is_alphabetic) else {
            out.push(w.to_string());
            continue;
        };
        let mut cs = w[at..].chars();
        match cs.next() {
            Some(c) if capital_lost(c) && (name_like || sentence_start) => {
                let head: String = c.to_uppercase().collect();
                out.push(format!("{}{head}{}", &w[..at], cs.as_str()));
            }
            _ => out.push(w.to_string()),
        }
        sentence_start = w.ends_with('.');
    }
    out.join(" ")
}
