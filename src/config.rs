//! Settings: defaults, then an optional TOML file, then `VANBAN_*` environment variables and
//! command-line flags (clap reads both; the flag wins). Every command honours them.

use std::path::{Path, PathBuf};

use serde::Deserialize;

/// Result pages kept by default by [`crate::search::cache::ResultCache`].
pub const SEARCH_CACHE_ENTRIES: usize = 2048;

/// The longest address (path and query) served; a search query is at most 1,000 characters.
pub const MAX_URI: usize = 16 * 1024;

pub const DEFAULT_DATABASE_URL: &str = "sqlite://vanban.sqlite3";
pub const DEFAULT_INDEX_DIR: &str = "search-index/";
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    pub database_url: String,
    pub index_dir: PathBuf,
    pub bind: String,
    pub pool_size: u32,
    /// Search result pages kept in memory until the index changes (0: no cache).
    pub search_cache_entries: usize,
    /// Reverse proxies whose `X-Forwarded-For` / `-Proto` / `-Host` headers are believed.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Outbox entries the search index may lag behind before `/readyz` answers 503.
    pub ready_max_lag: i64,
    /// How often the indexer looks at the outbox, in milliseconds.
    pub indexer_interval_ms: u64,
    /// Targets of the reform scorecard (`[scorecard]`; defaults from the seed article).
    pub scorecard_targets: crate::domain::scorecard::Targets,
    /// Client addresses that may read `/metrics` (default loopback).
    pub metrics_allow: Vec<std::net::IpAddr>,
    /// A bearer token that lets any address read `/metrics` (at least 24 characters).
    pub metrics_token: Option<String>,
    /// Login throttle, password check queue (`[login]`) and token lifetime (`[api_tokens]`).
    pub accounts: crate::auth::AccountSettings,
    /// The deployment's name in the header and page titles (`site_name`, `site_province`).
    pub site: Site,
}

/// The deployment's name as its readers know it: "Cơ sở dữ liệu văn bản quy phạm pháp luật —
/// Tỉnh Cà Mau".
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Site {
    pub name: String,
    /// The province (or other unit) it serves, when it serves one.
    pub province: Option<String>,
}

/// The name shown when none is configured.
pub const DEFAULT_SITE_NAME: &str = "Cơ sở dữ liệu văn bản quy phạm pháp luật";

impl Default for Site {
    fn default() -> Site {
        Site {
            name: DEFAULT_SITE_NAME.to_string(),
            province: None,
        }
    }
}

impl Site {
    /// From the file's values and `VANBAN_SITE_NAME` / `VANBAN_SITE_PROVINCE` (the environment
    /// wins); blank values count as unset; both are NFC-normalised.
    fn from(
        file_name: Option<String>,
        file_province: Option<String>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Site {
        let clean = |v: Option<String>| {
            v.map(|s| crate::domain::text::nfc(s.trim()))
                .filter(|s| !s.is_empty())
        };
        Site {
            name: clean(env("VANBAN_SITE_NAME"))
                .or_else(|| clean(file_name))
                .unwrap_or_else(|| DEFAULT_SITE_NAME.to_string()),
            province: clean(env("VANBAN_SITE_PROVINCE")).or_else(|| clean(file_province)),
        }
    }
}

/// What a configuration file may set; every key is optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    database_url: Option<String>,
    index_dir: Option<PathBuf>,
    bind: Option<String>,
    pool_size: Option<u32>,
    search_cache_entries: Option<usize>,
    trusted_proxies: Option<Vec<std::net::IpAddr>>,
    ready_max_lag: Option<i64>,
    indexer_interval_ms: Option<u64>,
    scorecard: Option<ScorecardFile>,
    metrics_allow: Option<Vec<std::net::IpAddr>>,
    metrics_token: Option<String>,
    login: Option<LoginFile>,
    api_tokens: Option<ApiTokensFile>,
    site_name: Option<String>,
    site_province: Option<String>,
}

/// `[login]`: brute-force limits and the password check queue; a key left out keeps its
/// default.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct LoginFile {
    free_failures: Option<u32>,
    first_delay_ms: Option<u64>,
    max_delay_ms: Option<u64>,
    forget_after_minutes: Option<u32>,
    address_failures: Option<u32>,
    address_window_minutes: Option<u32>,
    password_checks: Option<usize>,
    password_queue: Option<usize>,
}

/// `[api_tokens]`: how long a new token lives.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ApiTokensFile {
    lifetime_days: Option<u32>,
}

/// The bounds a setting must stay within, so that no value can overflow a time or size a
/// queue past reason.
fn within<T: PartialOrd + std::fmt::Display + Copy>(
    name: &str,
    v: Option<T>,
    default: T,
    min: T,
    max: T,
) -> Result<T, String> {
    match v {
        Some(n) if n < min || n > max => Err(format!("{name} = {n}: cần từ {min} đến {max}")),
        Some(n) => Ok(n),
        None => Ok(default),
    }
}

fn account_settings(
    login: Option<LoginFile>,
    tokens: Option<ApiTokensFile>,
) -> Result<crate::auth::AccountSettings, String> {
    use std::time::Duration;
    let d = crate::auth::AccountSettings::default();
    let l = login.unwrap_or_default();
    let p = d.throttle;
    let ms = |d: Duration| u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
    let minutes = |d: chrono::Duration| u32::try_from(d.num_minutes()).unwrap_or(u32::MAX);
    let first = within(
        "[login] first_delay_ms",
        l.first_delay_ms,
        ms(p.first_delay),
        1,
        3_600_000,
    )?;
    let max = within(
        "[login] max_delay_ms",
        l.max_delay_ms,
        ms(p.max_delay),
        1,
        3_600_000,
    )?;
    if first > max {
        return Err(format!(
            "[login] first_delay_ms = {first} lớn hơn max_delay_ms = {max}"
        ));
    }
    let throttle = crate::auth::limits::Policy {
        free_failures: within(
            "[login] free_failures",
            l.free_failures,
            p.free_failures,
            0,
            1000,
        )?,
        first_delay: Duration::from_millis(first),
        max_delay: Duration::from_millis(max),
        forget_after: chrono::Duration::minutes(i64::from(within(
            "[login] forget_after_minutes",
            l.forget_after_minutes,
            minutes(p.forget_after),
            1,
            10_080,
        )?)),
        address_failures: within(
            "[login] address_failures",
            l.address_failures,
            p.address_failures,
            1,
            1_000_000,
        )?,
        address_window: chrono::Duration::minutes(i64::from(within(
            "[login] address_window_minutes",
            l.address_window_minutes,
            minutes(p.address_window),
            1,
            10_080,
        )?)),
    };
    let t = tokens.unwrap_or_default();
    let days = within(
        "[api_tokens] lifetime_days",
        t.lifetime_days,
        u32::try_from(d.token_lifetime.num_days()).unwrap_or(90),
        1,
        3650,
    )?;
    Ok(crate::auth::AccountSettings {
        throttle,
        password_checks: within(
            "[login] password_checks",
            l.password_checks,
            d.password_checks,
            1,
            256,
        )?,
        password_queue: within(
            "[login] password_queue",
            l.password_queue,
            d.password_queue,
            0,
            10_000,
        )?,
        token_lifetime: chrono::Duration::days(i64::from(days)),
    })
}

/// `[scorecard]`: reform targets in whole percent; a key left out keeps its default.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ScorecardFile {
    posted: Option<u32>,
    time_cut_new: Option<u32>,
    time_cut_amended: Option<u32>,
    online_level3_district: Option<u32>,
    online_level3_commune: Option<u32>,
    online_level4_district: Option<u32>,
    online_level4_commune: Option<u32>,
    reviewed: Option<u32>,
    handled: Option<u32>,
    filed_online: Option<u32>,
    on_time: Option<u32>,
}

impl ScorecardFile {
    fn targets(self) -> Result<crate::domain::scorecard::Targets, String> {
        let d = crate::domain::scorecard::Targets::default();
        let pct = |name: &str, v: Option<u32>, default: u32| match v {
            Some(n) if n > 100 => Err(format!(
                "[scorecard] {name} = {n}: chỉ tiêu là phần trăm, từ 0 đến 100"
            )),
            Some(n) => Ok(n),
            None => Ok(default),
        };
        Ok(crate::domain::scorecard::Targets {
            posted: pct("posted", self.posted, d.posted)?,
            time_cut_new: pct("time_cut_new", self.time_cut_new, d.time_cut_new)?,
            time_cut_amended: pct(
                "time_cut_amended",
                self.time_cut_amended,
                d.time_cut_amended,
            )?,
            online_level3_district: pct(
                "online_level3_district",
                self.online_level3_district,
                d.online_level3_district,
            )?,
            online_level3_commune: pct(
                "online_level3_commune",
                self.online_level3_commune,
                d.online_level3_commune,
            )?,
            online_level4_district: pct(
                "online_level4_district",
                self.online_level4_district,
                d.online_level4_district,
            )?,
            online_level4_commune: pct(
                "online_level4_commune",
                self.online_level4_commune,
                d.online_level4_commune,
            )?,
            reviewed: pct("reviewed", self.reviewed, d.reviewed)?,
            handled: pct("handled", self.handled, d.handled)?,
            filed_online: pct("filed_online", self.filed_online, d.filed_online)?,
            on_time: match self.on_time {
                Some(n) => Some(pct("on_time", Some(n), 0)?),
                None => d.on_time,
            },
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("không đọc được tệp cấu hình {0}: {1}")]
    Read(String, std::io::Error),
    #[error("tệp cấu hình {0} không hợp lệ: {1}")]
    Parse(String, toml::de::Error),
    #[error("tệp cấu hình {0} không hợp lệ: {1}")]
    Invalid(String, String),
}

/// Values given on the command line or in the environment (`None` = not given).
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub database_url: Option<String>,
    pub index_dir: Option<PathBuf>,
    pub bind: Option<String>,
}

impl Config {
    pub fn load(file: Option<&Path>, over: Overrides) -> Result<Config, ConfigError> {
        let f = match file {
            Some(p) => {
                let text = std::fs::read_to_string(p)
                    .map_err(|e| ConfigError::Read(p.display().to_string(), e))?;
                toml::from_str::<FileConfig>(&text)
                    .map_err(|e| ConfigError::Parse(p.display().to_string(), e))?
            }
            None => FileConfig::default(),
        };
        let scorecard_targets = f
            .scorecard
            .map(ScorecardFile::targets)
            .transpose()
            .map_err(|e| {
                ConfigError::Invalid(file.map(|p| p.display().to_string()).unwrap_or_default(), e)
            })?
            .unwrap_or_default();
        let metrics_token = match f.metrics_token {
            Some(t)
                if t.chars().count() < 24
                    || t.chars().any(|c| c.is_whitespace() || c.is_control()) =>
            {
                return Err(ConfigError::Invalid(
                    file.map(|p| p.display().to_string()).unwrap_or_default(),
                    "metrics_token: ít nhất 24 ký tự, không có khoảng trắng".into(),
                ))
            }
            t => t,
        };
        let accounts = account_settings(f.login, f.api_tokens).map_err(|e| {
            ConfigError::Invalid(file.map(|p| p.display().to_string()).unwrap_or_default(), e)
        })?;
        Ok(Config {
            database_url: over
                .database_url
                .or(f.database_url)
                .unwrap_or_else(|| DEFAULT_DATABASE_URL.into()),
            index_dir: over
                .index_dir
                .or(f.index_dir)
                .unwrap_or_else(|| DEFAULT_INDEX_DIR.into()),
            bind: over.bind.or(f.bind).unwrap_or_else(|| DEFAULT_BIND.into()),
            pool_size: f.pool_size.unwrap_or(8),
            search_cache_entries: f.search_cache_entries.unwrap_or(SEARCH_CACHE_ENTRIES),
            trusted_proxies: f.trusted_proxies.unwrap_or_default(),
            ready_max_lag: f.ready_max_lag.unwrap_or(1000),
            indexer_interval_ms: f.indexer_interval_ms.unwrap_or(500).max(10),
            scorecard_targets,
            metrics_allow: f
                .metrics_allow
                .unwrap_or_else(crate::auth::default_metrics_allow),
            metrics_token,
            accounts,
            site: Site::from(f.site_name, f.site_province, |k| std::env::var(k).ok()),
        })
    }

    /// The database URL with any password hidden, for logs.
    pub fn database_url_redacted(&self) -> String {
        redact(&self.database_url)
    }
}

pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_site_name_from_the_environment_then_the_file_then_the_default() {
        let none = |_: &str| None;
        assert_eq!(Site::from(None, None, none), Site::default());
        assert_eq!(Site::default().name, DEFAULT_SITE_NAME);
        let file = Site::from(
            Some("CSDL văn bản".into()),
            Some("Tỉnh Cà Mau".into()),
            none,
        );
        assert_eq!(file.name, "CSDL văn bản");
        assert_eq!(file.province.as_deref(), Some("Tỉnh Cà Mau"));
        let env = |k: &str| (k == "VANBAN_SITE_PROVINCE").then(|| "Tỉnh An Giang".to_string());
        let both = Site::from(Some("  ".into()), Some("Tỉnh Cà Mau".into()), env);
        assert_eq!(both.name, DEFAULT_SITE_NAME, "a blank name is no name");
        assert_eq!(both.province.as_deref(), Some("Tỉnh An Giang"));
    }

    #[test]
    fn flags_win_over_file_and_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("vanban.toml");
        std::fs::write(
            &p,
            "bind = \"0.0.0.0:9000\"\ndatabase_url = \"sqlite://x.db\"\n",
        )
        .unwrap();
        let c = Config::load(
            Some(&p),
            Overrides {
                bind: Some("127.0.0.1:1".into()),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(c.bind, "127.0.0.1:1");
        assert_eq!(c.database_url, "sqlite://x.db");
        assert_eq!(c.index_dir, PathBuf::from(DEFAULT_INDEX_DIR));
        assert!(c.trusted_proxies.is_empty());
        std::fs::write(&p, "trusted_proxies = [\"10.0.0.1\", \"::1\"]\n").unwrap();
        let c = Config::load(Some(&p), Overrides::default()).unwrap();
        assert_eq!(c.trusted_proxies.len(), 2);
        std::fs::write(&p, "trusted_proxies = [\"proxy.local\"]\n").unwrap();
        assert!(matches!(
            Config::load(Some(&p), Overrides::default()),
            Err(ConfigError::Parse(..))
        ));
        std::fs::write(&p, "bnd = 1\n").unwrap();
        assert!(matches!(
            Config::load(Some(&p), Overrides::default()),
            Err(ConfigError::Parse(..))
        ));
    }

    #[test]
    fn scorecard_targets_from_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("vanban.toml");
        let c = Config::load(None, Overrides::default()).unwrap();
        assert_eq!(
            c.scorecard_targets,
            crate::domain::scorecard::Targets::default()
        );
        std::fs::write(&p, "[scorecard]\nfiled_online = 30\non_time = 95\n").unwrap();
        let c = Config::load(Some(&p), Overrides::default()).unwrap();
        assert_eq!(c.scorecard_targets.filed_online, 30);
        assert_eq!(c.scorecard_targets.on_time, Some(95));
        assert_eq!(c.scorecard_targets.online_level3_district, 65);
        std::fs::write(&p, "[scorecard]\nposted = 120\n").unwrap();
        assert!(matches!(
            Config::load(Some(&p), Overrides::default()),
            Err(ConfigError::Invalid(..))
        ));
        std::fs::write(&p, "[scorecard]\npostd = 90\n").unwrap();
        assert!(matches!(
            Config::load(Some(&p), Overrides::default()),
            Err(ConfigError::Parse(..))
        ));
    }

    #[test]
    fn login_limits_and_token_lifetime_from_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("vanban.toml");
        let c = Config::load(None, Overrides::default()).unwrap();
        let d = c.accounts;
        assert_eq!(d.throttle.free_failures, 5);
        assert_eq!(d.throttle.first_delay, std::time::Duration::from_secs(1));
        assert_eq!(d.throttle.max_delay, std::time::Duration::from_secs(60));
        assert_eq!(d.throttle.address_failures, 100);
        assert_eq!(d.throttle.address_window, chrono::Duration::hours(1));
        assert_eq!(d.token_lifetime, chrono::Duration::days(90));
        assert!(d.password_checks >= 1);
        std::fs::write(
            &p,
            "[login]\nfree_failures = 3\nfirst_delay_ms = 200\nmax_delay_ms = 800\naddress_failures = 20\npassword_checks = 1\npassword_queue = 0\n[api_tokens]\nlifetime_days = 30\n",
        )
        .unwrap();
        let a = Config::load(Some(&p), Overrides::default())
            .unwrap()
            .accounts;
        assert_eq!(a.throttle.free_failures, 3);
        assert_eq!(
            a.throttle.first_delay,
            std::time::Duration::from_millis(200)
        );
        assert_eq!(a.throttle.max_delay, std::time::Duration::from_millis(800));
        assert_eq!(a.throttle.address_failures, 20);
        assert_eq!(a.throttle.forget_after, chrono::Duration::hours(1));
        assert_eq!((a.password_checks, a.password_queue), (1, 0));
        assert_eq!(a.token_lifetime, chrono::Duration::days(30));
        for bad in [
            "[login]\nfirst_delay_ms = 5000\nmax_delay_ms = 1000\n",
            "[login]\nmax_delay_ms = 0\n",
            "[login]\npassword_checks = 0\n",
            "[login]\naddress_failures = 0\n",
            "[api_tokens]\nlifetime_days = 0\n",
            "[api_tokens]\nlifetime_days = 100000\n",
        ] {
            std::fs::write(&p, bad).unwrap();
            assert!(
                matches!(
                    Config::load(Some(&p), Overrides::default()),
                    Err(ConfigError::Invalid(..))
                ),
                "{bad}"
            );
        }
        std::fs::write(&p, "[login]\nfree_failure = 3\n").unwrap();
        assert!(matches!(
            Config::load(Some(&p), Overrides::default()),
            Err(ConfigError::Parse(..))
        ));
    }

    #[test]
    fn passwords_are_not_printed() {
        assert_eq!(redact("postgres://u:secret@h/db"), "postgres://u:***@h/db");
        assert_eq!(redact("sqlite://vanban.sqlite3"), "sqlite://vanban.sqlite3");
    }
}
