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

use std::collections::HashSet;

use crate::auth::{Actor, Role};
use crate::db::Db;
use crate::error::AppError;
use crate::exchange::write::Writer;
use crate::registry::org::Org;

/// The writer a signed-in user is: their audit name and the units of their scope (their
/// predecessors included); administrators write anywhere.
pub fn writer(db: &mut Db<'_>, actor: &Actor) -> Result<Writer, AppError> {
    let org = Org::load(db)?;
    let units: Option<HashSet<i64>> = actor.scope.expanded(|u| org.all_unit_predecessors(u));
    Ok(Writer {
        actor: actor.actor(),
        units,
        organisation: actor.role == Role::Admin,
        // A new document or effect: a line differing from a stored record is a conflict.
        update: false,
        reason: None,
    })
}
