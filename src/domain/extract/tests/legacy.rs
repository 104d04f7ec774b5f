//! TCVN3 and VNI: sentences and whole documents round-tripped through the tables.

use super::super::legacy::{to_unicode, Encoding, TCVN3, VNI_LETTERS, VNI_MARKS};
use super::*;

/// A Unicode text as a `.VnTime` / `.VnTimeH` font stores it (capitals with a tone take the
/// small letter's code, as the `H` fonts draw them).
fn to_tcvn3(s: &str) -> String {
    let code = |c: char| TCVN3.iter().find(|(_, u)| *u == c).map(|(b, _)| *b);
    s.chars()
        .map(|c| {
            code(c)
                .or_else(|| code(c.to_lowercase().next().unwrap()))
                .unwrap_or(c)
        })
        .collect()
}

/// A Unicode text as VNI-Windows stores it: base letter, then the byte of its marks.
fn to_vni(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let mut out = String::new();
    for c in s.chars() {
        let lower = c.to_lowercase().next().unwrap();
        let up = |b: char| {
            if c.is_uppercase() {
                b.to_uppercase().next().unwrap()
            } else {
                b
            }
        };
        if let Some((b, _)) = VNI_LETTERS.iter().find(|(_, u)| *u == lower) {
            out.push(up(*b));
            continue;
        }
        let mut parts = lower.to_string().nfd().collect::<Vec<char>>().into_iter();
        let base = parts.next().unwrap();
        let mut marks: Vec<char> = parts.collect();
        let base = if let Some(h) = marks.iter().position(|m| *m == '\u{31b}') {
            marks.remove(h);
            if base == 'o' {
                'ô'
            } else {
                'ö'
            }
        } else {
            base
        };
        out.push(up(base));
        if !marks.is_empty() {
            marks.sort_unstable();
            let (m, _) = VNI_MARKS
                .iter()
                .find(|(_, ms)| {
                    let mut ms = ms.to_vec();
                    ms.sort_unstable();
                    ms == marks
                })
                .unwrap();
            out.push(up(*m));
        }
    }
    out
}

#[test]
fn legacy_sentences_round_trip_through_the_tables() {
    let sentences = [
        "Quyết định về việc ban hành quy định quản lý nhà nước đối với hoạt động khai thác cát",
        "Nghị quyết này có hiệu lực kể từ ngày 15 tháng 5 năm 2021 và thay thế những quy định trước",
        "ỦY BAN NHÂN DÂN TỈNH CÀ MAU QUYẾT ĐỊNH",
        "người dân được hưởng chế độ hỗ trợ ưu đãi; ặc ẵ ẳ ữ ự ỹ ỵ ỷ ợ ỡ ở",
    ];
    for s in sentences {
        assert_eq!(
            to_unicode(&to_tcvn3(s)),
            Some((Encoding::Tcvn3, s.to_string())),
            "{s}"
        );
        assert_eq!(
            to_unicode(&to_vni(s)),
            Some((Encoding::Vni, s.to_string())),
            "{s}"
        );
    }
    assert_eq!(to_vni("Quyết định"), "Quyeát ñònh");
    assert_eq!(to_tcvn3("Cà Mau"), "C\u{b5} Mau");
}

#[test]
fn unicode_and_plain_texts_are_never_converted() {
    assert_eq!(to_unicode(NQ_TINH_2018), None);
    assert_eq!(to_unicode("Lưu ý: café, résumé, naïve «quoted» text"), None);
    assert_eq!(
        to_unicode("Plain ASCII text with numbers 15/2018/NQ-HDND"),
        None
    );
    assert_eq!(to_unicode(""), None);
}

#[test]
fn tcvn3_document_is_converted_then_read() {
    let x = check(
        &to_tcvn3(QD_SUA_DOI_2022),
        &Want {
            issuer: "ỦY BAN NHÂN DÂN TỈNH CÀ MAU",
            number: "21/2022/QĐ-UBND",
            normalised: "21/2022/QĐ-UBND",
            place: Some("Cà Mau"),
            issued: ymd(2022, 10, 10),
            doc_type: "Quyết định",
            title: "Sửa đổi, bổ sung một số điều của Quy định ban hành kèm theo Quyết định số 12/2018/QĐ-UBND ngày 05 tháng 3 năm 2018 của ủy ban nhân dân tỉnh Cà Mau",
            signer: "Lâm Văn Bi",
            position: "PHÓ CHỦ TỊCH",
            capacity: Some("TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH"),
            effective: Some(ymd(2022, 10, 20)),
            articles: 3,
            effects: vec![
                (Amend, "12/2018/QĐ-UBND", vec!["dieu-5/khoan-2"], Some(ymd(2022, 10, 20))),
                (Repeal, "12/2018/QĐ-UBND", vec!["dieu-7"], Some(ymd(2022, 10, 20))),
            ],
        },
    );
    assert_eq!(x.encoding, Some(Encoding::Tcvn3));
}

#[test]
fn vni_document_is_converted_then_read() {
    let x = check(
        &to_vni(QD_TINH_2021),
        &Want {
            issuer: "ỦY BAN NHÂN DÂN TỈNH CÀ MAU",
            number: "09/2021/QĐ-UBND",
            normalised: "09/2021/QĐ-UBND",
            place: Some("Cà Mau"),
            issued: ymd(2021, 4, 28),
            doc_type: "Quyết định",
            title: "Ban hành Quy định về quản lý nhà nước đối với hoạt động khai thác cát trên địa bàn tỉnh Cà Mau",
            signer: "Lê Văn Sử",
            position: "PHÓ CHỦ TỊCH",
            capacity: Some("TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH"),
            effective: Some(ymd(2021, 5, 15)),
            articles: 3,
            effects: vec![(Replace, "12/2018/QĐ-UBND", vec![], Some(ymd(2021, 5, 15)))],
        },
    );
    assert_eq!(x.encoding, Some(Encoding::Vni));
}

#[test]
fn tcvn3_capitals_with_a_tone_come_back_at_a_sentence_start_and_in_names() {
    // `.VnTime` text where the capitals Ủ and Á were typed in `.VnTimeH`: small codes.
    let unicode = "QUYẾT ĐỊNH\nỦy ban nhân dân tỉnh quyết định. Ủy ban sẽ họp.\nbáo cáo ủy ban\t\tĐinh Viết Ánh\n";
    let written = to_tcvn3(unicode);
    let (e, back) = to_unicode(&written).unwrap();
    assert_eq!(e, Encoding::Tcvn3);
    // Mid-sentence small letters stay small: "báo cáo ủy ban" follows a full stop's line,
    // so only its first word would take a capital, and "báo" has a small first letter
    // that TCVN3 can write ("b").
    assert_eq!(back, unicode);
}
