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

/// Whether `c` belongs to a syllable: a letter, a digit or a combining mark.
#[inline]
fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    let u = c as usize;
    if u < WORD_TABLE_CHARS {
        let table = word_table();
        return table[u / 64] & (1 << (u % 64)) != 0;
    }
    c.is_alphanumeric() || unicode_normalization::char::is_combining_mark(c)
}

/// Characters below this code point (Latin with every Vietnamese letter, combining marks,
/// punctuation) are classified from a table built once: `char::is_alphanumeric` takes a slow
/// path for every non-ASCII character, and Vietnamese text is full of them.
const WORD_TABLE_CHARS: usize = 0x2000;

fn word_table() -> &'static [u64; WORD_TABLE_CHARS / 64] {
    static TABLE: std::sync::OnceLock<[u64; WORD_TABLE_CHARS / 64]> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut t = [0u64; WORD_TABLE_CHARS / 64];
        for (u, bits) in (0..WORD_TABLE_CHARS).filter_map(|u| {
            let c = char::from_u32(u32::try_from(u).ok()?)?;
            (c.is_alphanumeric() || unicode_normalization::char::is_combining_mark(c))
                .then_some((u, 1u64 << (u % 64)))
        }) {
            t[u / 64] |= bits;
        }
        t
    })
}

/// Byte spans of the syllables of `text`.
pub fn syllable_spans(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (is_word_char(c), start) {
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

/// One syllable of an analysed text: its byte span, and where its canonical and folded forms
/// lie in [`Analysis::exact`] and [`Analysis::folded`].
#[derive(Debug, Clone, Copy)]
pub struct Syllable {
    pub from: u32,
    pub to: u32,
    exact: (u32, u32),
    folded: (u32, u32),
}

/// A text analysed once for all four modes: its syllables with both forms. The index has four
/// fields over the same text (and three over a heading, two over a title); tantivy asks for
/// each in turn, and each is served from one analysis.
///
/// Each form is written once, the forms of consecutive syllables joined by `_`, so that a
/// syllable and a pair (`quyền_dân`) are both one slice of the same string.
#[derive(Debug, Default)]
pub struct Analysis {
    pub syllables: Vec<Syllable>,
    exact: String,
    folded: String,
}

impl Analysis {
    /// How many terms `mode` gives.
    pub fn len(&self, mode: Mode) -> usize {
        match mode {
            Mode::Exact | Mode::Folded => self.syllables.len(),
            Mode::ExactPairs | Mode::FoldedPairs => self.syllables.len().saturating_sub(1),
        }
    }

    pub fn is_empty(&self, mode: Mode) -> bool {
        self.len(mode) == 0
    }

    /// The `i`th term of `mode` and its byte span in the text.
    #[inline]
    pub fn term(&self, mode: Mode, i: usize) -> (&str, usize, usize) {
        let Some(first) = self.syllables.get(i) else {
            return ("", 0, 0);
        };
        let last = match mode {
            Mode::Exact | Mode::Folded => first,
            Mode::ExactPairs | Mode::FoldedPairs => self.syllables.get(i + 1).unwrap_or(first),
        };
        let (arena, a, b) = match mode {
            Mode::Exact | Mode::ExactPairs => (&self.exact, first.exact.0, last.exact.1),
            Mode::Folded | Mode::FoldedPairs => (&self.folded, first.folded.0, last.folded.1),
        };
        (
            arena.get(a as usize..b as usize).unwrap_or_default(),
            first.from as usize,
            last.to as usize,
        )
    }
}

/// A fast hash for the short syllable keys of the per-thread cache (FxHash's mixing step).
#[derive(Default, Clone, Copy)]
struct SyllableHasher(u64);

impl std::hash::Hasher for SyllableHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(K);
        }
        for &b in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
        }
    }
}

type SyllableMap = std::collections::HashMap<
    Box<str>,
    (Box<str>, Box<str>),
    std::hash::BuildHasherDefault<SyllableHasher>,
>;

/// Per-thread analysis state: the forms of every syllable seen (Vietnamese has a few thousand
/// distinct syllables, so each is normalised once per thread instead of every time), and the
/// last text analysed.
#[derive(Default)]
struct Analyzer {
    forms: SyllableMap,
    /// The texts analysed last, with their analyses (a unit's text, title and heading) and
    /// when each was last asked for.
    recent: Vec<(String, std::rc::Rc<Analysis>, u64)>,
    clock: u64,
}

/// How many recent analyses each thread keeps.
const RECENT: usize = 4;

thread_local! {
    static ANALYZER: std::cell::RefCell<Analyzer> = std::cell::RefCell::new(Analyzer::default());
}

fn offset(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Analyzer {
    fn analyse(&mut self, text: &str) -> Analysis {
        let mut a = Analysis {
            syllables: Vec::with_capacity(text.len() / 5),
            exact: String::with_capacity(text.len() + text.len() / 4),
            folded: String::with_capacity(text.len() + text.len() / 4),
        };
        if self.forms.len() > 200_000 {
            self.forms.clear();
        }
        let mut push = |from: usize, to: usize, a: &mut Analysis| {
            if !a.syllables.is_empty() {
                a.exact.push('_');
                a.folded.push('_');
            }
            let exact_start = offset(a.exact.len());
            let folded_start = offset(a.folded.len());
            let raw = &text[from..to];
            if let Some((exact, folded)) = self.forms.get(raw) {
                a.exact.push_str(exact);
                a.folded.push_str(folded);
            } else {
                let exact = canonical_syllable(raw);
                let folded = folded_syllable(raw);
                a.exact.push_str(&exact);
                a.folded.push_str(&folded);
                self.forms.insert(
                    raw.into(),
                    (exact.into_boxed_str(), folded.into_boxed_str()),
                );
            }
            a.syllables.push(Syllable {
                from: offset(from),
                to: offset(to),
                exact: (exact_start, offset(a.exact.len())),
                folded: (folded_start, offset(a.folded.len())),
            });
        };
        let mut start = None;
        for (i, c) in text.char_indices() {
            match (is_word_char(c), start) {
                (true, None) => start = Some(i),
                (false, Some(s)) => {
                    push(s, i, &mut a);
                    start = None;
                }
                _ => {}
            }
        }
        if let Some(s) = start {
            push(s, text.len(), &mut a);
        }
        a
    }
}

/// The analysis of `text`, shared with the callers on this thread that asked for the same
/// text lately.
pub fn analysis(text: &str) -> std::rc::Rc<Analysis> {
    ANALYZER.with(|cell| {
        let mut an = cell.borrow_mut();
        an.clock += 1;
        let now = an.clock;
        if let Some((_, a, used)) = an.recent.iter_mut().find(|(t, _, _)| t == text) {
            *used = now;
            return std::rc::Rc::clone(a);
        }
        let a = std::rc::Rc::new(an.analyse(text));
        if an.recent.len() < RECENT {
            an.recent
                .push((text.to_string(), std::rc::Rc::clone(&a), now));
        } else if let Some(oldest) = an.recent.iter_mut().min_by_key(|(_, _, used)| *used) {
            oldest.0.clear();
            oldest.0.push_str(text);
            oldest.1 = std::rc::Rc::clone(&a);
            oldest.2 = now;
        }
        a
    })
}

pub fn analyze(text: &str, mode: Mode) -> Vec<Term> {
    let a = analysis(text);
    (0..a.len(mode))
        .map(|i| {
            let (term, from, to) = a.term(mode, i);
            Term {
                text: term.to_string(),
                from,
                to,
            }
        })
        .collect()
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

    /// The terms of `text` computed the plain way, one syllable at a time.
    fn reference(text: &str, mode: Mode) -> Vec<Term> {
        let singles: Vec<Term> = syllable_spans(text)
            .into_iter()
            .map(|(from, to)| Term {
                text: match mode {
                    Mode::Exact | Mode::ExactPairs => canonical_syllable(&text[from..to]),
                    Mode::Folded | Mode::FoldedPairs => folded_syllable(&text[from..to]),
                },
                from,
                to,
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

    #[test]
    fn shared_analysis_gives_the_plain_terms() {
        let nfd: String = "Thủy lợi, HÒA BÌNH".nfd().collect();
        let texts = [
            "Điều 5. Mức hỗ trợ 1.000.000 đồng/người; khoản 2 Điều 7",
            "Quyền dân sự được công nhận, tôn trọng — bảo vệ (theo Hiến pháp)",
            nfd.as_str(),
            "",
            "  ,;  ",
            "một",
            "x1 – αβγ 漢字 ÀÉÎ ñ ǅ",
            "Điều 5. Mức hỗ trợ 1.000.000 đồng/người; khoản 2 Điều 7",
        ];
        // Several rounds, so that texts are served from the per-thread cache too.
        for _ in 0..3 {
            for text in texts {
                for mode in [
                    Mode::Exact,
                    Mode::Folded,
                    Mode::ExactPairs,
                    Mode::FoldedPairs,
                ] {
                    assert_eq!(
                        analyze(text, mode),
                        reference(text, mode),
                        "{text:?} {mode:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn word_characters_are_classified_as_unicode_does() {
        for u in 0..0x3000u32 {
            if let Some(c) = char::from_u32(u) {
                let plain =
                    c.is_alphanumeric() || unicode_normalization::char::is_combining_mark(c);
                assert_eq!(is_word_char(c), plain, "U+{u:04X}");
            }
        }
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
