//! Pages of procedures at the counter (bộ phận một cửa): the postings checklist of a unit
//! (`/units/{code}/niem-yet`). A refused form is shown again with the error beside its field
//! and what was chosen; nothing is written.

mod form;
pub mod postings;

pub use form::PostingsForm;
