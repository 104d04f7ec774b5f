//! `vanban backup FILE [--force]` and `vanban backup --verify FILE [--scratch-url URL]`.

use std::path::PathBuf;
use std::process::ExitCode;

use vanban::backup::VerifyReport;
use vanban::config::Config;

#[derive(clap::Args)]
pub struct BackupArgs {
    /// The backup file to write (or, with --verify, to check)
    file: PathBuf,
    /// Replace the file if it exists
    #[arg(long, conflicts_with = "verify")]
    force: bool,
    /// Check an existing backup instead of taking one; exit 1 if it does not hold
    #[arg(long)]
    verify: bool,
    /// PostgreSQL backups: an empty database to restore into for the check
    #[arg(long, requires = "verify")]
    scratch_url: Option<String>,
}

pub fn run(config: &Config, args: &BackupArgs) -> anyhow::Result<ExitCode> {
    if args.verify {
        let r = vanban::backup::verify(&args.file, args.scratch_url.as_deref())?;
        return Ok(print_verify(&args.file, &r));
    }
    let r = vanban::backup::backup(&config.database_url, &args.file, args.force)?;
    println!(
        "đã sao lưu {} vào {} ({} byte, {:.1} s); kiểm tra: vanban backup --verify {}",
        r.backend,
        r.path.display(),
        r.bytes,
        r.elapsed.as_secs_f64(),
        r.path.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// One line per check of the restored backup; status 1 if it cannot be used.
fn print_verify(file: &std::path::Path, r: &VerifyReport) -> ExitCode {
    println!("bản sao lưu {} ({})", file.display(), r.backend);
    if let Some(i) = &r.integrity {
        println!("  kiểm tra toàn vẹn SQLite: {i}");
    }
    if r.migrations_current {
        println!("  cấu trúc: phiên bản {} (hiện hành)", r.migration_version);
    } else {
        println!(
            "  cấu trúc: KHÔNG khớp phiên bản hiện hành (thiếu: {}; lạ: {})",
            r.missing_migrations.join(", "),
            r.unknown_migrations.join(", ")
        );
    }
    match &r.audit.broken {
        None => println!(
            "  nhật ký kiểm toán nguyên vẹn: {} mục, mục cuối số {} (mã băm {})",
            r.audit.entries, r.audit.head_seq, r.audit.head_hash
        ),
        Some(b) => println!(
            "  nhật ký kiểm toán bị phá vỡ tại mục số {}: {}",
            b.seq, b.reason
        ),
    }
    for p in &r.audit_guards {
        println!("  {p}");
    }
    if let Some(f) = &r.files {
        println!(
            "  tệp gốc: {} tệp, {} mẫu đơn, tờ khai, {} byte, {} tệp sai mã băm SHA-256",
            f.files,
            f.forms,
            f.bytes,
            f.mismatches.len()
        );
        for m in &f.mismatches {
            let (what, of) = if m.table == "procedure_forms" {
                ("mẫu đơn", "phiên bản thủ tục")
            } else {
                ("tệp", "văn bản")
            };
            println!(
                "    {what} số {} «{}» của {of} số {}: mã băm ghi nhận {}, nội dung hiện có mã băm {}",
                m.id, m.name, m.owner_id, m.recorded, m.actual
            );
        }
    }
    println!("  số dòng:");
    for (table, n) in &r.counts {
        println!("    {table:<32} {n}");
    }
    if r.ok() {
        println!("kết quả: bản sao lưu dùng được");
    } else {
        println!("kết quả: bản sao lưu KHÔNG dùng được");
    }
    super::status(r.ok())
}
