//! What the registry writer keeps while it writes units and successions: every unit by code
//! and every succession, read once instead of one SELECT a record, and — when the importer
//! asks for it ([`UnitBatch::buffered`]) — the successions and audit entries of the current
//! transaction, written in a few multi-row statements by [`UnitBatch::flush`]. The importer
//! flushes before any other kind of record and at the end of each transaction, so the trail
//! keeps the order of the records; a rolled-back transaction forgets everything
//! ([`UnitBatch::forget`]). The country's file (14,138 units, 13,957 successions) imports in a
//! few thousand round trips instead of about 180,000 (BENCHMARKS.md, "units").

use std::collections::HashMap;

use crate::audit::Pending;
use crate::db::models::{Unit, UnitSuccession};
use crate::db::{registry, Db, DbError};

#[derive(Default)]
pub struct UnitBatch {
    /// Whether successions and audit entries wait for [`UnitBatch::flush`].
    pub buffered: bool,
    /// Every unit by code, earliest first (as `db::registry::units_by_code` orders them).
    by_code: Option<HashMap<String, Vec<Unit>>>,
    successions: Option<HashMap<(i64, i64), UnitSuccession>>,
    new_successions: Vec<UnitSuccession>,
    audits: Vec<Pending>,
}

impl UnitBatch {
    /// Every unit that holds or held `code`, earliest first.
    pub fn by_code(&mut self, db: &mut Db<'_>, code: &str) -> Result<&[Unit], DbError> {
        if self.by_code.is_none() {
            let mut m: HashMap<String, Vec<Unit>> = HashMap::new();
            for u in registry::all_units(db)? {
                m.entry(u.code.clone()).or_default().push(u);
            }
            for v in m.values_mut() {
                v.sort_by_key(|u| (u.valid_from, u.id));
            }
            self.by_code = Some(m);
        }
        Ok(self
            .by_code
            .as_ref()
            .and_then(|m| m.get(code))
            .map_or(&[][..], Vec::as_slice))
    }

    /// A unit written (inserted or updated) in this transaction.
    pub fn put(&mut self, unit: Unit) {
        if let Some(m) = &mut self.by_code {
            let v = m.entry(unit.code.clone()).or_default();
            v.retain(|u| u.id != unit.id);
            v.push(unit);
            v.sort_by_key(|u| (u.valid_from, u.id));
        }
    }

    /// The succession of `pred` by `succ`, if written.
    pub fn succession(
        &mut self,
        db: &mut Db<'_>,
        pred: i64,
        succ: i64,
    ) -> Result<Option<UnitSuccession>, DbError> {
        if self.successions.is_none() {
            self.successions = Some(
                registry::all_successions(db)?
                    .into_iter()
                    .map(|s| ((s.predecessor_id, s.successor_id), s))
                    .collect(),
            );
        }
        Ok(self
            .successions
            .as_ref()
            .and_then(|m| m.get(&(pred, succ)))
            .cloned())
    }

    /// A new succession: written now, or at [`UnitBatch::flush`] when buffered.
    pub fn insert_succession(&mut self, db: &mut Db<'_>, s: UnitSuccession) -> Result<(), DbError> {
        if self.buffered {
            self.new_successions.push(s.clone());
        } else {
            registry::insert_succession(db, &s)?;
        }
        self.remember_succession(s);
        Ok(())
    }

    /// A succession written in this transaction.
    pub fn remember_succession(&mut self, s: UnitSuccession) {
        if let Some(m) = &mut self.successions {
            m.insert((s.predecessor_id, s.successor_id), s);
        }
    }

    /// Keeps an audit entry for [`UnitBatch::flush`]; `None` when not buffered (the caller
    /// appends it now).
    pub fn defer_audit(&mut self, entry: Pending) -> Option<Pending> {
        if self.buffered {
            self.audits.push(entry);
            None
        } else {
            Some(entry)
        }
    }

    /// Writes the waiting successions, then the waiting audit entries in their order.
    pub fn flush(&mut self, db: &mut Db<'_>, actor: &str) -> Result<(), DbError> {
        if !self.new_successions.is_empty() {
            registry::insert_successions(db, &self.new_successions)?;
            self.new_successions.clear();
        }
        if !self.audits.is_empty() {
            crate::audit::append_many(db, actor, &self.audits)?;
            self.audits.clear();
        }
        Ok(())
    }

    /// The transaction rolled back: forget what was read and what waits.
    pub fn forget(&mut self) {
        self.by_code = None;
        self.successions = None;
        self.new_successions.clear();
        self.audits.clear();
    }
}
