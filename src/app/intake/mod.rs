//! A new document from its signed file, and effects entered by hand (issue 16): the read models
//! of the pages in `web::intake`. Nothing here writes on its own: a save builds the same JSON
//! Lines records an import takes and goes through `exchange::write` (scope, validation, audit
//! and outbox in one transaction), and the preview runs that same write rolled back.
//!
//! - [`source`]: the text of an uploaded file or of pasted text (the one place that knows the
//!   readers);
//! - [`form`]: the review form's fields, filled from an extraction or as posted;
//! - [`resolve`]: the issuer matched to an authority, effect targets matched to documents;
//! - [`effect`]: the effects form of an existing document;
//! - [`save`]: records, preview and save, with the importer's errors put beside their fields.

pub mod effect;
pub mod form;
pub mod resolve;
pub mod save;
pub mod source;

/// The writer a signed-in user is (a new document or effect: a line differing from a stored
/// record is a conflict).
pub use crate::app::writer;
