//! Builds the HTTP application and runs it.

use std::net::TcpListener;

use actix_web::dev::Server;
use actix_web::middleware::{Compress, DefaultHeaders};
use actix_web::HttpServer;

use std::sync::Arc;

use crate::app::AppState;
use crate::db::DbPool;
use crate::search::service::SearchService;

/// Headers every response carries: pages, API, errors, static files, the 404 page, and the
/// guard's refusals (it runs inside this middleware). `Cache-Control: no-store` and HSTS
/// depend on the request and are added by the guard (`auth::guard`).
pub fn security_headers() -> DefaultHeaders {
    DefaultHeaders::new()
        .add((
            "Content-Security-Policy",
            "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
        ))
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("Referrer-Policy", "strict-origin-when-cross-origin"))
}

/// Registers routes and middleware on an `App` (shared by the server and the tests).
#[macro_export]
macro_rules! vanban_app {
    ($state:expr) => {
        actix_web::App::new()
            .app_data(actix_web::web::Data::new($state))
            .app_data($crate::routes::extract::path_config())
            .app_data($crate::routes::extract::query_config())
            .app_data($crate::routes::extract::form_config())
            .app_data($crate::routes::extract::json_config())
            .app_data(actix_web::web::Data::new(
                $crate::routes::guard::RouteIndex::new($crate::routes::ROUTES),
            ))
            .app_data($crate::routes::openapi::description())
            .wrap(actix_web::middleware::from_fn(
                $crate::web::http::conditional,
            ))
            .wrap(actix_web::middleware::from_fn($crate::routes::guard::front))
            .wrap($crate::startup::security_headers())
            .wrap(actix_web::middleware::from_fn($crate::web::http::limits))
            .wrap(actix_web::middleware::from_fn(
                $crate::web::observe::observe,
            ))
            .configure($crate::routes::configure)
            .default_service(actix_web::web::to($crate::web::not_found))
    };
}

pub struct Application {
    port: u16,
    server: Server,
}

impl Application {
    pub fn build(
        pool: DbPool,
        search: Arc<SearchService>,
        config: &crate::config::Config,
    ) -> std::io::Result<Application> {
        let listener = TcpListener::bind(&config.bind)?;
        let local = listener.local_addr()?;
        let port = local.port();
        // Plain http is allowed only when no one else can reach the port.
        let security = crate::auth::Security {
            trusted_proxies: config.trusted_proxies.clone(),
            loopback: local.ip().is_loopback(),
            metrics_allow: config.metrics_allow.clone(),
            metrics_token: config.metrics_token.clone(),
            ..crate::auth::Security::default()
        };
        if !security.loopback {
            tracing::info!(
                "listening beyond loopback: sign-in needs HTTPS (directly or at a trusted proxy)"
            );
        }
        // Made now, so that the first login of an unknown user takes no longer than others.
        let _ = crate::auth::password::dummy_hash();
        crate::web::set_site(config.site.clone());
        let mut state =
            AppState::new(pool, Some(search), config.search_cache_entries).with_security(security);
        state.ready_max_lag = config.ready_max_lag;
        state.scorecard_targets = config.scorecard_targets;
        let state = state.with_accounts(config.accounts);
        // On SIGTERM or Ctrl-C: stop accepting, finish requests in flight (at most 30 s).
        let server = HttpServer::new(move || vanban_app!(state.clone()).wrap(Compress::default()))
            .shutdown_timeout(30)
            .listen(listener)?
            .run();
        Ok(Application { port, server })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}
