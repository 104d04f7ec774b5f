//! The one route table.

use actix_web::web;

use crate::{api, web as pages};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(pages::public::index))
        .route("/documents", web::get().to(pages::public::documents))
        .route("/documents/{id}", web::get().to(pages::public::document))
        .route(
            "/documents/{id}/{key:.+}",
            web::get().to(pages::public::provision),
        )
        .route("/authorities", web::get().to(pages::public::authorities))
        .route("/authorities/{id}", web::get().to(pages::public::authority))
        .route("/units", web::get().to(pages::public::units))
        .route("/units/{code}", web::get().to(pages::public::unit))
        .route("/search", web::get().to(pages::search::page))
        .route("/api/v1/search", web::get().to(pages::search::api))
        .route("/static/vanban.css", web::get().to(pages::stylesheet))
        .route("/api/v1/documents", web::get().to(api::documents))
        .route("/api/v1/documents/{id}", web::get().to(api::document))
        .route(
            "/api/v1/documents/{id}/status",
            web::get().to(api::document_status),
        )
        .route(
            "/api/v1/audit/checkpoint",
            web::get().to(api::audit_checkpoint),
        );
}
