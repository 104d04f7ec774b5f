//! Text normalisation shared by the registry: every string that enters vanban is NFC, and
//! comparisons of numbers and names use a folded form (no diacritics, `đ` → `d`, upper case).

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// The NFC form of `s`, trimmed of surrounding whitespace.
pub fn nfc(s: &str) -> String {
    nfc_keep(s.trim())
}

/// The NFC form of `s`, keeping surrounding whitespace (for full texts). Text that is already
/// NFC (nearly all of it) is copied without being decomposed and recomposed.
pub fn nfc_keep(s: &str) -> String {
    match unicode_normalization::is_nfc_quick(s.chars()) {
        unicode_normalization::IsNormalized::Yes => s.to_string(),
        _ => s.nfc().collect(),
    }
}

/// Removes every diacritic (tone and vowel marks) and maps `đ`/`Đ` to `d`/`D`.
pub fn fold(s: &str) -> String {
    s.nfd()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| match c {
            'đ' => 'd',
            'Đ' => 'D',
            c => c,
        })
        .collect()
}

/// Folded, upper-cased form used to compare document numbers and codes.
pub fn fold_upper(s: &str) -> String {
    fold(s).to_uppercase()
}

/// Formats a date the Vietnamese way: `dd/mm/yyyy`.
pub fn date_vn(d: chrono::NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nfd_input_becomes_nfc() {
        let nfd: String = "Nghị quyết".nfd().collect();
        assert_ne!(nfd, "Nghị quyết");
        assert_eq!(nfc(&nfd), "Nghị quyết");
    }

    #[test]
    fn folding_removes_marks_and_dd() {
        assert_eq!(fold("Đầm Dơi thủy hòa"), "Dam Doi thuy hoa");
        assert_eq!(fold_upper("nq-hđnd"), "NQ-HDND");
    }
}
