//! The `vanban` command line: serve, migrate, backup, import, reindex, export, check,
//! accounts and the audit trail. This file only parses the command line and hands it to
//! `cli::run`; each command lives in `src/cli/<command>.rs`. The benchmarks are in
//! `vanban-bench` (src/bin/vanban-bench.rs).

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    init_tracing();
    match cli::run(cli::Cli::parse()) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("lỗi: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// Logs on standard error; `VANBAN_LOG_FORMAT=json`: one JSON object per line, with the
/// request id of the span.
fn init_tracing() {
    let filter = || {
        tracing_subscriber::EnvFilter::try_from_default_env()
            .unwrap_or_else(|_| "info,actix_server=warn".into())
    };
    if std::env::var("VANBAN_LOG_FORMAT").is_ok_and(|f| f.eq_ignore_ascii_case("json")) {
        tracing_subscriber::fmt()
            .json()
            .with_current_span(true)
            .with_env_filter(filter())
            .with_writer(std::io::stderr)
            .init();
    } else {
        tracing_subscriber::fmt()
            .with_env_filter(filter())
            .with_writer(std::io::stderr)
            .init();
    }
}
