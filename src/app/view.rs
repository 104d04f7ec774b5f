//! Views shared by pages and the JSON API of several features.

use serde::Serialize;

use crate::domain::status::Status;

/// A document's status: its code and Vietnamese label.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StatusView {
    pub code: &'static str,
    pub label: &'static str,
}

impl From<Status> for StatusView {
    fn from(s: Status) -> Self {
        StatusView {
            code: s.code(),
            label: s.label(),
        }
    }
}
