//! `vanban-bench bench-search`: reindex rate and index size, in-process query latency of
//! vanban's search, and PostgreSQL full-text search on the same queries.

use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use super::{percentile, search_queries, SEARCH_QUERY_SEED};
use crate::db::DbPool;
use crate::search::query::{search, Params, Scope};
use crate::search::service::SearchService;

fn dir_size(p: &Path) -> u64 {
    std::fs::read_dir(p)
        .map(|rd| {
            rd.flatten()
                .map(|e| {
                    e.metadata()
                        .map(|m| {
                            if m.is_dir() {
                                dir_size(&e.path())
                            } else {
                                m.len()
                            }
                        })
                        .unwrap_or(0)
                })
                .sum()
        })
        .unwrap_or(0)
}

/// The bytes on disk of the files in `dir` whose name starts with `prefix` (a database and its
/// journal files).
pub(crate) fn dir_size_of(dir: &Path, prefix: &str) -> u64 {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .filter(|e| e.file_name().to_string_lossy().starts_with(prefix))
                .filter_map(|e| e.metadata().ok())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

/// What `bench-search` times besides the index: the queries, how many rounds, where to dump
/// their results, and the arrival rate of the open-loop pass.
#[derive(Debug, Clone, Copy)]
pub struct SearchBench<'a> {
    /// Time only these queries, each in both scopes, instead of the 200.
    pub only: Option<&'a [String]>,
    /// Rounds of the queries (the first is warm-up).
    pub rounds: usize,
    /// Where to write every query's total and hits.
    pub dump: Option<&'a Path>,
    /// Page requests per second of the open-loop pass; `None`: 70 % of the measured maximum.
    pub open_loop_rate: Option<f64>,
}

impl Default for SearchBench<'_> {
    fn default() -> Self {
        SearchBench {
            only: None,
            rounds: 3,
            dump: None,
            open_loop_rate: None,
        }
    }
}

/// Full reindex of the corpus in `sqlite` (imported by `vanban-bench bench`), then in-process query
/// latency, and the same queries on PostgreSQL full-text search when `postgres` holds the corpus.
pub fn run_search(
    dir: &Path,
    documents: usize,
    postgres: Option<&str>,
    reuse_index: bool,
    how: &SearchBench<'_>,
) -> anyhow::Result<()> {
    let SearchBench {
        only,
        rounds,
        dump,
        open_loop_rate,
    } = *how;
    let db = dir.join("bench.sqlite3");
    if !db.exists() {
        anyhow::bail!(
            "{} is missing: run `vanban-bench bench --documents {documents}` first",
            db.display()
        );
    }
    let pool = DbPool::connect(&format!("sqlite://{}", db.display()), 2)?;
    pool.migrate()?;
    let index_dir = dir.join("search-index");
    let clock: crate::search::service::Clock = std::sync::Arc::new(crate::clock::today);
    let reuse = reuse_index && index_dir.join("CURRENT").exists();
    build_index(&index_dir, &pool, reuse, clock.clone())?;
    let service = SearchService::open(&index_dir, clock)?;
    let segments: Vec<u32> = service
        .searcher()
        .segment_readers()
        .iter()
        .map(|r| r.num_docs())
        .collect();
    println!("index segments (units each): {segments:?}");
    let (words, bytes) = crate::search::dense_kept();
    println!(
        "dense words kept by the segments: {words}, {:.1} MiB",
        bytes as f64 / (1024.0 * 1024.0)
    );
    let (facet_runs, facet_bytes) = crate::search::query::facet_runs_kept();
    println!(
        "facet tables kept by the segments: {facet_runs} runs of units sharing their facets, {:.1} MiB",
        facet_bytes as f64 / (1024.0 * 1024.0)
    );
    let queries = search_queries(SEARCH_QUERY_SEED);
    let runs = query_runs(&queries, only);
    let mut dumped = match dump {
        Some(path) => Some(std::io::BufWriter::new(std::fs::File::create(path)?)),
        None => None,
    };
    let mut ours = Duration::ZERO;
    for (label, extras) in [("with facets and snippets", true), ("top 20 only", false)] {
        let timing = time_queries(&service, &runs, rounds, extras, dumped.as_mut())?;
        timing.print(label);
        if extras {
            ours = percentile(&timing.times, 0.5);
            timing.print_slowest();
        }
    }
    let most = page_throughput(&service, &queries)?;
    open_loop(&service, &queries, open_loop_rate.unwrap_or(0.7 * most))?;
    if let Some(url) = postgres {
        time_postgres(url, &queries, ours)?;
    }
    Ok(())
}

/// The searches of the `/search` page for `q`, as its two forms make them: the header's one
/// search box (documents with facets and snippets, then the procedures and the articles of
/// the one answer, neither counted) or the filter form in article scope. Adds each search's
/// time to `took` (header documents, procedures, header articles, filter form).
fn page_searches(
    service: &SearchService,
    q: &str,
    header: bool,
    took: &mut [Duration; 4],
) -> anyhow::Result<()> {
    let searcher = service.searcher();
    let f = &service.fields;
    let mut timed = |i: usize, p: &Params| -> anyhow::Result<()> {
        let t = Instant::now();
        search(&searcher, f, p)?;
        took[i] += t.elapsed();
        Ok(())
    };
    let mut p = Params::new(
        q,
        if header {
            Scope::Documents
        } else {
            Scope::Articles
        },
    );
    p.limit = 20;
    p.facets = true;
    p.snippets = true;
    timed(if header { 0 } else { 3 }, &p)?;
    if header {
        timed(1, &crate::app::search::procedures_of_the_answer(q))?;
        timed(2, &crate::app::search::articles_of_the_answer(q))?;
    }
    Ok(())
}

/// The page requests of the queries: each in the header's form, then in the filter form (as
/// `.ci/search-load.lua`'s `page` mode sends them, half and half).
fn page_requests(queries: &[String]) -> Vec<(&str, bool)> {
    queries
        .iter()
        .flat_map(|q| [(q.as_str(), true), (q.as_str(), false)])
        .collect()
}

/// Page requests per second in process: the 200 queries in both of the page's forms (400
/// requests, half and half as `.ci/search-load.lua`'s `page` mode sends them), on as many
/// threads as cores, after a warm-up pass. The page's searches without HTTP and templates:
/// the ceiling of the server's `page` throughput.
fn page_throughput(service: &SearchService, queries: &[String]) -> anyhow::Result<f64> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let threads = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
    let requests = page_requests(queries);
    let mut best = f64::MAX;
    for pass in 0..3 {
        let next = AtomicUsize::new(0);
        let t = Instant::now();
        std::thread::scope(|scope| -> anyhow::Result<()> {
            let workers: Vec<_> = (0..threads)
                .map(|_| {
                    scope.spawn(|| -> anyhow::Result<()> {
                        loop {
                            let i = next.fetch_add(1, Ordering::Relaxed);
                            let Some((q, header)) = requests.get(i) else {
                                return Ok(());
                            };
                            // Each request shares its words' bitsets between its own
                            // searches only, as the server does.
                            let mut took = [Duration::ZERO; 4];
                            crate::search::sharing_words(|| {
                                page_searches(service, q, *header, &mut took)
                            })?;
                        }
                    })
                })
                .collect();
            for w in workers {
                w.join()
                    .map_err(|_| anyhow::anyhow!("a search thread panicked"))??;
            }
            Ok(())
        })?;
        if pass > 0 {
            best = best.min(t.elapsed().as_secs_f64());
        }
    }
    let most = requests.len() as f64 / best;
    println!(
        "page requests in process ({} requests, {threads} threads, best of 2 passes): {most:.0}/s",
        requests.len(),
    );
    // Where the time goes: the same requests one after the other on one thread.
    let mut took = [Duration::ZERO; 4];
    let mut each = Vec::with_capacity(requests.len());
    for (q, header) in &requests {
        let t = Instant::now();
        crate::search::sharing_words(|| page_searches(service, q, *header, &mut took))?;
        each.push(t.elapsed());
    }
    each.sort();
    // The same, each request's fastest of five passes over all of them: what a request costs
    // with the machine's noise (other processes, frequency) filtered out, to compare builds on
    // a shared machine. Passes, not five runs in a row, so that a request finds the caches as
    // the others left them, as it would on a server.
    let mut best = vec![[Duration::MAX; 4]; requests.len()];
    for _ in 0..5 {
        for ((q, header), best) in requests.iter().zip(best.iter_mut()) {
            let mut took = [Duration::ZERO; 4];
            crate::search::sharing_words(|| page_searches(service, q, *header, &mut took))?;
            for (b, t) in best.iter_mut().zip(took) {
                *b = (*b).min(t);
            }
        }
    }
    let mut fastest = [Duration::ZERO; 4];
    for request in &best {
        // A search the request does not make took zero.
        for (f, b) in fastest.iter_mut().zip(request) {
            *f += *b;
        }
    }
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    // The time of each of the page's searches, in the order `page_searches` adds them.
    let split = |t: &[Duration; 4]| {
        format!(
            "header documents {:.0}, procedures {:.0}, header articles {:.0}, filter form (articles) {:.0}",
            ms(t[0]),
            ms(t[1]),
            ms(t[2]),
            ms(t[3])
        )
    };
    println!(
        "  one thread, ms in all: {}; a page request's searches p50 {:.2} ms, p99 {:.2} ms",
        split(&took),
        ms(percentile(&each, 0.5)),
        ms(percentile(&each, 0.99))
    );
    println!(
        "  one thread, each request's fastest of 5 passes, ms in all: {}; {:.0} in all",
        split(&fastest),
        ms(fastest.iter().sum())
    );
    Ok(most)
}

/// A rate of page requests the open-loop pass can offer: a positive number per second, at
/// most one a microsecond (`--open-loop-rate`; also checks the default, 70 % of a measured
/// maximum).
pub fn open_loop_rate(rate: f64) -> Result<f64, String> {
    if rate.is_finite() && rate > 0.0 && rate <= 1e6 {
        Ok(rate)
    } else {
        Err(format!(
            "the open-loop rate must be a number of requests per second above 0 and at most 1000000, not {rate}"
        ))
    }
}

/// [`open_loop_rate`] of a command-line argument.
pub fn parse_open_loop_rate(arg: &str) -> Result<f64, String> {
    let rate: f64 = arg.trim().parse().map_err(|_| {
        format!("the open-loop rate must be a number of requests per second, not {arg:?}")
    })?;
    open_loop_rate(rate)
}

/// Threads of the open-loop pass: one per connection of the HTTP load (`oha -c 32`), each
/// request on a thread of its own as the server's blocking pool runs it.
const OPEN_LOOP_THREADS: usize = 32;

/// How long the open-loop pass offers its load.
const OPEN_LOOP_SECONDS: f64 = 20.0;

/// The page requests offered at a fixed rate, whatever the answers' pace (open loop, as
/// `oha -q RATE` offers them over HTTP): each request's latency runs from the moment it was
/// due, so a request that waits for a thread counts its wait. The searches without HTTP and
/// templates under the same load as the server: what queueing alone makes of the p99.
fn open_loop(service: &SearchService, queries: &[String], rate: f64) -> anyhow::Result<()> {
    let rate = open_loop_rate(rate).map_err(anyhow::Error::msg)?;
    let requests = page_requests(queries);
    if requests.is_empty() {
        return Ok(());
    }
    let offered = (rate * OPEN_LOOP_SECONDS).round() as usize;
    let t = Instant::now();
    let mut latencies = offered_at(offered, rate, OPEN_LOOP_THREADS, |i| {
        let (q, header) = requests[i % requests.len()];
        let mut split = [Duration::ZERO; 4];
        crate::search::sharing_words(|| page_searches(service, q, header, &mut split))
    })?;
    let served = t.elapsed().as_secs_f64();
    latencies.sort();
    let ms = |p: f64| percentile(&latencies, p).as_secs_f64() * 1000.0;
    println!(
        "page requests in process, open loop at {rate:.0}/s for {OPEN_LOOP_SECONDS:.0} s ({OPEN_LOOP_THREADS} threads, latency from when each was due): {} served at {:.0}/s, p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms",
        latencies.len(),
        latencies.len() as f64 / served,
        ms(0.5),
        ms(0.9),
        ms(0.99)
    );
    Ok(())
}

/// Offers `offered` jobs at `rate` per second to `threads` threads, the `i`-th due `i / rate`
/// seconds after the start whether or not the earlier ones are done; returns each job's
/// latency from when it was due (its wait for a thread included), in no particular order.
fn offered_at(
    offered: usize,
    rate: f64,
    threads: usize,
    job: impl Fn(usize) -> anyhow::Result<()> + Sync,
) -> anyhow::Result<Vec<Duration>> {
    use std::sync::{mpsc, Mutex};
    let interval = Duration::from_secs_f64(1.0 / rate);
    let (tx, rx) = mpsc::channel::<(usize, Instant)>();
    let rx = Mutex::new(rx);
    let start = Instant::now() + Duration::from_millis(50);
    std::thread::scope(|scope| -> anyhow::Result<Vec<Duration>> {
        let workers: Vec<_> = (0..threads.max(1))
            .map(|_| {
                scope.spawn(|| -> anyhow::Result<Vec<Duration>> {
                    let mut took = Vec::new();
                    loop {
                        let next = rx
                            .lock()
                            .map_err(|_| anyhow::anyhow!("a search thread panicked"))?
                            .recv();
                        let Ok((i, due)) = next else {
                            return Ok(took);
                        };
                        job(i)?;
                        took.push(due.elapsed());
                    }
                })
            })
            .collect();
        let mut sent = 0;
        for i in 0..offered {
            let due = start + interval.mul_f64(i as f64);
            if let Some(wait) = due.checked_duration_since(Instant::now()) {
                std::thread::sleep(wait);
            }
            // Every thread stopped: a job failed, and its error is the one to report.
            if tx.send((i, due)).is_err() {
                break;
            }
            sent += 1;
        }
        drop(tx);
        let mut all = Vec::with_capacity(offered);
        for w in workers {
            all.extend(
                w.join()
                    .map_err(|_| anyhow::anyhow!("a search thread panicked"))??,
            );
        }
        if sent < offered {
            anyhow::bail!("the threads stopped after {sent} of {offered} jobs");
        }
        Ok(all)
    })
}

/// Reindexes the corpus as `vanban reindex` does (a new generation, its merges finished), or
/// keeps the index of an earlier run (`reuse`); prints the rate and the index size.
fn build_index(
    index_dir: &Path,
    pool: &DbPool,
    reuse: bool,
    clock: crate::search::service::Clock,
) -> anyhow::Result<()> {
    if reuse {
        println!(
            "reindex: skipped (--reuse-index); index size {:.0} MiB",
            dir_size(index_dir) as f64 / 1048576.0
        );
        return Ok(());
    }
    let _ = std::fs::remove_dir_all(index_dir);
    let t = Instant::now();
    let n = SearchService::reindex(index_dir, pool, clock)?;
    let secs = t.elapsed().as_secs_f64();
    println!(
        "reindex: {n} documents in {secs:.1} s = {:.0} documents/s; index size {:.0} MiB",
        n as f64 / secs,
        dir_size(index_dir) as f64 / 1048576.0
    );
    Ok(())
}

/// The 200 queries alternate scopes; queries named on the command line run in both.
fn query_runs(queries: &[String], only: Option<&[String]>) -> Vec<(String, Scope)> {
    match only {
        Some(qs) => qs
            .iter()
            .flat_map(|q| [(q.clone(), Scope::Documents), (q.clone(), Scope::Articles)])
            .collect(),
        None => queries
            .iter()
            .enumerate()
            .map(|(i, q)| {
                let scope = if i % 2 == 0 {
                    Scope::Documents
                } else {
                    Scope::Articles
                };
                (q.clone(), scope)
            })
            .collect(),
    }
}

/// The latencies of the timed rounds (after the first) of one way of searching.
struct Timing {
    /// Sorted.
    times: Vec<Duration>,
    slowest: Vec<(Duration, String)>,
    hits: usize,
}

impl Timing {
    fn print(&self, label: &str) {
        let total: Duration = self.times.iter().sum();
        println!(
            "vanban search in process, {label} ({} queries, {:.0} ms in all): p50 {:.2} ms, p99 {:.2} ms, mean hits {:.1}",
            self.times.len(),
            total.as_secs_f64() * 1000.0,
            percentile(&self.times, 0.5).as_secs_f64() * 1000.0,
            percentile(&self.times, 0.99).as_secs_f64() * 1000.0,
            self.hits as f64 / self.times.len().max(1) as f64
        );
    }

    fn print_slowest(mut self) {
        self.slowest.sort_by_key(|s| std::cmp::Reverse(s.0));
        for (d, q) in self.slowest.iter().step_by(2).take(4) {
            println!("  slow: {:.1} ms  {q}", d.as_secs_f64() * 1000.0);
        }
    }
}

/// Runs every query `rounds` times (at least twice; the first round is warm-up), top 20,
/// with facets and snippets when `extras`. The first round with extras goes to `dump`.
fn time_queries(
    service: &SearchService,
    runs: &[(String, Scope)],
    rounds: usize,
    extras: bool,
    mut dump: Option<&mut std::io::BufWriter<std::fs::File>>,
) -> anyhow::Result<Timing> {
    let searcher = service.searcher();
    let mut timing = Timing {
        times: Vec::new(),
        slowest: Vec::new(),
        hits: 0,
    };
    for round in 0..rounds.max(2) {
        for (q, scope) in runs {
            let mut p = Params::new(q, *scope);
            p.limit = 20;
            p.facets = extras;
            p.snippets = extras;
            let t = Instant::now();
            let r = search(&searcher, &service.fields, &p)?;
            if let (Some(out), true) = (dump.as_deref_mut(), round == 0 && extras) {
                dump_result(out, q, *scope, &r)?;
            }
            if round > 0 {
                timing.times.push(t.elapsed());
                timing.slowest.push((
                    t.elapsed(),
                    format!("{q} ({scope:?}, {} hits of {})", r.hits.len(), r.total),
                ));
                timing.hits += r.hits.len();
            }
        }
    }
    timing.times.sort_unstable();
    Ok(timing)
}

/// A query's total, hits and facets, to compare the results of two builds.
fn dump_result(
    out: &mut dyn Write,
    q: &str,
    scope: Scope,
    r: &crate::search::query::Results,
) -> std::io::Result<()> {
    writeln!(
        out,
        "{q} ({scope:?}): {} {}",
        r.total,
        if r.total_exact { "exact" } else { "capped" }
    )?;
    for h in &r.hits {
        let key = h.article.as_ref().map_or("", |a| a.key.as_str());
        writeln!(out, "  {:.3} {} {key}", h.score, h.document_id)?;
    }
    writeln!(out, "  {:?}", r.facets)
}

/// The same queries on PostgreSQL full-text search over the articles (the words of each
/// query, folded, OR-ed); prints its latency and the ratio of the medians to `ours`.
fn time_postgres(url: &str, queries: &[String], ours: Duration) -> anyhow::Result<()> {
    use crate::search::analyzer::{analyze, Mode};
    let mut fts = crate::db::bench::PgFts::connect(url)?;
    let t = Instant::now();
    fts.build()?;
    println!(
        "PostgreSQL: fts table and GIN index built in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let mut pg_times = Vec::new();
    for q in queries {
        let words: Vec<String> = analyze(q, Mode::Folded)
            .into_iter()
            .map(|t| t.text)
            .filter(|w| w.chars().all(|c| c.is_alphanumeric()))
            .collect();
        if words.is_empty() {
            continue;
        }
        let tsq = words.join(" | ");
        let t = Instant::now();
        fts.top20(&tsq)?;
        pg_times.push(t.elapsed());
    }
    pg_times.sort_unstable();
    let theirs = percentile(&pg_times, 0.5);
    println!(
        "PostgreSQL FTS (unaccent, GIN, OR of words, ts_rank_cd), articles: p50 {:.2} ms, p99 {:.2} ms",
        theirs.as_secs_f64() * 1000.0,
        percentile(&pg_times, 0.99).as_secs_f64() * 1000.0
    );
    println!(
        "p50 ratio PostgreSQL / vanban: {:.1}",
        theirs.as_secs_f64() / ours.as_secs_f64().max(1e-9)
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_open_loop_rate_is_a_positive_number_of_requests_per_second() {
        assert_eq!(parse_open_loop_rate("168"), Ok(168.0));
        assert_eq!(parse_open_loop_rate(" 0.5 "), Ok(0.5));
        for bad in ["0", "-3", "abc", "", "NaN", "inf", "1e7"] {
            let err = parse_open_loop_rate(bad).unwrap_err();
            assert!(err.contains("open-loop rate"), "{bad}: {err}");
        }
        assert!(open_loop_rate(f64::NAN).is_err());
    }

    /// One thread, a job of 10 ms offered every 5 ms: the jobs queue, and each one's latency
    /// counts its wait from when it was due (a generator that waited for the answers before
    /// sending the next would report about 10 ms for every job).
    #[test]
    fn the_open_loop_counts_the_wait_of_a_job_due_while_the_threads_are_busy() {
        let lat = ten_ms_jobs_every_5_ms(60, 1);
        let most = lat.iter().max().unwrap();
        let least = lat.iter().min().unwrap();
        assert!(*least >= Duration::from_millis(10), "{least:?}");
        // The last is due at 295 ms and done at about 600 ms.
        assert!(*most >= Duration::from_millis(250), "{most:?}");
    }

    /// The same jobs with a thread each to spare: none waits, each takes its own 10 ms.
    #[test]
    fn the_open_loop_runs_jobs_side_by_side_when_threads_are_free() {
        let lat = ten_ms_jobs_every_5_ms(40, 8);
        let most = lat.iter().max().unwrap();
        assert!(*most < Duration::from_millis(150), "{most:?}");
    }

    /// `offered` jobs of 10 ms, one due every 5 ms, on `threads` threads: their latencies,
    /// one per job.
    fn ten_ms_jobs_every_5_ms(offered: usize, threads: usize) -> Vec<Duration> {
        let lat = offered_at(offered, 200.0, threads, |_| {
            std::thread::sleep(Duration::from_millis(10));
            Ok(())
        })
        .unwrap();
        assert_eq!(lat.len(), offered);
        lat
    }

    #[test]
    fn a_failing_job_fails_the_open_loop() {
        let failing = |offered, threads, bad: usize| {
            offered_at(offered, 1000.0, threads, |i| {
                if i == bad {
                    anyhow::bail!("job {i} failed")
                }
                Ok(())
            })
        };
        let r = failing(5, 2, 3);
        assert!(r.is_err_and(|e| e.to_string().contains("job 3 failed")));
        // With one thread, the job's error, not the stopped queue, is reported.
        let r = failing(50, 1, 2);
        assert!(r.is_err_and(|e| e.to_string().contains("job 2 failed")));
    }
}
