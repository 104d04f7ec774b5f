//! The forms of the counter as they are posted, read field by field: the postings checklist
//! (the action, the date and place, and one `pick` field per ticked procedure — a repeated
//! field) and the dossier counts sheet (the month, and `received:{code}`, `on_time:{code}`,
//! `online:{code}` per procedure — the codes are the field names).

use std::fmt;

use serde::de::{Deserialize, Deserializer, Error, MapAccess, Visitor};

use crate::procedures::counter::counts::{Figure, SheetInput};
use crate::procedures::counter::{PostingAction, PostingInput, PostingPoint};

/// What the checklist form sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostingsForm(pub PostingInput);

impl<'de> Deserialize<'de> for PostingsForm {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Fields;
        impl<'de> Visitor<'de> for Fields {
            type Value = PostingsForm;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("the fields of the postings checklist form")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<PostingsForm, A::Error> {
                let mut action = None;
                let mut point = None;
                let mut date = String::new();
                let mut picks = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, String>()? {
                    match k.as_str() {
                        "action" => {
                            action = Some(PostingAction::parse(v.trim()).ok_or_else(|| {
                                A::Error::custom(format!("việc cần làm «{v}» không hợp lệ"))
                            })?);
                        }
                        "point" => {
                            point = Some(PostingPoint::parse(v.trim()).ok_or_else(|| {
                                A::Error::custom(format!("nơi niêm yết «{v}» không hợp lệ"))
                            })?);
                        }
                        "date" => date = v,
                        "pick" => picks.push(v),
                        // The CSRF token.
                        _ => {}
                    }
                }
                Ok(PostingsForm(PostingInput {
                    action: action.ok_or_else(|| A::Error::missing_field("action"))?,
                    date,
                    point: point.unwrap_or(PostingPoint::Reception),
                    picks,
                }))
            }
        }
        d.deserialize_map(Fields)
    }
}

/// What the dossier counts form sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountsForm(pub SheetInput);

impl<'de> Deserialize<'de> for CountsForm {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Fields;
        impl<'de> Visitor<'de> for Fields {
            type Value = CountsForm;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("the fields of the dossier counts form")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<CountsForm, A::Error> {
                let mut input = SheetInput::default();
                while let Some((k, v)) = map.next_entry::<String, String>()? {
                    if k == "month" {
                        input.month = v;
                        continue;
                    }
                    let Some((prefix, code)) = k.split_once(':') else {
                        // The CSRF token.
                        continue;
                    };
                    let Some(i) = Figure::ALL.iter().position(|f| f.code() == prefix) else {
                        continue;
                    };
                    input.typed.entry(code.trim().to_string()).or_default()[i] = v;
                }
                Ok(CountsForm(input))
            }
        }
        d.deserialize_map(Fields)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(pairs: &[(&str, &str)]) -> Result<PostingsForm, serde::de::value::Error> {
        let pairs = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string()));
        let d = serde::de::value::MapDeserializer::<_, serde::de::value::Error>::new(pairs);
        PostingsForm::deserialize(d)
    }

    #[test]
    fn repeated_picks_are_kept_in_order() {
        let f = parse(&[
            ("csrf_token", "x"),
            ("action", "post"),
            ("pick", "1.002"),
            ("date", "2026-03-01"),
            ("pick", "1.001"),
            ("point", "portal"),
        ])
        .unwrap()
        .0;
        assert_eq!(f.action, PostingAction::Post);
        assert_eq!(f.point, PostingPoint::Portal);
        assert_eq!(f.date, "2026-03-01");
        assert_eq!(f.picks, vec!["1.002", "1.001"]);
    }

    #[test]
    fn the_place_defaults_to_the_one_stop_office_and_a_bad_code_is_refused() {
        let f = parse(&[("action", "post_all")]).unwrap().0;
        assert_eq!(f.point, PostingPoint::Reception);
        assert!(f.picks.is_empty());
        assert!(parse(&[("action", "delete")]).is_err());
        assert!(parse(&[("action", "post"), ("point", "wall")]).is_err());
        assert!(parse(&[("pick", "1.001")]).is_err());
    }

    #[test]
    fn counts_are_read_by_procedure_and_figure() {
        let pairs = [
            ("csrf_token", "x"),
            ("month", "2025-10"),
            ("received:1.001", "10"),
            ("online:1.001", "2"),
            ("on_time:1.002", "1"),
            ("other:1.003", "9"),
        ]
        .map(|(k, v)| (k.to_string(), v.to_string()));
        let d =
            serde::de::value::MapDeserializer::<_, serde::de::value::Error>::new(pairs.into_iter());
        let f = CountsForm::deserialize(d).unwrap().0;
        assert_eq!(f.month, "2025-10");
        assert_eq!(f.typed.len(), 2);
        assert_eq!(
            f.typed["1.001"],
            ["10".to_string(), String::new(), "2".to_string()]
        );
        assert_eq!(
            f.typed["1.002"],
            [String::new(), "1".to_string(), String::new()]
        );
    }
}
