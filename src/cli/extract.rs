//! `vanban extract FILE [--json]`: the fields of a signed document read from its text file
//! (`domain::extract`), printed as Vietnamese lines or as JSON for scripts.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use vanban::domain::amendment::InstructionKind;
use vanban::domain::extract::{self, Extraction, Field};
use vanban::domain::text::date_vn;
use vanban::extract_file::{self, to_json};

#[derive(clap::Args)]
pub struct ExtractArgs {
    /// The document's file: DOCX, PDF with a text layer, or text (.txt: UTF-8, or TCVN3 / VNI converted)
    file: PathBuf,
    /// Print the fields as JSON
    #[arg(long)]
    json: bool,
    /// Print the text read from the file (one line a line, columns split by tabs) instead
    #[arg(long, conflicts_with = "json")]
    text: bool,
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
    if args.text {
        println!("{text}");
        return Ok(ExitCode::SUCCESS);
    }
    let x = extract::extract(&text);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&to_json(&x))?);
    } else {
        print!("{}", to_lines(&x));
    }
    Ok(ExitCode::SUCCESS)
}

/// The file's text: its size checked before it is read, then by what its bytes are.
fn read_text(path: &Path) -> Result<String, String> {
    let size = std::fs::metadata(path)
        .map_err(|e| format!("không đọc được tệp ({e})"))?
        .len();
    if size > extract_file::MAX_BYTES {
        return Err(extract_file::FileError::TooLarge(size).to_string());
    }
    let bytes = std::fs::read(path).map_err(|e| format!("không đọc được tệp ({e})"))?;
    extract_file::text(&bytes).map_err(|e| e.to_string())
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
    for a in &x.annexes {
        let label = vanban::domain::structure::node_label(
            vanban::domain::structure::NodeKind::PhuLuc,
            &a.label,
        );
        out.push_str(&format!(
            "{label}: {} (dòng {}, {} dòng nội dung)\n",
            a.title.as_deref().unwrap_or("(không có tên)"),
            a.line,
            a.text.lines().count()
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
