//! `vanban import FILE…`: JSON Lines records or ALQAC law files.

use std::path::PathBuf;
use std::process::ExitCode;

use vanban::config::Config;
use vanban::exchange::import::{self, ImportOptions, ImportReport};

/// Imports every file, then prints each bad line (`file:line: reason`), each warning and the
/// totals; status 1 if any line failed. A line differing from the stored record is a failure
/// (`xung đột với bản đang lưu: title, full_text`) unless `update` is set.
pub fn run(config: &Config, files: &[PathBuf], update: bool) -> anyhow::Result<ExitCode> {
    let pool = super::pool(config)?;
    let tty = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let mut total = ImportReport::default();
    for f in files {
        total.merge(import::import_path_with(
            &pool,
            f,
            tty,
            ImportOptions { update },
        )?);
    }
    for e in &total.errors {
        eprintln!("{e}");
    }
    for w in &total.warnings {
        eprintln!("{w} (cảnh báo)");
    }
    println!(
        "{} created, {} updated, {} unchanged, {} error(s)",
        total.created,
        total.updated,
        total.unchanged,
        total.errors.len()
    );
    Ok(super::status(total.errors.is_empty()))
}
