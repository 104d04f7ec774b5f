//! Benchmarks (run by `vanban-bench bench`, figures in BENCHMARKS.md): a deterministic generator of
//! realistic local documents, import throughput on SQLite and PostgreSQL side by side, and the
//! latency of a status query for one document on a date.

use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use chrono::{Days, NaiveDate};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::db::DbPool;
use crate::exchange::import;
use crate::exchange::records::*;
use crate::registry::status::StatusGraph;

const SUBJECTS: &[&str] = &[
    "hỗ trợ phát triển nuôi trồng thủy sản",
    "mức thu phí, lệ phí trên địa bàn",
    "bảng giá đất giai đoạn",
    "hạn mức giao đất ở",
    "chế độ đối với người hoạt động không chuyên trách ở cấp xã",
    "quy chế phối hợp quản lý nhà nước về tài nguyên nước",
    "tổ chức bộ phận tiếp nhận và trả kết quả giải quyết thủ tục hành chính",
    "chính sách khuyến khích xã hội hóa giáo dục",
    "phân cấp quản lý công trình giao thông nông thôn",
    "định mức chi cho công tác phổ biến, giáo dục pháp luật",
    "quản lý chất thải rắn sinh hoạt",
    "bảo vệ rừng ngập mặn ven biển",
    "hỗ trợ đào tạo nghề cho lao động nông thôn",
    "quy định về hoạt động kinh doanh karaoke, vũ trường",
];

const HEADINGS: &[&str] = &[
    "Phạm vi điều chỉnh",
    "Đối tượng áp dụng",
    "Giải thích từ ngữ",
    "Nguyên tắc thực hiện",
    "Mức hỗ trợ",
    "Điều kiện được hỗ trợ",
    "Hồ sơ, trình tự, thủ tục",
    "Nguồn kinh phí",
    "Trách nhiệm của cơ quan, đơn vị",
    "Xử lý vi phạm",
    "Điều khoản chuyển tiếp",
    "Tổ chức thực hiện",
    "Hiệu lực thi hành",
];

const PHRASES: &[&str] = &[
    "Ủy ban nhân dân cấp xã có trách nhiệm",
    "tổ chức, cá nhân có hoạt động liên quan",
    "theo quy định của pháp luật hiện hành",
    "hộ gia đình, cá nhân nuôi tôm quảng canh cải tiến",
    "Sở Tài chính chủ trì, phối hợp với các sở, ngành",
    "kinh phí được bố trí trong dự toán ngân sách hằng năm",
    "hồ sơ được nộp trực tiếp hoặc qua dịch vụ bưu chính công ích",
    "trong thời hạn 05 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ",
    "mức hỗ trợ không quá 50% chi phí thực tế",
    "đảm bảo công khai, minh bạch, đúng đối tượng",
    "báo cáo kết quả thực hiện về Ủy ban nhân dân tỉnh trước ngày 15 tháng 12",
    "không áp dụng đối với trường hợp đã được hỗ trợ từ chính sách khác",
    "người đứng đầu cơ quan, đơn vị chịu trách nhiệm trước pháp luật",
    "công khai tại bộ phận tiếp nhận và trả kết quả",
    "thủy lợi, giao thông nông thôn và nước sạch",
    "hòa giải ở cơ sở và phổ biến pháp luật",
];

fn sentence(rng: &mut ChaCha8Rng) -> String {
    let n = rng.gen_range(2..=4);
    let mut parts: Vec<&str> = (0..n)
        .filter_map(|_| PHRASES.choose(rng).copied())
        .collect();
    parts.dedup();
    let mut s = parts.join(", ");
    if let Some(first) = s.chars().next() {
        let upper: String = first.to_uppercase().collect();
        s.replace_range(..first.len_utf8(), &upper);
    }
    s.push('.');
    s
}

struct Issuer {
    code: String,
    symbol: &'static str,
    doc_type: &'static str,
}

/// Writes units, authorities, `documents` documents (~10 articles each) and effects among them.
/// The same arguments always give the same bytes.
pub fn generate(documents: usize, seed: u64, out: &mut dyn Write) -> std::io::Result<()> {
    generate_with(documents, seed, &[], out)
}

/// Sentences of real legal text to draw clauses from: every sentence of the articles of an
/// ALQAC law file (so the vocabulary has a realistic spread). Deterministic for a given file.
pub fn sentences_from_laws(path: &Path) -> anyhow::Result<Vec<String>> {
    #[derive(serde::Deserialize)]
    struct Law {
        articles: Vec<Art>,
    }
    #[derive(serde::Deserialize)]
    struct Art {
        text: String,
    }
    let laws: Vec<Law> = serde_json::from_str(&std::fs::read_to_string(path)?)?;
    let mut out = Vec::new();
    for law in laws {
        for a in law.articles {
            for part in a.text.split(['\n', '.', ';']) {
                let t = crate::domain::text::nfc(
                    part.trim_start_matches(|c: char| c.is_ascii_digit() || c == ')' || c == ' '),
                );
                if t.split_whitespace().count() >= 6 {
                    out.push(t);
                }
            }
        }
    }
    Ok(out)
}

/// As [`generate`], drawing clause sentences from `pool` when it is not empty.
#[allow(clippy::too_many_lines)] // still to split (issue 14): the one exception of its file
pub fn generate_with(
    documents: usize,
    seed: u64,
    pool: &[String],
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let line = |out: &mut dyn Write, r: &Record| -> std::io::Result<()> {
        serde_json::to_writer(&mut *out, r)?;
        out.write_all(b"\n")
    };
    let provinces = 34;
    let districts_per = 6;
    let mut issuers = Vec::new();
    for p in 0..provinces {
        let pcode = format!("P{p:02}");
        line(
            out,
            &Record::Unit(UnitRecord {
                code: pcode.clone(),
                name: format!("Tỉnh Thử Nghiệm {p}"),
                level: "tinh".into(),
                parent: None,
                valid_from: None,
                valid_to: None,
            }),
        )?;
        let mut units = vec![(pcode.clone(), "tỉnh")];
        for d in 0..districts_per {
            let dcode = format!("P{p:02}D{d}");
            line(
                out,
                &Record::Unit(UnitRecord {
                    code: dcode.clone(),
                    name: format!("Huyện Mẫu {p}-{d}"),
                    level: "huyen".into(),
                    parent: Some(pcode.clone()),
                    valid_from: None,
                    valid_to: NaiveDate::from_ymd_opt(2025, 6, 30),
                }),
            )?;
            units.push((dcode, "huyện"));
        }
        for (ucode, level) in units {
            for (kind, symbol, doc_type, prefix) in [
                ("hdnd", "NQ-HĐND", "Nghị quyết", "HDND"),
                ("ubnd", "QĐ-UBND", "Quyết định", "UBND"),
            ] {
                let code = format!("{prefix}-{ucode}");
                let name = format!(
                    "{} {level} {ucode}",
                    if kind == "hdnd" {
                        "Hội đồng nhân dân"
                    } else {
                        "Ủy ban nhân dân"
                    }
                );
                line(
                    out,
                    &Record::Authority(AuthorityRecord {
                        code: code.clone(),
                        name,
                        kind: kind.into(),
                        unit: Some(ucode.clone()),
                    }),
                )?;
                issuers.push(Issuer {
                    code,
                    symbol,
                    doc_type,
                });
            }
        }
    }
    let base = NaiveDate::from_ymd_opt(2010, 1, 1).unwrap_or_default();
    let mut seq: std::collections::HashMap<(usize, i64), u32> = std::collections::HashMap::new();
    let mut made: Vec<(usize, DocumentRef, NaiveDate, usize)> = Vec::with_capacity(documents);
    let mut effects = Vec::new();
    for i in 0..documents {
        let who = rng.gen_range(0..issuers.len());
        let issuer = &issuers[who];
        let issued = base + Days::new(rng.gen_range(0..5800));
        let year = chrono::Datelike::year(&issued) as i64;
        let n = seq.entry((who, year)).or_insert(0);
        *n += 1;
        let number = format!("{}/{year}/{}", *n, issuer.symbol);
        let subject = SUBJECTS.choose(&mut rng).copied().unwrap_or("quản lý");
        let articles = rng.gen_range(8..=12);
        let mut text = format!("Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;\nCăn cứ Luật Ban hành văn bản quy phạm pháp luật ngày 22 tháng 6 năm 2015;\nQuy định {subject}.\n");
        for a in 1..=articles {
            let heading = HEADINGS[(a - 1) % HEADINGS.len()];
            text.push_str(&format!("Điều {a}. {heading}\n"));
            for k in 1..=rng.gen_range(1..=3) {
                let s = match pool.choose(&mut rng) {
                    Some(real) => format!("{real}."),
                    None => sentence(&mut rng),
                };
                text.push_str(&format!("{k}. {s}\n"));
            }
        }
        let effective = issued + Days::new(rng.gen_range(10..40));
        let doc = DocumentRecord {
            authority: issuer.code.clone(),
            doc_type: issuer.doc_type.into(),
            number: number.clone(),
            title: format!(
                "{} {subject} năm {year}",
                if issuer.doc_type == "Nghị quyết" {
                    "Quy định"
                } else {
                    "Ban hành quy định về"
                }
            ),
            fields: vec!["Hành chính".into()],
            signer: "Nguyễn Văn A".into(),
            signer_position: "Chủ tịch".into(),
            issued_on: issued,
            effective_on: effective,
            end_on: rng
                .gen_bool(0.05)
                .then(|| effective + Days::new(rng.gen_range(365..2000))),
            gazette: None,
            text,
        };
        line(out, &Record::Document(doc))?;
        let r = DocumentRef {
            authority: issuer.code.clone(),
            number,
        };
        // One document in five acts on an earlier one of the same issuer.
        if rng.gen_bool(0.2) {
            if let Some((_, target, t_issued, t_articles)) = made
                .iter()
                .rev()
                .take(2000)
                .find(|m| m.0 == who && m.2 < issued)
            {
                let kind = ["amend", "replace", "repeal"][rng.gen_range(0..3)];
                let provisions = if kind == "replace" {
                    vec![]
                } else {
                    vec![format!("Điều {}", rng.gen_range(1..=*t_articles))]
                };
                let _ = t_issued;
                effects.push(Record::Effect(EffectRecord {
                    acting: r.clone(),
                    target: target.clone(),
                    kind: kind.into(),
                    provisions,
                    effective_on: effective,
                    until: None,
                    note: None,
                }));
            }
        }
        made.push((who, r, issued, articles));
        let _ = i;
    }
    for e in &effects {
        line(out, e)?;
    }
    out.flush()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
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

/// Generates the corpus, imports it into a fresh SQLite database (and PostgreSQL when given),
/// and prints the figures side by side.
pub fn run(
    documents: usize,
    postgres: Option<&str>,
    dir: &Path,
    laws: Option<&Path>,
) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)?;
    let corpus = dir.join(format!(
        "corpus-{documents}{}.jsonl",
        if laws.is_some() { "-laws" } else { "" }
    ));
    if !corpus.exists() {
        let pool = match laws {
            Some(p) => sentences_from_laws(p)?,
            None => Vec::new(),
        };
        let mut f = std::io::BufWriter::new(std::fs::File::create(&corpus)?);
        generate_with(documents, 1, &pool, &mut f)?;
    }
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
    Ok(())
}

/// 200 realistic queries for the generated corpus: 2–6 syllables of its phrases and subjects,
/// half of them typed without diacritics, one in ten a document number in some shape.
/// The seed of the 200 queries of `bench-search` (and of the HTTP load script).
pub const SEARCH_QUERY_SEED: u64 = 11;

pub fn search_queries(seed: u64) -> Vec<String> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut out = Vec::with_capacity(200);
    let sources: Vec<&str> = PHRASES
        .iter()
        .chain(SUBJECTS.iter())
        .chain(HEADINGS.iter())
        .copied()
        .collect();
    while out.len() < 200 {
        if out.len() % 10 == 9 {
            let n = rng.gen_range(1..20);
            let year = rng.gen_range(2010..2025);
            out.push(match rng.gen_range(0..3) {
                0 => format!("{n}/{year}/NQ-HĐND"),
                1 => format!("{n}/{year}/qđ-ubnd"),
                _ => format!("NQ {n}/{year}"),
            });
            continue;
        }
        let src = sources.choose(&mut rng).copied().unwrap_or("quy định");
        let words: Vec<&str> = src.split_whitespace().collect();
        let len = rng.gen_range(2..=6).min(words.len());
        let start = rng.gen_range(0..=words.len() - len);
        let q = words[start..start + len].join(" ").to_lowercase();
        out.push(if rng.gen_bool(0.5) {
            crate::domain::text::fold(&q)
        } else {
            q
        });
    }
    out
}

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

/// Full reindex of the corpus in `sqlite` (imported by `vanban-bench bench`), then in-process query
/// latency, and the same queries on PostgreSQL full-text search when `postgres` holds the corpus.
#[allow(clippy::too_many_lines)] // still to split (issue 14): the one exception of its file
pub fn run_search(
    dir: &Path,
    documents: usize,
    postgres: Option<&str>,
    reuse_index: bool,
    only: Option<&[String]>,
    rounds: usize,
    dump: Option<&Path>,
) -> anyhow::Result<()> {
    use crate::search::query::{search, Params, Scope};
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
    let reuse = reuse_index && index_dir.join("CURRENT").exists();
    let clock: crate::search::service::Clock = std::sync::Arc::new(crate::clock::today);
    if reuse {
        println!(
            "reindex: skipped (--reuse-index); index size {:.0} MiB",
            dir_size(&index_dir) as f64 / 1048576.0
        );
    } else {
        // As `vanban reindex` builds it: a new generation, its merges finished.
        let _ = std::fs::remove_dir_all(&index_dir);
        let t = Instant::now();
        let n = crate::search::service::SearchService::reindex(&index_dir, &pool, clock.clone())?;
        let secs = t.elapsed().as_secs_f64();
        println!(
            "reindex: {n} documents in {secs:.1} s = {:.0} documents/s; index size {:.0} MiB",
            n as f64 / secs,
            dir_size(&index_dir) as f64 / 1048576.0
        );
    }
    let service = crate::search::service::SearchService::open(&index_dir, clock)?;
    let segments: Vec<u32> = service
        .searcher()
        .segment_readers()
        .iter()
        .map(|r| r.num_docs())
        .collect();
    println!("index segments (units each): {segments:?}");
    let queries = search_queries(SEARCH_QUERY_SEED);
    // The 200 queries alternate scopes; queries named on the command line run in both.
    let runs: Vec<(String, Scope)> = match only {
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
    };
    let searcher = service.searcher();
    let mut dumped = match dump {
        Some(path) => Some(std::io::BufWriter::new(std::fs::File::create(path)?)),
        None => None,
    };
    let mut ours = Duration::ZERO;
    for (label, extras) in [("with facets and snippets", true), ("top 20 only", false)] {
        let mut times = Vec::new();
        let mut slowest: Vec<(Duration, String)> = Vec::new();
        let mut hits = 0usize;
        for round in 0..rounds.max(2) {
            for (q, scope) in &runs {
                let mut p = Params::new(q, *scope);
                p.limit = 20;
                p.facets = extras;
                p.snippets = extras;
                let t = Instant::now();
                let r = search(&searcher, &service.fields, &p)?;
                if let (Some(out), true) = (dumped.as_mut(), round == 0 && extras) {
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
                    writeln!(out, "  {:?}", r.facets)?;
                }
                if round > 0 {
                    times.push(t.elapsed());
                    slowest.push((
                        t.elapsed(),
                        format!("{q} ({scope:?}, {} hits of {})", r.hits.len(), r.total),
                    ));
                    hits += r.hits.len();
                }
            }
        }
        times.sort_unstable();
        let total: Duration = times.iter().sum();
        println!(
            "vanban search in process, {label} ({} queries, {:.0} ms in all): p50 {:.2} ms, p99 {:.2} ms, mean hits {:.1}",
            times.len(),
            total.as_secs_f64() * 1000.0,
            percentile(&times, 0.5).as_secs_f64() * 1000.0,
            percentile(&times, 0.99).as_secs_f64() * 1000.0,
            hits as f64 / times.len().max(1) as f64
        );
        if extras {
            ours = percentile(&times, 0.5);
            slowest.sort_by_key(|s| std::cmp::Reverse(s.0));
            for (d, q) in slowest.iter().step_by(2).take(4) {
                println!("  slow: {:.1} ms  {q}", d.as_secs_f64() * 1000.0);
            }
        }
    }
    if let Some(url) = postgres {
        use diesel::{Connection, RunQueryDsl};
        let mut c = diesel::pg::PgConnection::establish(url)?;
        diesel::sql_query("CREATE EXTENSION IF NOT EXISTS unaccent").execute(&mut c)?;
        let t = Instant::now();
        diesel::sql_query("DROP TABLE IF EXISTS fts_articles").execute(&mut c)?;
        diesel::sql_query(
            "CREATE TABLE fts_articles AS SELECT p.document_id, p.key, \
             to_tsvector('simple', unaccent(p.heading || ' ' || p.body || ' ' || coalesce((SELECT string_agg(c.body, ' ') FROM provisions c \
             WHERE c.document_id = p.document_id AND c.key LIKE p.key || '/%'), ''))) AS tsv \
             FROM provisions p WHERE p.kind = 'dieu'",
        )
        .execute(&mut c)?;
        diesel::sql_query("CREATE INDEX fts_articles_tsv ON fts_articles USING GIN (tsv)")
            .execute(&mut c)?;
        println!(
            "PostgreSQL: fts table and GIN index built in {:.1} s",
            t.elapsed().as_secs_f64()
        );
        let mut pg_times = Vec::new();
        for q in &queries {
            let words: Vec<String> =
                crate::search::analyzer::analyze(q, crate::search::analyzer::Mode::Folded)
                    .into_iter()
                    .map(|t| t.text)
                    .filter(|w| w.chars().all(|c| c.is_alphanumeric()))
                    .collect();
            if words.is_empty() {
                continue;
            }
            let tsq = words.join(" | ");
            let t = Instant::now();
            diesel::sql_query(
                "SELECT document_id FROM fts_articles, to_tsquery('simple', $1) q WHERE tsv @@ q ORDER BY ts_rank_cd(tsv, q) DESC LIMIT 20",
            )
            .bind::<diesel::sql_types::Text, _>(&tsq)
            .execute(&mut c)?;
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
    }
    Ok(())
}

/// The review dashboard of a campaign of `documents` documents, on a database that already
/// holds a corpus (`vanban-bench bench`): a campaign is created over the newest documents, started,
/// half of them given a decision (a third of those approved, some needing handling), then the
/// dashboard is computed `rounds` times. Prints p50 and p99.
pub fn run_review(url: &str, documents: usize, rounds: usize) -> anyhow::Result<()> {
    use diesel::prelude::*;
    let pool = DbPool::connect(url, 2)?;
    pool.migrate()?;
    let mut conn = pool.get()?;
    let now = crate::clock::now();
    let started = Instant::now();
    let (cid, ids) = conn.write(|db| -> anyhow::Result<(i64, Vec<i64>)> {
        let uid = match crate::auth::users::find_by_username(db, "bench.review")? {
            Some(u) => u.id,
            None => {
                let hash = crate::auth::password::dummy_hash().to_string();
                crate::with_db!(db, c => diesel::insert_into(crate::db::schema::users::table)
                    .values((
                        crate::db::schema::users::username.eq("bench.review"),
                        crate::db::schema::users::display_name.eq("Benchmark"),
                        crate::db::schema::users::role.eq("officer"),
                        crate::db::schema::users::password_hash.eq(hash),
                        crate::db::schema::users::created_at.eq(now),
                        crate::db::schema::users::password_changed_at.eq(now),
                    ))
                    .returning(crate::db::schema::users::id)
                    .get_result::<i64>(c))?
            }
        };
        // The newest `documents` documents: an issue date range that holds about that many.
        let dates: Vec<chrono::NaiveDate> = crate::with_db!(db, c => crate::db::schema::documents::table
            .select(crate::db::schema::documents::issued_on)
            .order(crate::db::schema::documents::issued_on.desc())
            .limit(i64::try_from(documents).unwrap_or(i64::MAX))
            .load(c))?;
        let from = dates.last().copied();
        let input = crate::review::campaigns::CampaignInput {
            name: format!("Benchmark {documents}"),
            kind: crate::domain::review::CampaignKind::Ongoing,
            issued_from: from,
            deadline: chrono::NaiveDate::from_ymd_opt(2030, 12, 31).unwrap_or_default(),
            ..Default::default()
        };
        let cid = crate::review::campaigns::create(db, "bench", uid, &input, now)?;
        crate::review::campaigns::start(db, "bench", cid, crate::clock::today())?;
        let ids = crate::review::campaigns::documents(db, cid)?;
        // Decisions for half the documents, written directly (the rules are not measured here).
        use crate::db::schema::decisions as d;
        let kinds = ["keep", "repeal", "amend", "keep", "declare_expired", "keep"];
        for (i, chunk) in ids.iter().take(ids.len() / 2).collect::<Vec<_>>().chunks(200).enumerate() {
            let rows: Vec<_> = chunk
                .iter()
                .enumerate()
                .map(|(j, doc)| {
                    let n = i * 200 + j;
                    let approved = n % 3 == 0;
                    (
                        d::campaign_id.eq(cid),
                        d::document_id.eq(**doc),
                        d::kind.eq(kinds[n % kinds.len()]),
                        d::partial.eq(false),
                        d::provisions.eq("[]"),
                        d::reason.eq("benchmark"),
                        d::state.eq(if approved { "approved" } else { "proposed" }),
                        d::proposed_by.eq(uid),
                        d::proposed_at.eq(now),
                        d::decided_by.eq(approved.then_some(uid)),
                        d::decided_at.eq(approved.then(|| now - chrono::Duration::days((n % 90) as i64))),
                        d::version.eq(1),
                    )
                })
                .collect();
            crate::with_db!(db, c => diesel::insert_into(d::table).values(&rows).execute(c))?;
        }
        Ok((cid, ids))
    })?;
    println!(
        "{}: campaign of {} documents created, started and half decided in {:.1} s",
        pool.backend_name(),
        ids.len(),
        started.elapsed().as_secs_f64()
    );
    let mut times = Vec::with_capacity(rounds);
    let today = crate::clock::today();
    for _ in 0..rounds {
        let t = Instant::now();
        let dash = crate::review::dashboard::dashboard(&mut conn.db(), cid, today)?
            .ok_or_else(|| anyhow::anyhow!("campaign vanished"))?;
        let svg =
            crate::review::dashboard::progress_svg(&dash.progress, dash.total.in_scope, 640, 220);
        std::hint::black_box((&dash, svg));
        times.push(t.elapsed());
    }
    times.sort();
    println!(
        "{}: dashboard of a {}-document campaign, {rounds} rounds: p50 {:.1} ms, p99 {:.1} ms",
        pool.backend_name(),
        ids.len(),
        percentile(&times, 0.5).as_secs_f64() * 1000.0,
        percentile(&times, 0.99).as_secs_f64() * 1000.0
    );
    Ok(())
}
