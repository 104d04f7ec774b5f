//! The review pages' forms as they are posted. Fields that may repeat (checkboxes,
//! multi-selects) are read pair by pair, in order, by `FromFields::take`; the other forms are
//! plain `Deserialize` structs. Every field arrives as text: what cannot be read (a number
//! that is not one, a missing `version`) is refused after extraction, so the page can be
//! shown again with the reason.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{Deserializer, MapAccess, Visitor};
use serde::Deserialize;

use crate::app::review::{StageFilter, StateFilter};

/// A form read field by field, repeats kept in order; unknown fields (the CSRF token,
/// buttons) are ignored by `take`.
pub(crate) trait FromFields: Default {
    fn take(&mut self, key: &str, value: String);
}

/// `Deserialize` for a `FromFields` form: the pairs of the body, in order.
pub(crate) fn fields<'de, D: Deserializer<'de>, T: FromFields>(d: D) -> Result<T, D::Error> {
    struct Pairs<T>(PhantomData<T>);
    impl<'de, T: FromFields> Visitor<'de> for Pairs<T> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("the fields of a form")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
            let mut form = T::default();
            while let Some((k, v)) = map.next_entry::<String, String>()? {
                form.take(&k, v);
            }
            Ok(form)
        }
    }
    d.deserialize_map(Pairs(PhantomData))
}

/// The filters of the campaign page (`?officer=3&state=approved&stage=waiting&page=2`).
/// A page that is not a number shows the first page, as the page links never make one.
#[derive(Debug, Default, Deserialize)]
pub struct ViewQuery {
    #[serde(default)]
    pub page: Option<String>,
    #[serde(default)]
    pub officer: String,
    #[serde(default)]
    pub state: StateFilter,
    #[serde(default)]
    pub stage: StageFilter,
}

/// A form acting on a decision: approve, return (with `comment`). `version` is the decision's
/// version on the page it came from (the optimistic lock); read by `form_version`.
#[derive(Debug, Default, Deserialize)]
pub struct DecisionForm {
    #[serde(default)]
    pub version: Option<String>,
    #[serde(default)]
    pub comment: String,
    /// `1` once the confirmation page was answered "Xác nhận"; otherwise that page is shown.
    #[serde(default)]
    pub confirm: String,
}

/// The form that records a handling stage of a decision.
#[derive(Debug, Default, Deserialize)]
pub struct StageForm {
    #[serde(default)]
    pub version: Option<String>,
    #[serde(default)]
    pub stage: String,
    #[serde(default)]
    pub date: String,
    #[serde(default)]
    pub paper: String,
    #[serde(default)]
    pub agency: String,
}

/// The form that closes a decision with its handling document (number, and the authority
/// when several use the same number).
#[derive(Debug, Default, Deserialize)]
pub struct CloseForm {
    #[serde(default)]
    pub version: Option<String>,
    #[serde(default)]
    pub number: String,
    #[serde(default)]
    pub authority: String,
    /// `1` once the confirmation page was answered "Xác nhận".
    #[serde(default)]
    pub confirm: String,
}

/// The proposal form: a first proposal, one made again after a return, or a correction.
#[derive(Debug, Default, Deserialize)]
pub struct ProposalForm {
    #[serde(default)]
    pub document_id: String,
    #[serde(default)]
    pub supersedes_id: String,
    #[serde(default)]
    pub kind: String,
    /// A checkbox: `on` when checked.
    #[serde(default)]
    pub partial: String,
    /// Provisions separated by commas or semicolons.
    #[serde(default)]
    pub provisions: String,
    #[serde(default)]
    pub ground: String,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub effective_on: String,
}

/// The assignment form: the checked documents (repeated `documents`) and the officer chosen
/// (an id, or `none` to unassign).
#[derive(Debug, Default)]
pub struct AssignForm {
    pub documents: Vec<String>,
    pub officer: String,
}

impl FromFields for AssignForm {
    fn take(&mut self, key: &str, value: String) {
        let v = value.trim().to_string();
        match key {
            "documents" => self.documents.push(v),
            "officer" => self.officer = v,
            _ => {}
        }
    }
}

impl<'de> Deserialize<'de> for AssignForm {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        fields(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(
        p: &[(&str, &str)],
    ) -> serde::de::value::MapDeserializer<
        'static,
        std::vec::IntoIter<(String, String)>,
        serde::de::value::Error,
    > {
        let v: Vec<(String, String)> = p
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        serde::de::value::MapDeserializer::new(v.into_iter())
    }

    #[test]
    fn the_assignment_form_keeps_every_checked_document_in_order() {
        let f = AssignForm::deserialize(pairs(&[
            ("csrf", "t"),
            ("documents", " 7 "),
            ("documents", "3"),
            ("officer", "none"),
        ]))
        .unwrap();
        assert_eq!(f.documents, ["7", "3"]);
        assert_eq!(f.officer, "none");
    }

    #[test]
    fn a_decision_form_without_version_reads_as_none() {
        let f = DecisionForm::deserialize(pairs(&[("comment", "x")])).unwrap();
        assert_eq!(f.version, None);
        assert_eq!(f.comment, "x");
    }
}
