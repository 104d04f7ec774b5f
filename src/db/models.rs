//! Row structs (what a query returns) and insertables (what a write takes), one pair per table.

use chrono::NaiveDate;
use diesel::prelude::*;

use super::schema::*;
use super::stored::{self, At, Corrupt, JsonColumn};
use crate::domain::kinds::{AuthorityKind, EffectKind, UnitLevel};
use crate::domain::structure::NodeKind;

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = units)]
pub struct Unit {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub level: String,
    pub parent_id: Option<i64>,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
}

impl Unit {
    /// The level (cấp); an unknown stored code is an error naming the row.
    pub fn level_stored(&self) -> Result<UnitLevel, Corrupt> {
        stored::code(
            &self.level,
            At::new("units", &self.id, "level"),
            UnitLevel::parse,
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Insertable, AsChangeset, serde::Serialize)]
#[diesel(table_name = units, treat_none_as_null = true, treat_none_as_default_value = false)]
pub struct NewUnit {
    pub code: String,
    pub name: String,
    pub level: String,
    pub parent_id: Option<i64>,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable, serde::Serialize)]
#[diesel(table_name = unit_successions)]
pub struct UnitSuccession {
    pub predecessor_id: i64,
    pub successor_id: i64,
    pub effective_on: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = authorities)]
pub struct Authority {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub kind: String,
    pub unit_id: Option<i64>,
}

impl Authority {
    /// The kind of authority; an unknown stored code is an error naming the row.
    pub fn kind_stored(&self) -> Result<AuthorityKind, Corrupt> {
        let at = At::new("authorities", &self.id, "kind");
        stored::code(&self.kind, at, AuthorityKind::parse)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Insertable, AsChangeset, serde::Serialize)]
#[diesel(table_name = authorities, treat_none_as_null = true, treat_none_as_default_value = false)]
pub struct NewAuthority {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub unit_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = documents)]
pub struct Document {
    pub id: i64,
    pub authority_id: i64,
    pub doc_type: String,
    pub number: String,
    pub number_key: String,
    pub title: String,
    pub fields: String,
    pub signer: String,
    pub signer_position: String,
    pub issued_on: NaiveDate,
    pub effective_on: NaiveDate,
    pub end_on: Option<NaiveDate>,
    pub gazette: Option<String>,
    pub full_text: String,
    pub preamble: String,
    /// A legal normative document (văn bản quy phạm pháp luật); see `domain::issuers`.
    pub normative: bool,
    /// Where it was issued (địa danh).
    pub place: Option<String>,
    /// The signer's own capacity (`domain::signing::SigningCapacity` code).
    pub signing_capacity: Option<String>,
    /// The capacity lines as written (`TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH`).
    pub signing_for: Option<String>,
}

impl Document {
    /// The fields (lĩnh vực); a corrupt stored list is an error naming the row.
    pub fn fields_stored(&self) -> Result<Vec<String>, Corrupt> {
        let at = At::new("documents", &self.id, "fields");
        JsonColumn::stored(self.fields.clone()).decode(at)
    }
}

/// A document without its full text, for lists and status computation.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = documents)]
pub struct DocumentSummary {
    pub id: i64,
    pub authority_id: i64,
    pub doc_type: String,
    pub number: String,
    pub title: String,
    pub issued_on: NaiveDate,
    pub effective_on: NaiveDate,
    pub end_on: Option<NaiveDate>,
    pub normative: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Insertable, AsChangeset)]
#[diesel(table_name = documents, treat_none_as_null = true, treat_none_as_default_value = false)]
pub struct NewDocument {
    pub authority_id: i64,
    pub doc_type: String,
    pub number: String,
    pub number_key: String,
    pub title: String,
    pub fields: String,
    pub signer: String,
    pub signer_position: String,
    pub issued_on: NaiveDate,
    pub effective_on: NaiveDate,
    pub end_on: Option<NaiveDate>,
    pub gazette: Option<String>,
    pub full_text: String,
    pub preamble: String,
    pub normative: bool,
    pub place: Option<String>,
    pub signing_capacity: Option<String>,
    pub signing_for: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = provisions)]
pub struct Provision {
    pub document_id: i64,
    pub key: String,
    pub ordinal: i32,
    pub kind: String,
    pub label: String,
    pub parent_key: Option<String>,
    pub heading: String,
    pub body: String,
}

impl Provision {
    /// The kind of node (chương, mục, điều, khoản, điểm); an unknown stored code is an error
    /// naming the row (`document/key`).
    pub fn kind_stored(&self) -> Result<NodeKind, Corrupt> {
        let row = format!("{}/{}", self.document_id, self.key);
        stored::code(
            &self.kind,
            At::new("provisions", &row, "kind"),
            NodeKind::parse,
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Insertable)]
#[diesel(table_name = provisions, treat_none_as_default_value = false)]
pub struct NewProvision {
    pub document_id: i64,
    pub key: String,
    pub ordinal: i32,
    pub kind: String,
    pub label: String,
    pub parent_key: Option<String>,
    pub heading: String,
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = effects)]
pub struct Effect {
    pub id: i64,
    pub acting_id: i64,
    pub target_id: i64,
    pub kind: String,
    pub provisions: String,
    pub effective_on: NaiveDate,
    pub until_on: Option<NaiveDate>,
    pub note: Option<String>,
}

impl Effect {
    /// How it acts; an unknown stored code is an error naming the row.
    pub fn kind_stored(&self) -> Result<EffectKind, Corrupt> {
        stored::code(
            &self.kind,
            At::new("effects", &self.id, "kind"),
            EffectKind::parse,
        )
    }

    /// The provisions acted on; a corrupt stored list is an error naming the row.
    pub fn provisions_stored(&self) -> Result<Vec<String>, Corrupt> {
        let at = At::new("effects", &self.id, "provisions");
        JsonColumn::stored(self.provisions.clone()).decode(at)
    }
}

/// An effect read strictly: its kind and the provisions it acts on (empty: the whole
/// document) checked when read, so no reader can take a corrupt one for "the whole document"
/// or skip one it does not know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEffect {
    /// The row's id; negative for a declared expiry (minus the review decision's number).
    pub id: i64,
    pub acting_id: i64,
    pub target_id: i64,
    pub kind: EffectKind,
    pub provisions: Vec<String>,
    pub effective_on: NaiveDate,
    pub until_on: Option<NaiveDate>,
    pub note: Option<String>,
}

impl TryFrom<Effect> for StoredEffect {
    type Error = Corrupt;

    fn try_from(e: Effect) -> Result<StoredEffect, Corrupt> {
        Ok(StoredEffect {
            kind: e.kind_stored()?,
            provisions: e.provisions_stored()?,
            id: e.id,
            acting_id: e.acting_id,
            target_id: e.target_id,
            effective_on: e.effective_on,
            until_on: e.until_on,
            note: e.note,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Insertable, AsChangeset, serde::Serialize)]
#[diesel(table_name = effects, treat_none_as_null = true, treat_none_as_default_value = false)]
pub struct NewEffect {
    pub acting_id: i64,
    pub target_id: i64,
    pub kind: String,
    pub provisions: String,
    pub effective_on: NaiveDate,
    pub until_on: Option<NaiveDate>,
    pub note: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn effect(kind: &str, provisions: &str) -> Effect {
        Effect {
            id: 42,
            acting_id: 1,
            target_id: 2,
            kind: kind.into(),
            provisions: provisions.into(),
            effective_on: NaiveDate::default(),
            until_on: None,
            note: None,
        }
    }

    #[test]
    fn an_effect_is_read_strictly_or_names_its_row() {
        let e = StoredEffect::try_from(effect("amend", r#"["dieu-2/khoan-1"]"#)).unwrap();
        assert_eq!(
            (e.kind, e.provisions),
            (EffectKind::Amend, vec!["dieu-2/khoan-1".to_string()])
        );
        let e = StoredEffect::try_from(effect("abrogate", "[]")).unwrap_err();
        assert_eq!(
            (e.table, e.row.as_str(), e.column),
            ("effects", "42", "kind")
        );
        let e = StoredEffect::try_from(effect("repeal", "[\"dieu-1\",")).unwrap_err();
        assert_eq!(
            (e.table, e.row.as_str(), e.column),
            ("effects", "42", "provisions")
        );
    }
}
