//! In-process uncached search throughput (one searching thread per core, every search computed,
//! facets and snippets as the search page shows them), the CPU time each search costs, and the
//! peak memory of each phase of `vanban-bench bench --search`.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use super::{search_queries, SEARCH_QUERY_SEED};
use crate::search::query::{search, Params, Scope};
use crate::search::service::SearchService;

/// Forgets the peak resident size so far (Linux: `5` to `/proc/self/clear_refs`), so that the
/// next [`print_peak_memory`] gives the peak of one phase. Elsewhere it does nothing.
pub(crate) fn reset_peak_memory() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// A `kB` line of `/proc/self/status`, in MiB.
fn status_mib(key: &str) -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(key))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// Prints the peak and current resident size of the process since the last reset.
pub(crate) fn print_peak_memory(phase: &str) {
    if let (Some(peak), Some(now)) = (status_mib("VmHWM:"), status_mib("VmRSS:")) {
        println!("memory, {phase}: peak RSS {peak:.0} MiB, now {now:.0} MiB");
    }
}

/// CPU time (user + system) of the whole process so far, from `/proc/self/stat` (clock ticks
/// of 1/100 s).
fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some(Duration::from_millis((utime + stime) * 10))
}

/// One thread per core searches the benchmark's queries in turn (scopes alternating, top 20
/// with facets and snippets, never from a result cache) for `seconds`; prints searches per
/// second and CPU per search.
pub(crate) fn run(dir: &Path, seconds: Duration) -> anyhow::Result<()> {
    let clock: crate::search::service::Clock = std::sync::Arc::new(crate::clock::today);
    let service = SearchService::open(&dir.join("search-index"), clock)?;
    let queries = search_queries(SEARCH_QUERY_SEED);
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let done = AtomicUsize::new(0);
    let failed = AtomicUsize::new(0);
    let cpu_before = cpu_time();
    let start = Instant::now();
    std::thread::scope(|s| {
        for t in 0..threads {
            let (service, queries, done, failed) = (&service, &queries, &done, &failed);
            s.spawn(move || {
                let searcher = service.searcher();
                let mut i = t;
                while start.elapsed() < seconds {
                    let q = &queries[i % queries.len()];
                    let scope = if i % 2 == 0 {
                        Scope::Documents
                    } else {
                        Scope::Articles
                    };
                    let mut p = Params::new(q, scope);
                    p.limit = 20;
                    p.facets = true;
                    p.snippets = true;
                    match search(&searcher, &service.fields, &p) {
                        Ok(_) => done.fetch_add(1, Ordering::Relaxed),
                        Err(_) => failed.fetch_add(1, Ordering::Relaxed),
                    };
                    i += threads;
                }
            });
        }
    });
    let wall = start.elapsed().as_secs_f64();
    let n = done.load(Ordering::Relaxed);
    if failed.load(Ordering::Relaxed) > 0 {
        anyhow::bail!("{} searches failed", failed.load(Ordering::Relaxed));
    }
    let cpu = match (cpu_before, cpu_time()) {
        (Some(a), Some(b)) => format!(
            ", {:.1} ms of CPU each",
            (b.saturating_sub(a)).as_secs_f64() * 1000.0 / n.max(1) as f64
        ),
        _ => String::new(),
    };
    println!(
        "uncached throughput in process, {threads} threads, facets and snippets: {n} searches in {wall:.1} s = {:.0} searches/s{cpu}",
        n as f64 / wall
    );
    Ok(())
}
