//! The organisation: administrative units with their 2025 successions, and authorities. An
//! authority's successors are the authorities of the same kind in its unit's successor units;
//! documents of predecessors stay in force and are found under their successors.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;

use crate::db::models::{Authority, Unit, UnitSuccession};
use crate::db::{queries, Db, DbError};

pub struct Org {
    pub units: HashMap<i64, Unit>,
    pub authorities: HashMap<i64, Authority>,
    successions: Vec<UnitSuccession>,
}

impl Org {
    pub fn load(db: &mut Db<'_>) -> Result<Org, DbError> {
        Ok(Org {
            units: queries::all_units(db)?
                .into_iter()
                .map(|u| (u.id, u))
                .collect(),
            authorities: queries::all_authorities(db)?
                .into_iter()
                .map(|a| (a.id, a))
                .collect(),
            successions: queries::all_successions(db)?,
        })
    }

    pub fn unit_by_code(&self, code: &str) -> Option<&Unit> {
        self.units.values().find(|u| u.code == code)
    }

    /// Direct successors of a unit with the day each took over.
    pub fn unit_successors(&self, unit: i64) -> Vec<(&Unit, NaiveDate)> {
        self.successions
            .iter()
            .filter(|s| s.predecessor_id == unit)
            .filter_map(|s| Some((self.units.get(&s.successor_id)?, s.effective_on)))
            .collect()
    }

    pub fn unit_predecessors(&self, unit: i64) -> Vec<(&Unit, NaiveDate)> {
        self.successions
            .iter()
            .filter(|s| s.successor_id == unit)
            .filter_map(|s| Some((self.units.get(&s.predecessor_id)?, s.effective_on)))
            .collect()
    }

    fn closure(&self, start: i64, forward: bool) -> Vec<i64> {
        let mut seen = HashSet::new();
        let mut todo = vec![start];
        let mut out = Vec::new();
        while let Some(u) = todo.pop() {
            for s in &self.successions {
                let (from, to) = if forward {
                    (s.predecessor_id, s.successor_id)
                } else {
                    (s.successor_id, s.predecessor_id)
                };
                if from == u && to != start && seen.insert(to) {
                    out.push(to);
                    todo.push(to);
                }
            }
        }
        out
    }

    /// Every unit this one took over, directly or through earlier reorganisations.
    pub fn all_unit_predecessors(&self, unit: i64) -> Vec<i64> {
        self.closure(unit, false)
    }

    fn same_kind_in(&self, kind: &str, units: &[i64]) -> Vec<i64> {
        let mut v: Vec<i64> = self
            .authorities
            .values()
            .filter(|a| a.kind == kind && a.unit_id.is_some_and(|u| units.contains(&u)))
            .map(|a| a.id)
            .collect();
        v.sort_unstable();
        v
    }

    /// Authorities this one took over (same kind, predecessor units), transitively.
    pub fn authority_predecessors(&self, authority: i64) -> Vec<i64> {
        let Some(a) = self.authorities.get(&authority) else {
            return Vec::new();
        };
        let Some(unit) = a.unit_id else {
            return Vec::new();
        };
        self.same_kind_in(&a.kind, &self.closure(unit, false))
    }

    /// Authorities that took this one over (same kind, direct successor units).
    pub fn authority_successors(&self, authority: i64) -> Vec<i64> {
        let Some(a) = self.authorities.get(&authority) else {
            return Vec::new();
        };
        let Some(unit) = a.unit_id else {
            return Vec::new();
        };
        let direct: Vec<i64> = self
            .unit_successors(unit)
            .iter()
            .map(|(u, _)| u.id)
            .collect();
        self.same_kind_in(&a.kind, &direct)
    }

    /// The authority and all it took over: what a filter by this authority covers.
    pub fn authority_with_predecessors(&self, authority: i64) -> Vec<i64> {
        let mut v = vec![authority];
        v.extend(self.authority_predecessors(authority));
        v
    }

    /// Whether the unit (or the authority's unit) no longer exists on `date`.
    pub fn unit_defunct(&self, unit: i64, date: NaiveDate) -> bool {
        self.units
            .get(&unit)
            .and_then(|u| u.valid_to)
            .is_some_and(|t| t < date)
    }

    pub fn authority_defunct(&self, authority: i64, date: NaiveDate) -> bool {
        self.authorities
            .get(&authority)
            .and_then(|a| a.unit_id)
            .is_some_and(|u| self.unit_defunct(u, date))
    }

    pub fn authority_name(&self, authority: i64) -> String {
        self.authorities
            .get(&authority)
            .map(|a| a.name.clone())
            .unwrap_or_default()
    }
}
