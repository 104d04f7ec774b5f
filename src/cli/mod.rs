//! The commands of `vanban`: the command line as clap reads it, and [`run`], which loads the
//! configuration and dispatches to one file per command (or command group).

mod audit;
mod backup;
mod check;
mod export;
mod extract;
mod import;
mod reindex;
mod routes;
mod serve;
mod user;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use vanban::config::{Config, Overrides};
use vanban::db::DbPool;

#[derive(Parser)]
#[command(
    name = "vanban",
    version,
    about = "Cơ sở dữ liệu văn bản quy phạm pháp luật địa phương: đăng ký, hiệu lực, rà soát"
)]
pub struct Cli {
    /// Configuration file (TOML: database_url, index_dir, bind, pool_size)
    #[arg(long, global = true, env = "VANBAN_CONFIG")]
    config: Option<PathBuf>,
    /// Database URL: sqlite://FILE (default sqlite://vanban.sqlite3) or postgres://…
    #[arg(long, global = true, env = "VANBAN_DATABASE_URL")]
    database_url: Option<String>,
    /// Directory of the search index (default search-index/)
    #[arg(long, global = true, env = "VANBAN_INDEX_DIR")]
    index_dir: Option<PathBuf>,
    /// Address to listen on (default 127.0.0.1:8080)
    #[arg(long, global = true, env = "VANBAN_BIND")]
    bind: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Apply migrations, then serve the web site and the API
    Serve {
        /// Load the sample data (Cà Mau, Đầm Dơi) first if the database holds no document
        #[arg(long)]
        demo: bool,
    },
    /// Apply pending database migrations
    Migrate,
    /// Online backup, consistent while the service serves and writes (SQLite: VACUUM INTO;
    /// PostgreSQL: pg_dump, custom format); with --verify, restore a backup into a scratch
    /// database and check it (migrations, integrity, audit chain, row counts)
    Backup(backup::BackupArgs),
    /// Accounts: add, change password, disable, enable, list
    User {
        #[command(subcommand)]
        action: user::UserCommand,
    },
    /// The audit trail: verify its hash chain, or print its checkpoint
    Audit {
        #[command(subcommand)]
        command: audit::AuditCommand,
    },
    /// Import JSON Lines files (see README), or ALQAC law files (.json with law-metadata.csv beside)
    Import {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Replace stored documents and effects that differ from the file's lines (without it,
        /// each such line is reported as a conflict naming its fields, and not written)
        #[arg(long)]
        update: bool,
    },
    /// Build a fresh search index in a new directory and switch to it atomically (a running
    /// server follows within a second and keeps answering meanwhile)
    Reindex,
    /// Export the registry as JSON Lines (re-importable) or CSV
    Export(export::ExportArgs),
    /// Data-quality report; exits with status 1 when there are errors
    Check {
        /// Print the findings as JSON
        #[arg(long)]
        json: bool,
    },
    /// Completeness of the procedures posted at a unit on a date (missing, outdated, late,
    /// legal basis not in force); exits with status 1 when incomplete
    CheckListings(check::ListingsArgs),
    /// Read a signed document's fields from its text file (.txt; TCVN3 and VNI converted):
    /// type, number, issuer, place and date, title, signer, effective date, articles, effects
    Extract(extract::ExtractArgs),
    /// The route table: method, path pattern, access rule and what each route answers (page,
    /// data, write); the browser tests read it to open every page
    Routes {
        /// Print the table as JSON
        #[arg(long)]
        json: bool,
    },
}

/// Loads the configuration (file, environment, flags) and runs the command.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    // Needs no configuration (nor a database).
    if let Command::Routes { json } = cli.command {
        return routes::run(json);
    }
    let config = Config::load(
        cli.config.as_deref(),
        Overrides {
            database_url: cli.database_url,
            index_dir: cli.index_dir,
            bind: cli.bind,
        },
    )?;
    match cli.command {
        Command::Serve { demo } => serve::serve(&config, demo),
        Command::Migrate => serve::migrate(&config),
        Command::Backup(args) => backup::run(&config, &args),
        Command::User { action } => user::run(&config, action),
        Command::Audit { command } => audit::run(&config, command),
        Command::Import { files, update } => import::run(&config, &files, update),
        Command::Reindex => reindex::run(&config),
        Command::Export(args) => export::run(&config, args),
        Command::Check { json } => check::registry(&config, json),
        Command::CheckListings(args) => check::listings(&config, args),
        Command::Extract(args) => extract::run(&args),
        Command::Routes { json } => routes::run(json),
    }
}

/// The database of the configuration, migrated.
fn pool(config: &Config) -> anyhow::Result<DbPool> {
    let pool = DbPool::connect(&config.database_url, config.pool_size)?;
    let n = pool.migrate()?;
    if n > 0 {
        tracing::info!(migrations = n, database = %config.database_url_redacted(), "database migrated");
    }
    let upgraded = vanban::registry::upgrade::run(&pool)?;
    if upgraded > 0 {
        tracing::info!(
            records = upgraded,
            "declared expiries approved in the review recorded in the registry"
        );
    }
    Ok(pool)
}

/// The exit status of a check: 0 when it holds, 1 when it does not.
fn status(holds: bool) -> ExitCode {
    if holds {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
