//! Benchmarks (run by `vanban-bench`, figures in BENCHMARKS.md): a deterministic generator of
//! realistic local documents ([`corpus`]), import throughput on SQLite and PostgreSQL side by
//! side and the latency of a status query for one document on a date (here), the search
//! benchmark ([`search`]) and the review dashboard's ([`review`]).

use std::path::Path;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::db::DbPool;
use crate::exchange::import;
use crate::registry::status::StatusGraph;

pub mod corpus;
pub mod extraction;
pub mod review;
pub mod search;
mod throughput;

pub use corpus::{
    generate, generate_shaped, generate_with, search_queries, sentences_from_laws, Shape,
    SEARCH_QUERY_SEED,
};
pub use review::run_review;
pub use search::{parse_open_loop_rate, run_search, SearchBench};

pub(crate) fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

struct Figures {
    backend: &'static str,
    documents: usize,
    seconds: f64,
    median: Duration,
    p99: Duration,
}

fn measure(url: &str, corpus: &Path, documents: usize) -> anyhow::Result<Figures> {
    let pool = DbPool::connect(url, 2)?;
    pool.migrate()?;
    let start = Instant::now();
    let report = import::import_path(&pool, corpus, false)?;
    let seconds = start.elapsed().as_secs_f64();
    if let Some(e) = report.errors.first() {
        anyhow::bail!(
            "import reported {} error(s), first: {e}",
            report.errors.len()
        );
    }
    let mut conn = pool.get()?;
    let mut db = conn.db();
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let date = NaiveDate::from_ymd_opt(2024, 6, 1).unwrap_or_default();
    let mut times = Vec::new();
    for _ in 0..2000 {
        let id = rng.gen_range(1..=documents as i64);
        let t = Instant::now();
        let g = StatusGraph::load_around(&mut db, id)?;
        let s = g.status(id, date);
        times.push(t.elapsed());
        if s.is_none() {
            anyhow::bail!("document {id} missing after import");
        }
    }
    times.sort_unstable();
    Ok(Figures {
        backend: pool.backend_name(),
        documents: report.documents_created,
        seconds,
        median: percentile(&times, 0.5),
        p99: percentile(&times, 0.99),
    })
}

/// What `vanban-bench bench` runs.
pub struct Options<'a> {
    pub documents: usize,
    /// Also import into this PostgreSQL database (emptied first).
    pub postgres: Option<&'a str>,
    /// Where the corpus, the SQLite database and the index go.
    pub dir: &'a Path,
    /// Clause sentences drawn from this ALQAC law file.
    pub laws: Option<&'a Path>,
    pub shape: Shape,
    /// Then the search figures, with an in-process throughput run this long.
    pub search: Option<Duration>,
}

/// Generates the corpus, imports it into a fresh SQLite database (and PostgreSQL when given),
/// and prints the figures side by side; with `search`, then reindexes and measures search.
pub fn run(o: &Options<'_>) -> anyhow::Result<()> {
    let (documents, postgres, dir) = (o.documents, o.postgres, o.dir);
    std::fs::create_dir_all(dir)?;
    let corpus = dir.join(format!(
        "corpus-{documents}{}{}.jsonl",
        if o.laws.is_some() { "-laws" } else { "" },
        if o.shape == Shape::National {
            "-national"
        } else {
            ""
        }
    ));
    if !corpus.exists() {
        let pool = match o.laws {
            Some(p) => sentences_from_laws(p)?,
            None => Vec::new(),
        };
        let t = Instant::now();
        let mut f = std::io::BufWriter::new(std::fs::File::create(&corpus)?);
        generate_shaped(documents, 1, &pool, o.shape, &mut f)?;
        println!("corpus generated in {:.1} s", t.elapsed().as_secs_f64());
    }
    throughput::reset_peak_memory();
    let mut rows = Vec::new();
    let db = dir.join("bench.sqlite3");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
    rows.push(measure(
        &format!("sqlite://{}", db.display()),
        &corpus,
        documents,
    )?);
    throughput::print_peak_memory("import into SQLite");
    if let Some(url) = postgres {
        let pool = DbPool::connect(url, 1)?;
        pool.migrate()?;
        pool.revert_all()?;
        rows.push(measure(url, &corpus, documents)?);
    }
    println!(
        "corpus: {} ({} bytes), {} documents",
        corpus.display(),
        std::fs::metadata(&corpus)?.len(),
        documents
    );
    println!(
        "{:<12} {:>10} {:>10} {:>12} {:>14} {:>14}",
        "backend", "documents", "seconds", "docs/s", "status p50", "status p99"
    );
    for r in &rows {
        println!(
            "{:<12} {:>10} {:>10.1} {:>12.0} {:>12.2}ms {:>12.2}ms",
            r.backend,
            r.documents,
            r.seconds,
            r.documents as f64 / r.seconds,
            r.median.as_secs_f64() * 1000.0,
            r.p99.as_secs_f64() * 1000.0
        );
    }
    if rows.len() == 2 {
        println!(
            "SQLite / PostgreSQL import throughput ratio: {:.2}",
            (rows[0].documents as f64 / rows[0].seconds)
                / (rows[1].documents as f64 / rows[1].seconds)
        );
    }
    println!(
        "SQLite database: {:.0} MiB",
        search::dir_size_of(dir, "bench.sqlite3") as f64 / 1048576.0
    );
    if let Some(seconds) = o.search {
        throughput::reset_peak_memory();
        run_search(dir, documents, None, false, &SearchBench::default())?;
        throughput::print_peak_memory("reindex and timed searches");
        throughput::reset_peak_memory();
        throughput::run(dir, seconds)?;
        throughput::print_peak_memory("uncached throughput");
    }
    Ok(())
}
