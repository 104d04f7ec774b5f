//! Builds the HTTP application and runs it.

use std::net::TcpListener;

use actix_web::dev::Server;
use actix_web::middleware::{Compress, DefaultHeaders, Logger};
use actix_web::HttpServer;

use std::sync::Arc;

use crate::db::DbPool;
use crate::search::service::SearchService;
use crate::web::AppState;

/// Headers every response carries.
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
            .app_data(actix_web::web::QueryConfig::default().error_handler(|e, req| {
                let err = $crate::error::AppError::BadRequest(format!("Tham số không hợp lệ: {e}"));
                if req.path().starts_with("/api/") {
                    actix_web::error::InternalError::from_response(err.to_string(), actix_web::ResponseError::error_response(&err)).into()
                } else {
                    actix_web::error::InternalError::from_response(err.to_string(), $crate::web::error_page(&err)).into()
                }
            }))
            .wrap($crate::startup::security_headers())
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
        bind: &str,
        search_cache_entries: usize,
    ) -> std::io::Result<Application> {
        let listener = TcpListener::bind(bind)?;
        let port = listener.local_addr()?.port();
        let state = AppState::new(pool, Some(search), search_cache_entries);
        let server = HttpServer::new(move || {
            vanban_app!(state.clone())
                .wrap(Compress::default())
                .wrap(Logger::new("%r %s %Dms"))
        })
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
