//! The dispatch of one record to its feature's writer, with the caches that later lines of the
//! same import use (the registry writer's).

use super::import::Item;
use super::records::Record;
use crate::db::Db;
use crate::jsonl::{invalid, Outcome, RecordError};
use crate::procedures::write as procedures;
use crate::registry::write::RegistryWriter;

/// Applies records one at a time.
#[derive(Default)]
pub struct Importer {
    registry: RegistryWriter,
    /// Warnings of the record being applied, taken by the caller with [`Importer::take_warnings`].
    warnings: Vec<String>,
}

impl Importer {
    pub fn new(actor: impl Into<String>) -> Importer {
        Importer {
            registry: RegistryWriter::new(actor),
            warnings: Vec::new(),
        }
    }

    /// Whether records differing from the stored ones replace them (otherwise they are
    /// refused as conflicts), and the reason the audit entries of updates keep.
    pub fn set_update(&mut self, update: bool, reason: Option<String>) {
        self.registry.update = update;
        self.registry.reason = reason;
    }

    /// Who the audit trail names for these writes (`import:<source>`, `user:<name>`).
    pub fn actor(&self) -> &str {
        &self.registry.actor
    }

    /// A new transaction begins.
    pub fn begin_batch(&mut self) {
        self.registry.begin_batch();
    }

    /// The transaction rolled back: forget what it cached.
    pub fn rollback_batch(&mut self) {
        self.registry.rollback_batch();
    }

    /// Bulk imports: successions and the audit entries of units and successions are written
    /// together by [`Importer::flush`] (which the caller runs before its transaction ends).
    pub fn buffer_unit_writes(&mut self, on: bool) {
        self.registry.buffer_unit_writes(on);
    }

    /// Writes what waits for the end of the transaction.
    pub fn flush(&mut self, db: &mut Db<'_>) -> Result<(), crate::db::DbError> {
        self.registry.flush_units(db)
    }

    /// Validates and writes one record. The caller runs it in a savepoint; the caches are only
    /// filled by records that were written, and are forgotten if the savepoint rolls back.
    pub fn apply(&mut self, db: &mut Db<'_>, item: &mut Item) -> Result<Outcome, RecordError> {
        let line = item.line;
        // Parsed lines were checked already; records built in memory (ALQAC, samples) here.
        if let Err(e) = item.record.check_typed_text() {
            return invalid(e.to_string());
        }
        if !matches!(item.record, Record::Unit(_) | Record::Succession(_)) {
            // Other records append to the trail themselves: what waits goes first.
            self.registry.flush_units(db)?;
        }
        match &item.record {
            Record::Unit(u) => {
                let r = self.registry.unit(db, u);
                self.registry.unit_write_done(&r);
                r
            }
            Record::Succession(s) => {
                let r = self.registry.succession(db, s);
                self.registry.unit_write_done(&r);
                r
            }
            Record::Authority(a) => self.registry.authority(db, a),
            Record::Document(d) => self.registry.document(db, line, d, item.draft.take()),
            Record::Effect(e) => self.registry.effect(db, e),
            Record::DeclaredExpiry(x) => {
                let (outcome, warnings) = self.registry.declared_expiry(db, x)?;
                self.warnings = warnings;
                Ok(outcome)
            }
            Record::ClassEnd(x) => self.registry.class_end(db, x),
            Record::Procedure(p) => {
                let (outcome, warnings) = procedures::apply_procedure(db, self.actor(), p)?;
                self.warnings = warnings;
                Ok(outcome)
            }
            Record::Posting(p) => procedures::apply_posting(db, self.actor(), p),
            Record::DossierCount(c) => procedures::apply_dossier_count(db, self.actor(), c),
            Record::UnitContact(c) => procedures::apply_unit_contact(db, self.actor(), c),
            Record::Inspection(i) => procedures::apply_inspection(db, self.actor(), i),
            Record::CalendarDay(c) => procedures::apply_calendar_day(db, self.actor(), c),
        }
    }

    /// The warnings of the last record applied (emptied).
    pub fn take_warnings(&mut self) -> Vec<String> {
        std::mem::take(&mut self.warnings)
    }
}
