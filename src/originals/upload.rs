//! Reading one file field of a `multipart/form-data` body, within a bound: the bytes are taken
//! chunk by chunk and the read stops as soon as the bound is passed, so a client can never make
//! the server hold more than the bound (plus one chunk) for a field.

use futures_util::StreamExt;
use unicode_normalization::UnicodeNormalization;

use super::FileError;

/// A file as the client sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    /// The client's file name, sanitised ([`sanitise_name`]).
    pub name: String,
    pub bytes: Vec<u8>,
}

/// The longest file name kept, in characters.
const NAME_CHARS: usize = 200;

/// A client's file name made safe to store and to put in an address and a header: NFC, the
/// last path segment only (`C:\Users\a\x.pdf` → `x.pdf`), no control characters, no leading
/// dots or spaces, at most 200 characters (the extension kept). Empty becomes `tep`.
pub fn sanitise_name(raw: &str) -> String {
    let nfc: String = raw.nfc().collect();
    let last = nfc.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = last
        .chars()
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .filter(|c| !c.is_control() && !is_invisible(*c))
        .collect();
    let clean = clean
        .split(' ')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let clean = clean
        .trim_start_matches(['.', ' '])
        .trim_end_matches(['.', ' '])
        .to_string();
    if clean.is_empty() {
        return "tep".to_string();
    }
    if clean.chars().count() <= NAME_CHARS {
        return clean;
    }
    // Too long: keep the extension (up to 10 characters) and cut the stem.
    let (stem, ext) = match clean.rsplit_once('.') {
        Some((s, e)) if !s.is_empty() && e.chars().count() <= 10 => (s, format!(".{e}")),
        _ => (clean.as_str(), String::new()),
    };
    let keep = NAME_CHARS - ext.chars().count();
    let stem: String = stem.chars().take(keep).collect();
    format!("{}{ext}", stem.trim_end())
}

/// Characters that change how a name reads without being seen (bidirectional overrides,
/// zero-width marks): a name `tep`, U+202E, `fdp.exe` must not pass for a PDF.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

/// Reads the file field `field` whole, or fails with [`FileError::TooLarge`] as soon as more
/// than `limit` bytes have arrived (the rest of the field is not read).
pub async fn read_field(
    field: &mut actix_multipart::Field,
    limit: usize,
) -> Result<Upload, FileError> {
    let name = field
        .content_disposition()
        .and_then(|d| {
            d.get_filename().map(str::to_string).or_else(|| {
                d.get_filename_ext()
                    .map(|e| String::from_utf8_lossy(&e.value).into_owned())
            })
        })
        .unwrap_or_default();
    // The whole bound reserved at once: growing by doubling would copy the file and hold two
    // of it (glibc serves blocks under 32 MiB from the heap once large blocks were freed).
    // Reserved pages cost nothing until written.
    let mut bytes = Vec::with_capacity(limit);
    while let Some(chunk) = field.next().await {
        let chunk = chunk.map_err(|e| FileError::Read(e.to_string()))?;
        if bytes.len() + chunk.len() > limit {
            return Err(FileError::TooLarge);
        }
        bytes.extend_from_slice(&chunk);
    }
    bytes.shrink_to_fit();
    Ok(Upload {
        name: sanitise_name(&name),
        bytes,
    })
}
