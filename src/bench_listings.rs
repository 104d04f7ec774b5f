//! `vanban-bench bench-listings`: the completeness check of a whole province — N communes × M
//! procedures (100 × 400 = 40,000 postings by default) — on SQLite and PostgreSQL.
//!
//! The data: one province with N communes (from 1 July 2025), one announcing decision of its
//! chairman with M procedures (a tenth at both levels), a later decision amending a tenth of
//! them, and a central law whose articles are their legal basis. Procedures go through the
//! importer (validation, audit, outbox); postings are inserted in batches (the importer's
//! per-posting checks are not what is measured). About 2% of postings are missing, the
//! amended procedures are still posted in their old version at one commune in five, and one
//! commune in ten posted late, so the check has gaps to find.

use std::path::Path;
use std::time::{Duration, Instant};

use chrono::NaiveDate;

use crate::db::procedures::NewPosting;
use crate::db::{bench, queries, DbPool};
use crate::domain::kinds::UnitLevel;
use crate::exchange::import;
use crate::exchange::records::*;
use crate::procedures::check::{self, Settings};
use crate::procedures::records::{BasisRef, DecisionRef, ProcedureRecord};

const PROVINCE: &str = "B80";

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
}

/// The records to import: the province and its communes, the authorities, the law, the
/// announcing decision's procedures and the amending decision's new versions.
fn records(communes: usize, procedures: usize) -> Vec<(usize, Record)> {
    let mut out = units(communes);
    out.push(Record::Authority(AuthorityRecord {
        code: "QH".into(),
        name: "Quốc hội".into(),
        kind: "central".into(),
        unit: None,
    }));
    out.push(Record::Authority(AuthorityRecord {
        code: format!("CTUBND-{PROVINCE}"),
        name: "Chủ tịch Ủy ban nhân dân tỉnh Thử Nghiệm".into(),
        kind: "chu_tich_ubnd".into(),
        unit: Some(PROVINCE.into()),
    }));
    out.push(law());
    for i in 0..procedures {
        out.push(version(i, "100/QĐ-CTUBND", d(2025, 8, 1), "new", 8));
    }
    for i in (0..procedures).filter(|i| i % 10 == 3) {
        out.push(version(i, "200/QĐ-CTUBND", d(2026, 3, 2), "amended", 9));
    }
    out.into_iter()
        .enumerate()
        .map(|(i, r)| (i + 1, r))
        .collect()
}

/// The province and its `communes` communes (from 1 July 2025).
fn units(communes: usize) -> Vec<Record> {
    let mut out = vec![Record::Unit(UnitRecord {
        code: PROVINCE.into(),
        name: "Tỉnh Thử Nghiệm".into(),
        level: "tinh".into(),
        parent: None,
        valid_from: Some(d(1997, 1, 1)),
        valid_to: None,
    })];
    for i in 0..communes {
        out.push(Record::Unit(UnitRecord {
            code: format!("{PROVINCE}-{i:03}"),
            name: format!("Xã Thử Nghiệm {}", i + 1),
            level: "xa".into(),
            parent: Some(PROVINCE.into()),
            valid_from: Some(d(2025, 7, 1)),
            valid_to: None,
        }));
    }
    out
}

/// The central law of 20 articles that the procedures rest on.
fn law() -> Record {
    let text: String = (1..=20)
        .map(|i| format!("Điều {i}. Quy định thứ {i}\nNội dung của điều {i}.\n"))
        .collect();
    Record::Document(DocumentRecord {
        authority: "QH".into(),
        doc_type: "Luật".into(),
        number: "99/2024/QH15".into(),
        title: "Luật thử nghiệm".into(),
        fields: vec!["Hành chính".into()],
        signer: "Người ký".into(),
        signer_position: "Chủ tịch Quốc hội".into(),
        issued_on: d(2024, 6, 1),
        effective_on: d(2025, 1, 1),
        end_on: None,
        gazette: None,
        place: None,
        signing_capacity: None,
        signing_for: None,
        normative: None,
        provisions_effective: Vec::new(),
        withdrawn: None,
        text,
    })
}

/// The version of procedure `i` announced by the chairman's decision `number` of `date`
/// (a tenth at both levels, a third fully online).
fn version(i: usize, number: &str, date: NaiveDate, announcement: &str, local: i64) -> Record {
    Record::Procedure(Box::new(ProcedureRecord {
        code: format!("9.{i:06}"),
        name: format!("Thủ tục thử nghiệm số {}", i + 1),
        field: format!("Lĩnh vực {}", i % 12 + 1),
        levels: if i.is_multiple_of(10) {
            vec!["tinh".into(), "xa".into()]
        } else {
            vec!["xa".into()]
        },
        agency: "Ủy ban nhân dân cấp xã".into(),
        applicants: "Công dân Việt Nam".into(),
        steps: "Nộp hồ sơ; tiếp nhận; giải quyết; trả kết quả.".into(),
        channels: vec!["in_person".into(), "online".into()],
        dossier: vec![crate::domain::procedure::DossierComponent {
            name: "Tờ khai".into(),
            originals: 1,
            copies: 0,
            form: Some("Mẫu 01".into()),
        }],
        statutory_days: Some(10),
        local_days: Some(local),
        fees: vec![crate::domain::procedure::Fee {
            name: "Lệ phí".into(),
            amount: 10_000,
            note: None,
        }],
        result: "Giấy xác nhận".into(),
        conditions: String::new(),
        online_url: None,
        legal_basis: vec![BasisRef {
            authority: "QH".into(),
            number: "99/2024/QH15".into(),
            provision: Some(format!("Điều {}", i % 20 + 1)),
        }],
        online_level: Some(
            if i.is_multiple_of(3) {
                "full"
            } else {
                "partial"
            }
            .into(),
        ),
        one_stop: None,
        decision: DecisionRef {
            authority: format!("CTUBND-{PROVINCE}"),
            number: number.into(),
            date: Some(date),
            effective_on: None,
        },
        announcement: announcement.into(),
    }))
}

/// Inserts the postings: every procedure at every commune, with the planned gaps.
fn postings(pool: &DbPool) -> anyhow::Result<usize> {
    let mut conn = pool.get()?;
    let mut db = conn.db();
    let communes = bench::units_of_level(&mut db, UnitLevel::Xa)?;
    let versions = bench::version_keys(&mut db)?;
    let mut rows = Vec::new();
    for (ci, (unit, _)) in communes.iter().enumerate() {
        for (k, v) in versions.iter().enumerate() {
            let (vid, pid, number) = (&v.version_id, &v.procedure_id, &v.decision_number);
            let amended_later = versions
                .iter()
                .any(|w| w.procedure_id == *pid && w.decision_number.starts_with("200/"));
            let first = number.starts_with("100/");
            // 2% missing (never posted).
            if (ci * 7 + k) % 50 == 0 {
                continue;
            }
            let late = ci % 10 == 9;
            if first {
                let from = if late { d(2025, 8, 20) } else { d(2025, 8, 5) };
                let to = (amended_later && ci % 5 != 4).then(|| d(2026, 3, 5));
                rows.push(NewPosting {
                    version_id: *vid,
                    procedure_id: *pid,
                    unit_id: *unit,
                    point: "reception".into(),
                    from_on: from,
                    to_on: to,
                });
            } else if ci % 5 != 4 {
                rows.push(NewPosting {
                    version_id: *vid,
                    procedure_id: *pid,
                    unit_id: *unit,
                    point: "reception".into(),
                    from_on: d(2026, 3, 6),
                    to_on: None,
                });
            }
        }
    }
    let n = rows.len();
    conn.write(|db| bench::insert_postings(db, &rows))?;
    Ok(n)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn run_on(
    label: &str,
    pool: &DbPool,
    communes: usize,
    procedures: usize,
    rounds: usize,
) -> anyhow::Result<()> {
    let started = Instant::now();
    let report = import::import_records(pool, "bench-listings", records(communes, procedures))?;
    if let Some(e) = report.errors.first() {
        anyhow::bail!("bench data refused: {e}");
    }
    let n = postings(pool)?;
    println!(
        "{label}: {} units, {} procedure versions, {n} postings loaded in {:.1} s",
        communes + 1,
        report.created.saturating_sub(communes + 4),
        started.elapsed().as_secs_f64()
    );
    let date = d(2026, 6, 1);
    let mut conn = pool.get()?;
    let mut times = Vec::new();
    let mut summary = (0usize, 0usize, 0usize);
    for _ in 0..rounds.max(1) {
        let t = Instant::now();
        let all = check::check_province(&mut conn.db(), PROVINCE, date, Settings::default())?;
        times.push(t.elapsed());
        summary = all.iter().fold((0, 0, 0), |acc, c| {
            (
                acc.0 + c.required,
                acc.1 + c.complete,
                acc.2 + c.gaps().len(),
            )
        });
    }
    times.sort();
    let mut one = Vec::new();
    let first = queries::unit_by_code(&mut conn.db(), &format!("{PROVINCE}-000"))?
        .map(|u| u.code)
        .unwrap_or_default();
    for _ in 0..rounds.max(1) {
        let t = Instant::now();
        check::check_unit(&mut conn.db(), &first, date, Settings::default())?;
        one.push(t.elapsed());
    }
    one.sort();
    println!(
        "{label}: province check ({} units, {} required items, {} complete, {} gaps): min {:.0} ms, median {:.0} ms, max {:.0} ms over {} rounds",
        communes + 1,
        summary.0,
        summary.1,
        summary.2,
        ms(times[0]),
        ms(times[times.len() / 2]),
        ms(times[times.len() - 1]),
        times.len()
    );
    println!(
        "{label}: one commune: min {:.1} ms, median {:.1} ms",
        ms(one[0]),
        ms(one[one.len() / 2])
    );
    Ok(())
}

pub fn run(
    communes: usize,
    procedures: usize,
    postgres: Option<&str>,
    dir: &Path,
    rounds: usize,
) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)?;
    let file = dir.join("listings.sqlite3");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
    }
    let pool = DbPool::connect(&format!("sqlite://{}", file.display()), 2)?;
    pool.migrate()?;
    run_on("SQLite", &pool, communes, procedures, rounds)?;
    if let Some(url) = postgres {
        let pool = DbPool::connect(url, 2)?;
        pool.migrate()?;
        pool.revert_all()?;
        pool.migrate()?;
        run_on("PostgreSQL", &pool, communes, procedures, rounds)?;
    }
    Ok(())
}
