//! `vanban-bench`: the benchmarks and the search-relevance evaluation of vanban, kept out of the
//! server binary (`vanban`). Same subcommands and flags as they had there; see BENCHMARKS.md.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "vanban-bench",
    version,
    about = "Đo hiệu năng và đánh giá tìm kiếm của vanban (xem BENCHMARKS.md)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Benchmarks: import throughput and status query latency (see BENCHMARKS.md)
    Bench(BenchArgs),
    /// Search benchmark on the corpus of `vanban-bench bench`: reindex rate, index size, query
    /// latency, and PostgreSQL full-text search on the same queries
    BenchSearch {
        #[arg(long, default_value_t = 100_000)]
        documents: usize,
        /// PostgreSQL database holding the same corpus (from `vanban-bench bench --postgres`)
        #[arg(long)]
        postgres: Option<String>,
        #[arg(long, default_value = "/var/tmp/vanban-bench")]
        dir: PathBuf,
        /// Keep an index built by an earlier run instead of reindexing
        #[arg(long)]
        reuse_index: bool,
        /// Only print the benchmark's queries, URL-encoded, one per line (for a load generator)
        #[arg(long)]
        print_queries: bool,
        /// Time only these queries (repeatable), each in both scopes, instead of the 200
        #[arg(long = "query")]
        queries: Vec<String>,
        /// Rounds of the queries (the first is warm-up)
        #[arg(long, default_value_t = 3)]
        rounds: usize,
        /// Write every query's total and hits (with facets and snippets) to this file, to
        /// compare the results of two builds
        #[arg(long)]
        dump: Option<PathBuf>,
        /// Page requests per second offered by the open-loop pass (default: 70 % of the
        /// page requests per second measured just before)
        #[arg(long, value_parser = vanban::bench::parse_open_loop_rate)]
        open_loop_rate: Option<f64>,
    },
    /// Completeness-check benchmark: a province of N communes × M procedures on SQLite and
    /// (with --postgres) PostgreSQL
    BenchListings {
        #[arg(long, default_value_t = 100)]
        communes: usize,
        #[arg(long, default_value_t = 400)]
        procedures: usize,
        /// Also run against this PostgreSQL database (it is emptied first)
        #[arg(long)]
        postgres: Option<String>,
        /// Directory for the SQLite database
        #[arg(long, default_value = "/var/tmp/vanban-bench-listings")]
        dir: PathBuf,
        #[arg(long, default_value_t = 5)]
        rounds: usize,
    },
    /// Review dashboard latency for a campaign over a corpus loaded by `vanban-bench bench`
    BenchReview {
        /// Database holding the corpus (sqlite://… or postgres://…)
        #[arg(long = "url")]
        url: String,
        #[arg(long, default_value_t = 20_000)]
        documents: usize,
        #[arg(long, default_value_t = 50)]
        rounds: usize,
    },
    /// Write a deterministic synthetic corpus (for benchmarks) as JSON Lines
    Generate {
        #[arg(long, default_value_t = 100_000)]
        documents: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Extraction accuracy over a corpus: per-field accuracy and the share of files with every
    /// field right, each file of each directory of DIR compared with its expected.json
    Extraction {
        dir: PathBuf,
        /// Only the documents whose directory name starts with one of these (repeatable)
        #[arg(long)]
        only: Vec<String>,
    },
    /// Extraction speed: the median time from a file's bytes to its fields
    ExtractionSpeed {
        #[arg(required = true, num_args = 1..)]
        files: Vec<PathBuf>,
        #[arg(long, default_value_t = 15)]
        runs: usize,
    },
    /// Search relevance on ALQAC-format data (article scope): R@1/5/10/20 and MRR@10
    EvalSearch {
        /// Law files (ALQAC format, with law-metadata.csv beside them)
        #[arg(long, required = true, num_args = 1..)]
        laws: Vec<PathBuf>,
        /// Questions file (ALQAC format)
        #[arg(long)]
        questions: PathBuf,
        /// Working directory for the temporary database
        #[arg(long, default_value = "/var/tmp/vanban-eval")]
        dir: PathBuf,
        /// Nested cross-validation over the declared scoring candidates with this many folds:
        /// out-of-fold MRR@10 and R@1, and each candidate's MRR@10 per fold
        #[arg(long)]
        folds: Option<usize>,
        /// Seed of the split into folds
        #[arg(long, default_value_t = 18)]
        seed: u64,
    },
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    match run(Cli::parse().command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("lỗi: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// A buffered writer to the file, or to standard output.
fn writer(path: Option<&std::path::Path>) -> std::io::Result<Box<dyn std::io::Write>> {
    Ok(match path {
        Some(p) => Box::new(std::io::BufWriter::new(std::fs::File::create(p)?)),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    })
}

/// The flags of `vanban-bench bench`.
#[derive(clap::Args)]
struct BenchArgs {
    #[arg(long, default_value_t = 100_000)]
    documents: usize,
    /// Also run against this PostgreSQL database (it is emptied first)
    #[arg(long)]
    postgres: Option<String>,
    /// Directory for the generated corpus and the SQLite database
    #[arg(long, default_value = "/var/tmp/vanban-bench")]
    dir: PathBuf,
    /// Draw clause sentences from this ALQAC law file (realistic vocabulary)
    #[arg(long)]
    laws: Option<PathBuf>,
    /// The whole country's shape: central bodies, provinces, districts until 30 June 2025
    /// and communes from 1 July 2025 (the default corpus keeps its bytes)
    #[arg(long)]
    national: bool,
    /// Then reindex, time searches in process, measure uncached throughput, peak memory
    /// of each phase and the sizes on disk
    #[arg(long)]
    search: bool,
    /// Seconds of the in-process throughput run (with --search)
    #[arg(long, default_value_t = 20)]
    seconds: u64,
}

/// `vanban-bench bench`: import, and with `--search` the search figures.
fn bench(a: BenchArgs) -> anyhow::Result<()> {
    vanban::bench::run(&vanban::bench::Options {
        documents: a.documents,
        postgres: a.postgres.as_deref(),
        dir: &a.dir,
        laws: a.laws.as_deref(),
        shape: if a.national {
            vanban::bench::Shape::National
        } else {
            vanban::bench::Shape::Provinces
        },
        search: a
            .search
            .then_some(std::time::Duration::from_secs(a.seconds)),
    })
}

fn run(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Bench(a) => bench(a)?,
        Command::BenchSearch {
            documents,
            postgres,
            dir,
            reuse_index,
            print_queries,
            queries,
            rounds,
            dump,
            open_loop_rate,
        } => {
            if print_queries {
                for q in vanban::bench::search_queries(vanban::bench::SEARCH_QUERY_SEED) {
                    println!("{}", vanban::web::public::urlencode(&q));
                }
                return Ok(());
            }
            let only = (!queries.is_empty()).then_some(queries.as_slice());
            vanban::bench::run_search(
                &dir,
                documents,
                postgres.as_deref(),
                reuse_index,
                &vanban::bench::SearchBench {
                    only,
                    rounds,
                    dump: dump.as_deref(),
                    open_loop_rate,
                },
            )?;
        }
        Command::BenchListings {
            communes,
            procedures,
            postgres,
            dir,
            rounds,
        } => vanban::bench_listings::run(communes, procedures, postgres.as_deref(), &dir, rounds)?,
        Command::BenchReview {
            url,
            documents,
            rounds,
        } => vanban::bench::run_review(&url, documents, rounds)?,
        Command::Generate {
            documents,
            seed,
            output,
        } => {
            let mut out = writer(output.as_deref())?;
            vanban::bench::generate(documents, seed, &mut out)?;
        }
        Command::Extraction { dir, only } => {
            let results = vanban::bench::extraction::evaluate(&dir, &only)?;
            print!("{}", vanban::bench::extraction::report(&results));
        }
        Command::ExtractionSpeed { files, runs } => {
            for f in files {
                println!("{}", vanban::bench::extraction::speed(&f, runs)?);
            }
        }
        Command::EvalSearch {
            laws,
            questions,
            dir,
            folds,
            seed,
        } => {
            if let Some(k) = folds {
                let cv = vanban::search::eval::cross_validate(&laws, &questions, &dir, k, seed)?;
                print!("{cv}");
                return Ok(());
            }
            let r = vanban::search::eval::run(&laws, &questions, &dir)?;
            println!(
                "questions: {}, documents indexed: {}",
                r.questions, r.documents
            );
            for (k, v) in r.recall {
                println!("R@{k:<3} {v:.3}");
            }
            println!("MRR@10 {:.3}", r.mrr10);
            println!(
                "query p50 {:.2} ms, p99 {:.2} ms (in process)",
                r.p50.as_secs_f64() * 1000.0,
                r.p99.as_secs_f64() * 1000.0
            );
        }
    }
    Ok(())
}
