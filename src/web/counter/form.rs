//! The postings checklist form as it is posted: the action, the date and place, and one `pick`
//! field per ticked procedure (a repeated field, so the form is read field by field).

use std::fmt;

use serde::de::{Deserialize, Deserializer, Error, MapAccess, Visitor};

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
}
