//! The JSON Lines interchange (`vanban import`, `vanban export`, `POST /api/v1/records`, the
//! sample data): it reads and writes every record kind and dispatches each to its feature's
//! writer (`registry::write`, `registry::expiry`, `procedures::write`), so it sits above the
//! features. The line plumbing the writers share is `crate::jsonl`, below them.
//!
//! - [`records`]: the `Record` of one line (every kind);
//! - [`import`]: reading files and streams in batches, line-numbered errors; [`apply`]: the
//!   dispatch of one record;
//! - [`write`]: the all-or-nothing write of the API, with the writer's scope; [`preview`]: the
//!   same write rolled back, with the changes of status it would make;
//! - [`export`]: JSON Lines (a round trip is exact) and CSV; [`alqac`]: the ALQAC law corpus.

pub mod alqac;
pub mod apply;
pub mod export;
pub mod export_procedures;
pub mod import;
pub mod preview;
pub mod records;
pub mod write;

/// The sample data served by `vanban serve --demo` (Cà Mau, Đầm Dơi and its communes).
pub const SAMPLE: &str = include_str!("../sample/ca-mau.jsonl");

/// The sample administrative procedures, loaded after [`SAMPLE`]: announcing decisions of the
/// Cà Mau chairman, postings at the sample units (with deliberate gaps), dossier counts and
/// inspections.
pub const SAMPLE_PROCEDURES: &str = include_str!("../sample/procedures.jsonl");

/// The administrative units of the whole country before and from 1 July 2025 with the 2025
/// successions (`static/data/don-vi-hanh-chinh.jsonl`, built by `.ci/units/build.py`); the
/// sample's unit lines are lines of this file, so either may be loaded first.
pub const COUNTRY_UNITS: &str = include_str!("../../static/data/don-vi-hanh-chinh.jsonl");

/// Imports [`COUNTRY_UNITS`] (`vanban serve --demo` puts the sample on top of it); a re-import
/// changes nothing.
pub fn load_country_units(
    pool: &crate::db::DbPool,
) -> Result<import::ImportReport, crate::db::DbError> {
    let reader = std::io::BufReader::new(COUNTRY_UNITS.as_bytes());
    import::import_reader(pool, "don-vi-hanh-chinh.jsonl", reader, None)
}

/// Loads the sample data into `pool` when it holds no document yet; returns whether it did.
pub fn load_sample(
    pool: &crate::db::DbPool,
) -> Result<Option<import::ImportReport>, crate::db::DbError> {
    let mut conn = pool.get()?;
    if crate::db::queries::count_documents(&mut conn.db())? > 0 {
        return Ok(None);
    }
    let mut report = import::ImportReport::default();
    for (name, content) in [("sample", SAMPLE), ("sample-procedures", SAMPLE_PROCEDURES)] {
        let mut records = Vec::new();
        for (i, line) in content.lines().enumerate() {
            match import::parse_line(crate::jsonl::RawLine::Bytes(line.as_bytes().to_vec())) {
                Ok(Some(r)) => records.push((i + 1, r)),
                Ok(None) => {}
                Err(message) => report.errors.push(crate::jsonl::LineError {
                    file: name.into(),
                    line: i + 1,
                    message,
                }),
            }
        }
        report.merge(import::import_records(pool, name, records)?);
    }
    Ok(Some(report))
}
