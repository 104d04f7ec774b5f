//! How a document is signed (thể thức chữ ký, Nghị định 30/2020/NĐ-CP, Phụ lục I, mục II.8):
//! the capacity lines above the signer's position — `TM.` (thay mặt, for a collective body),
//! `KT.` (ký thay, for the head), `Q.` (quyền, acting head), `TL.` (thừa lệnh), `TUQ.` (thừa
//! ủy quyền) — each followed by the body or position signed for. [`SigningFor`] is the lines as
//! written; its last prefix is the signer's own capacity, [`SigningCapacity`], the stored code.

use crate::domain::kinds::vocabulary;
use crate::domain::text::nfc;

vocabulary! {
    /// The signer's own capacity (thẩm quyền ký); stored in `documents.signing_capacity`.
    SigningCapacity {
        Tm = "tm", "Thay mặt (TM.)";
        Kt = "kt", "Ký thay (KT.)";
        Q = "q", "Quyền (Q.)";
        Tl = "tl", "Thừa lệnh (TL.)";
        Tuq = "tuq", "Thừa ủy quyền (TUQ.)";
    }
}

impl SigningCapacity {
    /// The prefix as written in the signature block.
    pub fn prefix(self) -> &'static str {
        match self {
            SigningCapacity::Tm => "TM.",
            SigningCapacity::Kt => "KT.",
            SigningCapacity::Q => "Q.",
            SigningCapacity::Tl => "TL.",
            SigningCapacity::Tuq => "TUQ.",
        }
    }

    /// The capacity a line starts with (`KT. CHỦ TỊCH`, `kt.chủ tịch`), and what follows it.
    pub fn of_line(line: &str) -> Option<(SigningCapacity, &str)> {
        let t = line.trim_start();
        let (head, rest) = t.split_once('.')?;
        let c = match head.trim().to_uppercase().as_str() {
            "TM" => SigningCapacity::Tm,
            "KT" => SigningCapacity::Kt,
            "Q" => SigningCapacity::Q,
            "TL" => SigningCapacity::Tl,
            "TUQ" => SigningCapacity::Tuq,
            _ => return None,
        };
        Some((c, rest.trim()))
    }
}

/// The capacity lines of a signature block as written, each a prefix and what it signs for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigningFor(Vec<(SigningCapacity, String)>);

/// Why capacity lines cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SigningError {
    #[error("dòng «{0}» không bắt đầu bằng TM., KT., Q., TL. hoặc TUQ.")]
    NoPrefix(String),
    #[error("dòng «{0}» thiếu cơ quan hoặc chức vụ sau thẩm quyền ký")]
    Empty(String),
    #[error("thẩm quyền ký «{given}» khác dòng cuối «{written}»")]
    Mismatch { given: String, written: String },
    #[error("thẩm quyền ký «{0}» không hợp lệ (tm, kt, q, tl, tuq)")]
    UnknownCode(String),
}

impl SigningFor {
    /// Lines separated by ` / ` or line breaks (`TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH`); `None`
    /// when empty.
    pub fn parse(raw: &str) -> Result<Option<SigningFor>, SigningError> {
        let mut lines = Vec::new();
        for part in raw.split(['/', '\n']) {
            let part = part.trim();
            if part.is_empty() {
                continue;
            }
            let (c, rest) =
                SigningCapacity::of_line(part).ok_or_else(|| SigningError::NoPrefix(nfc(part)))?;
            if rest.is_empty() {
                return Err(SigningError::Empty(nfc(part)));
            }
            let rest = rest.split_whitespace().collect::<Vec<_>>().join(" ");
            lines.push((c, nfc(&rest)));
        }
        Ok(if lines.is_empty() {
            None
        } else {
            Some(SigningFor(lines))
        })
    }

    /// The signer's own capacity: the last line's prefix.
    pub fn capacity(&self) -> Option<SigningCapacity> {
        self.0.last().map(|(c, _)| *c)
    }

    /// Each line as written (`KT. CHỦ TỊCH`).
    pub fn lines(&self) -> Vec<String> {
        self.0
            .iter()
            .map(|(c, rest)| format!("{} {rest}", c.prefix()))
            .collect()
    }

    /// The lines joined as stored: `TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH`.
    pub fn as_stored(&self) -> String {
        self.lines().join(" / ")
    }
}

/// The stored pair (code, lines as written) of what was typed or imported: the lines are read
/// by [`SigningFor::parse`]; the code, when given, must be one and agree with the last line;
/// when not given it is the last line's.
pub fn signing(
    code: Option<&str>,
    lines: Option<&str>,
) -> Result<(Option<SigningCapacity>, Option<SigningFor>), SigningError> {
    let code = code.map(str::trim).filter(|c| !c.is_empty());
    let given = match code {
        None => None,
        Some(c) => Some(
            SigningCapacity::parse(&c.to_lowercase())
                .ok_or_else(|| SigningError::UnknownCode(c.to_string()))?,
        ),
    };
    let lines = match lines {
        Some(l) => SigningFor::parse(l)?,
        None => None,
    };
    let written = lines.as_ref().and_then(SigningFor::capacity);
    match (given, written) {
        (Some(g), Some(w)) if g != w => Err(SigningError::Mismatch {
            given: g.code().to_string(),
            written: w.prefix().to_string(),
        }),
        (g, w) => Ok((g.or(w), lines)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capacity_lines_are_read_as_written_and_the_last_is_the_signers() {
        let s = SigningFor::parse("TM. ỦY BAN NHÂN DÂN /  kt.chủ tịch")
            .unwrap()
            .unwrap();
        assert_eq!(s.capacity(), Some(SigningCapacity::Kt));
        assert_eq!(s.as_stored(), "TM. ỦY BAN NHÂN DÂN / KT. chủ tịch");
        let s = SigningFor::parse("TL. BỘ TRƯỞNG\nTUQ. CHÁNH VĂN PHÒNG")
            .unwrap()
            .unwrap();
        assert_eq!(s.capacity(), Some(SigningCapacity::Tuq));
        assert_eq!(SigningFor::parse(" "), Ok(None));
        assert!(matches!(
            SigningFor::parse("CHỦ TỊCH"),
            Err(SigningError::NoPrefix(_))
        ));
        assert!(matches!(
            SigningFor::parse("KT. "),
            Err(SigningError::Empty(_))
        ));
        // `Q.` is a prefix; a word with a dot is not.
        assert_eq!(
            SigningCapacity::of_line("Q. CHỦ TỊCH"),
            Some((SigningCapacity::Q, "CHỦ TỊCH"))
        );
        assert_eq!(SigningCapacity::of_line("TP. Cà Mau"), None);
    }

    #[test]
    fn the_code_agrees_with_the_lines_or_is_taken_from_them() {
        let lines = "TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH";
        assert_eq!(
            signing(None, Some(lines)).unwrap().0,
            Some(SigningCapacity::Kt)
        );
        assert_eq!(
            signing(Some("KT"), Some(lines)).unwrap().0,
            Some(SigningCapacity::Kt)
        );
        assert!(matches!(
            signing(Some("tm"), Some(lines)),
            Err(SigningError::Mismatch { .. })
        ));
        assert!(matches!(
            signing(Some("xx"), None),
            Err(SigningError::UnknownCode(_))
        ));
        assert_eq!(
            signing(Some("tl"), None).unwrap(),
            (Some(SigningCapacity::Tl), None)
        );
        assert_eq!(signing(Some(""), Some("")).unwrap(), (None, None));
    }
}
