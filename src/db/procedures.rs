//! Rows and queries of the procedure tables: procedures (one per national code), their
//! versions (one per announcing decision, never overwritten), each version's legal basis,
//! postings, inspections with their findings, monthly dossier counts and calendar overrides.
//! JSON columns (`levels`, `channels`, `dossier`, `fees`) hold lists as written by
//! `crate::procedures::write`; read them with the helpers on [`ProcedureVersion`].

use chrono::NaiveDate;
use diesel::prelude::*;

use super::schema::*;
use super::stored::{self, At, Corrupt, JsonColumn};
use super::{Db, DbError};
use crate::domain::kinds::UnitLevel;
use crate::domain::procedure::{
    Announcement, Channel, DossierComponent, Fee, OneStop, OnlineLevel,
};
use crate::with_db;

type R<T> = Result<T, DbError>;

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = procedures)]
pub struct Procedure {
    pub id: i64,
    pub code: String,
}

/// One version of a procedure, as announced by one decision.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = procedure_versions)]
pub struct ProcedureVersion {
    pub id: i64,
    pub procedure_id: i64,
    pub name: String,
    pub field: String,
    /// JSON list of unit level codes (`tinh`, `huyen`, `xa`).
    pub levels: String,
    pub agency: String,
    pub applicants: String,
    pub steps: String,
    /// JSON list of channel codes (`in_person`, `post`, `online`).
    pub channels: String,
    /// JSON list of [`DossierComponent`].
    pub dossier: String,
    pub statutory_days: i32,
    pub local_days: i32,
    /// Set when the local time is longer than the statutory one (see `domain::procedure`).
    pub time_warning: Option<String>,
    /// JSON list of [`Fee`].
    pub fees: String,
    pub result: String,
    pub conditions: String,
    pub online_level: String,
    pub one_stop: String,
    pub decision_authority_id: i64,
    pub decision_number: String,
    pub decision_number_key: String,
    pub decision_date: NaiveDate,
    pub announcement: String,
    /// The day the decision takes effect when it states one (else its signing day).
    pub decision_effective_on: Option<NaiveDate>,
    /// Where the procedure is submitted online (http or https), when known.
    pub online_url: Option<String>,
}

impl ProcedureVersion {
    /// The first day this version is current (`domain::procedure::announced_from`).
    pub fn current_from(&self) -> NaiveDate {
        crate::domain::procedure::announced_from(self.decision_date, self.decision_effective_on)
    }

    /// The order in which versions become current: the latest key on a date is the current
    /// version (`domain::procedure::currency_key`).
    pub fn currency_key(&self) -> (NaiveDate, NaiveDate, i64) {
        crate::domain::procedure::currency_key(
            self.decision_date,
            self.decision_effective_on,
            self.id,
        )
    }

    fn at(&self, column: &'static str) -> At<'_, i64> {
        At {
            table: "procedure_versions",
            row: &self.id,
            column,
        }
    }

    /// The unit levels; a corrupt list or an unknown code is an error naming the row.
    pub fn levels_stored(&self) -> Result<Vec<UnitLevel>, Corrupt> {
        let codes: Vec<String> =
            JsonColumn::stored(self.levels.clone()).decode(self.at("levels"))?;
        codes
            .iter()
            .map(|c| stored::code(c, self.at("levels"), UnitLevel::parse))
            .collect()
    }

    /// The channels; a corrupt list or an unknown code is an error naming the row.
    pub fn channels_stored(&self) -> Result<Vec<Channel>, Corrupt> {
        let codes: Vec<String> =
            JsonColumn::stored(self.channels.clone()).decode(self.at("channels"))?;
        codes
            .iter()
            .map(|c| stored::code(c, self.at("channels"), Channel::parse))
            .collect()
    }

    /// The dossier components; a corrupt list is an error naming the row.
    pub fn dossier_stored(&self) -> Result<Vec<DossierComponent>, Corrupt> {
        JsonColumn::stored(self.dossier.clone()).decode(self.at("dossier"))
    }

    /// The fees; a corrupt list is an error naming the row.
    pub fn fees_stored(&self) -> Result<Vec<Fee>, Corrupt> {
        JsonColumn::stored(self.fees.clone()).decode(self.at("fees"))
    }

    /// The online level; an unknown code is an error naming the row.
    pub fn online_stored(&self) -> Result<OnlineLevel, Corrupt> {
        stored::code(&self.online_level, self.at("online_level"), |c| {
            OnlineLevel::parse(c).ok()
        })
    }

    pub fn announcement_kind(&self) -> Option<Announcement> {
        Announcement::parse(&self.announcement)
    }

    pub fn one_stop_kind(&self) -> Option<OneStop> {
        OneStop::parse(&self.one_stop)
    }

    pub fn is_abolished(&self) -> bool {
        self.announcement == Announcement::Abolished.code()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Insertable, serde::Serialize)]
#[diesel(table_name = procedure_versions, treat_none_as_default_value = false)]
pub struct NewProcedureVersion {
    pub procedure_id: i64,
    pub name: String,
    pub field: String,
    pub levels: String,
    pub agency: String,
    pub applicants: String,
    pub steps: String,
    pub channels: String,
    pub dossier: String,
    pub statutory_days: i32,
    pub local_days: i32,
    pub time_warning: Option<String>,
    pub fees: String,
    pub result: String,
    pub conditions: String,
    pub online_level: String,
    pub one_stop: String,
    pub decision_authority_id: i64,
    pub decision_number: String,
    pub decision_number_key: String,
    pub decision_date: NaiveDate,
    pub announcement: String,
    pub decision_effective_on: Option<NaiveDate>,
    pub online_url: Option<String>,
}

impl NewProcedureVersion {
    /// The insertable form of a stored version (to compare a re-imported line with it).
    pub fn of(v: &ProcedureVersion) -> NewProcedureVersion {
        NewProcedureVersion {
            procedure_id: v.procedure_id,
            name: v.name.clone(),
            field: v.field.clone(),
            levels: v.levels.clone(),
            agency: v.agency.clone(),
            applicants: v.applicants.clone(),
            steps: v.steps.clone(),
            channels: v.channels.clone(),
            dossier: v.dossier.clone(),
            statutory_days: v.statutory_days,
            local_days: v.local_days,
            time_warning: v.time_warning.clone(),
            fees: v.fees.clone(),
            result: v.result.clone(),
            conditions: v.conditions.clone(),
            online_level: v.online_level.clone(),
            one_stop: v.one_stop.clone(),
            decision_authority_id: v.decision_authority_id,
            decision_number: v.decision_number.clone(),
            decision_number_key: v.decision_number_key.clone(),
            decision_date: v.decision_date,
            announcement: v.announcement.clone(),
            decision_effective_on: v.decision_effective_on,
            online_url: v.online_url.clone(),
        }
    }
}

/// One legal basis of a version: a registry document, or one of its provisions.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable, serde::Serialize)]
#[diesel(table_name = procedure_basis, treat_none_as_default_value = false)]
pub struct Basis {
    pub version_id: i64,
    pub ordinal: i32,
    pub document_id: i64,
    /// Provision key (`dieu-5`, `dieu-7/khoan-2`); `None` = the document as a whole.
    pub provision: Option<String>,
}

/// A posting (niêm yết): a version at a unit's reception point or portal, from a day to a day.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = postings)]
pub struct Posting {
    pub id: i64,
    pub version_id: i64,
    pub procedure_id: i64,
    pub unit_id: i64,
    /// `reception` (bộ phận tiếp nhận và trả kết quả) or `portal` (cổng thông tin điện tử).
    pub point: String,
    pub from_on: NaiveDate,
    /// Last day posted; `None` = still posted.
    pub to_on: Option<NaiveDate>,
}

impl Posting {
    pub fn active_on(&self, date: NaiveDate) -> bool {
        self.from_on <= date && self.to_on.is_none_or(|t| date <= t)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Insertable, serde::Serialize)]
#[diesel(table_name = postings, treat_none_as_default_value = false)]
pub struct NewPosting {
    pub version_id: i64,
    pub procedure_id: i64,
    pub unit_id: i64,
    pub point: String,
    pub from_on: NaiveDate,
    pub to_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = inspections)]
pub struct Inspection {
    pub id: i64,
    pub unit_id: i64,
    pub inspected_on: NaiveDate,
    pub inspector: String,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Insertable, serde::Serialize)]
#[diesel(table_name = inspections)]
pub struct NewInspection {
    pub unit_id: i64,
    pub inspected_on: NaiveDate,
    pub inspector: String,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable, serde::Serialize)]
#[diesel(table_name = inspection_findings, treat_none_as_default_value = false)]
pub struct Finding {
    pub inspection_id: i64,
    pub procedure_id: i64,
    /// A [`crate::domain::listing::GapKind`] code, or `ok`.
    pub finding: String,
    pub note: Option<String>,
}

/// Dossiers of one procedure at one unit in one month (`month` is its first day).
#[derive(
    Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable, AsChangeset, serde::Serialize,
)]
#[diesel(table_name = dossier_counts)]
pub struct DossierCount {
    pub procedure_id: i64,
    pub unit_id: i64,
    pub month: NaiveDate,
    pub received: i32,
    pub online: i32,
    pub on_time: i32,
}

#[derive(
    Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable, AsChangeset, serde::Serialize,
)]
#[diesel(table_name = calendar_days)]
pub struct CalendarDay {
    pub day: NaiveDate,
    pub working: bool,
    pub note: String,
}

// ---- procedures and versions ----------------------------------------------------------------

pub fn procedure_by_code(db: &mut Db<'_>, code: &str) -> R<Option<Procedure>> {
    Ok(with_db!(db, c => procedures::table
        .filter(procedures::code.eq(code))
        .select(Procedure::as_select())
        .first(c)
        .optional())?)
}

pub fn procedures_by_ids(db: &mut Db<'_>, ids: &[i64]) -> R<Vec<Procedure>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(500) {
        let part: Vec<Procedure> = with_db!(db, c => procedures::table
            .filter(procedures::id.eq_any(chunk))
            .select(Procedure::as_select())
            .load(c))?;
        out.extend(part);
    }
    Ok(out)
}

pub fn all_procedures(db: &mut Db<'_>) -> R<Vec<Procedure>> {
    Ok(with_db!(db, c => procedures::table
        .order(procedures::code)
        .select(Procedure::as_select())
        .load(c))?)
}

/// Every version of every procedure (the catalogue sorts them).
pub fn all_versions(db: &mut Db<'_>) -> R<Vec<ProcedureVersion>> {
    Ok(with_db!(db, c => procedure_versions::table
        .select(ProcedureVersion::as_select())
        .load(c))?)
}

pub fn insert_procedure(db: &mut Db<'_>, code: &str) -> R<i64> {
    Ok(with_db!(db, c => diesel::insert_into(procedures::table)
        .values(procedures::code.eq(code))
        .returning(procedures::id)
        .get_result(c))?)
}

/// Every version of a procedure, oldest announcement first.
pub fn versions_of(db: &mut Db<'_>, procedure_id: i64) -> R<Vec<ProcedureVersion>> {
    Ok(with_db!(db, c => procedure_versions::table
        .filter(procedure_versions::procedure_id.eq(procedure_id))
        .order((procedure_versions::decision_date, procedure_versions::id))
        .select(ProcedureVersion::as_select())
        .load(c))?)
}

pub fn version(db: &mut Db<'_>, id: i64) -> R<Option<ProcedureVersion>> {
    Ok(with_db!(db, c => procedure_versions::table
        .find(id)
        .select(ProcedureVersion::as_select())
        .first(c)
        .optional())?)
}

/// The version of a procedure announced by a decision (authority + number key).
pub fn version_by_decision(
    db: &mut Db<'_>,
    procedure_id: i64,
    authority_id: i64,
    number_key: &str,
) -> R<Option<ProcedureVersion>> {
    Ok(with_db!(db, c => procedure_versions::table
        .filter(procedure_versions::procedure_id.eq(procedure_id))
        .filter(procedure_versions::decision_authority_id.eq(authority_id))
        .filter(procedure_versions::decision_number_key.eq(number_key))
        .select(ProcedureVersion::as_select())
        .first(c)
        .optional())?)
}

/// Every version an announcing decision announced.
pub fn versions_of_decision(
    db: &mut Db<'_>,
    authority_id: i64,
    number_key: &str,
) -> R<Vec<ProcedureVersion>> {
    Ok(with_db!(db, c => procedure_versions::table
        .filter(procedure_versions::decision_authority_id.eq(authority_id))
        .filter(procedure_versions::decision_number_key.eq(number_key))
        .order(procedure_versions::id)
        .select(ProcedureVersion::as_select())
        .load(c))?)
}

/// Versions announced by any of `authorities` that are in effect on `date` (signed and, when
/// the decision states a later effective date, effective by then), in the order they became
/// current: the last of a procedure is its current version.
pub fn versions_announced_by(
    db: &mut Db<'_>,
    authorities: &[i64],
    date: NaiveDate,
) -> R<Vec<ProcedureVersion>> {
    let mut out = Vec::new();
    for chunk in authorities.chunks(500) {
        let part: Vec<ProcedureVersion> = with_db!(db, c => procedure_versions::table
            .filter(procedure_versions::decision_authority_id.eq_any(chunk))
            .filter(procedure_versions::decision_date.le(date))
            .select(ProcedureVersion::as_select())
            .load(c))?;
        out.extend(part);
    }
    out.retain(|v| v.current_from() <= date);
    out.sort_by_key(ProcedureVersion::currency_key);
    Ok(out)
}

pub fn versions_by_ids(db: &mut Db<'_>, ids: &[i64]) -> R<Vec<ProcedureVersion>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(500) {
        let part: Vec<ProcedureVersion> = with_db!(db, c => procedure_versions::table
            .filter(procedure_versions::id.eq_any(chunk))
            .select(ProcedureVersion::as_select())
            .load(c))?;
        out.extend(part);
    }
    Ok(out)
}

pub fn insert_version(db: &mut Db<'_>, v: &NewProcedureVersion) -> R<i64> {
    Ok(
        with_db!(db, c => diesel::insert_into(procedure_versions::table)
        .values(v)
        .returning(procedure_versions::id)
        .get_result(c))?,
    )
}

pub fn insert_basis(db: &mut Db<'_>, rows: &[Basis]) -> R<()> {
    for row in rows {
        with_db!(db, c => diesel::insert_into(procedure_basis::table).values(row).execute(c))?;
    }
    Ok(())
}

/// The legal basis of the given versions, each version's in order.
pub fn basis_of(db: &mut Db<'_>, version_ids: &[i64]) -> R<Vec<Basis>> {
    let mut out = Vec::new();
    for chunk in version_ids.chunks(500) {
        let part: Vec<Basis> = with_db!(db, c => procedure_basis::table
            .filter(procedure_basis::version_id.eq_any(chunk))
            .order((procedure_basis::version_id, procedure_basis::ordinal))
            .select(Basis::as_select())
            .load(c))?;
        out.extend(part);
    }
    Ok(out)
}

// ---- postings -------------------------------------------------------------------------------

/// Postings of a procedure at a unit's point (to check overlaps).
pub fn postings_at(
    db: &mut Db<'_>,
    procedure_id: i64,
    unit_id: i64,
    point: &str,
) -> R<Vec<Posting>> {
    Ok(with_db!(db, c => postings::table
        .filter(postings::procedure_id.eq(procedure_id))
        .filter(postings::unit_id.eq(unit_id))
        .filter(postings::point.eq(point))
        .order(postings::from_on)
        .select(Posting::as_select())
        .load(c))?)
}

/// Postings at the given units that started on or before `date` (ended ones included: the
/// check needs the first posting of each version), by unit, procedure and start.
pub fn postings_of_units(db: &mut Db<'_>, unit_ids: &[i64], date: NaiveDate) -> R<Vec<Posting>> {
    let mut out = Vec::new();
    for chunk in unit_ids.chunks(500) {
        let part: Vec<Posting> = with_db!(db, c => postings::table
            .filter(postings::unit_id.eq_any(chunk))
            .filter(postings::from_on.le(date))
            .select(Posting::as_select())
            .load(c))?;
        out.extend(part);
    }
    out.sort_by_key(|p| (p.unit_id, p.procedure_id, p.from_on, p.id));
    Ok(out)
}

/// Postings of a procedure (at any unit) that started on or before `date`.
pub fn postings_of_procedure(
    db: &mut Db<'_>,
    procedure_id: i64,
    date: NaiveDate,
) -> R<Vec<Posting>> {
    Ok(with_db!(db, c => postings::table
        .filter(postings::procedure_id.eq(procedure_id))
        .filter(postings::from_on.le(date))
        .select(Posting::as_select())
        .load(c))?)
}

pub fn insert_posting(db: &mut Db<'_>, p: &NewPosting) -> R<i64> {
    Ok(with_db!(db, c => diesel::insert_into(postings::table)
        .values(p)
        .returning(postings::id)
        .get_result(c))?)
}

/// Sets the last day of a posting (taking it down); the only change a posting accepts.
pub fn end_posting(db: &mut Db<'_>, id: i64, to_on: Option<NaiveDate>) -> R<()> {
    with_db!(db, c => diesel::update(postings::table.find(id))
        .set(postings::to_on.eq(to_on))
        .execute(c))?;
    Ok(())
}

// ---- inspections ----------------------------------------------------------------------------

pub fn inspection_by_key(
    db: &mut Db<'_>,
    unit_id: i64,
    on: NaiveDate,
    inspector: &str,
) -> R<Option<Inspection>> {
    Ok(with_db!(db, c => inspections::table
        .filter(inspections::unit_id.eq(unit_id))
        .filter(inspections::inspected_on.eq(on))
        .filter(inspections::inspector.eq(inspector))
        .select(Inspection::as_select())
        .first(c)
        .optional())?)
}

pub fn inspection_by_id(db: &mut Db<'_>, id: i64) -> R<Option<Inspection>> {
    Ok(with_db!(db, c => inspections::table
        .find(id)
        .select(Inspection::as_select())
        .first(c)
        .optional())?)
}

/// Inspections of a unit, newest first.
pub fn inspections_of(db: &mut Db<'_>, unit_id: i64) -> R<Vec<Inspection>> {
    Ok(with_db!(db, c => inspections::table
        .filter(inspections::unit_id.eq(unit_id))
        .order((inspections::inspected_on.desc(), inspections::id.desc()))
        .select(Inspection::as_select())
        .load(c))?)
}

pub fn insert_inspection(db: &mut Db<'_>, i: &NewInspection) -> R<i64> {
    Ok(with_db!(db, c => diesel::insert_into(inspections::table)
        .values(i)
        .returning(inspections::id)
        .get_result(c))?)
}

pub fn insert_findings(db: &mut Db<'_>, rows: &[Finding]) -> R<()> {
    for row in rows {
        with_db!(db, c => diesel::insert_into(inspection_findings::table).values(row).execute(c))?;
    }
    Ok(())
}

pub fn findings_of(db: &mut Db<'_>, inspection_id: i64) -> R<Vec<Finding>> {
    Ok(with_db!(db, c => inspection_findings::table
        .filter(inspection_findings::inspection_id.eq(inspection_id))
        .select(Finding::as_select())
        .load(c))?)
}

// ---- dossier counts -------------------------------------------------------------------------

pub fn dossier_count(
    db: &mut Db<'_>,
    procedure_id: i64,
    unit_id: i64,
    month: NaiveDate,
) -> R<Option<DossierCount>> {
    Ok(with_db!(db, c => dossier_counts::table
        .find((procedure_id, unit_id, month))
        .select(DossierCount::as_select())
        .first(c)
        .optional())?)
}

pub fn upsert_dossier_count(db: &mut Db<'_>, row: &DossierCount, exists: bool) -> R<()> {
    if exists {
        with_db!(db, c => diesel::update(dossier_counts::table.find((row.procedure_id, row.unit_id, row.month)))
            .set(row)
            .execute(c))?;
    } else {
        with_db!(db, c => diesel::insert_into(dossier_counts::table).values(row).execute(c))?;
    }
    Ok(())
}

/// Dossier counts of the given units for months in `[from, to]`.
pub fn dossier_counts_of(
    db: &mut Db<'_>,
    unit_ids: &[i64],
    from: NaiveDate,
    to: NaiveDate,
) -> R<Vec<DossierCount>> {
    let mut out = Vec::new();
    for chunk in unit_ids.chunks(500) {
        let part: Vec<DossierCount> = with_db!(db, c => dossier_counts::table
            .filter(dossier_counts::unit_id.eq_any(chunk))
            .filter(dossier_counts::month.between(from, to))
            .select(DossierCount::as_select())
            .load(c))?;
        out.extend(part);
    }
    Ok(out)
}

// ---- calendar -------------------------------------------------------------------------------

pub fn calendar_days(db: &mut Db<'_>) -> R<Vec<CalendarDay>> {
    Ok(with_db!(db, c => calendar_days::table
        .order(calendar_days::day)
        .select(CalendarDay::as_select())
        .load(c))?)
}

pub fn calendar_day(db: &mut Db<'_>, day: NaiveDate) -> R<Option<CalendarDay>> {
    Ok(with_db!(db, c => calendar_days::table
        .find(day)
        .select(CalendarDay::as_select())
        .first(c)
        .optional())?)
}

pub fn upsert_calendar_day(db: &mut Db<'_>, row: &CalendarDay, exists: bool) -> R<()> {
    if exists {
        with_db!(db, c => diesel::update(calendar_days::table.find(row.day)).set(row).execute(c))?;
    } else {
        with_db!(db, c => diesel::insert_into(calendar_days::table).values(row).execute(c))?;
    }
    Ok(())
}

/// The built-in calendar with the stored overrides applied.
pub fn calendar(db: &mut Db<'_>) -> R<crate::domain::calendar::Calendar> {
    let overrides: Vec<crate::domain::calendar::Override> = calendar_days(db)?
        .into_iter()
        .map(|d| crate::domain::calendar::Override {
            date: d.day,
            working: d.working,
            note: d.note,
        })
        .collect();
    Ok(crate::domain::calendar::Calendar::vietnam().with_overrides(&overrides))
}

// ---- the export ------------------------------------------------------------------------------

/// Every posting, in the order written.
pub fn all_postings(db: &mut Db<'_>) -> R<Vec<Posting>> {
    Ok(with_db!(db, c => postings::table
        .order(postings::id)
        .select(Posting::as_select())
        .load(c))?)
}

/// Every inspection, in the order written.
pub fn all_inspections(db: &mut Db<'_>) -> R<Vec<Inspection>> {
    Ok(with_db!(db, c => inspections::table
        .order(inspections::id)
        .select(Inspection::as_select())
        .load(c))?)
}

/// Every dossier count, by procedure, unit and month.
pub fn all_dossier_counts(db: &mut Db<'_>) -> R<Vec<DossierCount>> {
    Ok(with_db!(db, c => dossier_counts::table
        .order((dossier_counts::procedure_id, dossier_counts::unit_id, dossier_counts::month))
        .select(DossierCount::as_select())
        .load(c))?)
}
