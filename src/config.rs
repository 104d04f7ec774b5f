//! Settings: defaults, then an optional TOML file, then `VANBAN_*` environment variables and
//! command-line flags (clap reads both; the flag wins). Every command honours them.

use std::path::{Path, PathBuf};

use serde::Deserialize;

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
            search_cache_entries: f
                .search_cache_entries
                .unwrap_or(crate::web::SEARCH_CACHE_ENTRIES),
            trusted_proxies: f.trusted_proxies.unwrap_or_default(),
            ready_max_lag: f.ready_max_lag.unwrap_or(1000),
            indexer_interval_ms: f.indexer_interval_ms.unwrap_or(500).max(10),
            scorecard_targets,
            metrics_allow: f
                .metrics_allow
                .unwrap_or_else(crate::auth::default_metrics_allow),
            metrics_token,
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
    fn passwords_are_not_printed() {
        assert_eq!(redact("postgres://u:secret@h/db"), "postgres://u:***@h/db");
        assert_eq!(redact("sqlite://vanban.sqlite3"), "sqlite://vanban.sqlite3");
    }
}
