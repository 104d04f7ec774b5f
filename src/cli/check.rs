//! `vanban check [--json]` (data quality of the registry) and `vanban check-listings`
//! (completeness of the procedures posted at a unit).

use std::process::ExitCode;

use vanban::config::Config;
use vanban::procedures::check::{self as listings_check, CheckError, Settings};
use vanban::registry::check;

#[derive(clap::Args)]
pub struct ListingsArgs {
    /// Unit code (e.g. 32152)
    #[arg(long)]
    unit: String,
    /// Date of the check (YYYY-MM-DD or DD/MM/YYYY; default today)
    #[arg(long)]
    date: Option<String>,
    /// Posting deadline in working days after the announcing decision
    #[arg(long, default_value_t = vanban::domain::calendar::POSTING_DEADLINE_WORKING_DAYS)]
    deadline_days: u32,
    /// Print the result as JSON
    #[arg(long)]
    json: bool,
}

/// The data-quality report; status 1 when it finds errors.
pub fn registry(config: &Config, json: bool) -> anyhow::Result<ExitCode> {
    let pool = super::pool(config)?;
    let mut conn = pool.get()?;
    let findings = check::run(&mut conn.db())?;
    let errors = findings
        .iter()
        .filter(|f| f.severity == check::Severity::Error)
        .count();
    if json {
        println!("{}", serde_json::to_string_pretty(&findings)?);
    } else {
        for f in &findings {
            println!("{f}");
        }
        println!("{errors} lỗi, {} cảnh báo", findings.len() - errors);
    }
    Ok(super::status(errors == 0))
}

/// The completeness check of a unit; status 1 when incomplete, 2 when it cannot be made.
pub fn listings(config: &Config, args: ListingsArgs) -> anyhow::Result<ExitCode> {
    let pool = super::pool(config)?;
    let mut conn = pool.get()?;
    let date = vanban::app::parse_date(args.date.as_deref())
        .map_err(|e| anyhow::anyhow!(e.public_message()))?;
    let settings = Settings {
        deadline_working_days: args.deadline_days,
    };
    let c = match listings_check::check_unit(&mut conn.db(), &args.unit, date, settings) {
        Ok(c) => c,
        Err(CheckError::Db(e)) => return Err(e.into()),
        Err(e) => {
            eprintln!("lỗi: {e}");
            return Ok(ExitCode::from(2));
        }
    };
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &c)?;
        std::io::Write::write_all(&mut out, b"\n")?;
    } else {
        listings_check::write_table(&c, &mut out)?;
    }
    Ok(super::status(c.is_complete))
}
