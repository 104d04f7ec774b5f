//! `vanban import FILE…`: JSON Lines records or ALQAC law files.

use std::path::PathBuf;
use std::process::ExitCode;

use vanban::config::Config;
use vanban::exchange::import::{self, ImportReport};

/// Imports every file, then prints each bad line (`file:line: reason`), each warning and the
/// totals; status 1 if any line failed.
pub fn run(config: &Config, files: &[PathBuf]) -> anyhow::Result<ExitCode> {
    let pool = super::pool(config)?;
    let tty = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let mut total = ImportReport::default();
    for f in files {
        total.merge(import::import_path(&pool, f, tty)?);
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
