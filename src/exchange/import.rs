//! Import of the JSON Lines format (and of the ALQAC law corpus): every line is validated in
//! full before anything of it is written, runs in a savepoint inside a transaction of bounded
//! size, and a bad line is reported as `file:line: reason` without touching the rest.
//! Re-importing a file changes nothing: each writer matches records by their natural keys.

use std::io::{BufRead, Read};
use std::path::Path;

use super::apply::Importer;
use super::records::Record;
use crate::db::{Db, DbError, DbPool};
pub use crate::jsonl::{LineError, LineReader, Outcome, RawLine, RecordError, MAX_LINE};
use crate::registry::draft::{validate_document, DocumentDraft};

/// Lines per transaction.
pub const BATCH: usize = 1000;

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ImportReport {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub documents_created: usize,
    pub errors: Vec<LineError>,
    /// Accepted lines with something to look at (a procedure's local time longer than the
    /// statutory one); stored with the record too.
    pub warnings: Vec<LineError>,
}

impl ImportReport {
    pub(crate) fn count(&mut self, o: Outcome) {
        match o {
            Outcome::Created => self.created += 1,
            Outcome::Updated => self.updated += 1,
            Outcome::Unchanged => self.unchanged += 1,
        }
    }

    pub fn merge(&mut self, other: ImportReport) {
        self.created += other.created;
        self.updated += other.updated;
        self.unchanged += other.unchanged;
        self.documents_created += other.documents_created;
        self.errors.extend(other.errors);
        self.warnings.extend(other.warnings);
    }
}

/// Parses one line; `None` for blank and comment lines. A record with a control character in
/// a name, title or number (or other than tab and line breaks in a text) is refused here.
pub fn parse_line(raw: RawLine) -> Result<Option<Record>, String> {
    let bytes = match raw {
        RawLine::TooLong(n) => {
            return Err(format!(
                "dòng dài {n} byte, vượt giới hạn {} byte",
                MAX_LINE
            ));
        }
        RawLine::Bytes(b) => b,
    };
    let text = match std::str::from_utf8(&bytes) {
        Ok(t) => t,
        Err(e) => {
            return Err(format!(
                "dòng không phải UTF-8 hợp lệ (byte thứ {})",
                e.valid_up_to() + 1
            ))
        }
    };
    let t = text.trim();
    if t.is_empty() || t.starts_with('#') {
        return Ok(None);
    }
    let record = serde_json::from_str::<Record>(t).map_err(|e| {
        if e.is_eof() {
            format!("dòng bị cắt ngang, JSON chưa kết thúc ({e})")
        } else {
            format!("bản ghi không hợp lệ: {e}")
        }
    })?;
    record.check_typed_text().map_err(|e| e.to_string())?;
    Ok(Some(record))
}

/// A parsed line; documents carry their validated draft, computed off the writer's thread.
pub struct Item {
    pub line: usize,
    pub record: Record,
    pub draft: Option<Result<DocumentDraft, String>>,
}

impl Item {
    /// Does the pure part of the validation (numbers, dates, NFC, structure) up front.
    pub fn prepare(line: usize, record: Record) -> Item {
        let draft = match &record {
            Record::Document(d) => Some(validate_document(0, d).map_err(|e| e.to_string())),
            _ => None,
        };
        Item {
            line,
            record,
            draft,
        }
    }
}

struct Chunk {
    items: Vec<Item>,
    errors: Vec<LineError>,
    bytes_read: u64,
}

/// Reads, parses and prepares lines in batches (runs on its own thread).
fn read_chunks<R: BufRead>(reader: R, name: &str, tx: std::sync::mpsc::SyncSender<Chunk>) {
    let mut lines = LineReader::new(reader, MAX_LINE);
    let mut done = false;
    while !done {
        let mut chunk = Chunk {
            items: Vec::with_capacity(BATCH),
            errors: Vec::new(),
            bytes_read: 0,
        };
        while chunk.items.len() < BATCH {
            match lines.next_line() {
                Ok(Some((n, raw))) => match parse_line(raw) {
                    Ok(Some(r)) => chunk.items.push(Item::prepare(n, r)),
                    Ok(None) => {}
                    Err(message) => chunk.errors.push(LineError {
                        file: name.into(),
                        line: n,
                        message,
                    }),
                },
                Ok(None) => {
                    done = true;
                    break;
                }
                Err(e) => {
                    chunk.errors.push(LineError {
                        file: name.into(),
                        line: lines.line() + 1,
                        message: format!("không đọc được tệp: {e}"),
                    });
                    done = true;
                    break;
                }
            }
        }
        chunk.bytes_read = lines.bytes_read;
        if tx.send(chunk).is_err() {
            // The writer stopped (a database error); nothing more to read.
            return;
        }
    }
}

/// How an import treats records that differ from what the registry holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportOptions {
    /// Replace them (`vanban import --update`); otherwise each is reported as a conflict
    /// naming its differing fields, and nothing of it is written.
    pub update: bool,
}

/// Imports a JSON Lines stream; `name` is used in error reports. One thread reads, parses and
/// prepares the next batch while this one writes the current batch. A line differing from
/// the stored record is a conflict (see [`import_reader_with`]).
pub fn import_reader<R: BufRead + Send>(
    pool: &DbPool,
    name: &str,
    reader: R,
    progress: Option<&indicatif::ProgressBar>,
) -> Result<ImportReport, DbError> {
    import_reader_with(pool, name, reader, progress, ImportOptions::default())
}

/// [`import_reader`] with its options.
pub fn import_reader_with<R: BufRead + Send>(
    pool: &DbPool,
    name: &str,
    reader: R,
    progress: Option<&indicatif::ProgressBar>,
    options: ImportOptions,
) -> Result<ImportReport, DbError> {
    let mut importer = Importer::new(format!("import:{name}"));
    importer.set_update(options.update, None);
    let mut report = ImportReport::default();
    let mut conn = pool.get()?;
    let (tx, rx) = std::sync::mpsc::sync_channel::<Chunk>(2);
    let result = std::thread::scope(|scope| -> Result<(), DbError> {
        scope.spawn(move || read_chunks(reader, name, tx));
        for chunk in rx {
            report.errors.extend(chunk.errors);
            let mut items = chunk.items;
            report.merge(write_batch(&mut conn, &mut importer, name, &mut items)?);
            if let Some(pb) = progress {
                pb.set_position(chunk.bytes_read);
            }
        }
        Ok(())
    });
    result?;
    report.errors.sort_by_key(|e| e.line);
    Ok(report)
}

/// Writes one batch in one transaction. Validation errors are found before a record writes
/// anything, so the fast path needs no savepoint; if the database itself refuses a record, the
/// batch is rolled back and written again with one savepoint per record, so that only that
/// record is lost.
pub fn write_batch(
    conn: &mut crate::db::Conn,
    importer: &mut Importer,
    name: &str,
    batch: &mut [Item],
) -> Result<ImportReport, DbError> {
    if batch.is_empty() {
        return Ok(ImportReport::default());
    }
    match write_batch_with(conn, importer, name, batch, false) {
        Err(BatchError::Retry) => match write_batch_with(conn, importer, name, batch, true) {
            Ok(r) => Ok(r),
            Err(BatchError::Db(e)) => Err(e),
            Err(BatchError::Retry) => Err(DbError::Migration("import retry failed".into())),
        },
        Err(BatchError::Db(e)) => Err(e),
        Ok(r) => Ok(r),
    }
}

enum BatchError {
    Retry,
    Db(DbError),
}

impl From<diesel::result::Error> for BatchError {
    fn from(e: diesel::result::Error) -> Self {
        BatchError::Db(DbError::Query(e))
    }
}

fn write_batch_with(
    conn: &mut crate::db::Conn,
    importer: &mut Importer,
    name: &str,
    batch: &mut [Item],
    savepoints: bool,
) -> Result<ImportReport, BatchError> {
    importer.begin_batch();
    // Without savepoints, units' and successions' writes wait for the end of the batch (a
    // database refusal then redoes the batch record by record, nothing waiting).
    importer.buffer_unit_writes(!savepoints);
    let result = conn.write(|db| -> Result<ImportReport, BatchError> {
        let mut report = ImportReport::default();
        for item in batch.iter_mut() {
            let mut apply = |db: &mut Db<'_>| match importer.apply(db, item) {
                Ok(o) => Ok(o),
                Err(e @ RecordError::Conflict(_)) => Err(SavepointAbort::Invalid(e.to_string())),
                Err(RecordError::Invalid(m)) => Err(SavepointAbort::Invalid(m)),
                Err(RecordError::Db(e)) => Err(SavepointAbort::Db(e)),
            };
            let r = if savepoints {
                db.savepoint(apply)
            } else {
                apply(db)
            };
            let warnings = importer.take_warnings();
            match r {
                Ok(o) => {
                    report.count(o);
                    if o == Outcome::Created && matches!(item.record, Record::Document(_)) {
                        report.documents_created += 1;
                    }
                    report
                        .warnings
                        .extend(warnings.into_iter().map(|message| LineError {
                            file: name.into(),
                            line: item.line,
                            message,
                        }));
                }
                Err(SavepointAbort::Invalid(message)) => report.errors.push(LineError {
                    file: name.into(),
                    line: item.line,
                    message,
                }),
                Err(SavepointAbort::Db(DbError::Query(_))) if !savepoints => {
                    return Err(BatchError::Retry)
                }
                Err(SavepointAbort::Db(DbError::Query(e))) => report.errors.push(LineError {
                    file: name.into(),
                    line: item.line,
                    message: format!("cơ sở dữ liệu từ chối bản ghi: {e}"),
                }),
                Err(SavepointAbort::Db(e)) => return Err(BatchError::Db(e)),
            }
        }
        match importer.flush(db) {
            Ok(()) => Ok(report),
            Err(DbError::Query(_)) if !savepoints => Err(BatchError::Retry),
            Err(e) => Err(BatchError::Db(e)),
        }
    });
    if result.is_err() {
        // The whole batch rolled back: forget what it cached.
        importer.rollback_batch();
    }
    result
}

enum SavepointAbort {
    Invalid(String),
    Db(DbError),
}

impl From<diesel::result::Error> for SavepointAbort {
    fn from(e: diesel::result::Error) -> Self {
        SavepointAbort::Db(DbError::Query(e))
    }
}

/// Imports a file by path: JSON Lines, or the ALQAC law corpus (`.json` array).
pub fn import_path(pool: &DbPool, path: &Path, progress: bool) -> Result<ImportReport, DbError> {
    import_path_with(pool, path, progress, ImportOptions::default())
}

/// [`import_path`] with its options (the ALQAC corpus is always read without updating).
pub fn import_path_with(
    pool: &DbPool,
    path: &Path,
    progress: bool,
    options: ImportOptions,
) -> Result<ImportReport, DbError> {
    let name = path.display().to_string();
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) => {
            return Ok(ImportReport {
                errors: vec![LineError {
                    file: name,
                    line: 0,
                    message: format!("không mở được tệp: {e}"),
                }],
                ..Default::default()
            })
        }
    };
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    let mut reader = std::io::BufReader::with_capacity(1 << 20, file);
    if path.extension().is_some_and(|e| e == "json") {
        let mut buf = String::new();
        if let Err(e) = reader.read_to_string(&mut buf) {
            return Ok(ImportReport {
                errors: vec![LineError {
                    file: name,
                    line: 0,
                    message: format!("không đọc được tệp: {e}"),
                }],
                ..Default::default()
            });
        }
        return super::alqac::import_alqac(pool, path, &buf);
    }
    let pb = progress.then(|| {
        let pb = indicatif::ProgressBar::new(len);
        pb.set_style(
            indicatif::ProgressStyle::with_template(
                "{msg} [{bar:40}] {bytes}/{total_bytes} ({eta})",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        pb.set_message(name.clone());
        pb
    });
    let report = import_reader_with(pool, &name, reader, pb.as_ref(), options)?;
    if let Some(pb) = pb {
        pb.finish_and_clear();
    }
    Ok(report)
}

/// Imports records already in memory (sample data, ALQAC); `lines` gives each its number.
pub fn import_records(
    pool: &DbPool,
    name: &str,
    records: Vec<(usize, Record)>,
) -> Result<ImportReport, DbError> {
    let mut conn = pool.get()?;
    let mut importer = Importer::new(format!("import:{name}"));
    let mut report = ImportReport::default();
    let mut items: Vec<Item> = records
        .into_iter()
        .map(|(n, r)| Item::prepare(n, r))
        .collect();
    for chunk in items.chunks_mut(BATCH) {
        report.merge(write_batch(&mut conn, &mut importer, name, chunk)?);
    }
    Ok(report)
}
