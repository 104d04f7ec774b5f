//! `vanban export [--format jsonl|csv] [-o FILE] [--date D]`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::ValueEnum;
use vanban::config::Config;
use vanban::exchange::export;

#[derive(Clone, Copy, ValueEnum)]
pub enum ExportFormat {
    Jsonl,
    Csv,
}

#[derive(clap::Args)]
pub struct ExportArgs {
    #[arg(long, value_enum, default_value = "jsonl")]
    format: ExportFormat,
    /// Output file (default: standard output)
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// CSV only: the date of the status column (default today)
    #[arg(long)]
    date: Option<String>,
}

pub fn run(config: &Config, args: ExportArgs) -> anyhow::Result<ExitCode> {
    let pool = super::pool(config)?;
    let mut conn = pool.get()?;
    let mut out = writer(args.output.as_deref())?;
    match args.format {
        ExportFormat::Jsonl => export::export_jsonl(&mut conn.db(), &mut out)?,
        ExportFormat::Csv => {
            let date = vanban::app::parse_date(args.date.as_deref())
                .map_err(|e| anyhow::anyhow!(e.public_message()))?;
            export::export_csv(&mut conn.db(), date, &mut out)?
        }
    };
    Ok(ExitCode::SUCCESS)
}

/// A buffered writer to the file, or to standard output.
fn writer(path: Option<&Path>) -> std::io::Result<Box<dyn Write>> {
    Ok(match path {
        Some(p) => Box::new(std::io::BufWriter::new(std::fs::File::create(p)?)),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    })
}
