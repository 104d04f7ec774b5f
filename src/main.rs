//! The `vanban` command line: serve, migrate, backup, import, reindex, export, check,
//! accounts and the audit trail. The benchmarks are in `vanban-bench` (src/bin/vanban-bench.rs).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use vanban::auth::users::AccountError;
use vanban::config::{Config, Overrides};
use vanban::db::DbPool;
use vanban::exchange::{export, import};
use vanban::registry::check;

#[derive(Parser)]
#[command(
    name = "vanban",
    version,
    about = "Cơ sở dữ liệu văn bản quy phạm pháp luật địa phương: đăng ký, hiệu lực, rà soát"
)]
struct Cli {
    /// Configuration file (TOML: database_url, index_dir, bind, pool_size)
    #[arg(long, global = true, env = "VANBAN_CONFIG")]
    config: Option<PathBuf>,
    /// Database URL: sqlite://FILE (default sqlite://vanban.sqlite3) or postgres://…
    #[arg(long, global = true, env = "VANBAN_DATABASE_URL")]
    database_url: Option<String>,
    /// Directory of the search index (default search-index/)
    #[arg(long, global = true, env = "VANBAN_INDEX_DIR")]
    index_dir: Option<PathBuf>,
    /// Address to listen on (default 127.0.0.1:8080)
    #[arg(long, global = true, env = "VANBAN_BIND")]
    bind: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Recompute the hash chain from the first entry, check the triggers that protect it
    /// against the migrations, and each checkpoint given; exit 1 naming every problem
    Verify {
        /// A checkpoint recorded earlier (`vanban audit checkpoint`, or `checkpoint` of
        /// /api/v1/audit/checkpoint): entry N must still have HASH, and the trail reach N
        #[arg(long = "checkpoint", value_name = "N:HASH")]
        checkpoints: Vec<vanban::audit::Checkpoint>,
    },
    /// Print the latest sequence number and head hash as N:HASH (record it elsewhere to prove
    /// later, with `audit verify --checkpoint N:HASH`, that nothing up to it changed or was cut)
    Checkpoint,
}

#[derive(Subcommand)]
enum Command {
    /// Apply migrations, then serve the web site and the API
    Serve {
        /// Load the sample data (Cà Mau, Đầm Dơi) first if the database holds no document
        #[arg(long)]
        demo: bool,
    },
    /// Apply pending database migrations
    Migrate,
    /// Online backup, consistent while the service serves and writes (SQLite: VACUUM INTO;
    /// PostgreSQL: pg_dump, custom format); with --verify, restore a backup into a scratch
    /// database and check it (migrations, integrity, audit chain, row counts)
    Backup {
        /// The backup file to write (or, with --verify, to check)
        file: PathBuf,
        /// Replace the file if it exists
        #[arg(long, conflicts_with = "verify")]
        force: bool,
        /// Check an existing backup instead of taking one; exit 1 if it does not hold
        #[arg(long)]
        verify: bool,
        /// PostgreSQL backups: an empty database to restore into for the check
        #[arg(long, requires = "verify")]
        scratch_url: Option<String>,
    },
    /// Accounts: add, change password, disable, enable, list
    User {
        #[command(subcommand)]
        action: UserCommand,
    },
    /// The audit trail: verify its hash chain, or print its checkpoint
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Import JSON Lines files (see README), or ALQAC law files (.json with law-metadata.csv beside)
    Import {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Build a fresh search index in a new directory and switch to it atomically (a running
    /// server follows within a second and keeps answering meanwhile)
    Reindex,
    /// Export the registry as JSON Lines (re-importable) or CSV
    Export {
        #[arg(long, value_enum, default_value = "jsonl")]
        format: ExportFormat,
        /// Output file (default: standard output)
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// CSV only: the date of the status column (default today)
        #[arg(long)]
        date: Option<String>,
    },
    /// Data-quality report; exits with status 1 when there are errors
    Check {
        /// Print the findings as JSON
        #[arg(long)]
        json: bool,
    },
    /// Completeness of the procedures posted at a unit on a date (missing, outdated, late,
    /// legal basis not in force); exits with status 1 when incomplete
    CheckListings {
        /// Unit code (e.g. 32153)
        #[arg(long)]
        unit: String,
        /// Date of the check (YYYY-MM-DD or DD/MM/YYYY; default today)
        #[arg(long)]
        date: Option<String>,
        /// Posting deadline in working days after the announcing decision
        #[arg(long, default_value_t = vanban::domain::calendar::POSTING_DEADLINE_WORKING_DAYS)]
        deadline_days: u32,
        /// Print the result as JSON
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create an account (the password is read from standard input)
    Add {
        username: String,
        /// admin, officer (legal officer), approver or inspector
        #[arg(long)]
        role: String,
        /// Code of an administrative unit the account is limited to (repeatable; none: no limit)
        #[arg(long = "scope")]
        scope: Vec<String>,
        /// Display name (default: the user name)
        #[arg(long)]
        name: Option<String>,
        /// Read the password from the first line of standard input
        #[arg(long)]
        password_stdin: bool,
    },
    /// Set a new password (read from standard input); every session of the user ends
    Passwd {
        username: String,
        #[arg(long)]
        password_stdin: bool,
    },
    /// Disable an account: its sessions end at once, its API tokens stop working
    Disable { username: String },
    /// Enable a disabled account
    Enable { username: String },
    /// Create an API token for the account and print it once (for scripts; audited)
    Token {
        username: String,
        /// Name of the token, shown on the account page
        #[arg(long, default_value = "dòng lệnh")]
        name: String,
    },
    /// List the accounts
    List,
}

#[derive(Clone, Copy, ValueEnum)]
enum ExportFormat {
    Jsonl,
    Csv,
}

fn main() -> ExitCode {
    // `VANBAN_LOG_FORMAT=json`: one JSON object per line, with the request id of the span.
    let filter = || {
        tracing_subscriber::EnvFilter::try_from_default_env()
            .unwrap_or_else(|_| "info,actix_server=warn".into())
    };
    if std::env::var("VANBAN_LOG_FORMAT").is_ok_and(|f| f.eq_ignore_ascii_case("json")) {
        tracing_subscriber::fmt()
            .json()
            .with_current_span(true)
            .with_env_filter(filter())
            .with_writer(std::io::stderr)
            .init();
    } else {
        tracing_subscriber::fmt()
            .with_env_filter(filter())
            .with_writer(std::io::stderr)
            .init();
    }
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("lỗi: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// The demo accounts, printed once: their passwords are stored only as hashes.
fn print_demo_accounts(accounts: &[vanban::auth::cli::DemoAccount]) {
    if accounts.is_empty() {
        return;
    }
    println!("Tài khoản thử nghiệm (mật khẩu chỉ hiển thị lần này):");
    for a in accounts {
        let scope = if a.scope.is_empty() {
            String::new()
        } else {
            format!(", phạm vi {}", a.scope.join(", "))
        };
        println!(
            "  {:<9} {:<20} mật khẩu {}{scope}",
            a.username,
            a.role.label(),
            a.password
        );
    }
}

fn user_command(pool: &DbPool, config: &Config, action: UserCommand) -> Result<(), AccountError> {
    use vanban::auth::cli;
    let password = |given: bool| {
        if !given {
            return Err(AccountError::Refused(
                "Cần --password-stdin: mật khẩu được đọc từ đầu vào chuẩn, không từ dòng lệnh."
                    .into(),
            ));
        }
        cli::read_password(&mut std::io::stdin().lock())
    };
    match action {
        UserCommand::Add {
            username,
            role,
            scope,
            name,
            password_stdin,
        } => {
            let pw = password(password_stdin)?;
            cli::add(pool, &username, &role, &scope, name.as_deref(), &pw)?;
            println!("Đã tạo tài khoản {}.", username.trim().to_lowercase());
        }
        UserCommand::Passwd {
            username,
            password_stdin,
        } => {
            let pw = password(password_stdin)?;
            cli::passwd(pool, &username, &pw)?;
            println!("Đã đổi mật khẩu; các phiên đăng nhập của tài khoản đã kết thúc và mọi mã truy cập API đã bị thu hồi.");
        }
        UserCommand::Disable { username } => {
            cli::set_disabled(pool, &username, true)?;
            println!("Đã khoá tài khoản; các phiên đăng nhập của tài khoản đã kết thúc và mọi mã truy cập API đã bị thu hồi.");
        }
        UserCommand::Enable { username } => {
            cli::set_disabled(pool, &username, false)?;
            println!("Đã mở khoá tài khoản.");
        }
        UserCommand::Token { username, name } => {
            // Only the token on standard output, so that scripts can capture it.
            let lifetime = config.accounts.token_lifetime;
            println!("{}", cli::token(pool, &username, &name, lifetime)?);
            eprintln!(
                "Mã truy cập chỉ hiển thị lần này, có hiệu lực {} ngày; thu hồi ở trang Tài khoản.",
                lifetime.num_days()
            );
        }
        UserCommand::List => {
            let accounts = cli::list(pool)?;
            println!(
                "{:<20} {:<10} {:<12} {:<24} họ tên",
                "tên đăng nhập", "vai trò", "trạng thái", "phạm vi"
            );
            for a in accounts {
                let scope: Vec<&str> = a.scope.iter().map(|s| s.code.as_str()).collect();
                println!(
                    "{:<20} {:<10} {:<12} {:<24} {}",
                    a.username,
                    a.role,
                    if a.disabled {
                        "đã khoá"
                    } else {
                        "hoạt động"
                    },
                    if scope.is_empty() {
                        "-".to_string()
                    } else {
                        scope.join(",")
                    },
                    a.display_name
                );
            }
        }
    }
    Ok(())
}

/// A buffered writer to the file, or to standard output.
fn writer(path: Option<&std::path::Path>) -> std::io::Result<Box<dyn std::io::Write>> {
    Ok(match path {
        Some(p) => Box::new(std::io::BufWriter::new(std::fs::File::create(p)?)),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    })
}

fn pool(config: &Config) -> anyhow::Result<DbPool> {
    let pool = DbPool::connect(&config.database_url, config.pool_size)?;
    let n = pool.migrate()?;
    if n > 0 {
        tracing::info!(migrations = n, database = %config.database_url_redacted(), "database migrated");
    }
    let upgraded = vanban::registry::upgrade::run(&pool)?;
    if upgraded > 0 {
        tracing::info!(
            records = upgraded,
            "declared expiries approved in the review recorded in the registry"
        );
    }
    Ok(pool)
}

/// `vanban backup FILE [--force]` and `vanban backup --verify FILE [--scratch-url URL]`.
fn backup_command(
    config: &Config,
    file: &std::path::Path,
    force: bool,
    verify: bool,
    scratch_url: Option<&str>,
) -> anyhow::Result<ExitCode> {
    if !verify {
        let r = vanban::backup::backup(&config.database_url, file, force)?;
        println!(
            "đã sao lưu {} vào {} ({} byte, {:.1} s); kiểm tra: vanban backup --verify {}",
            r.backend,
            r.path.display(),
            r.bytes,
            r.elapsed.as_secs_f64(),
            r.path.display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let r = vanban::backup::verify(file, scratch_url)?;
    println!("bản sao lưu {} ({})", file.display(), r.backend);
    if let Some(i) = &r.integrity {
        println!("  kiểm tra toàn vẹn SQLite: {i}");
    }
    if r.migrations_current {
        println!("  cấu trúc: phiên bản {} (hiện hành)", r.migration_version);
    } else {
        println!(
            "  cấu trúc: KHÔNG khớp phiên bản hiện hành (thiếu: {}; lạ: {})",
            r.missing_migrations.join(", "),
            r.unknown_migrations.join(", ")
        );
    }
    match &r.audit.broken {
        None => println!(
            "  nhật ký kiểm toán nguyên vẹn: {} mục, mục cuối số {} (mã băm {})",
            r.audit.entries, r.audit.head_seq, r.audit.head_hash
        ),
        Some(b) => println!(
            "  nhật ký kiểm toán bị phá vỡ tại mục số {}: {}",
            b.seq, b.reason
        ),
    }
    for p in &r.audit_guards {
        println!("  {p}");
    }
    println!("  số dòng:");
    for (table, n) in &r.counts {
        println!("    {table:<32} {n}");
    }
    Ok(if r.ok() {
        println!("kết quả: bản sao lưu dùng được");
        ExitCode::SUCCESS
    } else {
        println!("kết quả: bản sao lưu KHÔNG dùng được");
        ExitCode::from(1)
    })
}

/// `vanban audit verify`: one line per check, one line per problem; status 1 if any.
fn print_audit(a: &vanban::audit::Audit) -> ExitCode {
    let v = &a.chain;
    if v.broken.is_none() {
        println!(
            "nhật ký kiểm toán nguyên vẹn: {} mục, mục cuối số {} (mã băm {})",
            v.entries, v.head_seq, v.head_hash
        );
    }
    for p in &a.problems {
        println!("{p}");
    }
    if v.broken.is_some() {
        println!(
            "{} mục đầu tiên nguyên vẹn (đến số {}, mã băm {})",
            v.entries, v.head_seq, v.head_hash
        );
    }
    println!(
        "bảo vệ của cơ sở dữ liệu: {} trigger/hàm đúng như migration",
        a.guards_ok
    );
    for cp in &a.checkpoints_ok {
        println!(
            "điểm kiểm tra {cp}: khớp (không mục nào đến số {} bị thay đổi hay cắt bỏ)",
            cp.seq
        );
    }
    if a.intact() {
        ExitCode::SUCCESS
    } else {
        println!(
            "kết quả: nhật ký kiểm toán KHÔNG đáng tin ({} vấn đề)",
            a.problems.len()
        );
        ExitCode::from(1)
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let config = Config::load(
        cli.config.as_deref(),
        Overrides {
            database_url: cli.database_url,
            index_dir: cli.index_dir,
            bind: cli.bind,
        },
    )?;
    match cli.command {
        Command::Serve { demo } => {
            let pool = pool(&config)?;
            if demo {
                if let Some(report) = vanban::exchange::load_sample(&pool)? {
                    for e in &report.errors {
                        tracing::warn!("{e}");
                    }
                    tracing::info!(records = report.created, "sample data loaded");
                }
                print_demo_accounts(&vanban::auth::cli::demo_accounts(&pool)?);
            }
            let clock: vanban::search::service::Clock = std::sync::Arc::new(vanban::clock::today);
            let search = std::sync::Arc::new(vanban::search::service::SearchService::open(
                &config.index_dir,
                clock,
            )?);
            // The indexer catches up in the background: the service answers at once.
            tracing::info!(index = %config.index_dir.display(), applied = search.applied(), "search index opened");
            let indexer = search.spawn_indexer(
                pool.clone(),
                std::time::Duration::from_millis(config.indexer_interval_ms),
                std::time::Duration::from_secs(7 * 24 * 3600),
            );
            let app = vanban::startup::Application::build(pool.clone(), search.clone(), &config)?;
            tracing::info!(
                "vanban listening on http://{}:{}",
                config.bind.rsplit_once(':').map_or("127.0.0.1", |b| b.0),
                app.port()
            );
            actix_web::rt::System::new().block_on(app.run_until_stopped())?;
            // Graceful shutdown: requests in flight are done; the index gets the rest.
            let applied = search.shut_down(indexer, &pool)?;
            tracing::info!(applied, "search index committed; vanban stopped");
            Ok(ExitCode::SUCCESS)
        }
        Command::User { action } => {
            let pool = pool(&config)?;
            Ok(match user_command(&pool, &config, action) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) if e.is_user_error() => {
                    eprintln!("lỗi: {e}");
                    ExitCode::from(1)
                }
                Err(e) => return Err(e.into()),
            })
        }
        Command::Migrate => {
            let pool = DbPool::connect(&config.database_url, 1)?;
            let n = pool.migrate()?;
            println!(
                "{n} migration(s) applied to {}",
                config.database_url_redacted()
            );
            let upgraded = vanban::registry::upgrade::run(&pool)?;
            if upgraded > 0 {
                println!(
                    "{upgraded} declared expiry record(s) written from approved review decisions"
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Backup {
            file,
            force,
            verify,
            scratch_url,
        } => backup_command(&config, &file, force, verify, scratch_url.as_deref()),
        Command::Import { files } => {
            let pool = pool(&config)?;
            let tty = std::io::IsTerminal::is_terminal(&std::io::stderr());
            let mut total = import::ImportReport::default();
            for f in &files {
                total.merge(import::import_path(&pool, f, tty)?);
            }
            for e in &total.errors {
                eprintln!("{e}");
            }
            for w in &total.warnings {
                eprintln!("{w} (cảnh báo)");
            }
            println!(
                "{} created, {} updated, {} unchanged, {} error(s)",
                total.created,
                total.updated,
                total.unchanged,
                total.errors.len()
            );
            Ok(if total.errors.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        Command::Reindex => {
            let pool = pool(&config)?;
            let clock: vanban::search::service::Clock = std::sync::Arc::new(vanban::clock::today);
            let started = std::time::Instant::now();
            let n =
                vanban::search::service::SearchService::reindex(&config.index_dir, &pool, clock)?;
            println!(
                "{n} documents indexed in {:.1} s into a new generation of {}",
                started.elapsed().as_secs_f64(),
                config.index_dir.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Export {
            format,
            output,
            date,
        } => {
            let pool = pool(&config)?;
            let mut conn = pool.get()?;
            let mut out = writer(output.as_deref())?;
            match format {
                ExportFormat::Jsonl => export::export_jsonl(&mut conn.db(), &mut out)?,
                ExportFormat::Csv => {
                    let date = vanban::app::parse_date(date.as_deref())
                        .map_err(|e| anyhow::anyhow!(e.public_message()))?;
                    export::export_csv(&mut conn.db(), date, &mut out)?
                }
            };
            Ok(ExitCode::SUCCESS)
        }
        Command::Audit { command } => {
            let pool = pool(&config)?;
            let mut conn = pool.get()?;
            match command {
                AuditCommand::Verify { checkpoints } => {
                    let a = vanban::audit::audit(&mut conn.db(), &checkpoints)?;
                    Ok(print_audit(&a))
                }
                AuditCommand::Checkpoint => {
                    let (seq, hash) = vanban::audit::head(&mut conn.db())?;
                    println!("{}", vanban::audit::Checkpoint { seq, hash });
                    Ok(ExitCode::SUCCESS)
                }
            }
        }
        Command::Check { json } => {
            let pool = pool(&config)?;
            let mut conn = pool.get()?;
            let findings = check::run(&mut conn.db())?;
            let errors = findings
                .iter()
                .filter(|f| f.severity == check::Severity::Error)
                .count();
            if json {
                println!("{}", serde_json::to_string_pretty(&findings)?);
            } else {
                for f in &findings {
                    println!("{f}");
                }
                println!("{errors} lỗi, {} cảnh báo", findings.len() - errors);
            }
            Ok(if errors > 0 {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::CheckListings {
            unit,
            date,
            deadline_days,
            json,
        } => {
            let pool = pool(&config)?;
            let mut conn = pool.get()?;
            let date = vanban::app::parse_date(date.as_deref())
                .map_err(|e| anyhow::anyhow!(e.public_message()))?;
            let settings = vanban::procedures::check::Settings {
                deadline_working_days: deadline_days,
            };
            let c = match vanban::procedures::check::check_unit(
                &mut conn.db(),
                &unit,
                date,
                settings,
            ) {
                Ok(c) => c,
                Err(vanban::procedures::check::CheckError::Db(e)) => return Err(e.into()),
                Err(e) => {
                    eprintln!("lỗi: {e}");
                    return Ok(ExitCode::from(2));
                }
            };
            let mut out = std::io::stdout().lock();
            if json {
                serde_json::to_writer_pretty(&mut out, &c)?;
                std::io::Write::write_all(&mut out, b"\n")?;
            } else {
                vanban::procedures::check::write_table(&c, &mut out)?;
            }
            Ok(if c.is_complete {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
    }
}
