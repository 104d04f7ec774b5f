//! Numbers written in Vietnamese words and in digits: `mười tám` ⇄ 18, `ba mươi` ⇄ 30,
//! `một trăm linh năm` ⇄ 105. Laws write ages and time limits both ways ("đủ mười tám tuổi",
//! "trong thời hạn 30 ngày"), and readers too; search treats the two as one term family.
//!
//! Words are lower-case NFC syllables with the tone on the main vowel (`mười`, `bảy`).

use std::collections::HashMap;
use std::sync::OnceLock;

/// The largest number handled (three digits: ages, days, months, articles).
pub const MAX: u32 = 999;

const UNITS: [&str; 10] = [
    "không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín",
];

/// The usual spelling of `n` (0 ..= [`MAX`]) in words, syllables separated by one space;
/// `None` above [`MAX`].
pub fn to_words(n: u32) -> Option<String> {
    if n > MAX {
        return None;
    }
    Some(spell(n, false).join(" "))
}

/// Syllables of `n` below 1,000; `tail` when it follows a hundred (`linh`).
fn spell(n: u32, tail: bool) -> Vec<&'static str> {
    let unit = |d: u32| UNITS[d as usize % 10];
    let (h, t, u) = (n / 100, n / 10 % 10, n % 10);
    let mut out = Vec::new();
    if h > 0 {
        out.push(unit(h));
        out.push("trăm");
        if t == 0 && u > 0 {
            out.push("linh");
            out.push(unit(u));
        } else if t > 0 || u > 0 {
            out.extend(spell(n % 100, true));
        }
        return out;
    }
    match t {
        0 if tail || n > 0 => out.push(unit(u)),
        0 => out.push(UNITS[0]),
        1 => {
            out.push("mười");
            match u {
                0 => {}
                5 => out.push("lăm"),
                _ => out.push(unit(u)),
            }
        }
        _ => {
            out.push(unit(t));
            out.push("mươi");
            match u {
                0 => {}
                1 => out.push("mốt"),
                4 => out.push("tư"),
                5 => out.push("lăm"),
                _ => out.push(unit(u)),
            }
        }
    }
    out
}

/// Every spelling of every number up to [`MAX`]: the usual one and its common variants
/// (`hai mươi một`, `hai mươi bốn`, `một trăm lẻ năm`, `bẩy`, `ngàn`).
fn spellings() -> &'static HashMap<String, u32> {
    static MAP: OnceLock<HashMap<String, u32>> = OnceLock::new();
    MAP.get_or_init(|| {
        let mut map = HashMap::new();
        for n in 0..=MAX {
            let usual = spell(n, false).join(" ");
            let variants = [
                usual.replace("mươi mốt", "mươi một"),
                usual.replace("mươi tư", "mươi bốn"),
                usual.replace("mươi lăm", "mươi năm"),
                usual.replace(" linh ", " lẻ "),
                usual.replace("bảy", "bẩy"),
            ];
            for v in variants {
                map.entry(v).or_insert(n);
            }
            map.insert(usual, n);
        }
        map
    })
}

/// The longest number spelt at the start of `words` (at most six syllables): its value and how
/// many syllables it takes.
pub fn parse_prefix<S: AsRef<str>>(words: &[S]) -> Option<(u32, usize)> {
    let map = spellings();
    (1..=words.len().min(6)).rev().find_map(|len| {
        let joined = words[..len]
            .iter()
            .map(AsRef::as_ref)
            .collect::<Vec<_>>()
            .join(" ");
        map.get(&joined).map(|n| (*n, len))
    })
}

/// The numbers spelt in words in `words`, each as (first syllable, syllables, value), taking
/// the longest spelling at each place; only spellings of at least `min_len` syllables.
pub fn find_in<S: AsRef<str>>(words: &[S], min_len: usize) -> Vec<(usize, usize, u32)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        match parse_prefix(&words[i..]) {
            Some((n, len)) if len >= min_len => {
                out.push((i, len, n));
                i += len;
            }
            _ => i += 1,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn usual_spellings() {
        let w = |n| to_words(n).unwrap_or_default();
        assert_eq!(w(0), "không");
        assert_eq!(w(5), "năm");
        assert_eq!(w(10), "mười");
        assert_eq!(w(15), "mười lăm");
        assert_eq!(w(18), "mười tám");
        assert_eq!(w(21), "hai mươi mốt");
        assert_eq!(w(24), "hai mươi tư");
        assert_eq!(w(30), "ba mươi");
        assert_eq!(w(45), "bốn mươi lăm");
        assert_eq!(w(100), "một trăm");
        assert_eq!(w(105), "một trăm linh năm");
        assert_eq!(w(110), "một trăm mười");
        assert_eq!(w(365), "ba trăm sáu mươi lăm");
        assert_eq!(to_words(1000), None);
    }

    #[test]
    fn variants_are_read() {
        let p = |s: &str| {
            let w: Vec<&str> = s.split(' ').collect();
            parse_prefix(&w)
        };
        assert_eq!(p("hai mươi một"), Some((21, 3)));
        assert_eq!(p("hai mươi bốn"), Some((24, 3)));
        assert_eq!(p("một trăm lẻ năm"), Some((105, 4)));
        assert_eq!(p("bẩy"), Some((7, 1)));
        // The longest spelling wins; what follows is not part of it.
        assert_eq!(p("mười tám tuổi"), Some((18, 2)));
        assert_eq!(p("tuổi"), None);
    }

    #[test]
    fn numbers_found_in_a_sentence() {
        let words: Vec<&str> = "người từ đủ mười tám tuổi trong ba mươi ngày một lần"
            .split(' ')
            .collect();
        assert_eq!(find_in(&words, 2), vec![(3, 2, 18), (7, 2, 30)]);
        assert_eq!(find_in(&words, 1), vec![(3, 2, 18), (7, 2, 30), (10, 1, 1)]);
    }

    proptest! {
        #[test]
        fn words_read_back(n in 0u32..=MAX) {
            let words = to_words(n).unwrap_or_default();
            let syllables: Vec<&str> = words.split(' ').collect();
            prop_assert_eq!(parse_prefix(&syllables), Some((n, syllables.len())));
        }
    }
}
