//! The one-stop office and feedback address of a unit (`domain::contact`): read for the pages
//! that show it (the unit, its procedures, a procedure seen from the unit, the posting sheet)
//! and written from its form through the one write path (a `unit_contact` record: the
//! writer's units checked, audited, all or nothing).

use serde::Serialize;

use crate::app::{on_pool, AppState};
use crate::auth::Actor;
use crate::db::contacts::{self, UnitContactRow};
use crate::db::Db;
use crate::domain::contact::{tel_href, Contact, ContactInput, ContactProblem};
use crate::error::AppError;
use crate::exchange::records::{Record, UnitContactRecord};

/// A unit's contact as the pages show it.
#[derive(Debug, Clone, Serialize)]
pub struct ContactView {
    pub unit_code: String,
    pub unit_name: String,
    #[serde(flatten)]
    pub contact: Contact,
    /// `tel:` addresses of the phones (empty when there is none).
    pub phone_href: String,
    pub feedback_phone_href: String,
    pub has_feedback: bool,
}

impl ContactView {
    fn of(unit: &crate::db::models::Unit, row: UnitContactRow) -> ContactView {
        let contact = Contact {
            address: row.address,
            hours: row.hours,
            phone: row.phone,
            email: row.email,
            feedback_address: row.feedback_address,
            feedback_phone: row.feedback_phone,
            feedback_email: row.feedback_email,
            feedback_url: row.feedback_url,
        };
        let href = |p: &str| {
            if p.is_empty() {
                String::new()
            } else {
                tel_href(p)
            }
        };
        ContactView {
            unit_code: unit.code.clone(),
            unit_name: unit.name.clone(),
            phone_href: href(&contact.phone),
            feedback_phone_href: href(&contact.feedback_phone),
            has_feedback: contact.has_feedback(),
            contact,
        }
    }
}

/// The contact of a unit, when one is recorded and holds something.
pub fn of_unit(
    db: &mut Db<'_>,
    unit: &crate::db::models::Unit,
) -> Result<Option<ContactView>, AppError> {
    Ok(contacts::of_unit(db, unit.id)?
        .map(|r| ContactView::of(unit, r))
        .filter(|v| !v.contact.is_empty()))
}

/// The contact of the unit a reference names (`32152`, `32152@2025-07-01`); `None` for an
/// unknown unit or one with no contact.
pub fn of_reference(db: &mut Db<'_>, reference: &str) -> Result<Option<ContactView>, AppError> {
    match crate::db::registry::unit_by_reference(db, reference.trim())? {
        Some(u) => of_unit(db, &u),
        None => Ok(None),
    }
}

/// The contact form of a unit: the unit, and what is recorded (empty fields when nothing).
pub struct ContactForm {
    pub unit: crate::db::models::Unit,
    pub input: ContactInput,
}

/// The form of the unit `reference` (404 for an unknown unit).
pub async fn form(state: &AppState, reference: String) -> Result<ContactForm, AppError> {
    on_pool(state, move |db| {
        let unit =
            crate::db::registry::unit_by_reference(db, reference.trim())?.ok_or_else(|| {
                AppError::NotFound(format!("Không có đơn vị hành chính mã «{reference}»."))
            })?;
        let input = contacts::of_unit(db, unit.id)?
            .map(|r| ContactInput {
                address: r.address,
                hours: r.hours,
                phone: r.phone,
                email: r.email,
                feedback_address: r.feedback_address,
                feedback_phone: r.feedback_phone,
                feedback_email: r.feedback_email,
                feedback_url: r.feedback_url,
            })
            .unwrap_or_default();
        Ok(ContactForm { unit, input })
    })
    .await
}

/// What the form did.
pub enum SavedContact {
    Written,
    /// Every refused field (nothing written), with the unit to show the form again.
    Refused(Box<crate::db::models::Unit>, Vec<ContactProblem>),
}

/// Checks and writes the contact of the unit `reference` as `actor`. A unit outside the
/// writer's units is a 403 from the write path (nothing written).
pub async fn save(
    state: &AppState,
    actor: Actor,
    reference: String,
    input: ContactInput,
) -> Result<SavedContact, AppError> {
    let ContactForm { unit, .. } = form(state, reference).await?;
    if let Err(problems) = input.check() {
        return Ok(SavedContact::Refused(Box::new(unit), problems));
    }
    let pool = state.pool.clone();
    let reference = unit_reference(state, &unit)?;
    actix_web::web::block(move || -> Result<SavedContact, AppError> {
        let record = Record::UnitContact(UnitContactRecord {
            unit: reference,
            contact: input,
        });
        match crate::app::counter::write(&pool, &actor, "lien-he", &[record])? {
            Ok(_) => Ok(SavedContact::Written),
            Err(lines) => Err(AppError::Internal(
                lines
                    .into_iter()
                    .map(|l| l.message)
                    .collect::<Vec<_>>()
                    .join("; "),
            )),
        }
    })
    .await?
}

/// The reference that names `unit` alone (`code@valid_from` where the code was reused).
fn unit_reference(state: &AppState, unit: &crate::db::models::Unit) -> Result<String, AppError> {
    let org = state.org_cache.get(&state.pool)?;
    Ok(org.unit_reference(unit))
}
