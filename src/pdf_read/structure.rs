//! A PDF's file structure read from its bytes, before and without parsing it: the end marker,
//! the offset of the cross-reference section, the encryption dictionary, the number of
//! objects, and what the Flate streams inflate to. The one reader of these: the check of an
//! uploaded original by its bytes (`originals::check`) and the text reader ([`super::text`])
//! both call it; objects, filters and pages are then `lopdf`'s.

/// How far from the end `%%EOF` and `startxref` are looked for (writers may append a few
/// bytes of padding after the end marker).
const TAIL: usize = 2048;

/// What is wrong with a PDF's structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flaw {
    /// No `%%EOF` near the end: the file was cut short.
    NoEndMarker,
    /// No `startxref` near the end.
    NoCrossReference,
    /// `startxref` points outside the file.
    CrossReferenceOutside,
    /// A trailer or cross-reference stream names an `/Encrypt` dictionary.
    Encrypted,
}

/// The end marker, the cross-reference offset and no encryption, in that order.
pub fn check(bytes: &[u8]) -> Result<(), Flaw> {
    let tail = &bytes[bytes.len().saturating_sub(TAIL)..];
    if find(tail, b"%%EOF").is_none() {
        return Err(Flaw::NoEndMarker);
    }
    let Some(at) = rfind(tail, b"startxref") else {
        return Err(Flaw::NoCrossReference);
    };
    let offset = number_after(&tail[at + b"startxref".len()..]);
    if offset.is_none_or(|o| o >= bytes.len()) {
        return Err(Flaw::CrossReferenceOutside);
    }
    if encrypted(bytes) {
        return Err(Flaw::Encrypted);
    }
    Ok(())
}

/// Indirect objects declared in the file (` obj` keywords), counted before parsing.
pub fn object_count(bytes: &[u8]) -> usize {
    bytes.windows(4).filter(|w| *w == b" obj").count()
}

/// Inflates every `/FlateDecode` stream into nothing, counting, and stops past `limit`:
/// `Err(limit)` then. A stream that does not inflate cleanly is left to the readers (viewers
/// tolerate them). The inflation is cut at the bound, so the check costs at most that much.
pub fn inflated_within(bytes: &[u8], limit: u64) -> Result<u64, u64> {
    let mut total: u64 = 0;
    let mut from = 0;
    while let Some(i) = find(&bytes[from..], b"stream") {
        let at = from + i;
        from = at + b"stream".len();
        if at >= 3 && &bytes[at - 3..at] == b"end" {
            continue;
        }
        let data_start = match bytes.get(from..from + 2) {
            Some([b'\r', b'\n']) => from + 2,
            Some([b'\n', _]) | Some([b'\r', _]) => from + 1,
            _ => continue,
        };
        let Some(end) = find(&bytes[data_start..], b"endstream").map(|e| data_start + e) else {
            break;
        };
        from = end + b"endstream".len();
        let flate =
            object_dictionary_before(bytes, at).is_some_and(|d| has_key(d, b"/FlateDecode"));
        if !flate {
            continue;
        }
        let decoder = flate2::read::ZlibDecoder::new(&bytes[data_start..end]);
        let left = limit.saturating_sub(total) + 1;
        let n = std::io::copy(
            &mut std::io::Read::take(decoder, left),
            &mut std::io::sink(),
        )
        .unwrap_or(0);
        total = total.saturating_add(n);
        if total > limit {
            return Err(limit);
        }
    }
    Ok(total)
}

/// Whether a trailer dictionary or a cross-reference stream's dictionary has an `/Encrypt`
/// entry (ISO 32000-1 §7.5.5, §7.5.8.2): the file can only be read with a password or its
/// content is protected, and the registry keeps only files anyone can open.
pub fn encrypted(bytes: &[u8]) -> bool {
    let mut dicts: Vec<&[u8]> = Vec::new();
    let mut from = 0;
    while let Some(i) = find(&bytes[from..], b"trailer") {
        let at = from + i + b"trailer".len();
        if let Some(d) = dictionary_from(bytes, at) {
            dicts.push(d);
        }
        from = at;
    }
    from = 0;
    while let Some(i) = find(&bytes[from..], b"/XRef") {
        let at = from + i;
        if let Some(d) = object_dictionary_before(bytes, at) {
            dicts.push(d);
        }
        from = at + b"/XRef".len();
    }
    dicts.iter().any(|d| has_key(d, b"/Encrypt"))
}

/// The dictionary (`<< … >>`, nested ones included) starting at the first `<<` after `at`,
/// within a few whitespace bytes.
fn dictionary_from(bytes: &[u8], at: usize) -> Option<&[u8]> {
    let rest = bytes.get(at..)?;
    let skip = rest.iter().take_while(|b| b.is_ascii_whitespace()).count();
    let start = at + skip;
    if !bytes.get(start..)?.starts_with(b"<<") {
        return None;
    }
    balanced(bytes, start)
}

/// The dictionary of the object holding the position `at` (`N G obj << … >>`): the first `<<`
/// after the nearest preceding `obj` keyword (looked for within 4 KiB).
fn object_dictionary_before(bytes: &[u8], at: usize) -> Option<&[u8]> {
    let from = at.saturating_sub(4096);
    let obj = rfind(&bytes[from..at], b"obj")?;
    let start = from + obj + find(&bytes[from + obj..at], b"<<")?;
    balanced(bytes, start)
}

/// The bytes from the `<<` at `start` to its matching `>>` (at most 64 KiB).
fn balanced(bytes: &[u8], start: usize) -> Option<&[u8]> {
    let end = bytes.len().min(start + 64 * 1024);
    let mut depth = 0usize;
    let mut i = start;
    while i + 1 < end {
        match &bytes[i..i + 2] {
            b"<<" => {
                depth += 1;
                i += 2;
            }
            b">>" => {
                depth = depth.saturating_sub(1);
                i += 2;
                if depth == 0 {
                    return Some(&bytes[start..i]);
                }
            }
            _ => i += 1,
        }
    }
    None
}

/// Whether the dictionary text has the name `key` as a whole name (not `/EncryptMetadata`).
fn has_key(dict: &[u8], key: &[u8]) -> bool {
    let mut from = 0;
    while let Some(i) = find(&dict[from..], key) {
        let after = dict.get(from + i + key.len()).copied();
        let whole = !after.is_some_and(|b| b.is_ascii_alphanumeric() || b"_-.#".contains(&b));
        if whole {
            return true;
        }
        from += i + key.len();
    }
    false
}

/// The decimal number after optional whitespace.
fn number_after(s: &[u8]) -> Option<usize> {
    let s = &s[s.iter().take_while(|b| b.is_ascii_whitespace()).count()..];
    let digits = s.iter().take_while(|b| b.is_ascii_digit()).count();
    std::str::from_utf8(&s[..digits]).ok()?.parse().ok()
}

pub(crate) fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_encryption_key_is_a_whole_name_in_a_trailer() {
        let plain = b"%PDF-1.4\n1 0 obj << /EncryptMetadata false >> endobj\ntrailer << /Root 1 0 R >>\nstartxref\n9\n%%EOF";
        assert!(!encrypted(plain));
        assert_eq!(check(plain), Ok(()));
        let locked = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << /Root 1 0 R /Encrypt 2 0 R >>\nstartxref\n9\n%%EOF";
        assert_eq!(check(locked), Err(Flaw::Encrypted));
    }

    #[test]
    fn a_file_cut_short_or_pointing_outside_itself_is_flawed() {
        assert_eq!(
            check(b"%PDF-1.4\n1 0 obj << >> endobj"),
            Err(Flaw::NoEndMarker)
        );
        assert_eq!(check(b"%PDF-1.4\n%%EOF"), Err(Flaw::NoCrossReference));
        assert_eq!(
            check(b"%PDF-1.4\nstartxref\n99999\n%%EOF"),
            Err(Flaw::CrossReferenceOutside)
        );
        assert_eq!(object_count(b"1 0 obj 2 0 obj endobj"), 2);
    }
}
