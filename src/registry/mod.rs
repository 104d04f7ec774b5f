//! The registry's use cases over the database: import, export, check, derived statuses.

pub mod alqac;
pub mod check;
pub mod export;
pub mod import;
pub mod org;
pub mod reason;
pub mod records;
pub mod status;
pub mod write;

/// The sample data served by `vanban serve --demo` (Cà Mau, Đầm Dơi and its communes).
pub const SAMPLE: &str = include_str!("../sample/ca-mau.jsonl");

/// The sample administrative procedures, loaded after [`SAMPLE`]: announcing decisions of the
/// Cà Mau chairman, postings at the sample units (with deliberate gaps), dossier counts and
/// inspections.
pub const SAMPLE_PROCEDURES: &str = include_str!("../sample/procedures.jsonl");

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
            match import::parse_line(import::RawLine::Bytes(line.as_bytes().to_vec())) {
                Ok(Some(r)) => records.push((i + 1, r)),
                Ok(None) => {}
                Err(message) => report.errors.push(import::LineError {
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
