//! The catalogue, unit listings and anonymous pages of today, kept until the database changes
//! (the outbox moves) or the day changes.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix_web::web::Bytes;
use chrono::NaiveDate;

use super::catalogue::{unit_listing, Catalogue, UnitListing};
use crate::app::{on_pool, AppState};
use crate::clock::today;
use crate::db::{queries, Db};
use crate::error::AppError;
use crate::registry::org::Org;
use crate::registry::status::SharedGraph;

/// How long the cached listings are trusted before the outbox is looked at again.
pub const CHECK_EVERY: Duration = Duration::from_secs(1);
/// Rendered pages kept per state of the database.
const MAX_PAGES: usize = 1024;

struct Generation {
    /// The newest outbox id when the catalogue was built.
    version: i64,
    date: NaiveDate,
    checked: Instant,
    catalogue: Arc<Catalogue>,
    units: HashMap<i64, Arc<UnitListing>>,
    pages: HashMap<String, Bytes>,
}

/// Catalogue, unit listings and anonymous pages of today, kept until the database changes.
#[derive(Default)]
pub struct ListingCache {
    held: Mutex<Option<Generation>>,
    /// Held while today's catalogue is loaded: requests arriving meanwhile (a server's first
    /// seconds, or the moment after a write under load) wait for that one load and take it.
    loading: Mutex<()>,
    /// Catalogues of today loaded since the start.
    loads: std::sync::atomic::AtomicUsize,
}

impl ListingCache {
    /// A page rendered for this address, and the outbox id it was rendered at; `stale` when
    /// the cache was last confirmed current [`CHECK_EVERY`] ago or more. The first reader to
    /// find it stale confirms it (the others keep being answered from it meanwhile).
    pub fn kept_page(&self, key: &str) -> Option<(i64, Bytes, bool)> {
        let mut held = self.held.lock().ok()?;
        let g = held.as_mut()?;
        if g.date != today() {
            return None;
        }
        let body = g.pages.get(key)?.clone();
        let stale = g.checked.elapsed() >= CHECK_EVERY;
        if stale {
            g.checked = Instant::now();
        }
        Some((g.version, body, stale))
    }

    /// Marks the cache current again when the outbox has not moved since `version`.
    pub fn confirm(&self, version: i64, now_at: i64) -> bool {
        if version != now_at {
            return false;
        }
        if let Ok(mut held) = self.held.lock() {
            if let Some(g) = held.as_mut().filter(|g| g.version == version) {
                g.checked = Instant::now();
                return true;
            }
        }
        false
    }

    pub fn put_page(&self, version: i64, key: String, body: Bytes) {
        if let Ok(mut held) = self.held.lock() {
            if let Some(g) = held.as_mut().filter(|g| g.version == version) {
                if g.pages.len() >= MAX_PAGES {
                    g.pages.clear();
                }
                g.pages.insert(key, body);
            }
        }
    }

    /// Today's catalogue held, if it was built at outbox id `version`.
    fn held_catalogue(&self, version: i64, date: NaiveDate) -> Option<Arc<Catalogue>> {
        let mut held = self.held.lock().ok()?;
        let g = held
            .as_mut()
            .filter(|g| g.version == version && g.date == date)?;
        g.checked = Instant::now();
        Some(g.catalogue.clone())
    }

    /// How many catalogues of today were loaded since the start.
    pub fn loads(&self) -> usize {
        self.loads.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The catalogue as of `date` and the outbox id it reflects (only today's is kept).
    pub fn catalogue(
        &self,
        db: &mut Db<'_>,
        graphs: &SharedGraph,
        date: NaiveDate,
    ) -> Result<(i64, Arc<Catalogue>), AppError> {
        let version = queries::outbox_max(db)?;
        if date != today() {
            return Ok((version, Arc::new(Catalogue::load(db, graphs, date)?)));
        }
        if let Some(c) = self.held_catalogue(version, date) {
            return Ok((version, c));
        }
        let _loading = self
            .loading
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(c) = self.held_catalogue(version, date) {
            return Ok((version, c));
        }
        self.loads
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let catalogue = Arc::new(Catalogue::load(db, graphs, date)?);
        if let Ok(mut held) = self.held.lock() {
            if held
                .as_ref()
                .is_none_or(|g| g.version <= version || g.date != date)
            {
                *held = Some(Generation {
                    version,
                    date,
                    checked: Instant::now(),
                    catalogue: catalogue.clone(),
                    units: HashMap::new(),
                    pages: HashMap::new(),
                });
            }
        }
        Ok((version, catalogue))
    }

    pub fn unit(
        &self,
        db: &mut Db<'_>,
        org: &Org,
        version: i64,
        catalogue: &Catalogue,
        unit: &crate::db::models::Unit,
    ) -> Result<Arc<UnitListing>, AppError> {
        let date = catalogue.date;
        let cached = date == today();
        if cached {
            if let Ok(held) = self.held.lock() {
                if let Some(l) = held
                    .as_ref()
                    .filter(|g| g.version == version && g.date == date)
                    .and_then(|g| g.units.get(&unit.id))
                {
                    return Ok(l.clone());
                }
            }
        }
        let listing = Arc::new(unit_listing(db, org, catalogue, unit, date)?);
        if cached {
            if let Ok(mut held) = self.held.lock() {
                if let Some(g) = held
                    .as_mut()
                    .filter(|g| g.version == version && g.date == date)
                {
                    g.units.insert(unit.id, listing.clone());
                }
            }
        }
        Ok(listing)
    }
}

/// The page kept for this address, confirmed current (one small query at most every
/// [`CHECK_EVERY`]).
pub async fn kept(state: &AppState, key: Option<&str>) -> Result<Option<Bytes>, AppError> {
    let Some((version, body, stale)) = key.and_then(|k| state.procedure_listings.kept_page(k))
    else {
        return Ok(None);
    };
    if !stale {
        return Ok(Some(body));
    }
    let now_at = on_pool(state, |db| Ok(queries::outbox_max(db)?)).await?;
    Ok(state
        .procedure_listings
        .confirm(version, now_at)
        .then_some(body))
}
