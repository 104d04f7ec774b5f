//! `vanban-bench eval-search`: relevance on the ALQAC questions (article scope): R@1, R@5, R@10,
//! R@20 and MRR@10, plus query latency inside the process.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::Deserialize;

use super::index::in_memory;
use super::query::{search, Params, Scope};
use crate::db::DbPool;
use crate::domain::number::DocumentNumber;

#[derive(Deserialize)]
struct Question {
    text: String,
    relevant_articles: Vec<Relevant>,
}

#[derive(Deserialize)]
struct Relevant {
    law_id: String,
    article_id: String,
}

#[derive(Debug, Clone)]
pub struct Report {
    pub questions: usize,
    pub documents: usize,
    pub recall: [(usize, f64); 4],
    pub mrr10: f64,
    pub p50: Duration,
    pub p99: Duration,
}

fn key(number: &str) -> String {
    DocumentNumber::parse(number)
        .map(|n| n.key())
        .unwrap_or_else(|_| number.to_string())
}

/// Where the first relevant article is among the hits.
fn rank_of(hits: &[super::query::Hit], relevant: &[(String, String)]) -> Option<usize> {
    hits.iter().position(|h| {
        let art = h
            .article
            .as_ref()
            .map(|a| a.key.as_str())
            .unwrap_or_default();
        relevant
            .iter()
            .any(|(n, a)| *n == key(&h.number) && a == art)
    })
}

/// Prints a question whose answer was not first (`VANBAN_EVAL_DEBUG`).
fn report_miss(
    rank: Option<usize>,
    relevant: &[(String, String)],
    hits: &[super::query::Hit],
    text: &str,
) {
    let top = hits
        .first()
        .map(|h| {
            format!(
                "{} {}",
                h.number,
                h.article
                    .as_ref()
                    .map(|a| a.key.clone())
                    .unwrap_or_default()
            )
        })
        .unwrap_or_default();
    eprintln!("MISS rank={rank:?} want={relevant:?} top={top} q={}", text);
}

/// A fresh SQLite database in `dir` with the `laws` imported, and the document numbers by law
/// id (from each law file's `law-metadata.csv`).
fn load(laws: &[PathBuf], dir: &Path) -> anyhow::Result<(DbPool, HashMap<String, String>)> {
    std::fs::create_dir_all(dir)?;
    let db = dir.join("eval.sqlite3");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
    let pool = DbPool::connect(&format!("sqlite://{}", db.display()), 2)?;
    pool.migrate()?;
    let mut numbers: HashMap<String, String> = HashMap::new();
    for law in laws {
        let report = crate::exchange::import::import_path(&pool, law, false)?;
        if let Some(e) = report.errors.first() {
            anyhow::bail!("{e}");
        }
        let meta = law.with_file_name("law-metadata.csv");
        let mut rdr = csv::Reader::from_path(&meta)?;
        for row in rdr.records() {
            let row = row?;
            numbers.insert(
                crate::domain::text::nfc(row.get(0).unwrap_or_default()),
                key(row.get(1).unwrap_or_default()),
            );
        }
    }
    Ok((pool, numbers))
}

pub fn run(laws: &[PathBuf], questions: &Path, dir: &Path) -> anyhow::Result<Report> {
    let (pool, numbers) = load(laws, dir)?;
    let (index, fields) = in_memory();
    let mut writer = index.writer(200_000_000)?;
    let mut conn = pool.get()?;
    let documents =
        super::build::rebuild(&mut conn.db(), &mut writer, &fields, crate::clock::today())?;
    writer.commit()?;
    let searcher = index.reader()?.searcher();
    let qs: Vec<Question> = serde_json::from_str(&std::fs::read_to_string(questions)?)?;
    let ks = [1usize, 5, 10, 20];
    let mut found = [0usize; 4];
    let mut rr = 0.0;
    let mut times = Vec::with_capacity(qs.len());
    for q in &qs {
        let mut p = Params::new(&q.text, Scope::Articles);
        p.limit = 20;
        let t = Instant::now();
        let results = search(&searcher, &fields, &p)?;
        times.push(t.elapsed());
        let relevant: Vec<(String, String)> = q
            .relevant_articles
            .iter()
            .filter_map(|r| {
                Some((
                    numbers.get(&crate::domain::text::nfc(&r.law_id))?.clone(),
                    format!("dieu-{}", r.article_id.trim()),
                ))
            })
            .collect();
        let rank = rank_of(&results.hits, &relevant);
        if std::env::var("VANBAN_EVAL_DEBUG").is_ok() && rank != Some(0) {
            report_miss(rank, &relevant, &results.hits, &q.text);
        }
        if let Some(r) = rank {
            for (i, k) in ks.iter().enumerate() {
                if r < *k {
                    found[i] += 1;
                }
            }
            if r < 10 {
                rr += 1.0 / (r as f64 + 1.0);
            }
        }
    }
    times.sort_unstable();
    let n = qs.len().max(1) as f64;
    let pct = |p: f64| {
        times
            .get(((times.len().saturating_sub(1)) as f64 * p).round() as usize)
            .copied()
            .unwrap_or_default()
    };
    Ok(Report {
        questions: qs.len(),
        documents,
        recall: [
            (1, found[0] as f64 / n),
            (5, found[1] as f64 / n),
            (10, found[2] as f64 / n),
            (20, found[3] as f64 / n),
        ],
        mrr10: rr / n,
        p50: pct(0.5),
        p99: pct(0.99),
    })
}
