//! `vanban extract FILE [--json]`: the fields of a signed document read from its text file
//! (`domain::extract`), printed as Vietnamese lines or as JSON for scripts.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde_json::{json, Map, Value};
use vanban::domain::amendment::InstructionKind;
use vanban::domain::extract::{self, Extraction, Field};
use vanban::domain::text::date_vn;

/// The largest file read (the upload limit of the document form).
const MAX_BYTES: u64 = 20 * 1024 * 1024;

#[derive(clap::Args)]
pub struct ExtractArgs {
    /// The document's text (.txt: UTF-8, or TCVN3 / VNI converted)
    file: PathBuf,
    /// Print the fields as JSON
    #[arg(long)]
    json: bool,
}

/// Prints the extraction; status 2 when the file cannot be read as text.
pub fn run(args: &ExtractArgs) -> anyhow::Result<ExitCode> {
    let text = match read_text(&args.file) {
        Ok(t) => t,
        Err(message) => {
            eprintln!("lỗi: {}: {message}", args.file.display());
            return Ok(ExitCode::from(2));
        }
    };
    let x = extract::extract(&text);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&to_json(&x))?);
    } else {
        print!("{}", to_lines(&x));
    }
    Ok(ExitCode::SUCCESS)
}

/// The file's text: its size checked before it is read, UTF-8 (a byte-order mark dropped), or
/// single-byte text that is confidently TCVN3 or VNI.
fn read_text(path: &Path) -> Result<String, String> {
    let size = std::fs::metadata(path)
        .map_err(|e| format!("không đọc được tệp ({e})"))?
        .len();
    if size > MAX_BYTES {
        return Err(format!(
            "tệp lớn {:.1} MiB, vượt giới hạn 20 MiB",
            size as f64 / 1024.0 / 1024.0
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("không đọc được tệp ({e})"))?;
    // A DOCX (a zip archive) or a legacy Word file: the DOCX reader, within its bounds.
    if bytes.starts_with(b"PK") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return vanban::docx_read::text(&bytes, &vanban::docx_read::Limits::default())
            .map(|d| d.text())
            .map_err(|e| e.to_string());
    }
    let not_text = || {
        "không phải tệp văn bản thuần (.txt) hay DOCX; tệp PDF chưa được hỗ trợ ở lệnh này"
            .to_string()
    };
    if bytes.contains(&0) {
        return Err(not_text());
    }
    let text = match String::from_utf8(bytes) {
        Ok(s) => s.trim_start_matches('\u{feff}').to_string(),
        Err(e) => {
            // A file saved from a `.Vn…` or VNI font: one byte a character.
            let latin1: String = e.into_bytes().iter().map(|&b| char::from(b)).collect();
            if extract::legacy::to_unicode(&latin1).is_none() {
                return Err(not_text());
            }
            latin1
        }
    };
    let controls = text
        .chars()
        .filter(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}'))
        .count();
    if controls * 100 > text.chars().count() {
        return Err(not_text());
    }
    Ok(text)
}

fn put<T: serde::Serialize>(
    values: &mut Map<String, Value>,
    lines: &mut Map<String, Value>,
    name: &str,
    field: Option<&Field<T>>,
) {
    values.insert(name.into(), field.map_or(Value::Null, |f| json!(f.value)));
    lines.insert(name.into(), field.map_or(Value::Null, |f| json!(f.line)));
}

/// The fields named in the issue, each with its line under `lines`.
fn to_json(x: &Extraction) -> Value {
    let mut v = Map::new();
    let mut l = Map::new();
    put(&mut v, &mut l, "type", x.doc_type.as_ref());
    put(&mut v, &mut l, "number", x.number.as_ref());
    v.insert("number_normalised".into(), json!(x.number_normalised));
    put(&mut v, &mut l, "issuer", x.issuer.as_ref());
    put(&mut v, &mut l, "place", x.place.as_ref());
    put(&mut v, &mut l, "issued_on", x.issued_on.as_ref());
    put(&mut v, &mut l, "title", x.title.as_ref());
    put(&mut v, &mut l, "signer", x.signer.as_ref());
    put(
        &mut v,
        &mut l,
        "signer_position",
        x.signer_position.as_ref(),
    );
    put(
        &mut v,
        &mut l,
        "signing_capacity",
        x.signing_capacity.as_ref(),
    );
    put(&mut v, &mut l, "effective_on", x.effective_on.as_ref());
    v.insert("articles".into(), json!(x.articles));
    v.insert("effects".into(), json!(x.effects));
    v.insert("encoding".into(), json!(x.encoding));
    v.insert("lines".into(), Value::Object(l));
    Value::Object(v)
}

/// One Vietnamese line a field, with the line it was read from.
fn to_lines(x: &Extraction) -> String {
    fn row<T>(out: &mut String, label: &str, f: Option<&Field<T>>, show: impl Fn(&T) -> String) {
        match f {
            Some(f) => out.push_str(&format!("{label}: {} (dòng {})\n", show(&f.value), f.line)),
            None => out.push_str(&format!("{label}: (không đọc được)\n")),
        }
    }
    let mut out = String::new();
    if let Some(e) = x.encoding {
        out.push_str(&format!(
            "Bảng mã: {} (đã chuyển sang Unicode)\n",
            e.label()
        ));
    }
    let s = |v: &String| v.clone();
    row(&mut out, "Loại văn bản", x.doc_type.as_ref(), |v| {
        (*v).to_string()
    });
    row(&mut out, "Số, ký hiệu", x.number.as_ref(), s);
    row(&mut out, "Cơ quan ban hành", x.issuer.as_ref(), s);
    row(&mut out, "Địa danh", x.place.as_ref(), s);
    row(&mut out, "Ngày ban hành", x.issued_on.as_ref(), |d| {
        date_vn(*d)
    });
    row(&mut out, "Trích yếu", x.title.as_ref(), s);
    row(&mut out, "Người ký", x.signer.as_ref(), s);
    row(&mut out, "Chức vụ", x.signer_position.as_ref(), s);
    row(&mut out, "Thẩm quyền ký", x.signing_capacity.as_ref(), s);
    row(
        &mut out,
        "Ngày có hiệu lực",
        x.effective_on.as_ref(),
        |d| date_vn(*d),
    );
    out.push_str(&format!("Số điều: {}\n", x.articles));
    for e in &x.effects {
        let provisions = if e.provisions.is_empty() {
            "toàn bộ".to_string()
        } else {
            e.provisions.join(", ")
        };
        out.push_str(&format!(
            "Tác động: {} {} — {} — từ {} (dòng {})\n",
            kind_label(e.kind),
            e.target_number.as_deref().unwrap_or("(không rõ văn bản)"),
            provisions,
            e.effective_on.map_or_else(|| "(không rõ)".into(), date_vn),
            e.line
        ));
    }
    out
}

fn kind_label(kind: InstructionKind) -> &'static str {
    match kind {
        InstructionKind::Amend => "sửa đổi, bổ sung",
        InstructionKind::Repeal => "bãi bỏ",
        InstructionKind::Replace => "thay thế",
        InstructionKind::Expire => "hết hiệu lực",
    }
}
