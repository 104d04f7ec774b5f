//! The effects form of an existing document (the acting document): the target found by
//! number, its provisions as a tree to tick, and the effect written as one `effect` record
//! through the same path as the new-document form.

use std::fmt;

use serde::de::{Deserialize, Deserializer, Error as _, MapAccess, Visitor};
use serde::Serialize;

use super::form::{EffectDraft, FieldErrors};
use super::resolve::{self, Candidate};
use super::save::{self, Records};
use crate::db::{queries, Db};
use crate::domain::structure::node_label;
use crate::error::AppError;
use crate::exchange::records::{DocumentRef, Record};

/// The effects form as posted: the effect's fields, the provisions ticked (`provision`, one
/// field per box) and the button pressed.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
pub struct EffectForm {
    pub action: String,
    pub target: String,
    pub kind: String,
    pub provisions: Vec<String>,
    pub effective_on: String,
    pub until: String,
    pub note: String,
    pub wording: String,
}

impl EffectForm {
    fn take(&mut self, key: &str, value: String) -> Result<(), String> {
        let v = value.trim().to_string();
        match key {
            "csrf_token" => {}
            "action" => self.action = v,
            "target" => self.target = v,
            "kind" => self.kind = v,
            "provision" if !v.is_empty() => self.provisions.push(v),
            "provision" => {}
            "effective_on" => self.effective_on = v,
            "until" => self.until = v,
            "note" => self.note = v,
            "wording" => self.wording = value.trim_end().to_string(),
            _ => return Err(format!("trường «{key}» không thuộc biểu mẫu")),
        }
        Ok(())
    }

    /// The effect as the new-document form holds one (the provisions are keys).
    pub fn draft(&self) -> EffectDraft {
        EffectDraft {
            include: true,
            kind: self.kind.clone(),
            target_number: String::new(),
            target: self.target.clone(),
            provisions: self.provisions.join("; "),
            effective_on: self.effective_on.clone(),
            until: self.until.clone(),
            note: self.note.clone(),
            wording: self.wording.clone(),
            line: 0,
        }
    }
}

impl<'de> Deserialize<'de> for EffectForm {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = EffectForm;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("the fields of the effects form")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<EffectForm, A::Error> {
                let mut form = EffectForm::default();
                while let Some((k, v)) = m.next_entry::<String, String>()? {
                    form.take(&k, v).map_err(A::Error::custom)?;
                }
                Ok(form)
            }
        }
        d.deserialize_map(V)
    }
}

/// One provision of the target as a box to tick, with the provisions inside it.
#[derive(Debug, Clone, Serialize)]
pub struct ProvisionNode {
    pub key: String,
    /// `Điều 5. Mức hỗ trợ`, `1.`, `a)` and the start of its wording.
    pub label: String,
    pub checked: bool,
    pub children: Vec<ProvisionNode>,
}

/// The target's provisions as a tree (chương → mục → điều → khoản → điểm), `ticked` checked.
pub fn provision_tree(
    db: &mut Db<'_>,
    target: i64,
    ticked: &[String],
) -> Result<Vec<ProvisionNode>, AppError> {
    let rows = queries::provisions_of(db, target)?;
    let mut nodes: Vec<(Option<String>, ProvisionNode)> = Vec::new();
    for p in &rows {
        let kind = p.kind_stored().map_err(crate::db::DbError::from)?;
        let mut label = node_label(kind, &p.label);
        let words: String = if p.heading.is_empty() {
            p.body.chars().take(80).collect()
        } else {
            p.heading.clone()
        };
        if !words.is_empty() {
            label = format!("{label} {words}");
        }
        nodes.push((
            p.parent_key.clone(),
            ProvisionNode {
                key: p.key.clone(),
                label,
                checked: ticked.contains(&p.key),
                children: Vec::new(),
            },
        ));
    }
    // Children come after their parent: attach from the end.
    while let Some(i) = (0..nodes.len()).rev().find(|i| nodes[*i].0.is_some()) {
        let (parent, node) = nodes.remove(i);
        match nodes
            .iter_mut()
            .find(|(_, n)| Some(&n.key) == parent.as_ref())
        {
            Some((_, p)) => p.children.insert(0, node),
            None => nodes.insert(i, (None, node)),
        }
    }
    Ok(nodes.into_iter().map(|(_, n)| n).collect())
}

/// Everything the effects form shows.
#[derive(Debug, Clone, Serialize)]
pub struct EffectPage {
    pub acting: Candidate,
    pub q: String,
    /// `q` percent-encoded for the links of the candidates.
    pub q_url: String,
    /// Documents whose number contains `q`.
    pub found: Vec<Candidate>,
    pub target: Option<Candidate>,
    pub tree: Vec<ProvisionNode>,
    pub form: EffectForm,
    pub errors: FieldErrors,
    /// No field of this form comes from a file (the shared field macro asks).
    pub no_lines: std::collections::BTreeMap<String, usize>,
}

/// The form for the acting document `acting`, searching `q`, with `form.target` chosen.
pub fn page(
    db: &mut Db<'_>,
    acting: i64,
    q: &str,
    form: EffectForm,
) -> Result<EffectPage, AppError> {
    let Some(acting) = resolve::candidate(db, acting)? else {
        return Err(AppError::NotFound(format!(
            "Không có văn bản mã số {acting}."
        )));
    };
    let found = resolve::search(db, q, 20)?
        .into_iter()
        .filter(|c| c.id != acting.id)
        .collect();
    let target = match form.target.parse::<i64>() {
        Ok(id) if id != acting.id => resolve::candidate(db, id)?,
        _ => None,
    };
    let tree = match &target {
        Some(t) => provision_tree(db, t.id, &form.provisions)?,
        None => Vec::new(),
    };
    Ok(EffectPage {
        acting,
        q: q.trim().to_string(),
        q_url: percent_encoding::utf8_percent_encode(q.trim(), percent_encoding::NON_ALPHANUMERIC)
            .to_string(),
        found,
        target,
        tree,
        form,
        errors: FieldErrors::new(),
        no_lines: std::collections::BTreeMap::new(),
    })
}

/// The effect's record, or the errors of the form's fields (named without a prefix).
pub fn records(db: &mut Db<'_>, p: &EffectPage) -> Result<Result<Records, FieldErrors>, AppError> {
    let acting = DocumentRef {
        authority: p.acting.authority.clone(),
        number: p.acting.number.clone(),
    };
    let mut errors = FieldErrors::new();
    let record = save::effect_record(db, &acting, &p.form.draft(), "e", &mut errors)?;
    let Some(r) = record.filter(|_| errors.is_empty()) else {
        return Ok(Err(unprefixed(errors)));
    };
    Ok(Ok(save::to_records(
        &[Record::Effect(r)],
        vec!["e".into()],
        Some(acting),
    )?))
}

/// Errors named `e.{field}` as the effects form names its fields.
pub fn unprefixed(errors: FieldErrors) -> FieldErrors {
    errors
        .into_iter()
        .map(|(k, v)| (k.strip_prefix("e.").unwrap_or(&k).to_string(), v))
        .collect()
}
