//! The OpenAPI description of the JSON API, built once by `routes::openapi` (which reads the
//! route table) and handed to the handlers that serve it (`api::openapi::openapi_json`,
//! `web::api_docs::page`) as application data, so neither needs the route table.

use actix_web::web::Bytes;
use utoipa::openapi::OpenApi;

pub struct ApiDescription {
    document: OpenApi,
    json: Bytes,
}

impl ApiDescription {
    pub fn new(document: OpenApi) -> ApiDescription {
        let json = serde_json::to_string(&document).unwrap_or_else(|_| "{}".to_string());
        ApiDescription {
            document,
            json: Bytes::from(json),
        }
    }

    /// The document, for pages that read it to people.
    pub fn document(&self) -> &OpenApi {
        &self.document
    }

    /// The document as served at `/api/v1/openapi.json`.
    pub fn json(&self) -> Bytes {
        self.json.clone()
    }
}
