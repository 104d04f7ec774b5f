//! `vanban reindex`: a fresh search index in a new generation, switched to atomically.

use std::process::ExitCode;
use std::sync::Arc;

use vanban::config::Config;
use vanban::search::service::{Clock, SearchService};

pub fn run(config: &Config) -> anyhow::Result<ExitCode> {
    let pool = super::pool(config)?;
    let clock: Clock = Arc::new(vanban::clock::today);
    let started = std::time::Instant::now();
    let n = SearchService::reindex(&config.index_dir, &pool, clock)?;
    println!(
        "{n} documents indexed in {:.1} s into a new generation of {}",
        started.elapsed().as_secs_f64(),
        config.index_dir.display()
    );
    Ok(ExitCode::SUCCESS)
}
