//! The application layer under `web` (HTML) and `api` (JSON): the shared state, database
//! access off the async workers, parameter helpers, and the read models both sides render.

pub mod account;
pub mod announce;
pub mod annual;
pub mod answers;
pub mod api_description;
pub mod body;
pub mod consolidated;
pub mod contacts;
pub mod counter;
pub mod desk;
pub mod documents;
pub mod inspections;
pub mod metrics;
pub mod originals;
pub mod procedure_forms;
pub mod procedures;
pub mod register;
pub mod review;
pub mod scorecard;
pub mod search;
pub mod units;
pub mod view;
// issue 16: a new document from its signed file, effects by hand
pub mod intake;
// ed: editing, corrections, versions and withdrawal.
pub mod editing;

use std::sync::Arc;

use chrono::NaiveDate;

use crate::clock::today;
use crate::db::{Db, DbPool};
use crate::error::AppError;
use crate::registry::org::Org;
pub use api_description::ApiDescription;

/// Shared state of the application: pools, caches and limits, for `web` and `api` alike.
#[derive(Clone)]
pub struct AppState {
    pub pool: DbPool,
    /// The search index of this instance (absent only in tests that do not search).
    pub search: Option<std::sync::Arc<crate::search::service::SearchService>>,
    /// Recent search results, valid until the index changes.
    pub search_cache: std::sync::Arc<crate::search::cache::ResultCache>,
    /// Authorities and units as the search parameters see them.
    pub org_cache: std::sync::Arc<OrgCache>,
    /// Trusted proxies and whether plain http is allowed (see `auth::guard`).
    pub security: std::sync::Arc<crate::auth::Security>,
    /// Document statuses, shared until the registry changes.
    pub statuses: std::sync::Arc<crate::registry::status::SharedGraph>,
    /// Prometheus metrics of this service.
    pub metrics: std::sync::Arc<metrics::Metrics>,
    /// The procedure catalogue, unit listings and their public pages, kept until the
    /// database changes (see `app::procedures`).
    pub procedure_listings: std::sync::Arc<procedures::ListingCache>,
    /// Outbox entries the search index may lag behind before `/readyz` says not ready.
    pub ready_max_lag: i64,
    /// Targets of the reform scorecard (configuration `[scorecard]`).
    pub scorecard_targets: crate::domain::scorecard::Targets,
    /// Request bodies held at once (see [`BODY_BUDGET`]).
    pub bodies: std::sync::Arc<BodyBudget>,
    /// Login throttle, password check queue and token lifetime (`[login]`, `[api_tokens]`).
    pub accounts: std::sync::Arc<crate::auth::AccountLimits>,
    /// Today's date for the pages that take none (the system clock but in tests).
    pub clock: crate::clock::Clock,
    /// The header's count of each user's «Việc của tôi», kept until something is written.
    pub desk_counts: std::sync::Arc<desk::CountCache>,
}

/// Authorities, units and successions, reloaded at most every [`OrgCache::TTL`]: every search
/// checks its parameters against them, and they change a few times a year.
#[derive(Default)]
pub struct OrgCache {
    held: std::sync::Mutex<Option<(std::time::Instant, std::sync::Arc<Org>)>>,
}

impl OrgCache {
    pub const TTL: std::time::Duration = std::time::Duration::from_secs(5);

    pub fn get(&self, pool: &DbPool) -> Result<std::sync::Arc<Org>, AppError> {
        if let Ok(held) = self.held.lock() {
            if let Some((at, org)) = held.as_ref() {
                if at.elapsed() < Self::TTL {
                    return Ok(org.clone());
                }
            }
        }
        let mut conn = pool.get()?;
        let org = Org::load(&mut conn.db())?;
        if let Ok(mut held) = self.held.lock() {
            *held = Some((std::time::Instant::now(), org.clone()));
        }
        Ok(org)
    }
}

impl AppState {
    pub fn new(
        pool: DbPool,
        search: Option<std::sync::Arc<crate::search::service::SearchService>>,
        search_cache_entries: usize,
    ) -> AppState {
        AppState {
            pool,
            search,
            search_cache: std::sync::Arc::new(crate::search::cache::ResultCache::new(
                search_cache_entries,
            )),
            org_cache: std::sync::Arc::default(),
            security: std::sync::Arc::default(),
            statuses: std::sync::Arc::default(),
            metrics: std::sync::Arc::default(),
            procedure_listings: std::sync::Arc::default(),
            ready_max_lag: 1000,
            scorecard_targets: crate::domain::scorecard::Targets::default(),
            bodies: std::sync::Arc::new(BodyBudget::default()),
            accounts: std::sync::Arc::default(),
            clock: crate::clock::system(),
            desk_counts: std::sync::Arc::default(),
        }
    }

    /// The same state dated by this clock (tests whose answers must not follow the calendar).
    pub fn with_clock(mut self, clock: crate::clock::Clock) -> AppState {
        self.clock = clock;
        self
    }

    /// Today, by this state's clock.
    pub fn today(&self) -> NaiveDate {
        (self.clock)()
    }

    /// The same state with these account limits (tests use short delays and a small queue).
    pub fn with_accounts(mut self, settings: crate::auth::AccountSettings) -> AppState {
        self.accounts = std::sync::Arc::new(crate::auth::AccountLimits::new(settings));
        self
    }

    /// The same state with these deployment facts (proxies, loopback).
    pub fn with_security(mut self, security: crate::auth::Security) -> AppState {
        self.security = std::sync::Arc::new(security);
        self
    }
}

/// Parses a date typed by a reader: `2024-05-01` or `01/05/2024`; empty means today.
pub fn parse_date(s: Option<&str>) -> Result<NaiveDate, AppError> {
    let s = s.map(str::trim).unwrap_or("");
    if s.is_empty() {
        return Ok(today());
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(s, "%d/%m/%Y"))
        .map_err(|_| AppError::BadRequest(format!("Ngày «{s}» không hợp lệ: nhập theo dạng năm-tháng-ngày (2024-05-01) hoặc ngày/tháng/năm (01/05/2024).")))
}

/// A query parameter's value, trimmed; `None` when absent or blank.
pub fn opt(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// A 400 naming the parameter.
pub fn bad_param(param: &str, msg: String) -> AppError {
    AppError::BadRequest(format!("Tham số «{param}»: {msg}"))
}

/// A numeric query parameter; a value that is not a number is a 400 naming the parameter.
pub fn number_param<T: std::str::FromStr>(
    param: &str,
    s: &Option<String>,
) -> Result<Option<T>, AppError> {
    match opt(s) {
        None => Ok(None),
        Some(v) => v
            .parse()
            .map(Some)
            .map_err(|_| bad_param(param, format!("«{v}» không phải là số hợp lệ."))),
    }
}

/// Runs `f` with a database connection on the blocking pool.
pub async fn on_pool<T, F>(state: &AppState, f: F) -> Result<T, AppError>
where
    T: Send + 'static,
    F: FnOnce(&mut Db<'_>) -> Result<T, AppError> + Send + 'static,
{
    let pool = state.pool.clone();
    actix_web::web::block(move || {
        let mut conn = pool.get()?;
        let mut db = conn.db();
        f(&mut db)
    })
    .await?
}

/// Runs `f` in a write transaction off the async workers.
pub async fn with_write<T, F>(state: &AppState, f: F) -> Result<T, AppError>
where
    T: Send + 'static,
    F: FnOnce(&mut Db<'_>) -> Result<T, AppError> + Send + 'static,
{
    let pool = state.pool.clone();
    actix_web::web::block(move || {
        let mut conn = pool.get()?;
        conn.write(f)
    })
    .await?
}

/// The review tracker's view of a signed-in user: id, audit name, and the units their scope
/// covers (predecessors included).
pub fn reviewer(
    db: &mut Db<'_>,
    actor: &crate::auth::Actor,
) -> Result<crate::review::decisions::Person, AppError> {
    let org = Org::load(db)?;
    Ok(crate::review::decisions::Person {
        id: actor.user_id,
        actor: actor.actor(),
        units: actor.scope.expanded(|u| org.all_unit_predecessors(u)),
    })
}

/// Bytes of request bodies held by all requests at once; a body that would pass it waits for
/// nobody: it is answered 503 with `Retry-After`.
pub const BODY_BUDGET: usize = 32 * 1024 * 1024;

/// A body larger than this is a large upload: [`LARGE_BODIES_AT_ONCE`] of them are received at
/// once, and another one meanwhile is answered 503 `upload-busy` with `Retry-After` (a 20 MiB
/// file and the buffers around it are held while it arrives, is checked and is stored).
pub const LARGE_BODY: usize = 4 * 1024 * 1024;

/// Large bodies (over [`LARGE_BODY`]) received at once.
pub const LARGE_BODIES_AT_ONCE: usize = 1;

/// Bodies held at once, in KiB (see [`BODY_BUDGET`]), and the slots of large bodies (see
/// [`LARGE_BODY`]).
pub struct BodyBudget {
    permits: Arc<tokio::sync::Semaphore>,
    large: Arc<tokio::sync::Semaphore>,
}

impl BodyBudget {
    pub fn new(bytes: usize) -> BodyBudget {
        BodyBudget {
            permits: Arc::new(tokio::sync::Semaphore::new(bytes.div_ceil(1024))),
            large: Arc::new(tokio::sync::Semaphore::new(LARGE_BODIES_AT_ONCE)),
        }
    }

    /// A slot for a large body (over [`LARGE_BODY`]), or `None` while
    /// [`LARGE_BODIES_AT_ONCE`] are being received.
    pub fn take_large(&self) -> Option<tokio::sync::OwnedSemaphorePermit> {
        self.large.clone().try_acquire_owned().ok()
    }

    /// A share of the budget for a body of `bytes`, or `None` when it is spent.
    pub fn take(&self, bytes: usize) -> Option<tokio::sync::OwnedSemaphorePermit> {
        let kib = u32::try_from(bytes.div_ceil(1024).max(1)).ok()?;
        self.permits.clone().try_acquire_many_owned(kib).ok()
    }
}

impl Default for BodyBudget {
    fn default() -> Self {
        BodyBudget::new(BODY_BUDGET)
    }
}

/// The signed-in user as a writer of records through the one write path: their audit name, the
/// units of their scope (with the units those took over), the organisation only for
/// administrators; a line differing from a stored record is a conflict unless the caller asks
/// to update.
pub fn writer(
    db: &mut Db<'_>,
    who: &crate::auth::Principal,
) -> Result<crate::exchange::write::Writer, AppError> {
    let org = Org::load(db)?;
    Ok(crate::exchange::write::Writer {
        actor: who.actor(),
        units: who.scope.expanded(|u| org.all_unit_predecessors(u)),
        organisation: who.role == crate::auth::Role::Admin,
        update: false,
        reason: None,
    })
}
