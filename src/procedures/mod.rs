//! Administrative procedures (thủ tục hành chính): the catalogue with its versions, postings at
//! units' reception points and portals, inspections, monthly dossier counts, and the
//! completeness check. Rules are in `domain::procedure`, `domain::listing` and
//! `domain::calendar`; tables and queries in `db::procedures`.
//!
//! For pages and the API:
//! - reading: `db::procedures` (`procedure_by_code`, `versions_of`, `basis_of`,
//!   `postings_of_units`, `inspections_of`, `findings_of`, `dossier_counts_of`, `calendar`),
//!   with the row readers `ProcedureVersion::{levels_stored, channels_stored, dossier_stored,
//!   fees_stored, online_stored, announcement_kind}` (a corrupt stored value is an error);
//! - the check: [`check::check_unit`], [`check::check_units`], [`check::check_province`], and
//!   [`check::write_csv`] / [`check::write_table`];
//! - writing: records of the import format ([`records`]), applied by [`write`], to which
//!   `exchange` dispatches them (`vanban import`, `POST /api/v1/records`);
//! - the annex of an announcing decision read from a spreadsheet: [`announce`].

pub mod announce;
pub mod check;
pub mod counter;
pub mod inspections;
pub mod records;
pub mod scorecard;
pub mod write;
