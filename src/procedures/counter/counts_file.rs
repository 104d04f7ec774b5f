//! The dossier counts file (CSV, UTF-8, comma or semicolon separated, as Excel saves it): a
//! header `ma_thu_tuc,thang,tiep_nhan,dung_han,truc_tuyen` and one line per procedure and
//! month at the unit the file is sent for, of a procedure that applies there that month. Held
//! to the spreadsheet bounds before it is parsed; every bad line is reported by its number, and
//! a file with one bad line gives no lines.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;

use super::counts::{applicable, month_vn, parse_month, row_figures, Figure};
use crate::db::procedures as pq;
use crate::db::{Db, DbError};
use crate::domain::procedure::ProcedureCode;
use crate::domain::text::nfc;
use crate::procedures::check::CheckError;
use crate::procedures::records::DossierCountRecord;
use crate::spreadsheet::bounds::{self, Limits};
use crate::spreadsheet::cells::restore;

/// The largest file taken (some twenty thousand lines).
pub const COUNTS_FILE_LIMIT: usize = 1024 * 1024;

/// The header the file must start with.
pub const HEADER: [&str; 5] = ["ma_thu_tuc", "thang", "tiep_nhan", "dung_han", "truc_tuyen"];

/// A problem of the file, on a line (0: the whole file).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LineProblem {
    pub line: usize,
    pub message: String,
}

fn problem(line: usize, message: impl Into<String>) -> LineProblem {
    LineProblem {
        line,
        message: message.into(),
    }
}

/// The lines of the file, each a count line with its line number, or every problem found.
pub type FileLines = Result<Vec<(usize, DossierCountRecord)>, Vec<LineProblem>>;

/// A CSV file's records with their line numbers; the file's own problems (encoding, bounds,
/// syntax) end the reading.
fn records(bytes: &[u8], limits: &Limits) -> Result<Vec<(usize, Vec<String>)>, LineProblem> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Err(e) = std::str::from_utf8(bytes) {
        let line = bytes[..e.valid_up_to()]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1;
        return Err(problem(
            line,
            "tệp không phải UTF-8: hãy lưu lại bằng «CSV UTF-8»",
        ));
    }
    bounds::check_csv_lines(bytes, limits).map_err(|e| problem(0, e.to_string()))?;
    let mut reader = crate::spreadsheet::csv_reader(bytes);
    let mut counted = bounds::CsvCount::new(limits);
    let mut out = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line() as usize);
            problem(line, format!("không đọc được dòng CSV: {e}"))
        })?;
        let line = record
            .position()
            .map_or(out.len() + 1, |p| p.line() as usize);
        counted
            .record(line, record.iter())
            .map_err(|e| problem(line, e.to_string()))?;
        let cells: Vec<String> = record.iter().map(|c| nfc(restore(c).trim())).collect();
        if cells.iter().all(String::is_empty) {
            continue;
        }
        out.push((line, cells));
    }
    Ok(out)
}

/// The header's problem, if it is not [`HEADER`].
fn header_problem(line: usize, cells: &[String]) -> Option<LineProblem> {
    let got: Vec<String> = cells.iter().map(|c| c.to_lowercase()).collect();
    if got.iter().map(String::as_str).eq(HEADER) {
        return None;
    }
    let unknown: Vec<&str> = got
        .iter()
        .map(String::as_str)
        .filter(|c| !HEADER.contains(c))
        .collect();
    let missing: Vec<&str> = HEADER
        .iter()
        .copied()
        .filter(|h| !got.iter().any(|c| c == h))
        .collect();
    let mut why = format!("dòng tiêu đề phải là «{}»", HEADER.join(","));
    if !unknown.is_empty() {
        why.push_str(&format!(
            "; cột không dùng được: «{}»",
            unknown.join("», «")
        ));
    }
    if !missing.is_empty() {
        why.push_str(&format!("; thiếu cột: «{}»", missing.join("», «")));
    }
    Some(problem(line, why))
}

/// One data line as a count line for `unit`, or its problems.
fn data_line(
    db: &mut Db<'_>,
    known: &mut HashMap<String, bool>,
    unit: &str,
    today: NaiveDate,
    (line, cells): (usize, &[String]),
) -> Result<Result<DossierCountRecord, Vec<LineProblem>>, DbError> {
    if cells.len() != HEADER.len() {
        return Ok(Err(vec![problem(
            line,
            format!("cần {} cột, dòng có {}", HEADER.len(), cells.len()),
        )]));
    }
    let mut problems = Vec::new();
    let code = match ProcedureCode::parse(&cells[0]) {
        Ok(c) => {
            let code = c.as_str().to_string();
            let exists = match known.get(&code) {
                Some(e) => *e,
                None => {
                    let e = pq::procedure_by_code(db, &code)?.is_some();
                    known.insert(code.clone(), e);
                    e
                }
            };
            if !exists {
                problems.push(problem(line, format!("không có thủ tục mã «{code}»")));
            }
            code
        }
        Err(e) => {
            problems.push(problem(line, format!("mã thủ tục: {e}")));
            String::new()
        }
    };
    let month = parse_month(&cells[1], today)
        .map_err(|e| problems.push(problem(line, e.to_string())))
        .ok();
    let figures = match row_figures([&cells[2], &cells[3], &cells[4]]) {
        Ok(Some(f)) => Some(f),
        Ok(None) => {
            problems.push(problem(line, "thiếu số hồ sơ tiếp nhận (tiep_nhan)"));
            None
        }
        Err(es) => {
            for (f, e) in es {
                problems.push(problem(line, format!("{}: {e}", column(f))));
            }
            None
        }
    };
    Ok(match (month, figures) {
        (Some(month), Some([received, on_time, online])) if problems.is_empty() => {
            Ok(DossierCountRecord {
                procedure: code,
                unit: unit.to_string(),
                month: month.format("%Y-%m").to_string(),
                received,
                online,
                on_time,
            })
        }
        _ => Err(problems),
    })
}

fn column(f: Figure) -> &'static str {
    match f {
        Figure::Received => "tiep_nhan",
        Figure::OnTime => "dung_han",
        Figure::Online => "truc_tuyen",
    }
}

/// Reads the counts file sent for the unit `unit` (its code) on `today`.
pub fn read(
    db: &mut Db<'_>,
    unit: &str,
    bytes: &[u8],
    today: NaiveDate,
    limits: &Limits,
) -> Result<FileLines, CheckError> {
    let rows = match records(bytes, limits) {
        Ok(r) => r,
        Err(p) => return Ok(Err(vec![p])),
    };
    let Some(((hline, header), data)) = rows.split_first() else {
        return Ok(Err(vec![problem(0, "tệp trống")]));
    };
    if let Some(p) = header_problem(*hline, header) {
        return Ok(Err(vec![p]));
    }
    if data.is_empty() {
        return Ok(Err(vec![problem(0, "tệp không có dòng số liệu nào")]));
    }
    let mut known = HashMap::new();
    let mut seen: HashMap<(String, String), usize> = HashMap::new();
    // The procedures that apply at the unit, per month of the file.
    let mut applies: HashMap<String, std::collections::HashSet<String>> = HashMap::new();
    let mut lines = Vec::new();
    let mut problems = Vec::new();
    for (line, cells) in data {
        match data_line(db, &mut known, unit, today, (*line, cells))? {
            Ok(rec) => {
                let month = match parse_month(&rec.month, today) {
                    Ok(m) => m,
                    Err(e) => {
                        problems.push(problem(*line, e.to_string()));
                        continue;
                    }
                };
                if !applies.contains_key(&rec.month) {
                    let set = applicable(db, unit, month, today)?;
                    applies.insert(rec.month.clone(), set);
                }
                if !applies
                    .get(&rec.month)
                    .is_some_and(|s| s.contains(&rec.procedure))
                {
                    problems.push(problem(
                        *line,
                        format!(
                            "thủ tục {} không áp dụng tại đơn vị trong tháng {}",
                            rec.procedure,
                            month_vn(month)
                        ),
                    ));
                    continue;
                }
                let key = (rec.procedure.clone(), rec.month.clone());
                if let Some(first) = seen.insert(key, *line) {
                    problems.push(problem(
                        *line,
                        format!(
                            "thủ tục {} tháng {} đã có ở dòng {first}",
                            rec.procedure,
                            parse_month(&rec.month, today).map_or(rec.month.clone(), month_vn)
                        ),
                    ));
                }
                lines.push((*line, rec));
            }
            Err(ps) => problems.extend(ps),
        }
    }
    Ok(if problems.is_empty() {
        Ok(lines)
    } else {
        Err(problems)
    })
}
