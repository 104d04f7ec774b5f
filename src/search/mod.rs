//! Vietnamese full-text search over the registry (tantivy): analysis, index, queries.

pub mod analyzer;
pub mod build;
pub mod cache;
mod conjunctive;
pub use conjunctive::sharing_words;
pub mod eval;
pub mod index;
mod kept;
pub mod merge;
pub mod query;
pub mod service;
pub mod wordings;
