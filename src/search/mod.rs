//! Vietnamese full-text search over the registry (tantivy): analysis, index, queries.

pub mod analyzer;
pub mod build;
pub mod cache;
mod conjunctive;
pub(crate) mod dense;
pub use conjunctive::sharing_words;
pub use dense::kept as dense_kept;
pub mod eval;
pub mod index;
mod kept;
pub mod merge;
pub mod query;
pub mod service;
pub mod wordings;
