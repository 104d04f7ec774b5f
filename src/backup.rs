//! Online backup (`vanban backup FILE`) and its verification (`vanban backup --verify FILE`).
//!
//! A backup is a consistent snapshot taken while the service serves and writes: on SQLite
//! `VACUUM INTO` (one read transaction of the WAL database: writers go on), on PostgreSQL
//! `pg_dump --format=custom` (one repeatable-read snapshot; its shared locks do not block the
//! audit trail's exclusive lock). The copy is written to a temporary file beside the target,
//! created with mode 0600 before anything is written to it, flushed to disk, then renamed into
//! place, so a failed backup leaves nothing behind, an existing file is only replaced with
//! `--force`, and no other user can ever read the copy.
//!
//! Verification restores the file into a scratch database (SQLite: a copy in a temporary
//! directory; PostgreSQL: `pg_restore` into an empty database given by URL) and checks it:
//! migrations at this build's version, `PRAGMA integrity_check` on SQLite, the audit trail's
//! hash chain, the row count of every table, and the SHA-256 of every stored original (the
//! documents' files, recomputed part by part: a changed byte makes the backup unusable).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::db::backup as sql;
use crate::db::{Backend, Db, DbError};

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("tệp «{0}» đã có: chọn tên khác, hoặc dùng --force để ghi đè")]
    Exists(PathBuf),
    #[error("không ghi được vào «{path}»: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("không đọc được «{path}»: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "«{0}» không phải bản sao lưu của vanban (cần tệp SQLite hoặc tệp pg_dump dạng custom)"
    )]
    NotABackup(PathBuf),
    #[error("không tìm thấy lệnh «{0}»: cài gói máy khách PostgreSQL (postgresql-client, cùng phiên bản chính với máy chủ hoặc mới hơn) rồi chạy lại")]
    ToolMissing(&'static str),
    #[error("lệnh {tool} thất bại: {message}")]
    Tool { tool: &'static str, message: String },
    #[error("để kiểm tra bản sao lưu PostgreSQL cần --scratch-url postgres://…/TÊN: một cơ sở dữ liệu trống để khôi phục thử")]
    ScratchRequired,
    #[error("cơ sở dữ liệu khôi phục thử phải là PostgreSQL (postgres://…)")]
    ScratchNotPostgres,
    #[error("cơ sở dữ liệu khôi phục thử không trống ({0} bảng): dùng một cơ sở dữ liệu mới tạo")]
    ScratchNotEmpty(i64),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// What a backup wrote.
#[derive(Debug, Clone)]
pub struct BackupReport {
    pub backend: &'static str,
    pub path: PathBuf,
    pub bytes: u64,
    pub elapsed: Duration,
}

/// What the verification of a backup found.
#[derive(Debug, Clone)]
pub struct VerifyReport {
    pub backend: &'static str,
    /// Versions applied in the backup, and whether they are exactly this build's migrations.
    pub migration_version: String,
    pub migrations_current: bool,
    pub missing_migrations: Vec<String>,
    pub unknown_migrations: Vec<String>,
    /// `PRAGMA integrity_check` (SQLite only): `ok`, or the problems found.
    pub integrity: Option<String>,
    pub audit: crate::audit::Verification,
    /// What is wrong with the triggers guarding the audit trail (checked when the migrations
    /// are this build's: an older backup has the older guards).
    pub audit_guards: Vec<crate::audit::Problem>,
    /// Every table and its row count, by name.
    pub counts: Vec<(String, i64)>,
    /// The stored originals read back and their SHA-256 recomputed (when the migrations are
    /// this build's): a file whose bytes changed makes the backup unusable.
    pub files: Option<crate::originals::HashCheck>,
}

impl VerifyReport {
    /// Whether the backup can be restored as is.
    pub fn ok(&self) -> bool {
        self.migrations_current
            && self.integrity.as_deref().is_none_or(|i| i == "ok")
            && self.audit.broken.is_none()
            && self.audit_guards.is_empty()
            && self.files.as_ref().is_none_or(|f| f.mismatches.is_empty())
    }

    /// A SQLite file whose pages do not hold together: nothing else is read from it.
    fn damaged(integrity: String) -> VerifyReport {
        VerifyReport {
            backend: "SQLite",
            migration_version: String::new(),
            migrations_current: false,
            missing_migrations: Vec::new(),
            unknown_migrations: Vec::new(),
            integrity: Some(integrity),
            audit: crate::audit::Verification {
                entries: 0,
                head_seq: 0,
                head_hash: String::new(),
                broken: None,
            },
            audit_guards: Vec::new(),
            counts: Vec::new(),
            files: None,
        }
    }

    pub fn count(&self, table: &str) -> Option<i64> {
        self.counts
            .iter()
            .find(|(t, _)| t == table)
            .map(|(_, n)| *n)
    }
}

/// Takes a consistent backup of the database at `database_url` into `dest`.
pub fn backup(database_url: &str, dest: &Path, force: bool) -> Result<BackupReport, BackupError> {
    let started = Instant::now();
    if !force && dest.exists() {
        return Err(BackupError::Exists(dest.to_path_buf()));
    }
    let backend = Backend::from_url(database_url)?;
    let partial = Partial::new(dest)?;
    let name = match backend {
        Backend::Sqlite(source) => {
            sqlite_snapshot(&source, partial.path())?;
            "SQLite"
        }
        Backend::Postgres(url) => {
            pg_dump(&url, partial.path())?;
            "PostgreSQL"
        }
    };
    let bytes = partial.finish(dest, force)?;
    Ok(BackupReport {
        backend: name,
        path: dest.to_path_buf(),
        bytes,
        elapsed: started.elapsed(),
    })
}

/// A temporary file beside the target, removed unless it was moved into place.
struct Partial {
    path: PathBuf,
    done: bool,
}

impl Partial {
    fn new(dest: &Path) -> Result<Partial, BackupError> {
        let write_err = |source| BackupError::Write {
            path: dest.to_path_buf(),
            source,
        };
        let file_name = dest
            .file_name()
            .ok_or_else(|| {
                write_err(std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    "cần tên tệp",
                ))
            })?
            .to_string_lossy()
            .into_owned();
        let dir = match dest.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let path = dir.join(format!(".{file_name}.partial-{}", std::process::id()));
        // The copy is written into this empty file (VACUUM INTO accepts an empty file, pg_dump
        // truncates it), created readable by its owner only: a backup holds every account's
        // password hash, so it is never readable by others, not for a moment, whatever the
        // umask. Creating it first also proves the directory writable before the long copy.
        let create = || {
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            options.open(&path)
        };
        match create() {
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                // Left by an earlier run of a process with the same id.
                std::fs::remove_file(&path).map_err(write_err)?;
                create().map_err(write_err)?;
            }
            other => {
                other.map_err(write_err)?;
            }
        }
        Ok(Partial { path, done: false })
    }

    fn path(&self) -> &Path {
        &self.path
    }

    /// Flushes the copy to disk and moves it into place (replacing `dest` only when `force`).
    fn finish(mut self, dest: &Path, force: bool) -> Result<u64, BackupError> {
        let write_err = |source| BackupError::Write {
            path: dest.to_path_buf(),
            source,
        };
        let f = std::fs::File::open(&self.path).map_err(write_err)?;
        f.sync_all().map_err(write_err)?;
        let bytes = f.metadata().map_err(write_err)?.len();
        drop(f);
        if force {
            std::fs::rename(&self.path, dest).map_err(write_err)?;
        } else {
            // A hard link never replaces an existing file: a file that appeared meanwhile wins.
            std::fs::hard_link(&self.path, dest).map_err(|e| {
                if e.kind() == std::io::ErrorKind::AlreadyExists {
                    BackupError::Exists(dest.to_path_buf())
                } else {
                    write_err(e)
                }
            })?;
            std::fs::remove_file(&self.path).map_err(write_err)?;
        }
        self.done = true;
        if let Some(dir) = dest.parent().filter(|p| !p.as_os_str().is_empty()) {
            if let Ok(d) = std::fs::File::open(dir) {
                let _ = d.sync_all();
            }
        }
        Ok(bytes)
    }
}

impl Drop for Partial {
    fn drop(&mut self) {
        if !self.done {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

fn sqlite_snapshot(source: &str, out: &Path) -> Result<(), BackupError> {
    if !Path::new(source).is_file() {
        return Err(BackupError::Read {
            path: PathBuf::from(source),
            source: std::io::Error::new(std::io::ErrorKind::NotFound, "không có cơ sở dữ liệu"),
        });
    }
    let mut c = sql::open_sqlite(source)?;
    sql::wait_when_busy(&mut c)?;
    let target = out.to_str().ok_or_else(|| BackupError::Write {
        path: out.to_path_buf(),
        source: std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "đường dẫn không phải UTF-8",
        ),
    })?;
    sql::vacuum_into(&mut c, target).map_err(|e| BackupError::Write {
        path: out.to_path_buf(),
        source: std::io::Error::other(e.to_string()),
    })?;
    Ok(())
}

/// Finds a PostgreSQL client program on the PATH.
fn pg_tool(name: &'static str) -> Result<PathBuf, BackupError> {
    std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
        .ok_or(BackupError::ToolMissing(name))
}

fn run_tool(tool: &'static str, cmd: &mut Command) -> Result<(), BackupError> {
    let out = cmd.output().map_err(|e| BackupError::Tool {
        tool,
        message: e.to_string(),
    })?;
    if out.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    Err(BackupError::Tool {
        tool,
        message: format!("{} — {}", out.status, stderr.trim()),
    })
}

/// The URL without its password, and the password (decoded). The PostgreSQL tools get the
/// password through `PGPASSWORD`: a command line is visible to every user of the machine.
fn split_password(url: &str) -> (String, Option<String>) {
    let Ok(mut parsed) = url::Url::parse(url) else {
        return (url.to_string(), None);
    };
    let Some(password) = parsed.password().map(|p| {
        percent_encoding::percent_decode_str(p)
            .decode_utf8_lossy()
            .into_owned()
    }) else {
        return (url.to_string(), None);
    };
    if parsed.set_password(None).is_err() {
        return (url.to_string(), None);
    }
    (parsed.to_string(), Some(password))
}

/// A PostgreSQL tool connecting to `url`: `--dbname` without the password, which goes in
/// the environment.
fn pg_command(tool: &Path, url: &str) -> Command {
    let (url, password) = split_password(url);
    let mut cmd = Command::new(tool);
    if let Some(p) = password {
        cmd.env("PGPASSWORD", p);
    }
    cmd.arg("--dbname").arg(url);
    cmd
}

fn pg_dump(url: &str, out: &Path) -> Result<(), BackupError> {
    let tool = pg_tool("pg_dump")?;
    run_tool(
        "pg_dump",
        pg_command(&tool, url)
            .arg("--format=custom")
            .arg("--no-owner")
            .arg("--no-privileges")
            .arg("--file")
            .arg(out),
    )
}

/// The kind of a backup file, from its first bytes.
enum Kind {
    Sqlite,
    PgCustom,
}

fn kind(file: &Path) -> Result<Kind, BackupError> {
    use std::io::Read;
    let read_err = |source| BackupError::Read {
        path: file.to_path_buf(),
        source,
    };
    let mut head = [0u8; 16];
    let mut f = std::fs::File::open(file).map_err(read_err)?;
    let n = f.read(&mut head).map_err(read_err)?;
    if n == 16 && &head == b"SQLite format 3\0" {
        Ok(Kind::Sqlite)
    } else if n >= 5 && &head[..5] == b"PGDMP" {
        Ok(Kind::PgCustom)
    } else {
        Err(BackupError::NotABackup(file.to_path_buf()))
    }
}

/// Restores `file` into a scratch database and checks it. PostgreSQL dumps need `scratch_url`,
/// an empty database (it is left holding the restored copy).
pub fn verify(file: &Path, scratch_url: Option<&str>) -> Result<VerifyReport, BackupError> {
    match kind(file)? {
        Kind::Sqlite => {
            // The backup itself is never opened for writing: a copy is.
            let scratch = Scratch(std::env::temp_dir().join(format!(
                "vanban-restore-check-{}-{}.sqlite3",
                std::process::id(),
                chrono::Utc::now().timestamp_nanos_opt().unwrap_or_default()
            )));
            std::fs::copy(file, &scratch.0).map_err(|source| BackupError::Read {
                path: file.to_path_buf(),
                source,
            })?;
            let path = scratch
                .0
                .to_str()
                .ok_or_else(|| BackupError::NotABackup(file.to_path_buf()))?;
            let mut c = sql::open_sqlite(path)?;
            let integrity = sql::integrity_check(&mut c)
                .map_err(|_| BackupError::NotABackup(file.to_path_buf()))?;
            if integrity != "ok" {
                return Ok(VerifyReport::damaged(integrity));
            }
            let expected = sql::migration_versions(sql::Dialect::Sqlite)?;
            let mut report = check(&mut Db::Sqlite(&mut c), file, expected, "SQLite")?;
            report.integrity = Some(integrity);
            Ok(report)
        }
        Kind::PgCustom => {
            let url = scratch_url.ok_or(BackupError::ScratchRequired)?;
            let Backend::Postgres(url) = Backend::from_url(url)? else {
                return Err(BackupError::ScratchNotPostgres);
            };
            let mut c = sql::open_pg(&url)?;
            let n = sql::public_tables(&mut c)?;
            if n > 0 {
                return Err(BackupError::ScratchNotEmpty(n));
            }
            let tool = pg_tool("pg_restore")?;
            run_tool(
                "pg_restore",
                pg_command(&tool, &url)
                    .arg("--exit-on-error")
                    .arg("--single-transaction")
                    .arg("--no-owner")
                    .arg("--no-privileges")
                    .arg(file),
            )?;
            let expected = sql::migration_versions(sql::Dialect::Postgres)?;
            check(&mut Db::Pg(&mut c), file, expected, "PostgreSQL")
        }
    }
}

/// A scratch SQLite file, removed with its journal files when dropped.
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let mut p = self.0.clone().into_os_string();
            p.push(suffix);
            let _ = std::fs::remove_file(p);
        }
    }
}

/// Migrations, audit chain and row counts of a restored database.
fn check(
    db: &mut Db<'_>,
    file: &Path,
    expected: Vec<String>,
    backend: &'static str,
) -> Result<VerifyReport, BackupError> {
    let applied =
        sql::applied_migrations(db).map_err(|_| BackupError::NotABackup(file.to_path_buf()))?;
    if applied.is_empty() {
        return Err(BackupError::NotABackup(file.to_path_buf()));
    }
    let missing: Vec<String> = expected
        .iter()
        .filter(|v| !applied.contains(v))
        .cloned()
        .collect();
    let unknown: Vec<String> = applied
        .iter()
        .filter(|v| !expected.contains(v))
        .cloned()
        .collect();
    let counts = sql::table_counts(db)?;
    let audit = crate::audit::verify(db)?;
    let migrations_current = missing.is_empty() && unknown.is_empty();
    let audit_guards = if migrations_current {
        crate::audit::check_guards(db)?.1
    } else {
        Vec::new()
    };
    let files = if migrations_current {
        Some(crate::originals::verify_hashes(db)?)
    } else {
        None
    };
    Ok(VerifyReport {
        backend,
        migration_version: applied.last().cloned().unwrap_or_default(),
        migrations_current,
        missing_migrations: missing,
        unknown_migrations: unknown,
        integrity: None,
        audit,
        audit_guards,
        counts,
        files,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_leaves_the_url_for_the_environment() {
        assert_eq!(
            split_password("postgres://vanban:s%40cret%2F1@db.local:5432/vanban"),
            (
                "postgres://vanban@db.local:5432/vanban".to_string(),
                Some("s@cret/1".to_string())
            )
        );
        for plain in [
            "postgres://postgres@127.0.0.1:55432/postgres",
            "postgres:///vanban",
            "not a url",
        ] {
            assert_eq!(split_password(plain), (plain.to_string(), None));
        }
        let cmd = pg_command(
            Path::new("/usr/bin/pg_dump"),
            "postgres://vanban:hunter2@h/db",
        );
        let args: Vec<String> = cmd
            .get_args()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        assert_eq!(args, ["--dbname", "postgres://vanban@h/db"]);
        let env: Vec<_> = cmd.get_envs().collect();
        assert_eq!(
            env,
            [(
                std::ffi::OsStr::new("PGPASSWORD"),
                Some(std::ffi::OsStr::new("hunter2"))
            )]
        );
    }
}
