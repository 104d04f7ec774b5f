//! The shared view models, from their home in the application layer (`app::view`), and the
//! status sentence from the registry (`registry::reason`), for the pages that name them here.

pub use crate::app::view::*;
pub use crate::registry::reason::status_reason;
