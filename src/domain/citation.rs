//! How a provision of a document is cited in Vietnamese legal writing: the smallest unit first,
//! then the larger ones, then the document's short name — "điểm a khoản 2 Điều 154 Luật Ban
//! hành văn bản quy phạm pháp luật", "khoản 2 Điều 5 Nghị quyết số 15/2018/NQ-HĐND" (Nghị định
//! 30/2020/NĐ-CP, Phụ lục I, mục II: "Điều", "Chương", "Mục", "Phụ lục" keep their capital,
//! "khoản" and "điểm" are written in lower case). Never "Điều 154 khoản 2" nor "Điều 16 của
//! 60/2014/QH13".

use crate::domain::structure::split_part;

/// Kinds of document cited by their title (which names them: "Luật Hộ tịch", "Bộ luật Dân
/// sự"); every other kind is cited by kind and number ("Nghị định số 34/2016/NĐ-CP"), since
/// their titles are descriptions ("Quy định chi tiết một số điều …"), not names.
const CITED_BY_TITLE: &[&str] = &["Hiến pháp", "Bộ luật", "Luật", "Pháp lệnh"];

/// The document being cited.
#[derive(Debug, Clone, Copy)]
pub struct Cited<'a> {
    /// The kind as stored: "Luật", "Nghị quyết" (may be empty when unknown).
    pub kind: &'a str,
    pub number: &'a str,
    pub title: &'a str,
}

/// The document's short name: "Luật Ban hành văn bản quy phạm pháp luật" for a law (its title,
/// with the kind in front when the title leaves it out), "Nghị quyết số 15/2018/NQ-HĐND" for the
/// rest, "văn bản số …" when the kind is unknown.
pub fn short_name(doc: Cited<'_>) -> String {
    let kind = doc.kind.trim();
    let title = doc.title.trim();
    if CITED_BY_TITLE.contains(&kind) && !title.is_empty() {
        let folded = crate::domain::text::fold(title);
        if folded.starts_with(&crate::domain::text::fold(kind)) {
            return title.to_string();
        }
        return format!("{kind} {title}");
    }
    if kind.is_empty() {
        format!("văn bản số {}", doc.number.trim())
    } else {
        format!("{kind} số {}", doc.number.trim())
    }
}

/// A provision key (`dieu-154/khoan-2/diem-a`) written smallest unit first: "điểm a khoản 2
/// Điều 154". Parts that are not provision parts are skipped.
pub fn provision(key: &str) -> String {
    let parts: Vec<String> = key
        .split('/')
        .filter_map(|p| {
            let (k, l) = split_part(p)?;
            Some(format!("{} {}", k.word(), l).trim_end().to_string())
        })
        .collect();
    parts.into_iter().rev().collect::<Vec<_>>().join(" ")
}

/// The full citation: "điểm a khoản 2 Điều 154 Luật Ban hành văn bản quy phạm pháp luật", or
/// the document's short name alone when no provision is named. Starts in lower case when the
/// smallest unit is a clause or point (it is meant to sit inside a sentence); capitalise at the
/// start of one.
pub fn cite(key: Option<&str>, doc: Cited<'_>) -> String {
    let name = short_name(doc);
    match key.map(provision).filter(|p| !p.is_empty()) {
        Some(p) => format!("{p} {name}"),
        None => name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LAW: Cited<'static> = Cited {
        kind: "Luật",
        number: "80/2015/QH13",
        title: "Luật Ban hành văn bản quy phạm pháp luật",
    };

    #[test]
    fn smallest_unit_first_then_the_law_by_its_name() {
        assert_eq!(
            cite(Some("dieu-154/khoan-2/diem-a"), LAW),
            "điểm a khoản 2 Điều 154 Luật Ban hành văn bản quy phạm pháp luật"
        );
        assert_eq!(
            cite(
                Some("dieu-16"),
                Cited {
                    kind: "Luật",
                    number: "60/2014/QH13",
                    title: "Hộ tịch"
                }
            ),
            "Điều 16 Luật Hộ tịch"
        );
    }

    #[test]
    fn other_kinds_by_kind_and_number() {
        let nq = Cited {
            kind: "Nghị quyết",
            number: "15/2018/NQ-HĐND",
            title: "Quy định mức thu phí",
        };
        assert_eq!(
            cite(Some("dieu-5/khoan-2"), nq),
            "khoản 2 Điều 5 Nghị quyết số 15/2018/NQ-HĐND"
        );
        let nd = Cited {
            kind: "Nghị định",
            number: "34/2016/NĐ-CP",
            title: "Quy định chi tiết một số điều",
        };
        assert_eq!(cite(None, nd), "Nghị định số 34/2016/NĐ-CP");
        assert_eq!(
            cite(Some("phu-luc-I"), nd),
            "Phụ lục I Nghị định số 34/2016/NĐ-CP"
        );
    }

    #[test]
    fn unknown_kind_or_key_still_reads() {
        let doc = Cited {
            kind: "",
            number: "01/2020/QĐ-UBND",
            title: "",
        };
        assert_eq!(cite(Some("khong-phai"), doc), "văn bản số 01/2020/QĐ-UBND");
        assert_eq!(provision("chuong-II/dieu-3"), "Điều 3 Chương II");
    }
}
