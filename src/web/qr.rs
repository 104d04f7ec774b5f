//! QR codes as inline SVG: the document page, the procedure page and the posting sheet print
//! the address of the page they stand for, so a reader of the paper reaches the live record.

use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

/// The longest text encoded: an address longer than this is not one of ours.
pub const MAX_LEN: usize = 1024;

/// An inline `<svg>` QR code of `text` (medium error correction, quiet zone kept), labelled
/// for screen readers; `None` for an empty or over-long text.
pub fn svg(text: &str) -> Option<String> {
    if text.is_empty() || text.len() > MAX_LEN {
        return None;
    }
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).ok()?;
    let image = code
        .render::<svg::Color<'_>>()
        .min_dimensions(120, 120)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .build();
    // Drop the XML declaration (the SVG sits inside HTML) and name the image.
    let start = image.find("<svg")?;
    let body = &image[start..];
    Some(body.replacen(
        "<svg ",
        "<svg role=\"img\" aria-label=\"Mã QR dẫn tới địa chỉ của trang\" class=\"qr\" ",
        1,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_becomes_an_inline_labelled_svg() {
        let a = svg("https://vanban.example.vn/units/32248/procedures").unwrap_or_default();
        assert!(a.starts_with("<svg role=\"img\""), "{a}");
        assert!(a.contains("aria-label=\"Mã QR"));
        assert!(a.ends_with("</svg>"));
        assert!(!a.contains("<?xml"));
        // A different address draws a different code.
        let b = svg("https://vanban.example.vn/units/32249/procedures").unwrap_or_default();
        assert_ne!(a, b);
    }

    #[test]
    fn empty_and_over_long_texts_give_none() {
        assert_eq!(svg(""), None);
        assert_eq!(svg(&"a".repeat(MAX_LEN + 1)), None);
        assert!(svg(&"a".repeat(MAX_LEN)).is_some());
    }
}
