//! `vanban serve [--demo]` and `vanban migrate`.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use vanban::auth::cli::DemoAccount;
use vanban::config::Config;
use vanban::db::DbPool;
use vanban::search::service::{Clock, SearchService};

/// Migrates, loads the sample data with `--demo`, opens the search index with its indexer,
/// serves until stopped, then commits what the index has not applied yet.
pub fn serve(config: &Config, demo: bool) -> anyhow::Result<ExitCode> {
    let pool = super::pool(config)?;
    if demo {
        if let Some(report) = vanban::exchange::load_sample(&pool)? {
            for e in &report.errors {
                tracing::warn!("{e}");
            }
            tracing::info!(records = report.created, "sample data loaded");
            // The whole country's units around the sample's (its unit lines are the file's).
            let units = vanban::exchange::load_country_units(&pool)?;
            for e in &units.errors {
                tracing::warn!("{e}");
            }
            tracing::info!(
                records = units.created,
                "administrative units of the country loaded"
            );
        }
        print_demo_accounts(&vanban::auth::cli::demo_accounts(&pool)?);
    }
    let clock: Clock = Arc::new(vanban::clock::today);
    let search = Arc::new(SearchService::open(&config.index_dir, clock)?);
    // The indexer catches up in the background: the service answers at once.
    tracing::info!(index = %config.index_dir.display(), applied = search.applied(), "search index opened");
    let indexer = search.spawn_indexer(
        pool.clone(),
        Duration::from_millis(config.indexer_interval_ms),
        Duration::from_secs(7 * 24 * 3600),
    );
    // The demo's sample data is Cà Mau's: its pages say so unless a province is configured.
    let mut config = config.clone();
    if demo && config.site.province.is_none() {
        config.site.province = Some("Tỉnh Cà Mau".to_string());
    }
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

/// `vanban migrate`: applies the pending migrations and says how many.
pub fn migrate(config: &Config) -> anyhow::Result<ExitCode> {
    let pool = DbPool::connect(&config.database_url, 1)?;
    let n = pool.migrate()?;
    println!(
        "{n} migration(s) applied to {}",
        config.database_url_redacted()
    );
    let upgraded = vanban::registry::upgrade::run(&pool)?;
    if upgraded > 0 {
        println!("{upgraded} declared expiry record(s) written from approved review decisions");
    }
    Ok(ExitCode::SUCCESS)
}

/// The demo accounts, printed once: their passwords are stored only as hashes.
fn print_demo_accounts(accounts: &[DemoAccount]) {
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
