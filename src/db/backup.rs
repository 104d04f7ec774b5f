//! The SQL of `backup`: SQLite's online copy (`VACUUM INTO`), and what the verification of a
//! restored copy reads from its catalog (integrity, applied migrations, tables and their row
//! counts). The files, the PostgreSQL tools and the verdict stay in `crate::backup`.

use diesel::connection::SimpleConnection;
use diesel::migration::MigrationSource;
use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use diesel::sqlite::SqliteConnection;

use super::{Db, DbError};

#[derive(QueryableByName)]
struct Line {
    #[diesel(sql_type = Text, column_name = "integrity_check")]
    text: String,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = Text)]
    name: String,
}

fn connect_error(source: diesel::ConnectionError) -> DbError {
    // The URL is the caller's to name (a scratch copy's path means nothing to the user).
    DbError::Connect {
        url: String::new(),
        source,
    }
}

/// Opens the SQLite file at `path` (no pragma: a plain connection).
pub fn open_sqlite(path: &str) -> Result<SqliteConnection, DbError> {
    SqliteConnection::establish(path).map_err(connect_error)
}

/// Opens the PostgreSQL database at `url`.
pub fn open_pg(url: &str) -> Result<PgConnection, DbError> {
    PgConnection::establish(url).map_err(connect_error)
}

/// Waits up to ten seconds for a busy SQLite database instead of failing at once.
pub fn wait_when_busy(c: &mut SqliteConnection) -> Result<(), DbError> {
    c.batch_execute("PRAGMA busy_timeout = 10000;")?;
    Ok(())
}

fn sql_string(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// Writes a consistent copy of the database into the file `target` (`VACUUM INTO`: one read
/// transaction, writers go on). The file must be absent or empty.
pub fn vacuum_into(c: &mut SqliteConnection, target: &str) -> Result<(), diesel::result::Error> {
    c.batch_execute(&format!("VACUUM INTO {}", sql_string(target)))
}

/// `PRAGMA integrity_check`: `ok`, or the problems found joined by `; `. An error means the
/// file is no SQLite database at all.
pub fn integrity_check(c: &mut SqliteConnection) -> Result<String, diesel::result::Error> {
    let lines: Vec<Line> = diesel::sql_query("PRAGMA integrity_check").load(c)?;
    Ok(lines
        .into_iter()
        .map(|l| l.text)
        .collect::<Vec<_>>()
        .join("; "))
}

/// The number of tables in the `public` schema of a PostgreSQL database.
pub fn public_tables(c: &mut PgConnection) -> Result<i64, DbError> {
    let tables: Vec<Count> = diesel::sql_query(
        "SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = 'public'",
    )
    .load(c)?;
    Ok(tables.first().map_or(0, |t| t.n))
}

/// The migration versions applied, in order. An error means there is no migrations table.
pub fn applied_migrations(db: &mut Db<'_>) -> Result<Vec<String>, diesel::result::Error> {
    let applied: Vec<Name> = crate::with_db!(db, c => diesel::sql_query(
        "SELECT version AS name FROM __diesel_schema_migrations ORDER BY version"
    )
    .load(c))?;
    Ok(applied.into_iter().map(|n| n.name).collect())
}

/// Every table (SQLite's own excepted) and its row count, by name.
pub fn table_counts(db: &mut Db<'_>) -> Result<Vec<(String, i64)>, DbError> {
    let catalog = match db {
        Db::Sqlite(_) => "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
        Db::Pg(_) => "SELECT table_name::text AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name",
    };
    let tables: Vec<Name> = crate::with_db!(db, c => diesel::sql_query(catalog).load(c))?;
    let mut counts = Vec::new();
    for t in tables {
        let q = format!(
            "SELECT count(*) AS n FROM \"{}\"",
            t.name.replace('"', "\"\"")
        );
        let n: Vec<Count> = crate::with_db!(db, c => diesel::sql_query(&q).load(c))?;
        counts.push((t.name, n.first().map_or(0, |c| c.n)));
    }
    Ok(counts)
}

/// Which tree of migrations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// The versions of this build's migrations for a backend, sorted.
pub fn migration_versions(dialect: Dialect) -> Result<Vec<String>, DbError> {
    fn sorted<DB: diesel::backend::Backend>(
        source: &impl MigrationSource<DB>,
    ) -> Result<Vec<String>, DbError> {
        let mut v: Vec<String> = source
            .migrations()
            .map_err(DbError::Migration)?
            .iter()
            .map(|m| m.name().version().to_string())
            .collect();
        v.sort();
        Ok(v)
    }
    match dialect {
        Dialect::Sqlite => sorted::<diesel::sqlite::Sqlite>(&super::SQLITE_MIGRATIONS),
        Dialect::Postgres => sorted::<diesel::pg::Pg>(&super::POSTGRES_MIGRATIONS),
    }
}
