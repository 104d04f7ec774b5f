//! Accounts, roles and scopes, passwords, sessions, CSRF, brute-force limits and API tokens.
//!
//! One guard ([`guard`]) sits in front of every route: it finds who is asking (session cookie
//! or bearer token), applies the route's access rule from the route table (`src/routes.rs`),
//! checks where state-changing requests come from and their CSRF token, and adds the
//! security headers that depend on the request. Handlers get the user from [`Actor`].

pub mod cli;
pub mod csrf;
pub mod limits;
pub mod password;
pub mod roles;
pub mod session;
pub mod tokens;
pub mod users;
pub mod viewer;

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use actix_web::{HttpMessage, HttpRequest};
use chrono::NaiveDateTime;

pub use roles::{Access, Decision, RecordOf, Role, Scope};

use crate::db::{Db, DbError};

/// Where a user whose password an administrator set is led until they change it.
pub const PASSWORD_CHANGE_PAGE: &str = "/account#doi-mat-khau";

/// A body whose next part does not arrive within this time is abandoned (408).
pub const BODY_IDLE: Duration = Duration::from_secs(15);
/// A body not received in full within this time is abandoned (408).
pub const BODY_TOTAL: Duration = Duration::from_secs(120);
/// Deployment facts the guard needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Security {
    /// Reverse proxies whose `X-Forwarded-For` / `X-Forwarded-Proto` / `X-Forwarded-Host`
    /// are believed (config key `trusted_proxies`).
    pub trusted_proxies: Vec<IpAddr>,
    /// The server listens on a loopback address only: plain http is then allowed (no one
    /// else can listen in). Otherwise sessions and logins need HTTPS.
    pub loopback: bool,
    /// Client addresses that may read `/metrics` without a token (config key
    /// `metrics_allow`; default loopback).
    pub metrics_allow: Vec<IpAddr>,
    /// A bearer token that lets any address read `/metrics` (config key `metrics_token`).
    pub metrics_token: Option<String>,
    /// A request body whose next part does not arrive within this time is abandoned (408).
    pub body_idle: std::time::Duration,
    /// A request body not received in full within this time is abandoned (408).
    pub body_total: std::time::Duration,
}

/// The addresses that may read the metrics unless configured otherwise.
pub fn default_metrics_allow() -> Vec<IpAddr> {
    vec![
        IpAddr::V4(std::net::Ipv4Addr::LOCALHOST),
        IpAddr::V6(std::net::Ipv6Addr::LOCALHOST),
    ]
}

impl Default for Security {
    fn default() -> Self {
        Security {
            trusted_proxies: Vec::new(),
            loopback: true,
            metrics_allow: default_metrics_allow(),
            metrics_token: None,
            body_idle: BODY_IDLE,
            body_total: BODY_TOTAL,
        }
    }
}

/// The numbers of account security (configuration `[login]` and `[api_tokens]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccountSettings {
    /// Brute-force limits on password checks.
    pub throttle: limits::Policy,
    /// Password verifications and hashes running at once (default: one per core).
    pub password_checks: usize,
    /// How many more may wait for their turn; beyond them the request answers 503.
    pub password_queue: usize,
    /// How long a new API token lives.
    pub token_lifetime: chrono::Duration,
}

/// Password checks waiting at most, by default (each holds no memory while it waits).
pub const DEFAULT_PASSWORD_QUEUE: usize = 32;

impl Default for AccountSettings {
    fn default() -> Self {
        AccountSettings {
            throttle: limits::Policy::default(),
            password_checks: password::default_concurrency(),
            password_queue: DEFAULT_PASSWORD_QUEUE,
            token_lifetime: tokens::DEFAULT_LIFETIME,
        }
    }
}

/// The account limits of a running instance: its settings and its password check queue.
pub struct AccountLimits {
    pub settings: AccountSettings,
    pub queue: password::VerifyQueue,
}

impl AccountLimits {
    pub fn new(settings: AccountSettings) -> AccountLimits {
        AccountLimits {
            queue: password::VerifyQueue::new(settings.password_checks, settings.password_queue),
            settings,
        }
    }
}

impl Default for AccountLimits {
    fn default() -> Self {
        AccountLimits::new(AccountSettings::default())
    }
}

/// How a request reached the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    /// TLS, directly or at a trusted proxy.
    Https,
    /// Plain http to a server that listens on loopback only.
    LoopbackHttp,
    /// Plain http over the network: no credentials are accepted or issued.
    PlainHttp,
}

impl Transport {
    pub fn secure(self) -> bool {
        self == Transport::Https
    }

    pub fn session_cookie(self) -> &'static str {
        if self.secure() {
            session::SESSION_COOKIE_HTTPS
        } else {
            session::SESSION_COOKIE_LOOPBACK
        }
    }

    pub fn login_csrf_cookie(self) -> &'static str {
        if self.secure() {
            session::LOGIN_CSRF_COOKIE_HTTPS
        } else {
            session::LOGIN_CSRF_COOKIE_LOOPBACK
        }
    }

    pub fn credentials_allowed(self) -> bool {
        self != Transport::PlainHttp
    }
}

/// What the guard learned about a request, for handlers (login, logout).
#[derive(Debug, Clone)]
pub struct RequestInfo {
    pub transport: Transport,
    /// The client's address (from `X-Forwarded-For` only behind a trusted proxy).
    pub client_ip: String,
    /// The pre-session CSRF cookie of the login form, if the browser sent one.
    pub login_csrf: Option<String>,
    /// The server's origin as the browser sees it (`https://host`): the scheme from the
    /// transport, the host from `Host`, or from `X-Forwarded-Host` at a trusted proxy only.
    pub origin: String,
}

/// The server's origin as the client reached it (`scheme://host`), for absolute links
/// (feeds, JSON-LD): from the front's [`RequestInfo`], so forwarded headers count only from
/// a trusted proxy.
pub fn origin_of(req: &HttpRequest) -> String {
    req.extensions()
        .get::<RequestInfo>()
        .map(|i| i.origin.clone())
        .unwrap_or_else(|| format!("http://{}", req.app_config().host()))
}

/// A signed-in user, as the guard found them for this request.
#[derive(Debug, Clone)]
pub struct Principal {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub scope: Scope,
    pub via: Via,
    /// The account's password was set by an administrator and must be changed before
    /// anything else: the guard leads every page to the change form and refuses API tokens.
    pub must_change_password: bool,
}

#[derive(Debug, Clone)]
pub enum Via {
    Session { id_hash: String, csrf_token: String },
    Token { token_id: i64 },
}

impl Principal {
    /// The actor named in the audit trail.
    pub fn actor(&self) -> String {
        format!("user:{}", self.username)
    }

    pub fn session_hash(&self) -> Option<&str> {
        match &self.via {
            Via::Session { id_hash, .. } => Some(id_hash),
            Via::Token { .. } => None,
        }
    }
}

fn principal_of(db: &mut Db<'_>, user_id: i64, via: Via) -> Result<Option<Principal>, DbError> {
    let Some(u) = users::find(db, user_id)? else {
        return Ok(None);
    };
    if u.disabled {
        return Ok(None);
    }
    Ok(Some(Principal {
        user_id: u.id,
        username: u.username,
        display_name: u.display_name,
        role: u.role,
        scope: users::scope_of(db, user_id)?,
        via,
        must_change_password: u.must_change_password,
    }))
}

/// The user of a live session (its use recorded); a disabled user's sessions are deleted.
pub fn principal_from_session(
    db: &mut Db<'_>,
    secret: &str,
    now: NaiveDateTime,
) -> Result<Option<Principal>, DbError> {
    let Some(s) = session::lookup(db, secret, now)? else {
        return Ok(None);
    };
    let via = Via::Session {
        id_hash: s.id_hash.clone(),
        csrf_token: s.csrf_token.clone(),
    };
    let p = principal_of(db, s.user_id, via)?;
    if p.is_none() {
        session::delete(db, &s.id_hash)?;
    }
    Ok(p)
}

/// The user of a live API token (its use recorded).
pub fn principal_from_token(
    db: &mut Db<'_>,
    token: &str,
    now: NaiveDateTime,
) -> Result<Option<Principal>, DbError> {
    let Some(t) = tokens::authenticate(db, token, now)? else {
        return Ok(None);
    };
    principal_of(db, t.user_id, Via::Token { token_id: t.id })
}

/// The signed-in user of a route whose rule requires one. The guard has already applied the
/// rule; finding no user here means the route was declared `Public` by mistake, so it fails
/// closed.
#[derive(Debug, Clone)]
pub struct Actor(pub Arc<Principal>);

impl std::ops::Deref for Actor {
    type Target = Principal;
    fn deref(&self) -> &Principal {
        &self.0
    }
}

/// The signed-in user, if any (public routes).
#[derive(Debug, Clone)]
pub struct MaybeActor(pub Option<Arc<Principal>>);
