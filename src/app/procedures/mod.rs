//! The read side of the public listing of administrative procedures (thủ tục hành chính),
//! shared by the pages (`web::procedures`) and the JSON API (`api::procedures`).
//!
//! What every page needs — each procedure with its versions, each version's legal basis and
//! whether it is in force — is built once per state of the database ([`Catalogue`]) and kept,
//! with each unit's listing and the pages rendered for anonymous readers, until the outbox
//! moves (every write to procedures, postings, documents and effects appends to it) or the day
//! changes. The outbox is looked at again at most every [`CHECK_EVERY`], so a public page is
//! at most that much behind a write.
//!
//! - [`views`]: what a reader sees of a version and of a listing line;
//! - [`catalogue`]: the catalogue and a unit's listing, built from the database;
//! - [`cache`]: the cache of both and of rendered pages;
//! - [`filters`]: the listing parameters, their checks, selection and pages;
//! - [`load`]: the loaders the handlers call (catalogue page, one procedure, one unit);
//! - [`completeness`]: the parameters of the completeness check.

pub mod cache;
pub mod catalogue;
pub mod completeness;
pub mod filters;
pub mod load;
pub mod views;

#[cfg(test)]
mod tests;

pub use cache::{kept, ListingCache, CHECK_EVERY};
pub use catalogue::{Catalogue, Entry, UnitInfo, UnitListing};
pub use filters::{
    format_of, Filters, ListingPage, ListingQuery, MAX_PER_PAGE, MAX_QUERY_CHARS, PER_PAGE,
};
pub use load::{
    load_catalogue, load_detail, load_unit, DetailQuery, PostedAt, ProcedurePage, UnitData,
    UnitListingJson,
};
pub use views::{BasisView, DecisionView, FeeView, Label, Row, VersionView};
