//! Vietnamese analysis. Text is split into syllables (runs of letters and digits); each syllable
//! is NFC, lower-cased and given one canonical tone placement, so `hoà`/`hòa`, `thuỷ`/`thủy`
//! and `qúy`/`quý` are one term. The folded form drops every mark (`đ` → `d`) for readers who
//! type without diacritics. Pairs of consecutive syllables (`quyền_dân`) give phrase evidence:
//! Vietnamese words are one to four syllables.

use unicode_normalization::UnicodeNormalization;

/// Tone marks as combining characters: grave, acute, hook above, tilde, dot below.
const TONES: [char; 5] = ['\u{300}', '\u{301}', '\u{309}', '\u{303}', '\u{323}'];

fn is_vowel(c: char) -> bool {
    matches!(
        c,
        'a' | 'ă' | 'â' | 'e' | 'ê' | 'i' | 'o' | 'ô' | 'ơ' | 'u' | 'ư' | 'y'
    )
}

fn has_shape_mark(c: char) -> bool {
    matches!(c, 'ă' | 'â' | 'ê' | 'ô' | 'ơ' | 'ư')
}

/// One syllable in canonical form: lower case, NFC, tone on the main vowel (the "new" rule:
/// `hoà`, `thuỷ`, `quý`).
pub fn canonical_syllable(s: &str) -> String {
    let lower = s.to_lowercase();
    let mut tone = None;
    let mut base = String::with_capacity(lower.len());
    for c in lower.nfd() {
        if TONES.contains(&c) {
            tone = Some(c);
        } else {
            base.push(c);
        }
    }
    let base: Vec<char> = base.nfc().collect();
    let Some(tone) = tone else {
        return base.into_iter().collect();
    };
    // The vowel cluster, skipping the onsets "qu" and "gi" (whose u / i are consonantal).
    let mut start = base.iter().position(|c| is_vowel(*c)).unwrap_or(base.len());
    if start < base.len() {
        let onset: String = base[..start].iter().collect();
        let next_is_vowel = base.get(start + 1).is_some_and(|c| is_vowel(*c));
        if (onset == "q" && base[start] == 'u' || onset == "g" && base[start] == 'i')
            && next_is_vowel
        {
            start += 1;
        }
    }
    let end = base[start..]
        .iter()
        .position(|c| !is_vowel(*c))
        .map_or(base.len(), |i| start + i);
    let target = if start >= end {
        None
    } else {
        let cluster = &base[start..end];
        let closed = end < base.len();
        let pos = if let Some(i) = cluster.iter().rposition(|c| has_shape_mark(*c)) {
            i
        } else if cluster.len() == 1 {
            0
        } else if closed {
            cluster.len() - 1
        } else if cluster.len() == 3 {
            1
        } else {
            let pair: String = cluster.iter().collect();
            if matches!(pair.as_str(), "oa" | "oe" | "uy") {
                1
            } else {
                0
            }
        };
        Some(start + pos)
    };
    let mut out = String::with_capacity(lower.len() + 2);
    for (i, c) in base.iter().enumerate() {
        out.push(*c);
        if Some(i) == target {
            out.push(tone);
        }
    }
    if target.is_none() {
        out.push(tone);
    }
    out.nfc().collect()
}

/// A syllable without any mark: `Đầm` → `dam`.
pub fn folded_syllable(s: &str) -> String {
    crate::domain::text::fold(&s.to_lowercase())
}

/// Byte spans of the syllables of `text`.
pub fn syllable_spans(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        let word = c.is_alphanumeric() || unicode_normalization::char::is_combining_mark(c);
        match (word, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, text.len()));
    }
    out
}

/// How a field turns text into terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Canonical syllables, diacritics kept.
    Exact,
    /// Syllables without marks.
    Folded,
    /// Pairs of consecutive canonical syllables.
    ExactPairs,
    /// Pairs of consecutive folded syllables.
    FoldedPairs,
}

/// A term with the byte span of the text it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub text: String,
    pub from: usize,
    pub to: usize,
}

thread_local! {
    /// Syllable → (canonical, folded). Vietnamese has a few thousand distinct syllables, so
    /// indexing a large corpus normalises each one once per thread instead of every time.
    static FORMS: std::cell::RefCell<std::collections::HashMap<String, (String, String)>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}

fn forms(syllable: &str, mode: Mode) -> String {
    let pick = |f: &(String, String)| match mode {
        Mode::Exact | Mode::ExactPairs => f.0.clone(),
        Mode::Folded | Mode::FoldedPairs => f.1.clone(),
    };
    FORMS.with(|cache| {
        let mut cache = cache.borrow_mut();
        if let Some(f) = cache.get(syllable) {
            return pick(f);
        }
        if cache.len() > 200_000 {
            cache.clear();
        }
        let f = (canonical_syllable(syllable), folded_syllable(syllable));
        let out = pick(&f);
        cache.insert(syllable.to_string(), f);
        out
    })
}

pub fn analyze(text: &str, mode: Mode) -> Vec<Term> {
    let spans = syllable_spans(text);
    let one = |(f, t): (usize, usize)| -> String { forms(&text[f..t], mode) };
    let singles: Vec<Term> = spans
        .iter()
        .map(|s| Term {
            text: one(*s),
            from: s.0,
            to: s.1,
        })
        .collect();
    match mode {
        Mode::Exact | Mode::Folded => singles,
        Mode::ExactPairs | Mode::FoldedPairs => singles
            .windows(2)
            .map(|w| Term {
                text: format!("{}_{}", w[0].text, w[1].text),
                from: w[0].from,
                to: w[1].to,
            })
            .collect(),
    }
}

/// Words that carry little meaning in a question; dropped from single-syllable query terms
/// (they still count inside pairs, where "bao nhiêu" or "theo quy định" mean something).
pub const STOP_WORDS: &[&str] = &[
    "à", "ạ", "ai", "bao", "bị", "bởi", "các", "cái", "cần", "càng", "chỉ", "cho", "chưa", "có",
    "của", "cũng", "đã", "đang", "đây", "để", "đến", "đều", "điều", "do", "đó", "được", "gì",
    "hay", "hoặc", "khi", "không", "là", "lại", "làm", "mà", "mỗi", "một", "nào", "này", "nếu",
    "nên", "nhiêu", "như", "những", "nhưng", "rằng", "rồi", "sẽ", "so", "theo", "thì", "trên",
    "trong", "từ", "và", "vào", "về", "vì", "với", "vẫn", "năm", "thế", "sao", "ra", "tại",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tone_placement_is_canonical() {
        for (a, b) in [
            ("hòa", "hoà"),
            ("thủy", "thuỷ"),
            ("qúy", "quý"),
            ("khỏe", "khoẻ"),
            ("Hòa", "hoà"),
            ("hóa", "hoá"),
            ("ngoài", "ngoài"),
            ("tuổi", "tuổi"),
            ("người", "người"),
            ("giữ", "giữ"),
            ("quyền", "quyền"),
            ("luật", "luật"),
        ] {
            assert_eq!(canonical_syllable(a), canonical_syllable(b), "{a} ~ {b}");
        }
        assert_eq!(canonical_syllable("hòa"), "hoà");
        assert_eq!(canonical_syllable("Thủy"), "thuỷ");
        assert_eq!(canonical_syllable("mía"), "mía");
        assert_eq!(canonical_syllable("tủi"), "tủi");
        assert_eq!(canonical_syllable("gì"), "gì");
        assert_ne!(canonical_syllable("hoà"), canonical_syllable("hoá"));
    }

    #[test]
    fn nfd_input_gives_the_same_terms() {
        let nfc = "Quyền dân sự được công nhận";
        let nfd: String = nfc.nfd().collect();
        assert_eq!(
            analyze(nfc, Mode::Exact)
                .iter()
                .map(|t| t.text.clone())
                .collect::<Vec<_>>(),
            analyze(&nfd, Mode::Exact)
                .iter()
                .map(|t| t.text.clone())
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn folded_and_pairs() {
        let t: Vec<String> = analyze("Đầm Dơi, thủy sản", Mode::Folded)
            .into_iter()
            .map(|t| t.text)
            .collect();
        assert_eq!(t, ["dam", "doi", "thuy", "san"]);
        let p: Vec<String> = analyze("quyền dân sự", Mode::ExactPairs)
            .into_iter()
            .map(|t| t.text)
            .collect();
        assert_eq!(p, ["quyền_dân", "dân_sự"]);
        let spans = analyze("Điều 5. Mức hỗ trợ", Mode::Exact);
        assert_eq!(spans[0].text, "điều");
        assert_eq!(&"Điều 5. Mức hỗ trợ"[spans[2].from..spans[2].to], "Mức");
    }
}
