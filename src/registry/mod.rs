//! The registry's use cases over the database: its records and their writer, data-quality
//! checks, the organisation, and derived statuses (which read registry tables only). The
//! interchange (import, export) that dispatches records to this writer is `crate::exchange`.

pub mod check;
pub mod draft;
pub mod expiry;
pub mod org;
pub mod reason;
pub mod records;
pub mod status;
pub mod unit_batch;
pub mod unit_labels;
pub mod unit_tree;
pub mod upgrade;
pub mod wording;
pub mod write;
pub mod write_law;
pub mod write_org;
// ed: withdrawal of documents entered in error.
pub mod withdraw;
