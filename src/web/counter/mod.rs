//! Pages of procedures at the counter (bộ phận một cửa): the postings checklist of a unit
//! (`/units/{code}/niem-yet`) and its monthly dossier counts (`/units/{code}/ho-so`, with the
//! CSV upload). A refused form is shown again with each error beside its field and what was
//! typed; nothing is written.

pub mod counts;
mod form;
pub mod postings;

pub use form::{CountsForm, PostingsForm};
