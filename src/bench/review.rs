//! `vanban-bench bench-review`: the review dashboard of a large campaign.

use std::time::Instant;

use super::percentile;
use crate::db::DbPool;

/// The review dashboard of a campaign of `documents` documents, on a database that already
/// holds a corpus (`vanban-bench bench`): a campaign is created over the newest documents, started,
/// half of them given a decision (a third of those approved, some needing handling), then the
/// dashboard is computed `rounds` times. Prints p50 and p99.
pub fn run_review(url: &str, documents: usize, rounds: usize) -> anyhow::Result<()> {
    let pool = DbPool::connect(url, 2)?;
    pool.migrate()?;
    let mut conn = pool.get()?;
    let now = crate::clock::now();
    let started = Instant::now();
    let (cid, ids) = conn.write(|db| -> anyhow::Result<(i64, Vec<i64>)> {
        let uid = bench_reviewer(db, now)?;
        // The newest `documents` documents: an issue date range that holds about that many.
        let dates = crate::db::bench::newest_issue_dates(db, documents)?;
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
        decide_half(db, cid, &ids, uid, now)?;
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

/// The account the benchmark's campaign belongs to (an officer, created the first time).
fn bench_reviewer(db: &mut crate::db::Db<'_>, now: chrono::NaiveDateTime) -> anyhow::Result<i64> {
    if let Some(u) = crate::auth::users::find_by_username(db, "bench.review")? {
        return Ok(u.id);
    }
    let hash = crate::auth::password::dummy_hash().to_string();
    Ok(crate::db::users::insert(
        db,
        &crate::db::users::NewUserRow {
            username: "bench.review",
            display_name: "Benchmark",
            role: crate::auth::Role::Officer.as_str(),
            password_hash: &hash,
            disabled: false,
            created_at: now,
            password_changed_at: now,
            must_change_password: false,
        },
    )?)
}

/// Decisions for the first half of the campaign's documents, written directly (the rules are
/// not measured here): a third of them approved, at dates spread over the last 90 days.
fn decide_half(
    db: &mut crate::db::Db<'_>,
    cid: i64,
    ids: &[i64],
    uid: i64,
    now: chrono::NaiveDateTime,
) -> anyhow::Result<()> {
    use crate::db::bench::BenchDecision;
    use crate::domain::review::{DecisionKind as K, DecisionState};
    let kinds = [
        K::Keep,
        K::Repeal,
        K::Amend,
        K::Keep,
        K::DeclareExpired,
        K::Keep,
    ];
    for (i, chunk) in ids[..ids.len() / 2].chunks(200).enumerate() {
        let rows: Vec<BenchDecision> = chunk
            .iter()
            .enumerate()
            .map(|(j, doc)| {
                let n = i * 200 + j;
                let approved = n % 3 == 0;
                BenchDecision {
                    campaign_id: cid,
                    document_id: *doc,
                    kind: kinds[n % kinds.len()],
                    state: if approved {
                        DecisionState::Approved
                    } else {
                        DecisionState::Proposed
                    },
                    proposed_by: uid,
                    proposed_at: now,
                    decided: approved.then(|| (uid, now - chrono::Duration::days((n % 90) as i64))),
                }
            })
            .collect();
        crate::db::bench::insert_decisions(db, &rows)?;
    }
    Ok(())
}
