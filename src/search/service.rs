//! The search service of one vanban instance: one index, one reader for the process, and one
//! writer used by the indexer only. The indexer tails the outbox: it re-indexes the documents
//! each row names, commits with the last applied outbox id as payload, and after a crash starts
//! again from that id (re-indexing a document is idempotent: delete, then add its current state).
//! Statuses change when a date passes, with no write: the whole index is refreshed when the
//! day changes (and at start).

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use tantivy::{Index, IndexReader, ReloadPolicy, Searcher};

use super::build::{add_page, rebuild, BuildError, IndexStatus, Units, Writer};
use super::index::{open_or_create, Fields};
use crate::db::{queries, Db, DbPool};
use crate::registry::org::Org;
use crate::registry::status::StatusGraph;

pub use crate::clock::Clock;

/// Memory for the index writer, shared by its threads (one per core): large enough that a
/// bulk catch-up writes a few large segments rather than many small ones to merge. Only what
/// a batch needs is allocated.
const WRITER_HEAP_BYTES: usize = 256_000_000;

/// A gap in outbox ids waited for longer than this is logged (once): some transaction begun
/// before it was seen is still open in the database.
const GAP_WARN: Duration = Duration::from_secs(10);

/// Outbox ids missing below one seen committed. On PostgreSQL a transaction holding a smaller
/// id can commit after a larger one; the gap is waited for until every transaction open when
/// it was seen has ended (then a missing id was rolled back, as after a crash, and is skipped).
struct Gap {
    /// The first missing id.
    id: i64,
    since: Instant,
    /// The database's clock when the gap was seen (`None` on SQLite, where ids commit in
    /// order and a gap is never filled).
    clock: Option<String>,
    /// No transaction that could fill the gap is open any more.
    settled: bool,
    warned: bool,
}

struct State {
    writer: Writer,
    /// The generation directory in use (on disk only).
    generation: Option<String>,
    /// Every outbox id up to this one has been applied.
    applied: i64,
    /// The day the statuses in the index were computed for.
    day: Option<NaiveDate>,
    /// The oldest gap currently waited for.
    gap: Option<Gap>,
}

pub struct SearchService {
    pub fields: Fields,
    /// Swapped whole when `vanban reindex` publishes a new generation; a search in flight keeps
    /// the searcher it took.
    reader: RwLock<Reader>,
    state: Mutex<State>,
    clock: Clock,
    /// The directory holding the generations and the `CURRENT` file (on disk only).
    dir: Option<PathBuf>,
    /// Set at shutdown: the indexer thread finishes its round (committed) and returns.
    stopping: std::sync::atomic::AtomicBool,
    /// What `/readyz` and `/metrics` read without waiting for the writer's lock, which a
    /// rebuild holds for as long as it runs.
    progress: Progress,
}

/// The index's position, readable while the indexer works.
#[derive(Default)]
struct Progress {
    /// Every outbox id up to this one has been applied (a copy of `State::applied`).
    applied: AtomicI64,
    /// The index holds the registry as of some day (it was built at least once).
    built: AtomicBool,
    /// A whole rebuild is running.
    building: AtomicBool,
}

/// Where an instance's index stands, for `/readyz`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndexPhase {
    /// Never built (an empty index directory), or a whole rebuild is running: searches answer
    /// from what the index holds so far.
    Building,
    /// Built; it follows the outbox.
    Following,
}

/// The file naming the generation directory in use.
const CURRENT: &str = "CURRENT";

fn read_current(dir: &Path) -> Option<String> {
    std::fs::read_to_string(dir.join(CURRENT))
        .ok()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

/// Points `CURRENT` at `generation` atomically (write, fsync, rename).
fn write_current(dir: &Path, generation: &str) -> std::io::Result<()> {
    use std::io::Write;
    let tmp = dir.join(format!("{CURRENT}.tmp"));
    let mut f = std::fs::File::create(&tmp)?;
    f.write_all(generation.as_bytes())?;
    f.sync_all()?;
    std::fs::rename(&tmp, dir.join(CURRENT))
}

fn new_generation() -> String {
    format!("gen-{}", chrono::Utc::now().format("%Y%m%dT%H%M%S%.6f"))
}

/// The index's reader and its warmer, which tantivy holds weakly: it lives as long as the
/// reader, and forgets what it read of the segments when they go (or when the reader does).
struct Reader {
    reader: IndexReader,
    _warm: std::sync::Arc<super::dense::Warm>,
}

fn open_reader(index: &Index) -> tantivy::Result<Reader> {
    let warm = std::sync::Arc::new(super::dense::Warm::default());
    let weak: std::sync::Weak<dyn tantivy::Warmer> = std::sync::Arc::downgrade(&warm) as _;
    let reader = index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .warmers(vec![weak])
        .try_into()?;
    Ok(Reader {
        reader,
        _warm: warm,
    })
}

fn payload(applied: i64, day: NaiveDate) -> String {
    format!("outbox={applied};day={day}")
}

fn parse_payload(p: &str) -> (i64, Option<NaiveDate>) {
    let mut applied = 0;
    let mut day = None;
    for part in p.split(';') {
        match part.split_once('=') {
            Some(("outbox", v)) => applied = v.parse().unwrap_or(0),
            Some(("day", v)) => day = NaiveDate::parse_from_str(v, "%Y-%m-%d").ok(),
            _ => {}
        }
    }
    (applied, day)
}

impl SearchService {
    fn prepare(
        mut index: Index,
        fresh: bool,
    ) -> Result<(Reader, Writer, i64, Option<NaiveDate>), BuildError> {
        // Segments are searched in parallel: one query uses both cores.
        index.set_default_multithread_executor()?;
        let reader = open_reader(&index)?;
        let (applied, day) = if fresh {
            (0, None)
        } else {
            index
                .load_metas()?
                .payload
                .as_deref()
                .map(parse_payload)
                .unwrap_or((0, None))
        };
        let writer = index.writer(WRITER_HEAP_BYTES)?;
        // The largest segments stay about equal, one per search thread.
        let threads = std::thread::available_parallelism().map_or(2, usize::from);
        writer.set_merge_policy(Box::new(super::merge::BalancedMergePolicy::new(threads)));
        Ok((reader, writer, applied, day))
    }

    fn from_index(
        index: Index,
        fields: Fields,
        clock: Clock,
        fresh: bool,
        dir: Option<(PathBuf, String)>,
    ) -> Result<SearchService, BuildError> {
        let (reader, writer, applied, day) = Self::prepare(index, fresh)?;
        let (dir, generation) = match dir {
            Some((d, g)) => (Some(d), Some(g)),
            None => (None, None),
        };
        let progress = Progress::default();
        progress.applied.store(applied, Ordering::Relaxed);
        progress.built.store(day.is_some(), Ordering::Relaxed);
        Ok(SearchService {
            fields,
            reader: RwLock::new(reader),
            state: Mutex::new(State {
                writer,
                generation,
                applied,
                day,
                gap: None,
            }),
            clock,
            dir,
            stopping: AtomicBool::new(false),
            progress,
        })
    }

    /// Opens the generation of `dir` that `CURRENT` names, creating the first one if needed.
    pub fn open(dir: &Path, clock: Clock) -> Result<SearchService, BuildError> {
        std::fs::create_dir_all(dir)?;
        let generation = match read_current(dir) {
            Some(g) => g,
            None => {
                let g = new_generation();
                write_current(dir, &g)?;
                g
            }
        };
        let (index, fields, fresh) = open_or_create(&dir.join(&generation))?;
        Self::from_index(
            index,
            fields,
            clock,
            fresh,
            Some((dir.to_path_buf(), generation)),
        )
    }

    pub fn in_memory(clock: Clock) -> Result<SearchService, BuildError> {
        let (index, fields) = super::index::in_memory();
        Self::from_index(index, fields, clock, true, None)
    }

    /// `vanban reindex`: builds a fresh index from the database in a new generation directory,
    /// then points `CURRENT` at it in one rename. Running instances switch to it at their next
    /// catch-up and keep answering meanwhile; older generations but the previous are deleted.
    pub fn reindex(dir: &Path, pool: &DbPool, clock: Clock) -> Result<usize, BuildError> {
        std::fs::create_dir_all(dir)?;
        let generation = new_generation();
        let n = {
            let (index, fields, _) = open_or_create(&dir.join(&generation))?;
            let service = Self::from_index(index, fields, clock, true, None)?;
            let n = service.rebuild(pool)?;
            // The bulk build leaves a dozen segments being merged; the generation is published
            // once they are merged, so searches start on the balanced segments.
            service.finish_merges()?;
            n
        };
        let previous = read_current(dir);
        write_current(dir, &generation)?;
        for entry in std::fs::read_dir(dir)?.flatten() {
            let name = entry.file_name().to_string_lossy().to_string();
            if name.starts_with("gen-") && name != generation && Some(&name) != previous.as_ref() {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
        Ok(n)
    }

    /// Waits for the merges in progress (and those they lead to), then closes the writer.
    fn finish_merges(self) -> Result<(), BuildError> {
        let state = self.state.into_inner().map_err(|_| {
            BuildError::Index(tantivy::TantivyError::SystemError(
                "index writer lock poisoned".into(),
            ))
        })?;
        let index = state.writer.index().clone();
        state.writer.wait_merging_threads()?;
        // Then the segments are merged into one per search thread of about equal size.
        let threads = std::thread::available_parallelism().map_or(2, usize::from);
        let sizes: Vec<_> = index
            .searchable_segment_metas()?
            .iter()
            .map(|m| (m.id(), m.num_docs()))
            .collect();
        let groups = super::merge::balance(&sizes, threads);
        if groups.is_empty() {
            return Ok(());
        }
        let mut writer: Writer = index.writer(WRITER_HEAP_BYTES)?;
        writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
        let merges: Vec<_> = groups.iter().map(|g| writer.merge(g)).collect();
        for m in merges {
            m.wait()?;
        }
        writer.wait_merging_threads()?;
        Ok(())
    }

    /// Switches to the generation `CURRENT` names when another process published a new one.
    fn follow_current(&self) -> Result<bool, BuildError> {
        let Some(dir) = &self.dir else {
            return Ok(false);
        };
        let Some(current) = read_current(dir) else {
            return Ok(false);
        };
        let mut st = self.lock()?;
        if st.generation.as_deref() == Some(current.as_str()) {
            return Ok(false);
        }
        let (index, _, fresh) = open_or_create(&dir.join(&current))?;
        let (reader, writer, applied, day) = Self::prepare(index, fresh)?;
        // The new writer locks the new generation; the old one is released here.
        st.writer = writer;
        st.applied = applied;
        st.day = day;
        self.progress.applied.store(applied, Ordering::Relaxed);
        self.progress.built.store(day.is_some(), Ordering::Relaxed);
        st.gap = None;
        st.generation = Some(current);
        drop(st);
        let mut r = self.reader.write().map_err(|_| {
            BuildError::Index(tantivy::TantivyError::SystemError(
                "reader lock poisoned".into(),
            ))
        })?;
        *r = reader;
        Ok(true)
    }

    /// Units in the index by kind (`document`, `article`, `procedure`), counted exactly.
    pub fn count_units(&self) -> tantivy::Result<Vec<(&'static str, usize)>> {
        use super::query::Scope;
        let searcher = self.searcher();
        [Scope::Documents, Scope::Articles, Scope::Procedures]
            .into_iter()
            .map(|scope| {
                let q = tantivy::query::TermQuery::new(
                    tantivy::Term::from_field_text(self.fields.kind, scope.kind()),
                    tantivy::schema::IndexRecordOption::Basic,
                );
                Ok((
                    scope.kind(),
                    searcher.search(&q, &tantivy::collector::Count)?,
                ))
            })
            .collect()
    }

    pub fn searcher(&self) -> Searcher {
        match self.reader.read() {
            Ok(r) => r.reader.searcher(),
            Err(poisoned) => poisoned.into_inner().reader.searcher(),
        }
    }

    fn reload(&self) -> Result<(), BuildError> {
        match self.reader.read() {
            Ok(r) => r.reader.reload()?,
            Err(poisoned) => poisoned.into_inner().reader.reload()?,
        }
        Ok(())
    }

    pub fn today(&self) -> NaiveDate {
        (self.clock)()
    }

    /// Outbox position applied so far (never waits for the indexer).
    pub fn applied(&self) -> i64 {
        self.progress.applied.load(Ordering::Relaxed)
    }

    /// Whether the index is being built (never waits for the indexer).
    pub fn phase(&self) -> IndexPhase {
        if self.progress.building.load(Ordering::Relaxed)
            || !self.progress.built.load(Ordering::Relaxed)
        {
            IndexPhase::Building
        } else {
            IndexPhase::Following
        }
    }

    fn lock(&self) -> Result<std::sync::MutexGuard<'_, State>, BuildError> {
        self.state.lock().map_err(|_| {
            BuildError::Index(tantivy::TantivyError::SystemError(
                "index writer lock poisoned".into(),
            ))
        })
    }

    /// Rebuilds everything from the database, with statuses as of today.
    pub fn rebuild(&self, pool: &DbPool) -> Result<usize, BuildError> {
        let mut st = self.lock()?;
        self.progress.building.store(true, Ordering::Relaxed);
        let built = self.rebuild_locked(&mut st, pool);
        self.progress.building.store(false, Ordering::Relaxed);
        drop(st);
        let n = built?;
        self.reload()?;
        Ok(n)
    }

    fn rebuild_locked(&self, st: &mut State, pool: &DbPool) -> Result<usize, BuildError> {
        let mut conn = pool.get()?;
        let mut db = conn.db();
        // Rows appended after this point are applied by the next catch-up.
        let applied = queries::outbox_max(&mut db)?;
        let today = self.today();
        let n = rebuild(&mut db, &mut st.writer, &self.fields, today)?;
        let mut commit = st.writer.prepare_commit()?;
        commit.set_payload(&payload(applied, today));
        commit.commit()?;
        st.applied = applied;
        st.day = Some(today);
        st.gap = None;
        self.progress.applied.store(applied, Ordering::Relaxed);
        self.progress.built.store(true, Ordering::Relaxed);
        Ok(n)
    }

    /// A new day: re-indexes the documents whose status on it differs from their status on the
    /// day the index was last brought up to date (a document came into force, an end date or a
    /// repeal's date passed, a document it details ceased), found by deriving every status for
    /// both days from one load of the registry. Returns how many documents were re-indexed.
    pub fn refresh_statuses(&self, pool: &DbPool) -> Result<usize, BuildError> {
        let mut st = self.lock()?;
        let Some(from) = st.day else {
            drop(st);
            return self.rebuild(pool);
        };
        let today = self.today();
        let started = Instant::now();
        let mut conn = pool.get()?;
        let mut db = conn.db();
        let graph = StatusGraph::load_all(&mut db)?;
        let before = IndexStatus::all(&graph, from);
        let after = IndexStatus::all(&graph, today);
        let changed: Vec<i64> = after
            .iter()
            .filter(|(id, s)| before.get(*id) != Some(*s))
            .map(|(id, _)| *id)
            .collect();
        apply_documents_with(
            &mut db,
            &st.writer,
            &self.fields,
            &changed,
            today,
            Some(&graph),
        )?;
        let text = payload(st.applied, today);
        let mut commit = st.writer.prepare_commit()?;
        commit.set_payload(&text);
        commit.commit()?;
        st.day = Some(today);
        drop(st);
        self.reload()?;
        tracing::info!(
            from = %from,
            to = %today,
            documents = changed.len(),
            ms = started.elapsed().as_millis() as u64,
            "search index: statuses refreshed for the day"
        );
        Ok(changed.len())
    }

    /// Applies outbox rows written since the last call; on a new day first refreshes the
    /// statuses that changed (a whole rebuild when the index's day is unknown or it fell
    /// behind the retained outbox).
    /// Returns how many rows were applied.
    pub fn catch_up(&self, pool: &DbPool) -> Result<usize, BuildError> {
        if self.follow_current()? {
            tracing::info!("search index: switched to a new generation");
        }
        let (day, applied) = {
            let st = self.lock()?;
            (st.day, st.applied)
        };
        let behind = {
            let mut conn = pool.get()?;
            let oldest = queries::outbox_min(&mut conn.db())?;
            // Rows this instance never applied were pruned: only a rebuild can catch up.
            oldest > applied + 1
        };
        match day {
            _ if behind => {
                self.rebuild(pool)?;
            }
            None => {
                self.rebuild(pool)?;
            }
            Some(d) if d != self.today() => {
                self.refresh_statuses(pool)?;
            }
            Some(_) => {}
        }
        let mut st = self.lock()?;
        let mut conn = pool.get()?;
        let mut db = conn.db();
        settle_gap(&mut st.gap, &mut db)?;
        let from = st.applied;
        let rows = queries::outbox_after(&mut db, from, 50_000)?;
        if rows.is_empty() {
            return Ok(0);
        }
        let (
            watermark,
            Changed {
                mut docs,
                authorities,
                procedures,
            },
        ) = walk(&mut st.gap, from, &rows, &mut db)?;
        for a in authorities {
            docs.extend(queries::document_ids_of_authority(&mut db, a)?);
        }
        // A document that details another changes status with it.
        let targets: Vec<i64> = docs.iter().copied().collect();
        docs.extend(queries::implementing_many(&mut db, &targets)?);
        let today = self.today();
        let started = Instant::now();
        let count = docs.len();
        apply_documents(
            &mut db,
            &st.writer,
            &self.fields,
            &docs.into_iter().collect::<Vec<_>>(),
            today,
        )?;
        if !procedures.is_empty() {
            let org = Org::load(&mut db)?;
            let ids: Vec<i64> = procedures.into_iter().collect();
            super::build::apply_procedures(&mut db, &st.writer, &self.fields, &org, Some(&ids))?;
        }
        let text = payload(watermark, st.day.unwrap_or(today));
        let mut commit = st.writer.prepare_commit()?;
        commit.set_payload(&text);
        commit.commit()?;
        if st.gap.as_ref().is_some_and(|g| g.id <= watermark) {
            st.gap = None;
        }
        tracing::info!(
            rows = rows.len(),
            documents = count,
            ms = started.elapsed().as_millis() as u64,
            "index caught up"
        );
        st.applied = watermark;
        self.progress.applied.store(watermark, Ordering::Relaxed);
        drop(st);
        self.reload()?;
        Ok(rows.len())
    }

    /// Starts the indexer thread: catches up every `interval` until the process ends, and
    /// prunes outbox rows older than `retention` once an hour.
    pub fn spawn_indexer(
        self: &Arc<Self>,
        pool: DbPool,
        interval: Duration,
        retention: Duration,
    ) -> std::thread::JoinHandle<()> {
        let me = Arc::clone(self);
        std::thread::spawn(move || {
            let mut last_prune: Option<Instant> = None;
            loop {
                if let Err(e) = me.catch_up(&pool) {
                    tracing::error!(error = %e, "search indexer");
                }
                if me.stopping.load(Ordering::Relaxed) {
                    return;
                }
                if last_prune.is_none_or(|t| t.elapsed() >= Duration::from_secs(3600)) {
                    last_prune = Some(Instant::now());
                    let cutoff = chrono::Utc::now().naive_utc()
                        - chrono::Duration::from_std(retention).unwrap_or_default();
                    let pruned = pool
                        .get()
                        .map_err(BuildError::from)
                        .and_then(|mut c| Ok(queries::prune_outbox(&mut c.db(), cutoff)?));
                    match pruned {
                        Ok(n) if n > 0 => tracing::info!(rows = n, "outbox pruned"),
                        Ok(_) => {}
                        Err(e) => tracing::error!(error = %e, "outbox pruning"),
                    }
                }
                // Sleeps in short steps so that a shutdown is not kept waiting.
                let until = Instant::now() + interval;
                while Instant::now() < until && !me.stopping.load(Ordering::Relaxed) {
                    std::thread::sleep(interval.min(Duration::from_millis(50)));
                }
            }
        })
    }

    /// At shutdown: asks the indexer thread to stop after its current round, waits for it,
    /// then applies what the outbox still holds, so that everything written before the stop
    /// is committed to the index. Returns the outbox position applied.
    pub fn shut_down(
        &self,
        indexer: std::thread::JoinHandle<()>,
        pool: &DbPool,
    ) -> Result<i64, BuildError> {
        self.stopping.store(true, Ordering::Relaxed);
        if indexer.join().is_err() {
            tracing::error!("search indexer thread panicked");
        }
        self.catch_up(pool)?;
        Ok(self.applied())
    }
}

/// Whether the gap waited for is settled, asked before the rows are read so that a row
/// committed in between is read; warns once when it has waited long.
fn settle_gap(gap: &mut Option<Gap>, db: &mut Db<'_>) -> Result<(), BuildError> {
    if let Some(gap) = gap.as_mut().filter(|g| !g.settled) {
        gap.settled = match &gap.clock {
            Some(clock) => !queries::transactions_open_since(db, clock)?,
            None => true,
        };
        if !gap.settled && !gap.warned && gap.since.elapsed() >= GAP_WARN {
            gap.warned = true;
            tracing::warn!(
                gap = gap.id,
                "search index: waiting for an outbox id held by a transaction still open"
            );
        }
    }
    Ok(())
}

/// The entities outbox rows name, by kind.
#[derive(Default)]
struct Changed {
    docs: BTreeSet<i64>,
    authorities: BTreeSet<i64>,
    procedures: BTreeSet<i64>,
}

/// Walks the rows read after `applied`: the watermark moves over consecutive ids only, and a
/// gap is waited for (see [`Gap`]). Returns the new watermark and what the rows name.
fn walk(
    gap: &mut Option<Gap>,
    applied: i64,
    rows: &[(i64, String, i64)],
    db: &mut Db<'_>,
) -> Result<(i64, Changed), BuildError> {
    let mut changed = Changed::default();
    // The watermark moves over consecutive ids only; a gap is waited for (see `Gap`).
    let mut watermark = applied;
    let mut blocked = false;
    for (id, entity, entity_id) in rows {
        if !blocked && *id != watermark + 1 {
            match &*gap {
                Some(g) if g.id == watermark + 1 && g.settled => {
                    tracing::warn!(
                        from = g.id,
                        to = *id - 1,
                        "search index: outbox ids never committed (rolled back), skipped"
                    );
                }
                Some(g) if g.id == watermark + 1 => blocked = true,
                _ => {
                    *gap = Some(Gap {
                        id: watermark + 1,
                        since: Instant::now(),
                        clock: queries::outbox_gap_clock(db)?,
                        settled: false,
                        warned: false,
                    });
                    blocked = true;
                }
            }
        }
        if !blocked {
            watermark = *id;
        }
        match entity.as_str() {
            "document" => {
                changed.docs.insert(*entity_id);
            }
            "authority" => {
                changed.authorities.insert(*entity_id);
            }
            "procedure" => {
                changed.procedures.insert(*entity_id);
            }
            _ => {}
        }
    }
    Ok((watermark, changed))
}

/// Re-indexes the given documents from the database (deleting those that no longer exist),
/// a page at a time so that reading the next page overlaps indexing the previous one. The
/// documents they amend are re-indexed too: a changed amending text may quote a new wording.
fn apply_documents(
    db: &mut Db<'_>,
    writer: &Writer,
    f: &Fields,
    ids: &[i64],
    today: NaiveDate,
) -> Result<(), BuildError> {
    let mut all = ids.to_vec();
    for t in crate::db::wording::amended_by(db, ids)? {
        if !all.contains(&t) {
            all.push(t);
        }
    }
    apply_documents_with(db, writer, f, &all, today, None)
}

/// As `apply_documents`, with the statuses of a registry already loaded (`graph`).
fn apply_documents_with(
    db: &mut Db<'_>,
    writer: &Writer,
    f: &Fields,
    ids: &[i64],
    today: NaiveDate,
    graph: Option<&StatusGraph>,
) -> Result<(), BuildError> {
    if ids.is_empty() {
        return Ok(());
    }
    let org = Org::load(db)?;
    // Many documents (a bulk import): one pass over all statuses beats queries per document.
    let loaded = if graph.is_none() && ids.len() > 200 {
        Some(StatusGraph::load_all(db)?)
    } else {
        None
    };
    let whole = graph.or(loaded.as_ref());
    // A withdrawn document (entered in error) leaves the index like a deleted one.
    let withdrawn = crate::db::editing::withdrawn_ids(db)?;
    for chunk in ids.chunks(500) {
        let mut docs = queries::documents_by_ids(db, chunk)?;
        docs.retain(|d| !withdrawn.contains(&d.id));
        let present: HashSet<i64> = docs.iter().map(|d| d.id).collect();
        for id in chunk.iter().filter(|id| !present.contains(id)) {
            writer.delete_term(tantivy::Term::from_field_u64(
                f.doc_id,
                u64::try_from(*id).unwrap_or_default(),
            ));
        }
        let mut statuses: HashMap<i64, IndexStatus> = HashMap::with_capacity(docs.len());
        for d in &docs {
            let evaluation = match whole {
                Some(g) => g.evaluate(d.id, today),
                None => StatusGraph::load_around(db, d.id)?.evaluate(d.id, today),
            };
            let status = evaluation.map(|(_, e)| IndexStatus::of(&e));
            statuses.insert(d.id, status.unwrap_or_default());
        }
        add_page(
            db,
            writer,
            f,
            &org,
            &docs,
            today,
            |id| statuses.get(&id).cloned().unwrap_or_default(),
            Units::All,
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readiness_is_read_without_waiting_for_the_writer() {
        let clock: Clock = Arc::new(|| NaiveDate::from_ymd_opt(2026, 12, 2).unwrap());
        let s = Arc::new(SearchService::in_memory(clock).unwrap());
        assert_eq!(s.phase(), IndexPhase::Building, "never built");
        // A rebuild holds the writer's lock for as long as it runs: the position and the
        // phase must still answer (`/readyz` behind a proxy's health check).
        let held = s.state.lock().unwrap();
        s.progress.building.store(true, Ordering::Relaxed);
        let (tx, rx) = std::sync::mpsc::channel();
        let reader = Arc::clone(&s);
        std::thread::spawn(move || {
            let _ = tx.send((reader.applied(), reader.phase()));
        });
        let answer = rx.recv_timeout(Duration::from_secs(10));
        drop(held);
        assert_eq!(answer, Ok((0, IndexPhase::Building)));
        s.progress.building.store(false, Ordering::Relaxed);
        s.progress.built.store(true, Ordering::Relaxed);
        assert_eq!(s.phase(), IndexPhase::Following);
    }

    #[test]
    fn payload_round_trips() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        assert_eq!(parse_payload(&payload(42, d)), (42, Some(d)));
        assert_eq!(parse_payload("garbage"), (0, None));
    }
}
