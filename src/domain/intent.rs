//! What a citizen's query asks for, read from its words alone: the signals that put a
//! procedure or an administrative unit above documents in the one answer of the header search.
//!
//! Every signal compares folded syllables (no diacritics, lower case, `đ` → `d`), so "đăng ký
//! khai sinh" and "dang ky khai sinh" are the same query. The signals, not a list of queries:
//! - a procedure's name covers most of the query's content syllables (the words left once the
//!   cues and filler words are taken out), and a cue ("thủ tục", "làm", "xin", "cấp" first)
//!   lowers how much it must cover;
//! - a unit's name (without "xã", "phường"…) is in the query, after its kind when one is typed,
//!   and whatever else the query says names the unit's district or province.

/// Folded syllables of `text`: letters and digits, split at everything else.
pub fn syllables(text: &str) -> Vec<String> {
    super::text::fold(&super::text::nfc(text))
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

/// Words a question carries around what it asks for (folded): they neither help nor hurt a
/// name's match.
const FILLER: &[&str] = &[
    "cho", "cua", "va", "o", "tai", "the", "nao", "gi", "muon", "can", "toi", "em", "minh", "de",
    "ve", "voi", "la", "thi", "nhu", "nhung", "cac", "ma", "o", "dau", "bao", "nhieu", "phai",
];

/// Words that say "I want to do something at the counter" (folded): a query carrying one asks
/// for a procedure, and the words themselves are not part of its name.
const CUE_WORDS: &[&str] = &["lam", "xin", "nop"];

/// A cue as the first syllable only: "cấp giấy phép" asks for a procedure, "phụ cấp" does not.
const CUE_FIRST: &[&str] = &["cap"];

/// The query's content syllables and whether it carries a procedure cue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asked {
    pub content: Vec<String>,
    pub cue: bool,
}

/// Reads a query: its content syllables (cues and filler words out) and its cue.
pub fn asked(query: &str) -> Asked {
    let all = syllables(query);
    let mut cue = all.first().is_some_and(|s| CUE_FIRST.contains(&s.as_str()));
    let mut content = Vec::with_capacity(all.len());
    let mut i = 0;
    while i < all.len() {
        let s = all[i].as_str();
        if s == "thu" && all.get(i + 1).is_some_and(|n| n == "tuc") {
            cue = true;
            i += 2;
            continue;
        }
        if CUE_WORDS.contains(&s) {
            cue = true;
        } else if !FILLER.contains(&s) {
            content.push(all[i].clone());
        }
        i += 1;
    }
    Asked { content, cue }
}

/// How a name matches what was asked: the share of the query's content syllables found in the
/// name (`coverage`) and of the name's syllables found in the query (`precision`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NameMatch {
    pub coverage: f32,
    pub precision: f32,
}

pub fn name_match(asked: &Asked, name: &str) -> NameMatch {
    let name: Vec<String> = syllables(name)
        .into_iter()
        .filter(|s| !FILLER.contains(&s.as_str()))
        .collect();
    if asked.content.is_empty() || name.is_empty() {
        return NameMatch {
            coverage: 0.0,
            precision: 0.0,
        };
    }
    let covered = asked.content.iter().filter(|s| name.contains(s)).count();
    let found = name.iter().filter(|s| asked.content.contains(s)).count();
    NameMatch {
        coverage: covered as f32 / asked.content.len() as f32,
        precision: found as f32 / name.len() as f32,
    }
}

impl NameMatch {
    /// Whether a procedure of this name is the answer, above documents: its name covers most
    /// of what was asked (three quarters; half after a cue), two syllables at least.
    pub fn answers(&self, asked: &Asked) -> bool {
        let covered = (self.coverage * asked.content.len() as f32).round();
        let needed = if asked.cue { 0.5 } else { 0.75 };
        covered >= 2.0 && self.coverage >= needed
    }

    /// Orders candidate names: more of the query covered, then less of the name left over.
    pub fn rank(&self) -> f32 {
        self.coverage + 0.5 * self.precision
    }
}

/// The kinds of administrative unit a name starts with (folded), longest first.
const UNIT_KINDS: &[&str] = &[
    "thanh pho",
    "thi tran",
    "thi xa",
    "phuong",
    "huyen",
    "quan",
    "tinh",
    "xa",
];

/// A unit's name split into its kind (`xa`, `thi tran`…) and its proper name, folded.
pub fn unit_name(name: &str) -> (Vec<String>, Vec<String>) {
    let s = syllables(name);
    for kind in UNIT_KINDS {
        let k: Vec<&str> = kind.split(' ').collect();
        if s.len() > k.len() && s.iter().zip(&k).all(|(a, b)| a == b) {
            return (s[..k.len()].to_vec(), s[k.len()..].to_vec());
        }
    }
    (Vec::new(), s)
}

/// How a query names a unit: `rest` are the query's syllables outside the unit's name and
/// kind (to be found in the names of the units above it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitNamed {
    pub rest: Vec<String>,
    /// The kind was typed before the name ("xã Tân Thuận", not just "Tân Thuận").
    pub kind_typed: bool,
}

/// Whether `query` (folded syllables) names the unit of this kind and proper name: the proper
/// name in a row, preceded by the unit's kind, or by nothing when the name is the whole
/// query and has two syllables or more ("tân thuận"; a bare "5" names nothing). Another kind
/// typed before the name ("thị trấn Đầm Dơi" for Xã Đầm Dơi) is not this unit.
pub fn names_unit(query: &[String], kind: &[String], proper: &[String]) -> Option<UnitNamed> {
    if proper.is_empty() || proper.len() > query.len() {
        return None;
    }
    let at = (0..=query.len() - proper.len()).find(|&i| query[i..i + proper.len()] == *proper)?;
    let before = &query[..at];
    let kind_typed = !kind.is_empty() && before.ends_with(kind);
    let start = if kind_typed { at - kind.len() } else { at };
    if !kind_typed {
        let other_kind = UNIT_KINDS
            .iter()
            .any(|k| before.ends_with(&k.split(' ').map(String::from).collect::<Vec<_>>()));
        if other_kind || proper.len() < 2 || query.len() != proper.len() {
            return None;
        }
    }
    let mut rest: Vec<String> = query[..start].to_vec();
    rest.extend_from_slice(&query[at + proper.len()..]);
    rest.retain(|s| !FILLER.contains(&s.as_str()));
    Some(UnitNamed { rest, kind_typed })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(s: &[&str]) -> Vec<String> {
        s.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn cues_and_fillers_leave_the_content() {
        let a = asked("Thủ tục đăng ký khai sinh");
        assert_eq!(a.content, strings(&["dang", "ky", "khai", "sinh"]));
        assert!(a.cue);
        assert!(!asked("dang ky khai sinh").cue);
        let b = asked("làm khai sinh cho con");
        assert!(b.cue);
        assert_eq!(b.content, strings(&["khai", "sinh", "con"]));
        assert!(asked("cấp giấy phép xây dựng").cue);
        assert!(
            !asked("phụ cấp người hoạt động").cue,
            "«cấp» is a cue first only"
        );
    }

    #[test]
    fn a_procedure_answers_when_its_name_covers_the_query() {
        let yes = |q: &str, name: &str| {
            let a = asked(q);
            name_match(&a, name).answers(&a)
        };
        assert!(yes("thủ tục đăng ký khai sinh", "Đăng ký khai sinh"));
        assert!(yes("dang ky ket hon", "Đăng ký kết hôn"));
        assert!(yes("làm giấy khai sinh", "Đăng ký khai sinh"));
        assert!(!yes("luật hộ tịch", "Xác nhận thông tin hộ tịch"));
        assert!(!yes("hỗ trợ nuôi tôm", "Hỗ trợ chi phí mai táng"));
        assert!(yes("khai sinh", "Đăng ký khai sinh"));
        // One covered syllable is no answer, whatever the share.
        assert!(!yes("sinh", "Đăng ký khai sinh"));
        let a = asked("dang ky khai sinh");
        assert!(
            name_match(&a, "Đăng ký khai sinh").rank()
                > name_match(&a, "Đăng ký lại khai sinh").rank()
        );
    }

    #[test]
    fn units_are_named_by_kind_and_name() {
        let (kind, proper) = unit_name("Xã Tân Thuận");
        assert_eq!(
            (kind.clone(), proper.clone()),
            (strings(&["xa"]), strings(&["tan", "thuan"]))
        );
        let q = syllables("xa tan thuan");
        assert_eq!(
            names_unit(&q, &kind, &proper),
            Some(UnitNamed {
                rest: vec![],
                kind_typed: true
            })
        );
        assert!(names_unit(&syllables("tân thuận"), &kind, &proper).is_some());
        assert!(names_unit(&syllables("thị trấn tân thuận"), &kind, &proper).is_none());
        assert!(names_unit(&syllables("vệ sinh tân thuận"), &kind, &proper).is_none());
        let (kind, proper) = unit_name("Phường 5");
        let named = names_unit(&syllables("phuong 5 ca mau"), &kind, &proper);
        assert_eq!(named.map(|n| n.rest), Some(strings(&["ca", "mau"])));
        assert!(names_unit(&syllables("5"), &kind, &proper).is_none());
        let (kind, proper) = unit_name("Thị trấn Đầm Dơi");
        assert_eq!(kind, strings(&["thi", "tran"]));
        assert!(names_unit(&syllables("xã Đầm Dơi"), &kind, &proper).is_none());
        assert!(names_unit(&syllables("thi tran dam doi"), &kind, &proper).is_some());
    }
}
