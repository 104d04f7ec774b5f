//! Term families: words a reader and a law may write in two forms, sought in the form not
//! typed. Legal abbreviations and their long forms (UBND ⇄ ủy ban nhân dân), numbers in words
//! and in digits (mười tám ⇄ 18).

use super::super::analyzer::{analyze, canonical_syllable, folded_syllable, Mode};

/// Legal abbreviations of national and local legal texts and their long forms. Not drawn from
/// the evaluation questions: the list of the issue and the usual abbreviations of Vietnamese
/// administrative writing.
pub(super) const ABBREVIATIONS: &[(&str, &str)] = &[
    ("UBND", "ủy ban nhân dân"),
    ("HĐND", "hội đồng nhân dân"),
    ("TTHC", "thủ tục hành chính"),
    ("QSDĐ", "quyền sử dụng đất"),
    ("BHXH", "bảo hiểm xã hội"),
    ("BHYT", "bảo hiểm y tế"),
    ("BHTN", "bảo hiểm thất nghiệp"),
    ("NLĐ", "người lao động"),
    ("NSDLĐ", "người sử dụng lao động"),
    ("HĐLĐ", "hợp đồng lao động"),
    ("GCN", "giấy chứng nhận"),
    ("BLDS", "bộ luật dân sự"),
    ("BLHS", "bộ luật hình sự"),
    ("BLLĐ", "bộ luật lao động"),
    ("BLTTDS", "bộ luật tố tụng dân sự"),
    ("BLTTHS", "bộ luật tố tụng hình sự"),
    ("UBTVQH", "ủy ban thường vụ quốc hội"),
    ("TAND", "tòa án nhân dân"),
    ("VKSND", "viện kiểm sát nhân dân"),
    ("CMND", "chứng minh nhân dân"),
    ("CCCD", "căn cước công dân"),
    ("TNHH", "trách nhiệm hữu hạn"),
    ("GTGT", "giá trị gia tăng"),
    ("TNCN", "thu nhập cá nhân"),
    ("MTTQ", "mặt trận tổ quốc"),
];

/// The other forms of the abbreviations and long forms in a query's folded syllables: for an
/// abbreviation typed, its long form; for a long form typed, its abbreviation.
pub(super) fn abbreviation_forms(folded: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for (short, long) in ABBREVIATIONS {
        let short_folded = folded_syllable(short);
        let long_folded: Vec<String> = long.split(' ').map(folded_syllable).collect();
        if folded.contains(&short_folded) {
            out.push((*long).to_string());
        }
        if folded.windows(long_folded.len()).any(|w| w == long_folded) {
            out.push(canonical_syllable(short));
        }
    }
    out
}

/// The other forms of the numbers in a query: digits for a number in words of two syllables or
/// more (`mười tám` → `18`; one syllable, such as `năm` or `một`, is mostly not a number), and
/// words for a number in digits up to 999 (`30` → `ba mươi`).
pub(super) fn number_forms(q: &str) -> Vec<String> {
    let exact: Vec<String> = analyze(q, Mode::Exact)
        .into_iter()
        .map(|t| t.text)
        .collect();
    let mut out: Vec<String> = crate::domain::numerals::find_in(&exact, 2)
        .into_iter()
        .map(|(_, _, n)| n.to_string())
        .collect();
    for s in &exact {
        if s.len() <= 3 && s.chars().all(|c| c.is_ascii_digit()) {
            if let Some(words) = s
                .parse::<u32>()
                .ok()
                .and_then(crate::domain::numerals::to_words)
                .filter(|w| w.contains(' '))
            {
                out.push(words);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folded(q: &str) -> Vec<String> {
        analyze(q, Mode::Folded)
            .into_iter()
            .map(|t| t.text)
            .collect()
    }

    #[test]
    fn abbreviations_both_ways() {
        assert_eq!(
            abbreviation_forms(&folded("Thẩm quyền của UBND cấp xã")),
            ["ủy ban nhân dân"]
        );
        assert_eq!(
            abbreviation_forms(&folded("thẩm quyền của uy ban nhan dan cấp xã")),
            ["ubnd"]
        );
        assert_eq!(
            abbreviation_forms(&folded("người lao động được nghỉ")),
            ["nlđ"]
        );
        assert!(abbreviation_forms(&folded("quyền dân sự")).is_empty());
    }

    #[test]
    fn numbers_both_ways() {
        assert_eq!(number_forms("người đủ mười tám tuổi"), ["18"]);
        assert_eq!(number_forms("trong 30 ngày"), ["ba mươi"]);
        // One syllable is not taken for a number, nor are years.
        assert!(number_forms("năm 2015 có một lần").is_empty());
        assert!(number_forms("trong 5 ngày").is_empty());
    }
}
