//! Row structs (what a query returns) and insertables (what a write takes), one pair per table.

use chrono::NaiveDate;
use diesel::prelude::*;

use super::schema::*;
use super::stored::{At, Corrupt, JsonColumn};

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
}

impl Document {
    pub fn field_list(&self) -> Vec<String> {
        serde_json::from_str(&self.fields).unwrap_or_default()
    }

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
    pub fn provision_keys(&self) -> Vec<String> {
        serde_json::from_str(&self.provisions).unwrap_or_default()
    }

    /// The provisions acted on; a corrupt stored list is an error naming the row.
    pub fn provisions_stored(&self) -> Result<Vec<String>, Corrupt> {
        let at = At::new("effects", &self.id, "provisions");
        JsonColumn::stored(self.provisions.clone()).decode(at)
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
