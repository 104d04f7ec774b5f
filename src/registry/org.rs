//! The organisation: administrative units with their 2025 successions, and authorities. An
//! authority's successors are the authorities of the same kind in its unit's successor units;
//! documents of predecessors stay in force and are found under their successors.
//!
//! A unit is its official code plus its first day (`valid_from`): codes are reused (An Giang
//! formed on 1 July 2025 holds `91`, Kiên Giang's code until 30 June 2025), never by two units
//! on the same day. A bare code names the unit holding it on the day in question, or the latest
//! holder where no day is known; `91@2020-01-01` names the holder on that day.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chrono::NaiveDate;

use crate::db::models::{Authority, Unit, UnitSuccession};
use crate::db::{queries, Db, DbError};
use crate::domain::kinds::{AuthorityKind, UnitLevel};

/// What separates a code from a day in a unit reference (`91@2025-07-01`).
pub const REF_DATE: char = '@';

/// Whether unit `u` exists on `day`.
pub fn holds(u: &Unit, day: NaiveDate) -> bool {
    u.valid_from.is_none_or(|f| f <= day) && u.valid_to.is_none_or(|t| day <= t)
}

/// Whether unit `u` exists on any day of `from ..= to` (open ends: unbounded).
pub fn overlaps(u: &Unit, from: Option<NaiveDate>, to: Option<NaiveDate>) -> bool {
    let starts_after = matches!((from, u.valid_to), (Some(f), Some(t)) if f > t);
    let ends_before = matches!((to, u.valid_from), (Some(t), Some(f)) if t < f);
    !starts_after && !ends_before
}

/// A unit's identity as the audit trail names it: `91` or `91@2025-07-01`.
pub fn identity(code: &str, valid_from: Option<NaiveDate>) -> String {
    match valid_from {
        Some(f) => format!("{code}{REF_DATE}{f}"),
        None => code.to_string(),
    }
}

/// `từ 01/07/2025`, `đến 30/06/2025`, `01/01/1997 – 30/06/2025`, `không giới hạn`.
pub fn span(from: Option<NaiveDate>, to: Option<NaiveDate>) -> String {
    let d = |d: NaiveDate| d.format("%d/%m/%Y").to_string();
    match (from, to) {
        (Some(f), Some(t)) => format!("{} – {}", d(f), d(t)),
        (Some(f), None) => format!("từ {}", d(f)),
        (None, Some(t)) => format!("đến {}", d(t)),
        (None, None) => "không giới hạn ngày".into(),
    }
}

pub struct Org {
    pub units: HashMap<i64, Unit>,
    pub authorities: HashMap<i64, Authority>,
    successions: Vec<UnitSuccession>,
    /// Indexes into `successions` by predecessor and by successor: lists and pickers label
    /// every unit, so each lookup must not walk all successions.
    by_predecessor: HashMap<i64, Vec<usize>>,
    by_successor: HashMap<i64, Vec<usize>>,
    /// Each unit's level, read strictly when loaded.
    levels: HashMap<i64, UnitLevel>,
    /// Each authority's kind, read strictly when loaded.
    kinds: HashMap<i64, AuthorityKind>,
    /// The units that held each code, earliest first.
    by_code: HashMap<String, Vec<i64>>,
}

/// The organisation last loaded by this process, with the stamp it was loaded under.
static HELD: std::sync::Mutex<Option<(i64, Arc<Org>)>> = std::sync::Mutex::new(None);

impl Org {
    /// The whole organisation, shared: the one this process holds while the database's stamp
    /// (a new random number on every change to units, successions or authorities, set by
    /// triggers) is the one it was loaded under, else loaded afresh. One small read on most
    /// calls instead of every unit of the country. See [`Org::load_fresh`] for the errors.
    pub fn load(db: &mut Db<'_>) -> Result<Arc<Org>, DbError> {
        let stamp = queries::org_stamp(db)?;
        if let Ok(held) = HELD.lock() {
            if let Some((at, org)) = held.as_ref() {
                if *at == stamp {
                    return Ok(org.clone());
                }
            }
        }
        let org = Arc::new(Org::load_fresh(db)?);
        // Kept only if the stamp did not move while loading (a change committed meanwhile).
        if queries::org_stamp(db)? == stamp {
            if let Ok(mut held) = HELD.lock() {
                *held = Some((stamp, org.clone()));
            }
        }
        Ok(org)
    }

    /// The whole organisation read from the database. A unit of unknown stored level or an
    /// authority of unknown stored kind stops the load with an error naming the row: it is
    /// never taken for "not this level" (a missing province, an authority out of its group).
    pub fn load_fresh(db: &mut Db<'_>) -> Result<Org, DbError> {
        let units = queries::all_units(db)?;
        let authorities = queries::all_authorities(db)?;
        let mut levels = HashMap::with_capacity(units.len());
        for u in &units {
            levels.insert(u.id, u.level_stored()?);
        }
        let mut kinds = HashMap::with_capacity(authorities.len());
        for a in &authorities {
            kinds.insert(a.id, a.kind_stored()?);
        }
        let mut by_code: HashMap<String, Vec<i64>> = HashMap::new();
        let mut ordered: Vec<&Unit> = units.iter().collect();
        ordered.sort_by_key(|u| (u.valid_from, u.id));
        for u in ordered {
            by_code.entry(u.code.clone()).or_default().push(u.id);
        }
        let successions = queries::all_successions(db)?;
        let (mut by_predecessor, mut by_successor) = (HashMap::new(), HashMap::new());
        for (i, s) in successions.iter().enumerate() {
            by_predecessor
                .entry(s.predecessor_id)
                .or_insert_with(Vec::new)
                .push(i);
            by_successor
                .entry(s.successor_id)
                .or_insert_with(Vec::new)
                .push(i);
        }
        Ok(Org {
            by_code,
            units: units.into_iter().map(|u| (u.id, u)).collect(),
            authorities: authorities.into_iter().map(|a| (a.id, a)).collect(),
            successions,
            by_predecessor,
            by_successor,
            levels,
            kinds,
        })
    }

    /// The level of unit `unit` (`None`: no such unit).
    pub fn unit_level(&self, unit: i64) -> Option<UnitLevel> {
        self.levels.get(&unit).copied()
    }

    /// The kind of authority `authority` (`None`: no such authority).
    pub fn authority_kind(&self, authority: i64) -> Option<AuthorityKind> {
        self.kinds.get(&authority).copied()
    }

    /// The level of the unit of authority `authority` (`None`: no such authority, or an
    /// authority without a unit, i.e. a central one).
    pub fn authority_level(&self, authority: i64) -> Option<UnitLevel> {
        let unit = self.authorities.get(&authority)?.unit_id?;
        self.unit_level(unit)
    }

    /// The unit a bare code names where no day is known: the latest holder of the code
    /// (`91` is An Giang, formed on 1 July 2025); `code@YYYY-MM-DD` names the holder on
    /// that day.
    pub fn unit_by_code(&self, code: &str) -> Option<&Unit> {
        if let Some((code, day)) = code.split_once(REF_DATE) {
            let day = NaiveDate::parse_from_str(day, "%Y-%m-%d").ok()?;
            return self.unit_on(code, day);
        }
        self.holders(code).last().copied()
    }

    /// The units that held `code`, earliest first.
    pub fn holders(&self, code: &str) -> Vec<&Unit> {
        self.by_code
            .get(code)
            .map(|ids| ids.iter().filter_map(|i| self.units.get(i)).collect())
            .unwrap_or_default()
    }

    /// The unit holding `code` on `day`.
    pub fn unit_on(&self, code: &str, day: NaiveDate) -> Option<&Unit> {
        self.holders(code).into_iter().find(|u| holds(u, day))
    }

    /// How a unit is named where its code alone would be ambiguous: `91` when no other unit
    /// ever held the code, else `91@2025-07-01` (its first day; its last day if it has none).
    pub fn unit_reference(&self, unit: &Unit) -> String {
        let shared = self
            .by_code
            .get(&unit.code)
            .is_some_and(|ids| ids.len() > 1);
        match (shared, unit.valid_from.or(unit.valid_to)) {
            (true, Some(day)) => format!("{}{REF_DATE}{day}", unit.code),
            _ => unit.code.clone(),
        }
    }

    /// Direct successors of a unit with the day each took over.
    pub fn unit_successors(&self, unit: i64) -> Vec<(&Unit, NaiveDate)> {
        self.successions_at(&self.by_predecessor, unit)
            .filter_map(|s| Some((self.units.get(&s.successor_id)?, s.effective_on)))
            .collect()
    }

    pub fn unit_predecessors(&self, unit: i64) -> Vec<(&Unit, NaiveDate)> {
        self.successions_at(&self.by_successor, unit)
            .filter_map(|s| Some((self.units.get(&s.predecessor_id)?, s.effective_on)))
            .collect()
    }

    /// The successions `index` lists for `unit`, in stored order.
    fn successions_at<'a>(
        &'a self,
        index: &'a HashMap<i64, Vec<usize>>,
        unit: i64,
    ) -> impl Iterator<Item = &'a UnitSuccession> + 'a {
        index
            .get(&unit)
            .into_iter()
            .flatten()
            .filter_map(|i| self.successions.get(*i))
    }

    fn closure(&self, start: i64, forward: bool) -> Vec<i64> {
        let mut seen = HashSet::new();
        let mut todo = vec![start];
        let mut out = Vec::new();
        let index = if forward {
            &self.by_predecessor
        } else {
            &self.by_successor
        };
        while let Some(u) = todo.pop() {
            for s in self.successions_at(index, u) {
                let to = if forward {
                    s.successor_id
                } else {
                    s.predecessor_id
                };
                if to != start && seen.insert(to) {
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

    fn same_kind_in(&self, kind: Option<AuthorityKind>, units: &[i64]) -> Vec<i64> {
        let mut v: Vec<i64> = self
            .authorities
            .values()
            .filter(|a| self.authority_kind(a.id) == kind)
            .filter(|a| a.unit_id.is_some_and(|u| units.contains(&u)))
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
        self.same_kind_in(self.authority_kind(a.id), &self.closure(unit, false))
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
        self.same_kind_in(self.authority_kind(a.id), &direct)
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
