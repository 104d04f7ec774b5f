//! `vanban-bench eval-search`: relevance on the ALQAC questions (article scope): R@1, R@5, R@10,
//! R@20 and MRR@10, plus query latency inside the process.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::Deserialize;

use super::index::in_memory;
use super::query::{search_with, Knobs, Params, Scope};
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
    for (i, law) in laws.iter().enumerate() {
        let report = crate::exchange::import::import_path(&pool, law, false)?;
        // A law of a later file already imported from an earlier one (laws-2023 repeats the
        // Civil Code and the Cybersecurity Law of laws-2022) is a conflict: the first stays.
        for e in &report.errors {
            if i > 0 && e.message.contains("xung đột") {
                eprintln!("đã có từ tệp trước, giữ bản đó: {e}");
            } else {
                anyhow::bail!("{e}");
            }
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

/// The laws indexed in memory, and the questions with their relevant articles.
struct Bench {
    index: tantivy::Index,
    fields: super::index::Fields,
    documents: usize,
    questions: Vec<(String, Vec<(String, String)>)>,
}

fn prepare(laws: &[PathBuf], questions: &Path, dir: &Path) -> anyhow::Result<Bench> {
    let (pool, numbers) = load(laws, dir)?;
    let (index, fields) = in_memory();
    let mut writer = index.writer(200_000_000)?;
    let mut conn = pool.get()?;
    let documents =
        super::build::rebuild(&mut conn.db(), &mut writer, &fields, crate::clock::today())?;
    writer.commit()?;
    let qs: Vec<Question> = serde_json::from_str(&std::fs::read_to_string(questions)?)?;
    let questions = qs
        .into_iter()
        .map(|q| {
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
            (q.text, relevant)
        })
        .collect();
    Ok(Bench {
        index,
        fields,
        documents,
        questions,
    })
}

/// Each question's rank of its first relevant article (`None` beyond the 20 hits), and each
/// search's time, with these knobs.
fn ranks(
    bench: &Bench,
    searcher: &tantivy::Searcher,
    knobs: &Knobs,
    debug: bool,
) -> anyhow::Result<(Vec<Option<usize>>, Vec<Duration>)> {
    let mut out = Vec::with_capacity(bench.questions.len());
    let mut times = Vec::with_capacity(bench.questions.len());
    for (text, relevant) in &bench.questions {
        let mut p = Params::new(text, Scope::Articles);
        p.limit = 20;
        let t = Instant::now();
        let results = search_with(searcher, &bench.fields, &p, knobs)?;
        times.push(t.elapsed());
        let rank = rank_of(&results.hits, relevant);
        if debug && rank != Some(0) {
            report_miss(rank, relevant, &results.hits, text);
        }
        out.push(rank);
    }
    Ok((out, times))
}

fn reciprocal(rank: Option<usize>) -> f64 {
    match rank {
        Some(r) if r < 10 => 1.0 / (r as f64 + 1.0),
        _ => 0.0,
    }
}

fn first(rank: Option<usize>) -> f64 {
    if rank == Some(0) {
        1.0
    } else {
        0.0
    }
}

pub fn run(laws: &[PathBuf], questions: &Path, dir: &Path) -> anyhow::Result<Report> {
    let bench = prepare(laws, questions, dir)?;
    let searcher = bench.index.reader()?.searcher();
    let debug = std::env::var("VANBAN_EVAL_DEBUG").is_ok();
    let (ranks, mut times) = ranks(&bench, &searcher, &Knobs::PRODUCTION, debug)?;
    let ks = [1usize, 5, 10, 20];
    let mut found = [0usize; 4];
    for r in ranks.iter().flatten() {
        for (i, k) in ks.iter().enumerate() {
            if r < k {
                found[i] += 1;
            }
        }
    }
    let rr: f64 = ranks.iter().map(|r| reciprocal(*r)).sum();
    let qs = &bench.questions;
    let documents = bench.documents;
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

/// A named configuration of the scoring knobs, one of the candidates cross-validation
/// chooses among.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub name: String,
    pub knobs: Knobs,
}

/// The declared candidates: production first, then each signal on or off and a few values of
/// each weight, one change at a time, and the new signals together. Declared before any
/// result is seen; cross-validation chooses among them.
pub fn candidates() -> Vec<Candidate> {
    let base = Knobs::PRODUCTION;
    let mut out = vec![Candidate {
        name: "production".into(),
        knobs: base,
    }];
    let mut one = |name: String, change: &dyn Fn(&mut Knobs)| {
        let mut k = base;
        change(&mut k);
        if k != base {
            out.push(Candidate { name, knobs: k });
        }
    };
    for v in [1.0, 2.0] {
        one(format!("pairs_exact={v}"), &|k| k.pairs_exact = v);
    }
    for v in [0.7, 1.5] {
        one(format!("pairs_folded={v}"), &|k| k.pairs_folded = v);
    }
    for v in [0.5, 1.0] {
        one(format!("body_folded={v}"), &|k| k.body_folded = v);
    }
    for v in [0.0, 0.15, 0.6] {
        one(format!("title_exact={v}"), &|k| k.title_exact = v);
    }
    for v in [0.0, 0.25, 1.0] {
        one(format!("heading_exact={v}"), &|k| k.heading_exact = v);
    }
    for v in [0.0, 0.25, 1.0] {
        one(format!("heading_pairs={v}"), &|k| k.heading_pairs = v);
    }
    for v in [0.0, 0.15] {
        one(format!("earlier_folded={v}"), &|k| k.earlier_folded = v);
    }
    for v in [0.0, 2.5, 10.0] {
        one(format!("article_named={v}"), &|k| k.article_named = v);
    }
    for v in [0.0, 1.5] {
        one(format!("definitions={v}"), &|k| k.definitions = v);
    }
    for v in [0.0, 0.3, 0.6] {
        one(format!("reversed_pairs={v}"), &|k| k.reversed_pairs = v);
    }
    for v in [0.0, 0.3, 0.6] {
        one(format!("skip_pairs={v}"), &|k| k.skip_pairs = v);
    }
    for v in [0.0, 0.5, 1.0] {
        one(format!("abbreviations={v}"), &|k| k.abbreviations = v);
    }
    for v in [0.0, 0.5, 1.0] {
        one(format!("number_words={v}"), &|k| k.number_words = v);
    }
    for (share, factor) in [(1.0, 1.0), (0.1, 0.5), (0.2, 0.5), (0.3, 0.5), (0.2, 0.25)] {
        one(format!("common={share}x{factor}"), &|k| {
            k.common_share = share;
            k.common_factor = factor;
        });
    }
    for v in [0.5, 0.9] {
        one(format!("b_text={v}"), &|k| k.b_text = v);
    }
    for v in [0.25, 0.5, 0.9] {
        one(format!("b_heading={v}"), &|k| k.b_heading = v);
    }
    for v in [0.25, 0.5] {
        one(format!("b_title={v}"), &|k| k.b_title = v);
    }
    one("new signals together".into(), &|k| {
        k.reversed_pairs = 0.3;
        k.skip_pairs = 0.3;
        k.abbreviations = 0.5;
        k.number_words = 0.5;
        k.common_share = 0.2;
        k.common_factor = 0.5;
    });
    out
}

/// Refuses a number of folds that cannot be cross-validated: fewer than two (one to hold out,
/// one to choose on) or, once the questions are read, more than there are questions (a fold
/// would be empty).
pub fn check_folds(k: usize, questions: Option<usize>) -> anyhow::Result<()> {
    if k < 2 {
        anyhow::bail!("--folds {k}: at least 2 folds (one held out, one to choose on)");
    }
    if let Some(n) = questions.filter(|n| k > *n) {
        anyhow::bail!("--folds {k}: more folds than questions ({n}); a fold would be empty");
    }
    Ok(())
}

/// The fold (0 .. `k`) of each of `n` questions: a shuffle fixed by `seed`, dealt round, so
/// the folds are disjoint, cover every question and differ in size by at most one.
pub fn fold_of(n: usize, k: usize, seed: u64) -> Vec<usize> {
    use rand::seq::SliceRandom;
    use rand::SeedableRng;
    let mut order: Vec<usize> = (0..n).collect();
    order.shuffle(&mut rand_chacha::ChaCha8Rng::seed_from_u64(seed));
    let mut folds = vec![0; n];
    for (pos, q) in order.into_iter().enumerate() {
        folds[q] = pos % k.max(1);
    }
    folds
}

/// The mean of `scores` over the questions whose fold is (`inside`) or is not `fold`.
fn mean_where(scores: &[f64], folds: &[usize], fold: usize, inside: bool) -> f64 {
    let (sum, n) = scores
        .iter()
        .zip(folds)
        .filter(|(_, f)| (**f == fold) == inside)
        .fold((0.0, 0usize), |(s, n), (v, _)| (s + v, n + 1));
    if n == 0 {
        0.0
    } else {
        sum / n as f64
    }
}

/// Nested choice: for each fold, the candidate (row of `scores`, one score per question) with
/// the best mean on the other folds; ties go to the earlier candidate (production first).
pub fn nested_choice(scores: &[Vec<f64>], folds: &[usize], k: usize) -> Vec<usize> {
    (0..k)
        .map(|fold| {
            let mut best = 0;
            let mut best_mean = f64::MIN;
            for (c, row) in scores.iter().enumerate() {
                let m = mean_where(row, folds, fold, false);
                if m > best_mean + 1e-12 {
                    best = c;
                    best_mean = m;
                }
            }
            best
        })
        .collect()
}

/// The result of nested cross-validation over the declared candidates.
#[derive(Debug, Clone)]
pub struct CrossValidation {
    pub questions: usize,
    pub documents: usize,
    pub k: usize,
    pub seed: u64,
    pub candidates: Vec<Candidate>,
    /// Per candidate: MRR@10 on each fold, then on all questions (in-sample), and R@1 on all.
    pub per_fold_mrr: Vec<Vec<f64>>,
    pub all_mrr: Vec<f64>,
    pub all_r1: Vec<f64>,
    /// Per fold: the candidate chosen on the other folds, its held-out MRR@10 and R@1.
    pub chosen: Vec<usize>,
    pub held_out_mrr: Vec<f64>,
    pub held_out_r1: Vec<f64>,
    /// Out-of-fold MRR@10 and R@1: each question scored by the choice made without its fold.
    pub oof_mrr: f64,
    pub oof_r1: f64,
    /// Query time of production's searches.
    pub p50: Duration,
    pub p99: Duration,
    /// Per candidate: p50 and p99 of its searches.
    pub times: Vec<(Duration, Duration)>,
    /// The commonest terms of the index (the learnt stop phrases), with their share of units.
    pub common: Vec<(String, f64)>,
}

fn percentiles(mut times: Vec<Duration>) -> (Duration, Duration) {
    times.sort_unstable();
    let pct = |p: f64| {
        times
            .get(((times.len().saturating_sub(1)) as f64 * p).round() as usize)
            .copied()
            .unwrap_or_default()
    };
    (pct(0.5), pct(0.99))
}

/// The `n` terms of `field` found in the most units, with their share of the units.
fn commonest(
    searcher: &tantivy::Searcher,
    field: tantivy::schema::Field,
    n: usize,
) -> anyhow::Result<Vec<(String, f64)>> {
    let mut df: HashMap<Vec<u8>, u64> = HashMap::new();
    for reader in searcher.segment_readers() {
        let inverted = reader.inverted_index(field)?;
        let mut stream = inverted.terms().stream()?;
        while stream.advance() {
            *df.entry(stream.key().to_vec()).or_default() += u64::from(stream.value().doc_freq);
        }
    }
    let units = searcher.num_docs().max(1) as f64;
    let mut v: Vec<(String, f64)> = df
        .into_iter()
        .map(|(k, d)| (String::from_utf8_lossy(&k).into_owned(), d as f64 / units))
        .collect();
    v.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v.truncate(n);
    Ok(v)
}

/// `eval-search --folds K`: every declared candidate over every question, then nested
/// cross-validation over them.
pub fn cross_validate(
    laws: &[PathBuf],
    questions: &Path,
    dir: &Path,
    k: usize,
    seed: u64,
) -> anyhow::Result<CrossValidation> {
    check_folds(k, None)?;
    let bench = prepare(laws, questions, dir)?;
    let searcher = bench.index.reader()?.searcher();
    let n = bench.questions.len();
    check_folds(k, Some(n))?;
    let folds = fold_of(n, k, seed);
    let candidates = candidates();
    let mut rr: Vec<Vec<f64>> = Vec::new();
    let mut top: Vec<Vec<f64>> = Vec::new();
    let mut times = Vec::new();
    for c in &candidates {
        let (ranks, t) = ranks(&bench, &searcher, &c.knobs, false)?;
        rr.push(ranks.iter().map(|r| reciprocal(*r)).collect());
        top.push(ranks.iter().map(|r| first(*r)).collect());
        times.push(percentiles(t));
    }
    let chosen = nested_choice(&rr, &folds, k);
    let mut held_out_mrr = Vec::new();
    let mut held_out_r1 = Vec::new();
    let (mut oof_rr, mut oof_top) = (0.0, 0.0);
    for (fold, c) in chosen.iter().enumerate() {
        held_out_mrr.push(mean_where(&rr[*c], &folds, fold, true));
        held_out_r1.push(mean_where(&top[*c], &folds, fold, true));
        for q in (0..n).filter(|q| folds[*q] == fold) {
            oof_rr += rr[*c][q];
            oof_top += top[*c][q];
        }
    }
    let all = |row: &Vec<f64>| row.iter().sum::<f64>() / n.max(1) as f64;
    let per_fold_mrr = rr
        .iter()
        .map(|row| (0..k).map(|f| mean_where(row, &folds, f, true)).collect())
        .collect();
    let mut common = commonest(&searcher, bench.fields.body[3], 15)?;
    common.extend(commonest(&searcher, bench.fields.body[1], 15)?);
    let (p50, p99) = times.first().copied().unwrap_or_default();
    Ok(CrossValidation {
        questions: n,
        documents: bench.documents,
        k,
        seed,
        per_fold_mrr,
        all_mrr: rr.iter().map(all).collect(),
        all_r1: top.iter().map(all).collect(),
        candidates,
        chosen,
        held_out_mrr,
        held_out_r1,
        oof_mrr: oof_rr / n.max(1) as f64,
        oof_r1: oof_top / n.max(1) as f64,
        p50,
        p99,
        times,
        common,
    })
}

impl std::fmt::Display for CrossValidation {
    fn fmt(&self, out: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        writeln!(
            out,
            "questions: {}, documents indexed: {}, {} folds (seed {})",
            self.questions, self.documents, self.k, self.seed
        )?;
        writeln!(
            out,
            "\ncandidates: MRR@10 per fold (sign against production) | all questions (in-sample) MRR@10, R@1 | p50, p99 ms"
        )?;
        let base = self.per_fold_mrr.first().cloned().unwrap_or_default();
        for (i, c) in self.candidates.iter().enumerate() {
            let folds: Vec<String> = self.per_fold_mrr[i]
                .iter()
                .zip(&base)
                .map(|(m, b)| {
                    let sign = if i == 0 || (m - b).abs() < 1e-9 {
                        "="
                    } else if m > b {
                        "+"
                    } else {
                        "-"
                    };
                    format!("{m:.3}{sign}")
                })
                .collect();
            let (p50, p99) = self.times[i];
            writeln!(
                out,
                "  {:<26} {} | {:.3} {:.3} | {:.2} {:.2}",
                c.name,
                folds.join(" "),
                self.all_mrr[i],
                self.all_r1[i],
                ms(p50),
                ms(p99)
            )?;
        }
        writeln!(
            out,
            "\nnested cross-validation (each fold scored by the candidate chosen on the other folds):"
        )?;
        for (fold, c) in self.chosen.iter().enumerate() {
            writeln!(
                out,
                "  fold {}: chose {:<26} held-out MRR@10 {:.3}, R@1 {:.3}",
                fold + 1,
                self.candidates[*c].name,
                self.held_out_mrr[fold],
                self.held_out_r1[fold]
            )?;
        }
        writeln!(
            out,
            "out-of-fold MRR@10 {:.3}, R@1 {:.3}",
            self.oof_mrr, self.oof_r1
        )?;
        let best = (0..self.candidates.len()).fold(0, |b, i| {
            if self.all_mrr[i] > self.all_mrr[b] + 1e-12 {
                i
            } else {
                b
            }
        });
        writeln!(
            out,
            "in-sample (chosen and scored on all questions): {} MRR@10 {:.3}, R@1 {:.3}; production MRR@10 {:.3}, R@1 {:.3}",
            self.candidates[best].name,
            self.all_mrr[best],
            self.all_r1[best],
            self.all_mrr.first().copied().unwrap_or_default(),
            self.all_r1.first().copied().unwrap_or_default()
        )?;
        writeln!(
            out,
            "production query p50 {:.2} ms, p99 {:.2} ms (in process)",
            ms(self.p50),
            ms(self.p99)
        )?;
        let common: Vec<String> = self
            .common
            .iter()
            .map(|(t, s)| format!("{t} {s:.2}"))
            .collect();
        writeln!(
            out,
            "commonest terms of the index (learnt stop phrases, share of units): {}",
            common.join(", ")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn impossible_numbers_of_folds_are_refused() {
        for (k, n) in [(0, None), (1, None), (1, Some(520)), (6, Some(5))] {
            let e = check_folds(k, n).unwrap_err().to_string();
            assert!(e.starts_with(&format!("--folds {k}:")), "{e}");
        }
        for (k, n) in [(2, None), (5, Some(520)), (5, Some(5))] {
            assert!(check_folds(k, n).is_ok(), "{k} {n:?}");
        }
    }

    #[test]
    fn folds_are_deterministic_disjoint_complete_and_even() {
        for (n, k) in [(520, 5), (13, 5), (5, 5), (7, 3)] {
            let a = fold_of(n, k, 18);
            assert_eq!(a, fold_of(n, k, 18), "same seed, same folds");
            assert_eq!(a.len(), n, "every question has one fold");
            let sizes: Vec<usize> = (0..k)
                .map(|f| a.iter().filter(|x| **x == f).count())
                .collect();
            assert_eq!(sizes.iter().sum::<usize>(), n);
            let (lo, hi) = (sizes.iter().min(), sizes.iter().max());
            assert!(hi.zip(lo).is_some_and(|(h, l)| h - l <= 1), "{sizes:?}");
        }
        assert_ne!(fold_of(520, 5, 18), fold_of(520, 5, 19), "the seed matters");
        // Shuffled: not simply question i in fold i mod k.
        assert_ne!(
            fold_of(520, 5, 18),
            (0..520).map(|i| i % 5).collect::<Vec<_>>()
        );
    }

    #[test]
    fn nested_choice_on_a_toy_table() {
        // Six questions in three folds: 0,0,1,1,2,2.
        let folds = [0, 0, 1, 1, 2, 2];
        let scores = vec![
            // production: 0.5 everywhere.
            vec![0.5; 6],
            // Best on folds 1 and 2, poor on fold 0.
            vec![0.0, 0.0, 1.0, 1.0, 1.0, 1.0],
            // Best on fold 0 only.
            vec![1.0, 1.0, 0.0, 0.0, 0.5, 0.5],
        ];
        // Leaving out fold 0: candidate 1 (mean 1.0 on folds 1, 2). Leaving out fold 1:
        // candidate 2 (0.75) against 1 (0.5) and production (0.5). Leaving out fold 2:
        // production 0.5, candidate 1 0.5, candidate 2 0.5: the tie goes to production.
        assert_eq!(nested_choice(&scores, &folds, 3), vec![1, 2, 0]);
        // The held-out score of a choice is its mean on that fold.
        assert_eq!(mean_where(&scores[1], &folds, 0, true), 0.0);
        assert_eq!(mean_where(&scores[2], &folds, 1, false), 0.75);
    }

    #[test]
    fn candidates_start_with_production_and_differ() {
        let c = candidates();
        assert_eq!(c[0].knobs, Knobs::PRODUCTION);
        for (i, a) in c.iter().enumerate().skip(1) {
            assert_ne!(a.knobs, Knobs::PRODUCTION, "{}", a.name);
            assert!(c[..i].iter().all(|b| b.name != a.name), "{}", a.name);
        }
    }
}
