//! Database access: one connection enum over SQLite (embedded, default) and PostgreSQL, picked
//! from the URL scheme; pools; embedded migrations; and the queries of each table family.
//!
//! Queries are written once with diesel's DSL and run on either backend through
//! [`with_conn!`], which expands the same block for each concrete connection type.

pub mod audit;
pub mod backup;
pub mod bench;
pub mod campaigns;
pub mod contacts;
pub mod desk;
pub mod feeds;
pub mod limits;
pub mod models;
pub mod originals;
pub mod procedure_forms;
pub mod procedures;
pub mod queries;
pub mod registry;
pub mod review;
pub mod schema;
pub mod scope;
pub mod search;
pub mod sessions;
pub mod status;
pub mod stored;
pub mod tokens;
pub mod users;
pub mod wording;
// issue 16: the new-document and effects forms
pub mod intake;
// ed: corrections and withdrawals.
pub mod editing;

use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::r2d2::{ConnectionManager, CustomizeConnection, Pool, PooledConnection};
use diesel::sqlite::SqliteConnection;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error(
        "địa chỉ cơ sở dữ liệu không hợp lệ «{0}»: cần bắt đầu bằng sqlite:// hoặc postgres://"
    )]
    Url(String),
    #[error("không kết nối được cơ sở dữ liệu: {0}")]
    Pool(#[from] diesel::r2d2::PoolError),
    #[error("lỗi cơ sở dữ liệu: {0}")]
    Query(#[from] diesel::result::Error),
    /// A database that cannot be opened (`url` empty where the caller does not know it).
    #[error(
        "địa chỉ cơ sở dữ liệu không hợp lệ «{}»: cần bắt đầu bằng sqlite:// hoặc postgres://",
        connect_target(.url, .source)
    )]
    Connect {
        url: String,
        #[source]
        source: diesel::ConnectionError,
    },
    /// A stored value that does not fit its type (see [`stored`]).
    #[error(transparent)]
    Corrupt(#[from] stored::Corrupt),
    #[error("lỗi chuyển đổi cấu trúc cơ sở dữ liệu: {0}")]
    Migration(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// `url: cause`, or the cause alone where the URL is not known.
fn connect_target(url: &str, source: &diesel::ConnectionError) -> String {
    if url.is_empty() {
        source.to_string()
    } else {
        format!("{url}: {source}")
    }
}

/// Which database a URL names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Backend {
    Sqlite(String),
    Postgres(String),
}

impl Backend {
    pub fn from_url(url: &str) -> Result<Backend, DbError> {
        if let Some(path) = url.strip_prefix("sqlite://") {
            if path.is_empty() {
                return Err(DbError::Url(url.into()));
            }
            Ok(Backend::Sqlite(path.to_string()))
        } else if let Some(path) = url.strip_prefix("sqlite:") {
            if path.is_empty() {
                return Err(DbError::Url(url.into()));
            }
            Ok(Backend::Sqlite(path.to_string()))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres(url.to_string()))
        } else {
            Err(DbError::Url(url.into()))
        }
    }
}

/// Pragmas every SQLite connection runs: the database is the record, so durability first.
#[derive(Debug)]
struct SqlitePragmas;

impl CustomizeConnection<SqliteConnection, diesel::r2d2::Error> for SqlitePragmas {
    fn on_acquire(&self, conn: &mut SqliteConnection) -> Result<(), diesel::r2d2::Error> {
        conn.batch_execute(
            "PRAGMA busy_timeout = 10000; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY; PRAGMA cache_size = -32768;",
        )
        .map_err(diesel::r2d2::Error::QueryError)
    }
}

#[derive(Clone)]
pub enum DbPool {
    Sqlite(Pool<ConnectionManager<SqliteConnection>>),
    Pg(Pool<ConnectionManager<PgConnection>>),
}

pub enum Conn {
    Sqlite(PooledConnection<ConnectionManager<SqliteConnection>>),
    Pg(PooledConnection<ConnectionManager<PgConnection>>),
}

/// A borrowed connection of either backend; every query function takes one.
pub enum Db<'a> {
    Sqlite(&'a mut SqliteConnection),
    Pg(&'a mut PgConnection),
}

/// Runs the same diesel code on whichever connection `db` holds.
#[macro_export]
macro_rules! with_db {
    ($db:expr, $c:ident => $body:expr) => {
        match $db {
            $crate::db::Db::Sqlite($c) => {
                let $c: &mut diesel::sqlite::SqliteConnection = &mut **$c;
                $body
            }
            $crate::db::Db::Pg($c) => {
                let $c: &mut diesel::pg::PgConnection = &mut **$c;
                $body
            }
        }
    };
}

impl Conn {
    /// The connection for read queries (autocommit).
    pub fn db(&mut self) -> Db<'_> {
        match self {
            Conn::Sqlite(c) => Db::Sqlite(&mut *c),
            Conn::Pg(c) => Db::Pg(&mut *c),
        }
    }

    /// Runs `f` in a write transaction: `BEGIN IMMEDIATE` on SQLite (so two writers never
    /// deadlock upgrading a read lock), a plain transaction on PostgreSQL. Rolled back on error.
    pub fn write<T, E>(&mut self, f: impl FnOnce(&mut Db<'_>) -> Result<T, E>) -> Result<T, E>
    where
        E: From<diesel::result::Error>,
    {
        use diesel::Connection as _;
        match self {
            Conn::Sqlite(c) => c.immediate_transaction(|c| f(&mut Db::Sqlite(c))),
            Conn::Pg(c) => c.transaction(|c| f(&mut Db::Pg(c))),
        }
    }
}

impl Db<'_> {
    /// Runs `f` inside a savepoint of the current transaction: on error only its writes are
    /// undone.
    pub fn savepoint<T, E>(&mut self, f: impl FnOnce(&mut Db<'_>) -> Result<T, E>) -> Result<T, E>
    where
        E: From<diesel::result::Error>,
    {
        use diesel::Connection as _;
        match self {
            Db::Sqlite(c) => c.transaction(|c| f(&mut Db::Sqlite(c))),
            Db::Pg(c) => c.transaction(|c| f(&mut Db::Pg(c))),
        }
    }

    pub fn is_sqlite(&self) -> bool {
        matches!(self, Db::Sqlite(_))
    }
}

impl DbPool {
    pub fn connect(url: &str, max_size: u32) -> Result<DbPool, DbError> {
        match Backend::from_url(url)? {
            Backend::Sqlite(path) => {
                // Page size and WAL are properties of the file: set them once, before the pool
                // opens connections in parallel (they would race for the lock).
                {
                    use diesel::Connection as _;
                    let mut c =
                        SqliteConnection::establish(&path).map_err(|source| DbError::Connect {
                            url: url.to_string(),
                            source,
                        })?;
                    c.batch_execute("PRAGMA busy_timeout = 10000; PRAGMA page_size = 16384; PRAGMA journal_mode = WAL;")?;
                }
                let pool = Pool::builder()
                    .max_size(max_size)
                    .connection_timeout(Duration::from_secs(30))
                    .connection_customizer(Box::new(SqlitePragmas))
                    .build(ConnectionManager::<SqliteConnection>::new(path))?;
                Ok(DbPool::Sqlite(pool))
            }
            Backend::Postgres(url) => {
                let pool = Pool::builder()
                    .max_size(max_size)
                    .connection_timeout(Duration::from_secs(30))
                    .build(ConnectionManager::<PgConnection>::new(url))?;
                Ok(DbPool::Pg(pool))
            }
        }
    }

    pub fn get(&self) -> Result<Conn, DbError> {
        Ok(match self {
            DbPool::Sqlite(p) => Conn::Sqlite(p.get()?),
            DbPool::Pg(p) => Conn::Pg(p.get()?),
        })
    }

    pub fn backend_name(&self) -> &'static str {
        match self {
            DbPool::Sqlite(_) => "SQLite",
            DbPool::Pg(_) => "PostgreSQL",
        }
    }

    /// Applies pending migrations; returns how many ran.
    pub fn migrate(&self) -> Result<usize, DbError> {
        let mut conn = self.get()?;
        let n = match &mut conn {
            Conn::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(|v| v.len()),
            Conn::Pg(c) => c
                .run_pending_migrations(POSTGRES_MIGRATIONS)
                .map(|v| v.len()),
        };
        n.map_err(DbError::Migration)
    }

    /// Reverts every migration (used by tests of the down scripts).
    pub fn revert_all(&self) -> Result<usize, DbError> {
        let mut conn = self.get()?;
        let n = match &mut conn {
            Conn::Sqlite(c) => c.revert_all_migrations(SQLITE_MIGRATIONS).map(|v| v.len()),
            Conn::Pg(c) => c
                .revert_all_migrations(POSTGRES_MIGRATIONS)
                .map(|v| v.len()),
        };
        n.map_err(DbError::Migration)
    }
}
